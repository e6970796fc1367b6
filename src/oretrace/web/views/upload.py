"""Upload: drop many supplier files at once; a worker ingests them; the job page polls the
job's row (through the person's scope) and shows per-file results without reloading."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path

from oretrace.registry.models import GroupCompany, Job
from oretrace.registry.services.jobs import jobs_for
from oretrace.registry.services.periods import default_year
from oretrace.registry.services.scope import Permission, StaffScope, group_companies_for
from oretrace.registry.services.uploads import UploadedFile, UploadError, receive_upload
from oretrace.web.views.base import DetailPage, StaffPage, in_navigation, is_htmx

#: htmx stops polling when an answer has this status (and still swaps its content).
STOP_POLLING = 286


class UploadForm(forms.Form):
    period = forms.IntegerField(min_value=2000, max_value=2100)
    group_company: forms.ModelChoiceField[GroupCompany] = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="whole group"
    )

    def __init__(self, data: Any, scope: StaffScope, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        field = self.fields["group_company"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = group_companies_for(scope)
        self.scope = scope
        if not scope.whole_group:
            field.empty_label = None

    def clean_group_company(self) -> GroupCompany | None:
        """Officers upload for one of their group companies (their only one by default)."""
        chosen: GroupCompany | None = self.cleaned_data.get("group_company")
        if chosen is None and not self.scope.whole_group:
            mine = list(group_companies_for(self.scope)[:2])
            if len(mine) != 1:
                raise forms.ValidationError("Choose the group company these files are for.")
            chosen = mine[0]
        return chosen


@in_navigation("Upload", "upload", order=60)
class UploadPage(StaffPage):
    permission = Permission.ACT
    template_name = "web/upload.html"

    def recent(self) -> QuerySet[Job]:
        return jobs_for(self.scope).filter(kind="ingest").order_by("-created_at", "-pk")[:10]

    def get(self, request: HttpRequest) -> HttpResponse:
        form = UploadForm(None, self.scope, initial={"period": default_year()})
        return self.render({"form": form, "jobs": self.recent()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = UploadForm(request.POST, self.scope)
        files = request.FILES.getlist("files")
        if not form.is_valid() or not files:
            if not files:
                form.add_error(None, "Choose or drop at least one file.")
            return self.render({"form": form, "jobs": self.recent()})
        try:
            job = receive_upload(
                [UploadedFile(f.name or "file", f.chunks()) for f in files],
                form.cleaned_data["period"],
                self.scope.actor,
                form.cleaned_data["group_company"],
            )
        except UploadError as refused:
            form.add_error(None, str(refused))
            return self.render({"form": form, "jobs": self.recent()})
        messages.success(request, f"{len(files)} file(s) received; the worker ingests them.")
        return redirect("job", pk=job.pk)


class JobPage(DetailPage[Job]):
    """A job's progress and outcome; ``?partial`` (htmx) answers the polled fragment."""

    template_name = "web/job.html"

    def objects(self) -> QuerySet[Job]:
        return jobs_for(self.scope).select_related("group_company")

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = self.get_object()
        context = {"job": job, "files": job.result.get("files", [])}
        if is_htmx(request):
            response = self.render(context, "web/job_progress.html")
            if job.finished:
                response.status_code = STOP_POLLING
            return response
        return self.render(context)


urlpatterns = [
    path("upload/", UploadPage.as_view(), name="upload"),
    path("jobs/<int:pk>/", JobPage.as_view(), name="job"),
]
