"""The supplier portal: a link opens a session; the supplier sees its own requests, confirms
its contact and acknowledges the sourcing policy (docs/portal.md).

Every page here derives from :class:`PortalPage`: no live portal session (or a staff
session) answers the one neutral page, and an object outside the supplier's scope answers
the same page, so nothing can be told apart or enumerated. Uploads and findings are in
``portal_answers``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.i18n import set_language

from oretrace.registry.models import SupplierRequest
from oretrace.registry.services import portal_attempts, portal_events, portal_tokens, submissions
from oretrace.registry.services.findings_text import severity_word
from oretrace.registry.services.portal import (
    ContactDetails,
    PortalScope,
    acknowledge_policy,
    acknowledgement_of,
    confirm_contacts,
    contact_details,
    policy_document,
    remember_locale,
    requests_for,
    supplier_actor,
)
from oretrace.registry.services.profile import load_profile
from oretrace.web.portal_session import (
    client_ip,
    close_session,
    neutral_page,
    open_session,
    portal_scope,
)


class PortalPage(View):
    """A portal page: needs a live portal session; out of scope looks like no session."""

    template_name: ClassVar[str] = ""
    scope: PortalScope

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        scope = portal_scope(request)
        if scope is None:
            return neutral_page(request)
        self.scope = scope
        try:
            return super().dispatch(request, *args, **kwargs)
        except Http404:
            return neutral_page(request)

    def supplier_request(self) -> SupplierRequest:
        return get_object_or_404(requests_for(self.scope), pk=self.kwargs["pk"])

    def render(self, context: dict[str, Any], template: str | None = None) -> HttpResponse:
        base = {"portal_scope": self.scope, "organisation": load_profile().legal_name}
        return TemplateResponse(self.request, template or self.template_name, base | context)


class AccessPage(View):
    """``/portal/access/<token>/``: a live link opens a session; anything else, one page."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        ip = client_ip(request)
        if portal_attempts.refused(ip):
            return TemplateResponse(request, "portal/too_many.html", {}, status=429)
        access = portal_tokens.find_access(token)
        if access is None:
            portal_attempts.record_failure(ip)
            return neutral_page(request)
        portal_events.record_open(access)
        open_session(request, access)
        return redirect("portal-request", pk=access.request_id)


class RequestsPage(PortalPage):
    """``/portal/``: the supplier's open requests."""

    template_name = "portal/requests.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        rows = list(requests_for(self.scope))
        if len(rows) == 1:
            return redirect("portal-request", pk=rows[0].pk)
        return self.render({"requests": rows})


def answers_of(supplier_request: SupplierRequest) -> dict[str, Any]:
    """The files submitted for a request, whether any is still being read, and the answer."""
    views = submissions.for_request(supplier_request)
    return {
        "submissions": views,
        "pending": any(v.state in ("queued", "processing") for v in views),
        "answer": submissions.answer_state(supplier_request),
        "severity_words": {s: severity_word(s) for s in ("error", "warning", "info")},
        "upload_limit_mb": int(settings.ORETRACE_UPLOAD_MAX_FILE_BYTES) // 2**20,
        "blank_template_url": reverse("portal-template", args=[supplier_request.pk]),
    }


class RequestPage(PortalPage):
    """One request: what is asked, by when, how far the answer got; the upload form."""

    template_name = "portal/request.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.page(self.supplier_request())

    def page(self, supplier_request: SupplierRequest, **extra: Any) -> HttpResponse:
        policy = policy_document()
        return self.render(
            {
                "supplier_request": supplier_request,
                "others": requests_for(self.scope).exclude(pk=supplier_request.pk),
                "contact": contact_details(supplier_request),
                "policy": policy,
                "acknowledgement": acknowledgement_of(supplier_request, policy)
                if policy.stated
                else None,
                **answers_of(supplier_request),
                **extra,
            }
        )


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    role = forms.CharField(label=_("Role"), max_length=100, required=False)


