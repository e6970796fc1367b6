"""Extended minerals for a period: the EMRT, CRT and AMRT declarations in force, assessed per
mineral.

One function, :func:`extended_minerals`, feeds `oretrace status` (its ``extended_minerals``
section), the web dashboard and the internal report (``ReportData.extended_minerals``), so
they cannot disagree. The counting rules are in ``oretrace.reporting.minerals``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Collection

from oretrace.assessment.inputs import SupplierInput
from oretrace.registry.models import Declaration, DeclarationSmelter, ReportingPeriod, Supplier
from oretrace.registry.services.assessing import (
    Responses,
    assess_suppliers,
    chosen_declarations,
    decisions_after,
    products_of_record,
    responses_inputs,
)
from oretrace.reporting.minerals import (
    MINERAL_TEMPLATES,
    MineCounts,
    MineralLine,
    RowCounts,
    declared_minerals,
    mineral_lines,
    mineral_name,
)


def extended_minerals(
    year: int, as_of: dt.date | None = None, *, supplier_ids: Collection[int] | None = None
) -> tuple[MineralLine, ...]:
    """Per extended mineral declared, the period's figures as the registry stood on ``as_of``
    (default: now), for all suppliers or those in ``supplier_ids`` (an officer's scope)."""
    period = ReportingPeriod.for_year(year)
    allowed = None if supplier_ids is None else set(supplier_ids)
    in_force: list[Declaration] = []
    suppliers: list[SupplierInput] = []
    for template in MINERAL_TEMPLATES:  # precedence order (reporting.minerals)
        chosen = chosen_declarations(period, as_of, template=template)
        if allowed is not None:
            chosen = {k: v for k, v in chosen.items() if k in allowed}
        if not chosen:
            continue
        names = dict(Supplier.objects.filter(pk__in=list(chosen)).values_list("id", "name"))
        inputs = responses_inputs(Responses(surveyed=names, chosen=chosen), as_of)
        suppliers += [_canonical(s) for s in inputs if s.declaration is not None]
        in_force += chosen.values()
    if not in_force:
        return ()
    minerals = declared_minerals(suppliers)
    assessment = assess_suppliers(period, suppliers, as_of, metals=minerals)
    return mineral_lines(
        assessment, suppliers, _row_decisions(in_force, as_of), _mines(in_force),
        products_of_record(),
    )  # fmt: skip


def _canonical(supplier: SupplierInput) -> SupplierInput:
    """The input with its minerals under their canonical names (an AMRT may write
    "Aluminium" where the reference says "Aluminum")."""
    declaration = supplier.declaration
    if declaration is None:
        return supplier
    metals = {
        mineral_name(name): dataclasses.replace(answers, metal=mineral_name(name))
        for name, answers in declaration.metals.items()
    }
    smelters = tuple(
        dataclasses.replace(s, metal=mineral_name(s.metal)) for s in declaration.smelters
    )
    return dataclasses.replace(
        supplier, declaration=dataclasses.replace(declaration, metals=metals, smelters=smelters)
    )


def _row_decisions(declarations: list[Declaration], as_of: dt.date | None) -> RowCounts:
    """(supplier, template) → mineral → identification decision → smelter rows (decisions as
    they stood on as_of)."""
    ids = [d.pk for d in declarations]
    keys = {d.pk: (str(d.supplier_id), d.template) for d in declarations}
    undone = decisions_after(ids, as_of)
    counts: dict[tuple[str, str], dict[str, Counter[str]]] = defaultdict(
        lambda: defaultdict(Counter)
    )
    rows = DeclarationSmelter.objects.filter(declaration_id__in=ids)
    for pk, declaration_id, metal, decision in rows.values_list(
        "pk", "declaration_id", "metal", "decision"
    ):
        mineral = mineral_name(metal or "")
        counts[keys[declaration_id]][mineral][undone.get(pk, (decision, None))[0]] += 1
    return counts


def _mines(declarations: list[Declaration]) -> MineCounts:
    """(supplier, template) → mineral → Mine List rows, as kept in the content at ingest."""
    keys = {d.pk: (str(d.supplier_id), d.template) for d in declarations}
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    contents = Declaration.objects.filter(pk__in=list(keys)).values_list("pk", "content")
    for pk, content in contents:
        for mine in (content or {}).get("mines", []):
            counts[keys[pk]][mineral_name(mine.get("metal") or "")] += 1
    return counts
