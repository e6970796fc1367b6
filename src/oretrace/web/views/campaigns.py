"""Campaigns: the list, a create form, and one campaign's progress with the follow-up
actions per supplier (resend, extend, revoke the links) and for the campaign (send, extend,
close). Thin: every figure comes from ``campaign_progress``, every change from the audited
campaign services. Officers see their group companies' campaigns; others answer 404. The
figures refresh themselves every 30 s (htmx) while the page is open."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path

from oretrace.registry.models import Campaign, GroupCompany, SupplierRequest
from oretrace.registry.services import campaigns, submissions
from oretrace.registry.services.campaign_progress import campaign_progress
from oretrace.registry.services.periods import default_year
from oretrace.registry.services.scope import Permission, StaffScope, group_companies_for
from oretrace.registry.services.uploads import UploadedFile, UploadError
from oretrace.web.views.base import ActionPage, DetailPage, StaffPage, in_navigation, is_htmx

STATES = (
    "not invited",
    "invited",
    "opened",
    "overdue",
    "unreadable file",
    "responded",
    "with findings",
    "valid",
)


class CampaignForm(forms.Form):
    name = forms.CharField(max_length=200)
    period = forms.IntegerField(min_value=2000, max_value=2100)
    due_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Due")
    group_company: forms.ModelChoiceField[GroupCompany] = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="whole group"
    )
    suppliers = forms.FileField(
        required=False,
        help_text="CSV/XLSX with a supplier, unique_id or name column; empty: every supplier "
        "of the group company",
    )
    template_family = forms.ChoiceField(
        choices=[(f, f) for f in ("CMRT", "EMRT", "CRT", "AMRT")], label="Template"
    )
    minimum_revision = forms.CharField(max_length=10, required=False)
    message = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    reminders = forms.CharField(
        initial="14,7,0,-7", help_text="days before the due date; negative: after it"
    )

    def __init__(self, *args: Any, scope: StaffScope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["group_company"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = group_companies_for(scope)
        if not scope.whole_group:
            field.required, field.empty_label = True, None

    def clean_reminders(self) -> list[int]:
        text = str(self.cleaned_data["reminders"])
        try:
            return [int(part) for part in text.split(",") if part.strip()]
        except ValueError as exc:
            raise forms.ValidationError("whole numbers of days separated by commas") from exc


class DueForm(forms.Form):
    due_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


@in_navigation("Campaigns", "campaigns", order=62)
class CampaignsPage(StaffPage):
    permission = Permission.CAMPAIGNS
    template_name = "web/campaigns.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render(
            {"campaigns": campaigns.listed(self.scope), "can_act": self.scope.can(Permission.ACT)}
        )


class CampaignCreatePage(StaffPage):
    permission = Permission.ACT
    template_name = "web/campaign_create.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        initial = {"period": default_year(), "due_on": dt.date.today() + dt.timedelta(days=60)}
        return self.render({"form": CampaignForm(initial=initial, scope=self.scope)})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = CampaignForm(request.POST, request.FILES, scope=self.scope)
        if not form.is_valid():
            return self.render({"form": form})
        data = form.cleaned_data
        try:
            ids = self._listed_suppliers(data["suppliers"])
            created = campaigns.create_campaign(
                data["name"],
                period=data["period"],
                due_on=data["due_on"],
                actor=self.scope.actor,
                scope=self.scope,
                group_company=data["group_company"],
                supplier_ids=ids,
                template_family=data["template_family"],
                minimum_revision=data["minimum_revision"],
                message=data["message"],
                reminder_offsets=data["reminders"],
            )
        except campaigns.CampaignError as refused:
            form.add_error(None, str(refused))
            return self.render({"form": form, "errors": refused.errors})
        messages.success(request, f"Campaign {created.name!r} created as a draft.")
        return redirect("campaign", pk=created.pk)

    def _listed_suppliers(self, upload: Any) -> list[int] | None:
        if not upload:
            return None
        suffix = Path(str(upload.name)).suffix.lower()[:8]
        with tempfile.TemporaryDirectory(prefix="oretrace-campaign-") as folder:
            listing = Path(folder) / f"suppliers{suffix}"
            with listing.open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            return campaigns.suppliers_from_file(listing, self.scope)


class CampaignPage(DetailPage[Campaign]):
    permission = Permission.CAMPAIGNS
    template_name = "web/campaign.html"
    per_page = 100

    def objects(self) -> QuerySet[Campaign]:
        return campaigns.campaigns_for(self.scope)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        campaign = self.get_object()
        progress = campaign_progress(campaign)
        figures = [(k.replace("_", " "), v) for k, v in progress.counts().items()]
        if is_htmx(request) and request.GET.get("fragment") == "figures":
            return self.render(
                {"campaign": campaign, "figures": figures}, "web/campaign_figures.html"
            )
        state = request.GET.get("state", "")
        rows = [r for r in progress.rows if r.state == state] if state in STATES else progress.rows
        page = Paginator(rows, self.per_page).get_page(request.GET.get("page"))
        return self.render(
            {
                "campaign": campaign,
                "progress": progress,
                "figures": figures,
                "page": page,
                "state": state if state in STATES else "",
                "states": [*STATES, "bounced"],
                "query": f"state={state}" if state in STATES else "",
                "can_act": self.scope.can(Permission.ACT),
                "due_form": DueForm(initial={"due_on": campaign.due_on}),
            }
        )


class CampaignAction(ActionPage):
    """A change to one campaign in scope (404 otherwise); errors become a message."""

    def campaign(self, pk: int) -> Campaign:
        return get_object_or_404(campaigns.campaigns_for(self.scope), pk=pk)

    def request_of(self, pk: int, request_pk: int) -> SupplierRequest:
        return get_object_or_404(
            campaigns.requests_for(self.scope).filter(campaign_id=pk), pk=request_pk
        )

    def done(self, pk: int, text: str, error: Exception | None = None) -> HttpResponse:
        if error is not None:
            messages.error(self.request, str(error))
        else:
            messages.success(self.request, text)
        return redirect("campaign", pk=pk)


class SendPage(CampaignAction):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            result = campaigns.send_campaign(self.campaign(pk), self.scope.actor)
        except campaigns.CampaignError as refused:
            return self.done(pk, "", refused)
        text = f"{result.queued} invitation(s) queued, {result.already} already invited."
        if result.without_email:
            text += f" Without an e-mail address: {', '.join(result.without_email[:20])}"
            text += "…" if len(result.without_email) > 20 else "."
        return self.done(pk, text)


class ClosePage(CampaignAction):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        cancelled = campaigns.close(self.campaign(pk), self.scope.actor)
        return self.done(pk, f"Campaign closed; {cancelled} waiting reminder(s) cancelled.")


class ExtendPage(CampaignAction):
    def post(self, request: HttpRequest, pk: int, request_pk: int | None = None) -> HttpResponse:
        campaign = self.campaign(pk)
        supplier_request = self.request_of(pk, request_pk) if request_pk else None
        form = DueForm(request.POST)
        if not form.is_valid():
            return self.done(pk, "", ValueError("Give the new due date."))
        try:
            campaigns.extend(
                campaign, form.cleaned_data["due_on"], self.scope.actor, request=supplier_request
            )
        except campaigns.CampaignError as refused:
            return self.done(pk, "", refused)
        return self.done(pk, f"Due date moved to {form.cleaned_data['due_on']}.")


class ResendPage(CampaignAction):
    def post(self, request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
        supplier_request = self.request_of(pk, request_pk)
        try:
            message = campaigns.resend(supplier_request, self.scope.actor)
        except campaigns.CampaignError as refused:
            return self.done(pk, "", refused)
        return self.done(pk, f"A new link to {', '.join(message.to)} is queued.")


class RevokePage(CampaignAction):
    def post(self, request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
        supplier_request = self.request_of(pk, request_pk)
        reason = str(request.POST.get("reason", ""))[:200]
        ended = campaigns.revoke_links(supplier_request, self.scope.actor, reason)
        return self.done(pk, f"{ended} portal link(s) of {supplier_request.supplier} revoked.")


class UploadOnBehalfPage(CampaignAction):
    """Files a supplier sent some other way (e-mail, a USB stick), submitted for its request
    by a staff member: recorded as on the supplier's behalf, with who uploaded them."""

    def post(self, request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
        supplier_request = self.request_of(pk, request_pk)
        files = request.FILES.getlist("files")
        if not files:
            return self.done(pk, "", ValueError("Choose at least one file to upload."))
        try:
            job = submissions.submit_files(
                supplier_request,
                [UploadedFile(f.name or "file", f.chunks()) for f in files],
                self.scope.actor,
                on_behalf=True,
                ip=request.META.get("REMOTE_ADDR") or None,
            )
        except UploadError as refused:
            return self.done(pk, "", refused)
        messages.success(
            request,
            f"{len(files)} file(s) for {supplier_request.supplier} uploaded on its behalf; "
            "the worker checks them.",
        )
        return redirect("job", pk=job.pk)


urlpatterns = [
    path("campaigns/", CampaignsPage.as_view(), name="campaigns"),
    path("campaigns/new/", CampaignCreatePage.as_view(), name="campaign-create"),
    path("campaigns/<int:pk>/", CampaignPage.as_view(), name="campaign"),
    path("campaigns/<int:pk>/send/", SendPage.as_view(), name="campaign-send"),
    path("campaigns/<int:pk>/close/", ClosePage.as_view(), name="campaign-close"),
    path("campaigns/<int:pk>/extend/", ExtendPage.as_view(), name="campaign-extend"),
    path(
        "campaigns/<int:pk>/requests/<int:request_pk>/extend/",
        ExtendPage.as_view(),
        name="campaign-request-extend",
    ),
    path(
        "campaigns/<int:pk>/requests/<int:request_pk>/resend/",
        ResendPage.as_view(),
        name="campaign-request-resend",
    ),
    path(
        "campaigns/<int:pk>/requests/<int:request_pk>/revoke/",
        RevokePage.as_view(),
        name="campaign-request-revoke",
    ),
    path(
        "campaigns/<int:pk>/requests/<int:request_pk>/upload/",
        UploadOnBehalfPage.as_view(),
        name="campaign-request-upload",
    ),
]