class ContactsPage(PortalPage):
    """Confirm or correct the contact who answers for the supplier."""

    template_name = "portal/contacts.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        supplier_request = self.supplier_request()
        details = contact_details(supplier_request)
        form = ContactForm(
            initial={"name": details.name, "email": details.email, "role": details.role}
        )
        return self.render({"supplier_request": supplier_request, "form": form})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        supplier_request = self.supplier_request()
        form = ContactForm(request.POST)
        if not form.is_valid():
            return self.render({"supplier_request": supplier_request, "form": form})
        data = form.cleaned_data
        confirm_contacts(
            supplier_request,
            ContactDetails(data["name"].strip(), data["email"].strip(), data["role"].strip()),
            supplier_actor(supplier_request),
        )
        return redirect(reverse("portal-request", args=[supplier_request.pk]) + "#contact")


class PolicyForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=255)
    email = forms.EmailField(label=_("Your e-mail"), max_length=254)
    agree = forms.BooleanField(
        label=_("I have read the policy and acknowledge it on behalf of my company.")
    )


class PolicyPage(PortalPage):
    """Read and acknowledge the company's sourcing policy (who, when, from where)."""

    template_name = "portal/policy.html"

    def context(self, supplier_request: SupplierRequest, form: PolicyForm) -> dict[str, Any]:
        policy = policy_document()
        return {
            "supplier_request": supplier_request,
            "policy": policy,
            "acknowledgement": acknowledgement_of(supplier_request, policy),
            "form": form,
        }

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        supplier_request = self.supplier_request()
        details = contact_details(supplier_request)
        form = PolicyForm(initial={"name": details.name, "email": details.email})
        return self.render(self.context(supplier_request, form))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        supplier_request = self.supplier_request()
        policy = policy_document()
        form = PolicyForm(request.POST)
        if not policy.stated or not form.is_valid():
            return self.render(self.context(supplier_request, form))
        acknowledge_policy(
            supplier_request,
            policy,
            name=form.cleaned_data["name"].strip(),
            email=form.cleaned_data["email"].strip(),
            ip=client_ip(request) if client_ip(request) != "unknown" else None,
            user_agent=request.headers.get("User-Agent", ""),
            actor=supplier_actor(supplier_request),
        )
        return redirect(reverse("portal-request", args=[supplier_request.pk]) + "#policy")


def safe_next(request: HttpRequest, fallback: str) -> str:
    """``next`` when it is a path on this site; ``fallback`` otherwise."""
    wanted = request.POST.get("next", "")
    if (
        wanted.startswith("/")
        and not wanted.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return wanted
    return fallback


class LanguagePage(View):
    """Switch the language (Django's ``set_language``, POST) with a same-site ``next`` only;
    a portal session also stores it on its requests, so e-mails follow."""

    def post(self, request: HttpRequest) -> HttpResponse:
        fallback = reverse("portal-home")
        post = request.POST.copy()
        post["next"] = safe_next(request, fallback)
        request.POST = post  # type: ignore[assignment]
        response = set_language(request)
        language = request.POST.get("language", "")
        scope = portal_scope(request)
        if scope is not None and language and check_for_language(language):
            remember_locale(scope, language)
        return response


class LeavePage(View):
    """End the portal session (the link still works until it expires)."""

    def post(self, request: HttpRequest) -> HttpResponse:
        close_session(request)
        return TemplateResponse(request, "portal/left.html", {})


urlpatterns = [
    path("portal/", RequestsPage.as_view(), name="portal-home"),
    path("portal/access/<str:token>/", AccessPage.as_view(), name="portal-access"),
    path("portal/requests/<int:pk>/", RequestPage.as_view(), name="portal-request"),
    path("portal/requests/<int:pk>/contacts/", ContactsPage.as_view(), name="portal-contacts"),
    path("portal/requests/<int:pk>/policy/", PolicyPage.as_view(), name="portal-policy"),
    path("portal/language/", LanguagePage.as_view(), name="portal-language"),
    path("portal/leave/", LeavePage.as_view(), name="portal-leave"),
]
