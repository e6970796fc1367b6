"""The supplier's answer on the portal: upload one or more files, watch them being checked,
read the findings in plain language (sheet, cell, how to fix) and upload a corrected file.

The answers page polls its own fragment with htmx while a file is queued or being read and
stops (status 286) once every file is done; each finding with a cell can show the stored
sheet around that cell. Everything is looked up through the request, which is looked up
through the portal scope, so another supplier's files are never reachable.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from oretrace.cmrt.excerpt import Excerpt
from oretrace.registry.services import submissions
from oretrace.registry.services.blank_template import blank_template_for
from oretrace.registry.services.originals import cells_around
from oretrace.registry.services.portal import submitted_declaration, supplier_actor
from oretrace.registry.services.uploads import UploadedFile, UploadError
from oretrace.web.portal_session import client_ip
from oretrace.web.views.base import is_htmx
from oretrace.web.views.portal import PortalPage, RequestPage, answers_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: htmx stops polling when an answer has this status (and still swaps its content).
STOP_POLLING = 286


class BlankTemplatePage(PortalPage):
    """The blank template asked for, always as an attachment (never shown inline)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        name, data = blank_template_for(self.supplier_request())
        kind = XLSX if name.lower().endswith(".xlsx") else "application/octet-stream"
        response = HttpResponse(data, content_type=kind)
        response["Content-Disposition"] = content_disposition_header(True, name)
        response["X-Content-Type-Options"] = "nosniff"
        return response


class UploadPage(PortalPage):
    """POST files for a request; they are checked by the worker, then shown as findings."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        supplier_request = self.supplier_request()
        files = request.FILES.getlist("files")
        too_large: list[str] = getattr(request, "portal_too_large", [])
        problem = ""
        if too_large:
            problem = _(
                "%(files)s: larger than the limit of %(limit)s MB. Nothing was uploaded."
            ) % {"files": ", ".join(too_large), "limit": _limit_mb()}
        elif not files:
            problem = _("Choose at least one file.")
        else:
            try:
                submissions.submit_files(
                    supplier_request,
                    [UploadedFile(f.name or "file", f.chunks()) for f in files],
                    supplier_actor(supplier_request),
                    on_behalf=False,
                    ip=_ip(request),
                )
            except UploadError as refused:
                problem = str(refused)
        if problem:
            page = RequestPage()
            page.setup(request, pk=pk)
            page.scope = self.scope
            response = page.page(supplier_request, upload_error=problem)
            response.status_code = 400
            return response
        return redirect("portal-answers", pk=supplier_request.pk)


class AnswersPage(PortalPage):
    """The files submitted for a request, newest first, with their findings."""

    template_name = "portal/answers.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        supplier_request = self.supplier_request()
        context = {"supplier_request": supplier_request, **answers_of(supplier_request)}
        if is_htmx(request):
            response = self.render(context, "portal/answers_list.html")
            if not context["pending"]:
                response.status_code = STOP_POLLING
            return response
        return self.render(context)


class SheetPage(PortalPage):
    """The stored sheet around one cell of a submitted file (htmx fragment)."""

    template_name = "portal/sheet.html"

    def get(self, request: HttpRequest, pk: int, submission: int) -> HttpResponse:
        supplier_request = self.supplier_request()
        declaration = submitted_declaration(supplier_request, submission)
        sheet, cell = request.GET.get("sheet", ""), request.GET.get("cell", "")
        if declaration is None or not cell:
            return self.render({"problem": _("This file cannot be shown.")})
        address = f"'{sheet}'!{cell}" if sheet else cell
        found = cells_around(declaration, address)
        if isinstance(found, Excerpt):
            return self.render({"excerpt": found, "problem": None})
        return self.render(
            {"excerpt": None, "problem": _("This part of the file cannot be shown.")}
        )


def _ip(request: HttpRequest) -> str | None:
    ip = client_ip(request)
    return None if ip == "unknown" else ip


def _limit_mb() -> int:
    from django.conf import settings

    return int(settings.ORETRACE_UPLOAD_MAX_FILE_BYTES) // (1024 * 1024)


urlpatterns = [
    path("portal/requests/<int:pk>/template/", BlankTemplatePage.as_view(), name="portal-template"),
    path("portal/requests/<int:pk>/upload/", UploadPage.as_view(), name="portal-upload"),
    path("portal/requests/<int:pk>/answers/", AnswersPage.as_view(), name="portal-answers"),
    path(
        "portal/requests/<int:pk>/answers/<int:submission>/sheet/",
        SheetPage.as_view(),
        name="portal-sheet",
    ),
]
