"""Products: the BOM roll-up with coverage and risk (one assessment, the report's), down to
parts and the suppliers they are bought from."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Page
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import path

from oretrace.registry.models import Product, ReportingPeriod
from oretrace.registry.services.periods import chosen_year
from oretrace.registry.services.reach import product_bom
from oretrace.registry.services.scope import products_for
from oretrace.registry.services.standing import scoped_assessment
from oretrace.web.views.base import DetailPage, FilterForm, ListPage, in_navigation


class ProductFilterForm(FilterForm):
    q = forms.CharField(required=False, label="Number or name")

    def filter(self, rows: QuerySet[Any]) -> QuerySet[Any]:
        if self.cleaned_data.get("q"):
            q = self.cleaned_data["q"]
            rows = rows.filter(Q(number__icontains=q) | Q(name__icontains=q))
        return rows


@in_navigation("Products", "products", order=50)
class ProductsPage(ListPage[Product]):
    template_name = "web/products.html"
    filter_form = ProductFilterForm
    sorts = {"number": ("number",), "name": ("name", "number")}

    def rows(self) -> QuerySet[Product]:
        return products_for(self.scope).select_related("category")

    def extra_context(self, page: Page[Product]) -> dict[str, Any]:
        year = chosen_year(self.request.GET.get("period"))
        assessed = {
            p.product_id: p
            for p in scoped_assessment(ReportingPeriod.for_year(year), self.scope).products
        }
        return {"year": year, "rows": [(p, assessed.get(p.number)) for p in page]}


class ProductPage(DetailPage[Product]):
    template_name = "web/product.html"

    def objects(self) -> QuerySet[Product]:
        return products_for(self.scope)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        product = self.get_object()
        year = chosen_year(request.GET.get("period"))
        assessment = scoped_assessment(ReportingPeriod.for_year(year), self.scope)
        rollup = next((p for p in assessment.products if p.product_id == product.number), None)
        risk = {int(k): v for k, v in assessment.suppliers.items() if k.isdigit()}
        parts = [
            (part, [(pk, name, risk.get(pk)) for pk, name in part.suppliers])
            for part in product_bom(self.scope, product)
        ]
        return self.render({"product": product, "year": year, "rollup": rollup, "parts": parts})


urlpatterns = [
    path("products/", ProductsPage.as_view(), name="products"),
    path("products/<int:pk>/", ProductPage.as_view(), name="product"),
]
