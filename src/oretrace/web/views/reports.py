"""Reports: build a report set as of a date (a background job), list the builds, download
every document (always as an attachment)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import path

from oretrace.registry.models import Job
from oretrace.registry.services.jobs import jobs_for
from oretrace.registry.services.periods import default_year
from oretrace.registry.services.report_jobs import MODES, document, documents, queue_report
from oretrace.registry.services.scope import Permission
from oretrace.web.views.base import DetailPage, StaffPage, in_navigation


class BuildForm(forms.Form):
    period = forms.IntegerField(min_value=2000, max_value=2100)
    as_of = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="As of"
    )
    mode = forms.ChoiceField(
        choices=[("cmr", "Form SD + Conflict Minerals Report"), ("rcoi", "Form SD (RCOI only)")]
    )
    draft = forms.BooleanField(
        required=False,
        label="Draft (build even when filer facts or data are missing; stamped DRAFT)",
    )


def builds(page: StaffPage) -> QuerySet[Job]:
    return jobs_for(page.scope).filter(kind="report").order_by("-created_at", "-pk")


@in_navigation("Reports", "reports", order=80)
class ReportsPage(StaffPage):
    """Whole-group readers of the record (administrators, auditors) see the builds;
    administrators build."""

    permission = Permission.AUDIT_LOG
    template_name = "web/reports.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        form = BuildForm(initial={"period": default_year(), "as_of": dt.date.today()})
        return self.render(
            {"form": form, "builds": builds(self)[:50], "can_build": self.can_build()}
        )

    def can_build(self) -> bool:
        return self.scope.can(Permission.ADMINISTER)

    def post(self, request: HttpRequest) -> HttpResponse:
        if not self.can_build():
            raise PermissionDenied
        form = BuildForm(request.POST)
        if not form.is_valid():
            return self.render({"form": form, "builds": builds(self)[:50], "can_build": True})
        data = form.cleaned_data
        assert data["mode"] in MODES
        job = queue_report(
            data["period"], data["as_of"], data["mode"], self.scope.actor, draft=data["draft"]
        )
        return redirect("job", pk=job.pk)


class ReportBuildPage(DetailPage[Job]):
    permission = Permission.AUDIT_LOG

    def objects(self) -> QuerySet[Job]:
        return jobs_for(self.scope).filter(kind="report")


class ReportPage(ReportBuildPage):
    template_name = "web/report.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = self.get_object()
        return self.render({"job": job, "documents": documents(job)})


class DocumentPage(ReportBuildPage):
    def get(self, request: HttpRequest, pk: int, name: str = "") -> HttpResponseBase:
        found = document(self.get_object(), name)
        if found is None:
            raise Http404
        return FileResponse(found.path.open("rb"), as_attachment=True, filename=found.path.name)


urlpatterns = [
    path("reports/", ReportsPage.as_view(), name="reports"),
    path("reports/<int:pk>/", ReportPage.as_view(), name="report"),
    path("reports/<int:pk>/files/<path:name>", DocumentPage.as_view(), name="report-document"),
]
