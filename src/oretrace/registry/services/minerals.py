"""Extended minerals for a period: the EMRT declarations in force, assessed per mineral.

One function, :func:`extended_minerals`, feeds both `oretrace status` (its
``extended_minerals`` section) and the internal report (``ReportData.extended_minerals``), so
the two cannot disagree. The counting rules are in ``oretrace.reporting.minerals``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Collection

from oretrace.cmrt.normalise import canonical_metal
from oretrace.registry.models import Declaration, DeclarationSmelter, ReportingPeriod, Supplier
from oretrace.registry.services.assessing import (
    Responses,
    assess_suppliers,
    chosen_declarations,
    decisions_after,
    products_of_record,
    responses_inputs,
)
from oretrace.reporting.minerals import EXTENDED_MINERALS, MineralLine, mineral_lines


def extended_minerals(
    year: int, as_of: dt.date | None = None, *, supplier_ids: Collection[int] | None = None
) -> tuple[MineralLine, ...]:
    """Per extended mineral declared, the period's figures as the registry stood on ``as_of``
    (default: now), for all suppliers or those in ``supplier_ids`` (an officer's scope)."""
    period = ReportingPeriod.for_year(year)
    chosen = chosen_declarations(period, as_of, template="EMRT")
    if supplier_ids is not None:
        allowed = set(supplier_ids)
        chosen = {k: v for k, v in chosen.items() if k in allowed}
    if not chosen:
        return ()
    names = dict(Supplier.objects.filter(pk__in=list(chosen)).values_list("id", "name"))
    suppliers = responses_inputs(Responses(surveyed=names, chosen=chosen), as_of)
    assessment = assess_suppliers(period, suppliers, as_of, metals=EXTENDED_MINERALS)
    ids = [d.pk for d in chosen.values()]
    return mineral_lines(
        assessment, suppliers, _row_decisions(ids, as_of), _mines(ids), products_of_record()
    )


def _row_decisions(declaration_ids: list[int], as_of: dt.date | None) -> dict[str, Counter[str]]:
    """Mineral → identification decision → smelter rows (decisions as they stood on as_of)."""
    undone = decisions_after(declaration_ids, as_of)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    rows = DeclarationSmelter.objects.filter(declaration_id__in=declaration_ids)
    for pk, metal, decision in rows.values_list("pk", "metal", "decision"):
        counts[metal][undone.get(pk, (decision, None))[0]] += 1
    return counts


def _mines(declaration_ids: list[int]) -> Counter[str]:
    """Mineral → Mine List rows, as kept in the declarations' content at ingest."""
    counts: Counter[str] = Counter()
    contents = Declaration.objects.filter(pk__in=declaration_ids).values_list("content", flat=True)
    for content in contents:
        for mine in (content or {}).get("mines", []):
            counts[canonical_metal(mine.get("metal")) or ""] += 1
    return counts
