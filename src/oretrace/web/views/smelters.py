"""Smelters: every reference smelter with how often the period's declarations name it; per
smelter its RMI status history, the suppliers that name it, the products it reaches."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import path

from oretrace.registry.models import ReferenceSmelter
from oretrace.registry.services.periods import chosen_year
from oretrace.registry.services.reach import (
    reference_smelters,
    smelter_reach,
    smelters_reported,
)
from oretrace.web.views.base import DetailPage, FilterForm, ListPage, in_navigation

METALS = ["", "Gold", "Tantalum", "Tin", "Tungsten"]


class SmelterFilterForm(FilterForm):
    q = forms.CharField(required=False, label="Name or ID")
    metal = forms.ChoiceField(required=False, choices=[(m, m or "any metal") for m in METALS])
    reported = forms.BooleanField(required=False, label="named this period")

    def filter(self, rows: QuerySet[Any]) -> QuerySet[Any]:
        data = self.cleaned_data
        if data.get("q"):
            rows = rows.filter(
                Q(standard_name__icontains=data["q"]) | Q(smelter_id__iexact=data["q"])
            )
        if data.get("metal"):
            rows = rows.filter(metal=data["metal"])
        return rows  # "reported" is applied to the remembered counts (smelters_reported)


@in_navigation("Smelters", "smelters", order=45)
class SmeltersPage(ListPage[ReferenceSmelter]):
    template_name = "web/smelters.html"
    filter_form = SmelterFilterForm
    sorts = {
        # "named": most rows first (smelters_reported), then by metal and name
        "named": ("metal", "standard_name", "pk"),
        "name": ("standard_name", "pk"),
        "id": ("smelter_id", "pk"),
    }

    def rows(self) -> QuerySet[ReferenceSmelter]:
        self.year = chosen_year(self.request.GET.get("period"))
        return reference_smelters()

    def page(self, rows: QuerySet[ReferenceSmelter]) -> Page[ReferenceSmelter]:
        listed = smelters_reported(
            self.scope,
            self.year,
            rows,
            most_named_first=self.sort_key() == "named",
            named_only=bool(self.filter_value("reported")),
        )
        return Paginator(listed, self.per_page).get_page(self.request.GET.get("page"))

    def extra_context(self, page: Page[ReferenceSmelter]) -> dict[str, Any]:
        return {"year": self.year}


class SmelterPage(DetailPage[ReferenceSmelter]):
    template_name = "web/smelter.html"

    def objects(self) -> QuerySet[ReferenceSmelter]:
        return reference_smelters()

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        year = chosen_year(request.GET.get("period"))
        reach = smelter_reach(self.scope, self.get_object(), year)
        return self.render({"reach": reach, "smelter": reach.smelter, "year": year})


urlpatterns = [
    path("smelters/", SmeltersPage.as_view(), name="smelters"),
    path("smelters/<int:pk>/", SmelterPage.as_view(), name="smelter"),
]
