"""Suppliers: the filtered, sorted, paginated list and its XLSX/CSV download."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import Any

from django import forms
from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import path

from oretrace.assessment.overview import PeriodAssessment
from oretrace.assessment.red_flags import RED_FLAGS
from oretrace.assessment.risk import SupplierRisk
from oretrace.cmrt.layouts import METALS_3TG
from oretrace.registry.models import ReportingPeriod, Supplier
from oretrace.registry.services.periods import chosen_year, known_years
from oretrace.registry.services.scope import StaffScope, group_companies_for
from oretrace.registry.services.standing import scoped_assessment
from oretrace.registry.services.status import period_status
from oretrace.registry.services.supplier_list import (
    MINERAL_USES,
    RESPONSE_STATES,
    SupplierFilters,
    group_company_names,
    supplier_table,
)
from oretrace.reporting.minerals import EXTENDED_MINERALS
from oretrace.reporting.table_files import Cell, table_csv, table_xlsx
from oretrace.web.views.base import FilterForm, ListPage, in_navigation

RISKS = ("high", "medium", "low")


class SupplierFilterForm(FilterForm):
    q = forms.CharField(required=False, label="Search")
    group_company = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Group company"
    )
    response = forms.ChoiceField(required=False, label="Response")
    risk = forms.ChoiceField(required=False, label="Risk")
    red_flag = forms.ChoiceField(required=False, label="Red flag")
    metal = forms.ChoiceField(required=False, label="Uses metal")
    mineral = forms.ChoiceField(required=False, label="Extended mineral")
    mineral_use = forms.ChoiceField(required=False, label="Declaring or using")
    mineral_risk = forms.ChoiceField(required=False, label="Risk for the mineral")
    period = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data: Any, scope: StaffScope) -> None:
        super().__init__(data, scope)
        fields: dict[str, Any] = self.fields
        fields["group_company"].choices = [("", "all")] + [
            (c.pk, c.name) for c in group_companies_for(scope)
        ]
        fields["response"].choices = [("", "any")] + [(s, s) for s in RESPONSE_STATES]
        fields["risk"].choices = [("", "any")] + [(r, r) for r in RISKS]
        fields["red_flag"].choices = [("", "any")] + [
            (code, code.replace("_", " ")) for code in sorted(RED_FLAGS)
        ]
        fields["metal"].choices = [("", "any")] + [(m, m) for m in METALS_3TG]
        fields["mineral"].choices = [("", "any")] + [(m, m) for m in EXTENDED_MINERALS]
        fields["mineral_use"].choices = [(u, u) for u in MINERAL_USES]
        fields["mineral_risk"].choices = [("", "any")] + [(r, r) for r in RISKS]


@in_navigation("Suppliers", "suppliers", order=20)
class SupplierListPage(ListPage[Supplier]):
    template_name = "web/suppliers.html"
    partial_template = "web/suppliers_table.html"
    filter_form = SupplierFilterForm
    sorts = {
        "name": ("name", "pk"),
        "-name": ("-name", "-pk"),
        "country": ("country", "name", "pk"),
        "unique_id": ("unique_id", "pk"),
        "status": ("declaration_status", "name", "pk"),
        "actions": ("-open_actions", "name", "pk"),
    }

    @cached_property
    def year(self) -> int:
        return chosen_year(self.request.GET.get("period"))

    @cached_property
    def assessment(self) -> PeriodAssessment:
        return scoped_assessment(ReportingPeriod.for_year(self.year), self.scope)

    def filters(self) -> SupplierFilters:
        return SupplierFilters(
            search=self.filter_value("q") or "",
            group_company=self.filter_value("group_company"),
            risk=self.filter_value("risk") or "",
            red_flag=self.filter_value("red_flag") or "",
            response=self.filter_value("response") or "",
            metal=self.filter_value("metal") or "",
            mineral=self.filter_value("mineral") or "",
            mineral_use=self.filter_value("mineral_use") or "",
            mineral_risk=self.filter_value("mineral_risk") or "",
        )

    def rows(self) -> QuerySet[Supplier]:
        filters = self.filters()
        minerals = period_status(self.year, self.scope).extended_minerals if filters.mineral else ()
        return supplier_table(
            self.scope, ReportingPeriod.for_year(self.year), filters, self.assessment, minerals
        )

    def extra_context(self, page: Page[Supplier]) -> dict[str, Any]:
        risks = self.assessment.suppliers
        return {
            "year": self.year,
            "years": known_years(),
            "lines": [(s, risks.get(str(s.pk))) for s in page.object_list],
            "total": page.paginator.count,
        }


def supplier_records(
    rows: QuerySet[Supplier], risks: dict[str, SupplierRisk]
) -> Iterator[tuple[Cell, ...]]:
    companies = group_company_names(rows)
    # tuples, not model objects: thousands of rows (annotations from supplier_table)
    columns = rows.prefetch_related(None).values_list(  # type: ignore[misc]
        "pk", "name", "unique_id", "country", "declaration_status", "open_actions", "unverified"
    )
    for pk, name, unique_id, country, status, open_actions, unverified in columns.iterator(
        chunk_size=2000
    ):
        risk = risks.get(str(pk))
        yield (
            name,
            unique_id,
            country,
            ", ".join(companies.get(pk, ())),
            status or "no response",
            risk.level.value if risk else "",
            ", ".join(f.code for f in risk.flags) if risk else "",
            open_actions or 0,
            "yes" if unverified else "",
        )


EXPORT_HEADER = (
    "Supplier",
    "Unique ID",
    "Country",
    "Group companies",
    "Declaration",
    "Risk",
    "Red flags",
    "Open corrective actions",
    "Unverified",
)


class SupplierExport(SupplierListPage):
    """The filtered list, every row, as XLSX or CSV (the list's filters and sort apply)."""

    file_format = "xlsx"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _, rows = self.filtered()
        records = supplier_records(rows, self.assessment.suppliers)
        name = f"suppliers-{self.year}.{self.file_format}"
        if self.file_format == "csv":
            body, kind = table_csv(EXPORT_HEADER, records), "text/csv; charset=utf-8"
        else:
            body = table_xlsx(f"Suppliers {self.year}", EXPORT_HEADER, records)
            kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(body, content_type=kind)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


urlpatterns = [
    path("suppliers/", SupplierListPage.as_view(), name="suppliers"),
    path(
        "suppliers/export.xlsx",
        SupplierExport.as_view(file_format="xlsx"),
        name="suppliers-export-xlsx",
    ),
    path(
        "suppliers/export.csv",
        SupplierExport.as_view(file_format="csv"),
        name="suppliers-export-csv",
    ),
]
