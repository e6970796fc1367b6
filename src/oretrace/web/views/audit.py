"""The audit log, for auditors and administrators: filter by actor, action, object, date."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Page
from django.db.models import QuerySet
from django.urls import path

from oretrace.registry.models import AuditEntry
from oretrace.registry.services.scope import Permission, audit_entries_for
from oretrace.web.views.base import FilterForm, ListPage, in_navigation


class AuditFilterForm(FilterForm):
    actor = forms.CharField(required=False, label="Actor")
    action = forms.CharField(required=False, label="Action")
    object_type = forms.CharField(required=False, label="Object type")
    object_id = forms.CharField(required=False, label="Object ID")
    since = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def filter(self, rows: QuerySet[Any]) -> QuerySet[Any]:
        data = self.cleaned_data
        if data.get("actor"):
            rows = rows.filter(actor__icontains=data["actor"])
        if data.get("action"):
            rows = rows.filter(action__startswith=data["action"])
        if data.get("object_type"):
            rows = rows.filter(object_type__icontains=data["object_type"])
        if data.get("object_id"):
            rows = rows.filter(object_id=data["object_id"])
        if data.get("since"):
            rows = rows.filter(at__date__gte=data["since"])
        if data.get("until"):
            rows = rows.filter(at__date__lte=data["until"])
        return rows


@in_navigation("Audit log", "audit-log", order=90)
class AuditLogPage(ListPage[AuditEntry]):
    permission = Permission.AUDIT_LOG
    template_name = "web/audit.html"
    partial_template = "web/audit_table.html"
    filter_form = AuditFilterForm
    sorts = {"newest": ("-at", "-id"), "oldest": ("at", "id")}
    per_page = 100

    def rows(self) -> QuerySet[AuditEntry]:
        return audit_entries_for(self.scope)

    def extra_context(self, page: Page[AuditEntry]) -> dict[str, Any]:
        return {"total": page.paginator.count}


urlpatterns = [path("audit/", AuditLogPage.as_view(), name="audit-log")]
