"""Assess a reporting period: fill ``oretrace.assessment`` inputs from the registry, in bulk."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from oretrace.assessment.inputs import (
    DeclarationSummary,
    Period,
    Product,
    SmelterFacts,
    SmelterRef,
    StatusEvent,
    SupplierInput,
)
from oretrace.assessment.overview import PeriodAssessment
from oretrace.assessment.overview import assess_period as assess
from oretrace.cmrt.semantics import company_answers_from, metal_answers_from
from oretrace.registry.models import (
    BomLine,
    Declaration,
    DeclarationProduct,
    DeclarationSmelter,
    Finding,
    PartSource,
    ReferenceSmelter,
    ReportingPeriod,
    SmelterStatus,
    Supplier,
)
from oretrace.registry.models import Product as ProductRow

IDENTIFIED = ("auto", "confirmed")
_SCOPE_PREFERENCE = {"company": 0, "user": 1, "product": 2, "unknown": 3}


def assess_period(period: ReportingPeriod) -> PeriodAssessment:
    """RCOI, supplier and product risk, smelter status at period end, for 3TG (CMRT files)."""
    declarations = _chosen_declarations(period)
    suppliers = _supplier_inputs(declarations)
    named = {
        s.smelter_id
        for x in suppliers
        for d in [x.declaration]
        if d
        for s in d.smelters
        if s.smelter_id
    }
    return assess(
        Period.calendar_year(period.year),
        suppliers,
        smelter_facts=_facts(named),
        status_events=_events(named),
        products=_products(),
    )


def supplier_inputs(period: ReportingPeriod) -> list[SupplierInput]:
    """Every supplier surveyed, with its chosen declaration for ``period`` (if any)."""
    return _supplier_inputs(_chosen_declarations(period))


def _chosen_declarations(period: ReportingPeriod) -> dict[int, Declaration]:
    """Per supplier the current CMRT declaration, company scope first."""
    chosen: dict[int, Declaration] = {}
    current = (
        Declaration.objects.filter(period=period, is_current=True, template="CMRT")
        .exclude(supplier=None)
        .order_by("-effective_date", "-id")
    )
    for item in current:
        assert item.supplier_id is not None
        known = chosen.get(item.supplier_id)
        if known is None or _SCOPE_PREFERENCE[item.scope] < _SCOPE_PREFERENCE[known.scope]:
            chosen[item.supplier_id] = item
    return chosen


def _supplier_inputs(chosen: dict[int, Declaration]) -> list[SupplierInput]:
    ids = [d.pk for d in chosen.values()]
    findings = _group(
        Finding.objects.filter(declaration_id__in=ids).values_list("declaration_id", "code")
    )
    rows = _smelter_rows(ids)
    products = _group(
        DeclarationProduct.objects.filter(declaration_id__in=ids).values_list(
            "declaration_id", "number"
        )
    )
    bought = _parts_bought()
    inputs = []
    for supplier in Supplier.objects.filter(unverified=False) | Supplier.objects.filter(
        pk__in=list(chosen)
    ):
        declaration = chosen.get(supplier.pk)
        summary = (
            None
            if declaration is None
            else _summary(
                declaration, findings.get(declaration.pk, []), rows.get(declaration.pk, [])
            )
        )
        parts = frozenset(bought.get(supplier.pk, {}).values())
        covered = (
            None
            if declaration is None or declaration.scope != "product"
            else frozenset(
                part
                for number, part in bought.get(supplier.pk, {}).items()
                if number in {n.casefold() for n in products.get(declaration.pk, [])}
            )
        )
        inputs.append(
            SupplierInput(
                str(supplier.pk), supplier.name, declaration is not None, summary, parts, covered
            )
        )
    return inputs


def _summary(
    declaration: Declaration, codes: list[str], rows: list[SmelterRef]
) -> DeclarationSummary:
    comments = {k: v.get("comment") for k, v in declaration.company_answers.items()}
    answers = {k: v.get("answer") for k, v in declaration.company_answers.items()}
    return DeclarationSummary(
        template=declaration.template,
        revision=declaration.version,
        readable=True,
        valid=declaration.status == Declaration.Status.VALID,
        finding_codes=frozenset(codes),
        metals=metal_answers_from(declaration.template, declaration.version, declaration.answers),
        company=company_answers_from(declaration.template, declaration.version, answers, comments),
        smelters=tuple(rows),
        scope=declaration.scope,
        effective_date=declaration.effective_date,
    )


def _smelter_rows(declaration_ids: list[int]) -> dict[int, list[SmelterRef]]:
    rows: dict[int, list[SmelterRef]] = defaultdict(list)
    query = DeclarationSmelter.objects.filter(declaration_id__in=declaration_ids).values_list(
        "declaration_id",
        "metal",
        "smelter__smelter_id",
        "name",
        "decision",
        "smelter__country_iso2",
        "row",
    )
    for declaration_id, metal, smelter_id, name, decision, iso2, row in query:
        rows[declaration_id].append(
            SmelterRef(
                metal=metal,
                smelter_id=smelter_id if decision in IDENTIFIED else None,
                name=name,
                identified=decision in IDENTIFIED,
                country_iso2=iso2 or None,
                row=row,
            )
        )
    return rows


def _parts_bought() -> dict[int, dict[str, str]]:
    """supplier → {number the supplier knows the part by (folded) → our part number}."""
    bought: dict[int, dict[str, str]] = defaultdict(dict)
    for supplier_id, number, theirs in PartSource.objects.values_list(
        "supplier_id", "part__number", "supplier_part_number"
    ):
        bought[supplier_id][(theirs or number).casefold()] = number
    return bought


def _facts(smelter_ids: set[str]) -> list[SmelterFacts]:
    return [
        SmelterFacts(s.smelter_id, s.metal, s.standard_name, s.country_iso2 or None)
        for s in ReferenceSmelter.objects.filter(smelter_id__in=smelter_ids)
    ]


def _events(smelter_ids: set[str]) -> list[StatusEvent]:
    query = SmelterStatus.objects.filter(smelter__smelter_id__in=smelter_ids).values_list(
        "smelter__smelter_id", "status", "as_of"
    )
    return [StatusEvent(cid, status, as_of) for cid, status, as_of in query if as_of is not None]


def _products() -> list[Product]:
    parts = _group(BomLine.objects.values_list("product_id", "part__number"))
    return [
        Product(p.number, p.name, frozenset(parts.get(p.pk, []))) for p in ProductRow.objects.all()
    ]


def _group(pairs: Iterable[tuple[int, str]]) -> dict[int, list[str]]:
    grouped: dict[int, list[str]] = defaultdict(list)
    for key, value in pairs:
        grouped[key].append(value)
    return grouped
