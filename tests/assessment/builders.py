"""Small builders for assessment inputs: a supplier in one line, answers by keyword."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from oretrace.assessment.inputs import DeclarationSummary, Period, SmelterRef, SupplierInput
from oretrace.cmrt.semantics import CompanyAnswers, MetalAnswers, Reply, ResponseBand

Y, N, U = Reply.YES, Reply.NO, Reply.UNKNOWN
PERIOD = Period.calendar_year(2024)
END = PERIOD.end

GOOD_COMPANY = CompanyAnswers(
    has_policy=Y,
    policy_public=Y,
    policy_url="https://example.com/policy",
    requires_validated_smelters=Y,
    due_diligence_measures=Y,
    surveys_suppliers=Y,
    reviews_supplier_information=Y,
    corrective_actions=Y,
    files_disclosure=N,
)


def used(
    metal: str = "Tin",
    *,
    covered: Reply = N,
    cahra: Reply = N,
    recycled: Reply = N,
    response: ResponseBand | None = ResponseBand.ALL,
    identified: Reply = Y,
    reported: Reply = Y,
) -> MetalAnswers:
    """A metal the supplier declares necessary (Q1 = Q2 = Yes), clean by default."""
    return MetalAnswers(
        metal,
        intentional=Y,
        remains=Y,
        covered_countries=covered,
        cahra=cahra,
        recycled_only=recycled,
        response=response,
        all_smelters_identified=identified,
        all_reported=reported,
    )


def unused(metal: str = "Tin") -> MetalAnswers:
    return MetalAnswers(metal, intentional=N, remains=Reply.UNANSWERED)


def ref(
    smelter_id: str | None,
    metal: str = "Tin",
    country: str | None = "PE",
    *,
    name: str | None = None,
    identified: bool | None = None,
) -> SmelterRef:
    return SmelterRef(
        metal=metal,
        smelter_id=smelter_id,
        name=name or (f"Smelter {smelter_id}" if smelter_id else None),
        identified=smelter_id is not None if identified is None else identified,
        country_iso2=country,
    )


def declaration(
    *metals: MetalAnswers,
    smelters: Iterable[SmelterRef] = (),
    valid: bool = True,
    codes: Iterable[str] = (),
    company: CompanyAnswers = GOOD_COMPANY,
    template: str = "CMRT",
    revision: str = "6.4",
) -> DeclarationSummary:
    return DeclarationSummary(
        template=template,
        revision=revision,
        readable=True,
        valid=valid,
        finding_codes=frozenset(codes),
        metals={m.metal: m for m in metals},
        company=company,
        smelters=tuple(smelters),
        effective_date=dt.date(2024, 5, 1),
    )


def supplier(
    supplier_id: str,
    found: DeclarationSummary | None = None,
    *,
    parts: Iterable[str] = (),
    covered_parts: Iterable[str] | None = None,
    responded: bool | None = None,
) -> SupplierInput:
    return SupplierInput(
        supplier_id=supplier_id,
        name=f"Supplier {supplier_id}",
        responded=found is not None if responded is None else responded,
        declaration=found,
        parts_bought=frozenset(parts),
        parts_covered=None if covered_parts is None else frozenset(covered_parts),
    )


def silent(supplier_id: str, parts: Iterable[str] = ()) -> SupplierInput:
    return supplier(supplier_id, None, parts=parts)
