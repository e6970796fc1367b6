"""One supplier: contacts, declarations and revisions, red flags, year-over-year changes,
corrective actions (opened and closed here, through the audited service)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path

from oretrace.registry.models import CorrectiveAction, ReportingPeriod, Supplier
from oretrace.registry.services.changes import year_over_year
from oretrace.registry.services.corrective_actions import (
    ActionRefused,
    close_corrective_action,
    open_corrective_action,
)
from oretrace.registry.services.periods import chosen_year
from oretrace.registry.services.scope import (
    Permission,
    corrective_actions_for,
    declarations_for,
    suppliers_for,
)
from oretrace.registry.services.standing import supplier_risk
from oretrace.web.views.base import ActionPage, DetailPage


class OpenActionForm(forms.Form):
    title = forms.CharField(max_length=255)
    owner = forms.CharField(max_length=150, required=False, help_text="default: you")
    due_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CloseActionForm(forms.Form):
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SupplierPage(DetailPage[Supplier]):
    template_name = "web/supplier.html"

    def objects(self) -> QuerySet[Supplier]:
        return suppliers_for(self.scope)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        supplier = self.get_object()
        year = chosen_year(request.GET.get("period"))
        risk = supplier_risk(ReportingPeriod.for_year(year), supplier.pk)
        declarations = (
            declarations_for(self.scope)
            .filter(supplier=supplier)
            .select_related("period", "stored_file")
            .annotate(finding_count=Count("findings"))
            .order_by("-period__year", "scope_key", "-revision_number", "-id")
        )
        changes = year_over_year(year, supplier_ids={supplier.pk})
        actions = corrective_actions_for(self.scope).filter(supplier=supplier)
        return self.render(
            {
                "supplier": supplier,
                "year": year,
                "relationships": supplier.relationships.select_related("group_company"),
                "contacts": supplier.contacts.all(),
                "declarations": declarations,
                "risk": risk,
                "changes": changes,
                "actions": actions,
                "can_act": self.scope.can(Permission.ACT),
                "open_form": OpenActionForm(),
                "close_form": CloseActionForm(),
            }
        )


class OpenActionPage(ActionPage):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not suppliers_for(self.scope).filter(pk=pk).exists():
            raise Http404
        form = OpenActionForm(request.POST)
        if not form.is_valid():
            messages.error(request, "The corrective action needs a title (and a valid date).")
            return redirect("supplier", pk=pk)
        data: dict[str, Any] = form.cleaned_data
        try:
            open_corrective_action(
                self.scope, pk, data["title"], data["owner"], data["due_on"], data["note"]
            )
        except ActionRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, "Corrective action opened.")
        return redirect("supplier", pk=pk)


class CloseActionPage(ActionPage):
    def post(self, request: HttpRequest, pk: int, action: int) -> HttpResponse:
        try:
            closed = close_corrective_action(
                self.scope, action, CloseActionForm(request.POST).data.get("note", "")
            )
        except CorrectiveAction.DoesNotExist as missing:
            raise Http404 from missing
        except ActionRefused as refused:
            messages.error(request, str(refused))
            return redirect("supplier", pk=pk)
        messages.success(request, "Corrective action closed.")
        return redirect("supplier", pk=closed.supplier_id)


urlpatterns = [
    path("suppliers/<int:pk>/", SupplierPage.as_view(), name="supplier"),
    path("suppliers/<int:pk>/actions/", OpenActionPage.as_view(), name="supplier-action-open"),
    path(
        "suppliers/<int:pk>/actions/<int:action>/close/",
        CloseActionPage.as_view(),
        name="supplier-action-close",
    ),
]
