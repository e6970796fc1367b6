"""One declaration: company block, answers per metal, smelter rows with their identification,
findings shown in the stored sheet around their cell, and the original file."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.http import content_disposition_header

from oretrace.cmrt.excerpt import Excerpt
from oretrace.cmrt.layouts import METALS_3TG
from oretrace.registry.models import Declaration
from oretrace.registry.services.originals import cells_around, original_bytes
from oretrace.registry.services.scope import declarations_for
from oretrace.web.views.base import DetailPage


def _answer_rows(answers: dict[str, dict[str, Any]]) -> tuple[list[str], list[Any]]:
    metals = [m for m in METALS_3TG if any(m in per for per in answers.values())]
    rows = [(q, [per.get(m) for m in metals]) for q, per in sorted(answers.items())]
    return metals, rows


class DeclarationPage(DetailPage[Declaration]):
    template_name = "web/declaration.html"

    def objects(self) -> QuerySet[Declaration]:
        return declarations_for(self.scope).select_related("supplier", "period", "stored_file")

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        declaration = self.get_object()
        metals, answer_rows = _answer_rows(declaration.answers)
        company = declaration.content.get("company", {}) if declaration.content else {}
        revisions = (
            declarations_for(self.scope)
            .filter(
                period=declaration.period,
                supplier=declaration.supplier,
                scope_key=declaration.scope_key,
            )
            .exclude(supplier=None)
            .order_by("-revision_number", "-id")
        )
        return self.render(
            {
                "declaration": declaration,
                "company": [
                    (k.replace("_", " "), v) for k, v in company.items() if isinstance(v, dict)
                ],
                "company_answers": sorted(declaration.company_answers.items()),
                "metals": metals,
                "answer_rows": answer_rows,
                "smelters": declaration.smelters.select_related("smelter").order_by("row"),
                "findings": declaration.findings.order_by("-severity", "cell", "code"),
                "revisions": revisions,
            }
        )


class DeclarationSheetPage(DeclarationPage):
    """The stored sheet around one cell (``?cell='Sheet'!D8``), as an htmx fragment."""

    template_name = "web/declaration_sheet.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        declaration = self.get_object()
        address = request.GET.get("cell", "")
        found = cells_around(declaration, address)
        excerpt = found if isinstance(found, Excerpt) else None
        problem = None if excerpt is not None else found
        return self.render({"excerpt": excerpt, "problem": problem, "address": address})


class DeclarationOriginalPage(DeclarationPage):
    """The original file, byte for byte, as an attachment (never shown inline)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        declaration = self.get_object()
        stored = declaration.stored_file
        response = HttpResponse(
            original_bytes(declaration), content_type="application/octet-stream"
        )
        name = stored.original_name or f"{stored.sha256}.bin"
        # RFC 6266/5987: Japanese or Chinese file names survive as filename*=utf-8''…
        response["Content-Disposition"] = content_disposition_header(True, name)
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "sandbox"
        return response


urlpatterns = [
    path("declarations/<int:pk>/", DeclarationPage.as_view(), name="declaration"),
    path("declarations/<int:pk>/sheet/", DeclarationSheetPage.as_view(), name="declaration-sheet"),
    path(
        "declarations/<int:pk>/original/",
        DeclarationOriginalPage.as_view(),
        name="declaration-original",
    ),
]
