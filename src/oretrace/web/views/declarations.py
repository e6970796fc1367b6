"""Declarations: the list behind the dashboard's declaration and smelter-row figures."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django import forms
from django.core.paginator import Page
from django.db.models import Q, QuerySet
from django.urls import path

from oretrace.registry.models import Declaration, DeclarationSmelter
from oretrace.registry.services.declaration_list import declaration_list
from oretrace.registry.services.periods import chosen_year, known_years
from oretrace.registry.services.scope import StaffScope, smelter_rows_for
from oretrace.web.views.base import FilterForm, ListPage, in_navigation


class DeclarationFilterForm(FilterForm):
    q = forms.CharField(required=False, label="Search")
    status = forms.ChoiceField(required=False, label="State")
    decision = forms.ChoiceField(required=False, label="Has smelter rows")
    period = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data: Any, scope: StaffScope) -> None:
        super().__init__(data, scope)
        fields: dict[str, Any] = self.fields
        fields["status"].choices = [("", "any"), *Declaration.Status.choices]
        fields["decision"].choices = [("", "any"), *DeclarationSmelter.Decision.choices]

    def filter(self, rows: QuerySet[Any]) -> QuerySet[Any]:
        data = self.cleaned_data
        if data.get("q"):
            term = data["q"]
            rows = rows.filter(Q(company_name__icontains=term) | Q(supplier__name__icontains=term))
        if data.get("status"):
            rows = rows.filter(status=data["status"])
        if data.get("decision"):
            rows = rows.filter(
                pk__in=smelter_rows_for(self.scope)
                .filter(decision=data["decision"])
                .values("declaration_id")
            )
        return rows


@in_navigation("Declarations", "declarations", order=30)
class DeclarationListPage(ListPage[Declaration]):
    """The declarations ``oretrace status`` counts for the period (current revisions and
    unreadable files), in the person's scope."""

    template_name = "web/declarations.html"
    partial_template = "web/declarations_table.html"
    filter_form = DeclarationFilterForm
    sorts = {
        "company": ("company_name", "pk"),
        "status": ("status", "company_name", "pk"),
        "ingested": ("-ingested_at", "-pk"),
    }

    @cached_property
    def year(self) -> int:
        return chosen_year(self.request.GET.get("period"))

    def rows(self) -> QuerySet[Declaration]:
        return declaration_list(self.year, self.scope)

    def extra_context(self, page: Page[Declaration]) -> dict[str, Any]:
        return {"year": self.year, "years": known_years(), "total": page.paginator.count}


urlpatterns = [path("declarations/", DeclarationListPage.as_view(), name="declarations")]
