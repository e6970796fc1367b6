"""Where a reporting period stands: responses, declaration quality, smelters, RCOI and risk.

The status is the figures of the period's report snapshot (``report_snapshot``), counted by
``oretrace.reporting.figures.period_figures`` — the same function every report document
takes its numbers from, so `oretrace status`, the dashboard and the report cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from oretrace.assessment.smelters import SmelterAssessment
from oretrace.registry.models import Declaration, ReportingPeriod
from oretrace.registry.services.assessment_cache import remembered, scope_key
from oretrace.registry.services.scope import StaffScope, supplier_ids_for
from oretrace.registry.services.snapshot import report_snapshot
from oretrace.reporting.figures import PeriodFigures, period_figures
from oretrace.reporting.minerals import MineralLine


@dataclass(slots=True)
class PeriodStatus:
    period: int
    suppliers_surveyed: int = 0
    suppliers_responded: int = 0
    declarations: Counter[str] = field(default_factory=Counter)
    smelter_rows: Counter[str] = field(default_factory=Counter)
    smelters_identified: int = 0
    smelters_by_status: Counter[str] = field(default_factory=Counter)
    smelters_by_metal: dict[str, Counter[str]] = field(default_factory=dict)
    rcoi: dict[str, str] = field(default_factory=dict)
    suppliers_by_risk: Counter[str] = field(default_factory=Counter)
    as_of: dt.date | None = None
    figures: PeriodFigures | None = None
    extended_minerals: tuple[MineralLine, ...] = ()  # EMRT, beside 3TG (docs/cli.md)

    @property
    def suppliers_without_response(self) -> int:
        """Surveyed, and nothing received for the period (the dashboard's "overdue")."""
        return self.suppliers_surveyed - self.suppliers_responded

    @property
    def response_rate(self) -> float:
        return self.suppliers_responded / self.suppliers_surveyed if self.suppliers_surveyed else 0

    def as_json(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "period": self.period,
            "suppliers_surveyed": self.suppliers_surveyed,
            "suppliers_responded": self.suppliers_responded,
            "suppliers_without_response": self.suppliers_without_response,
            "response_rate": round(self.response_rate, 4),
            "declarations": dict(self.declarations),
            "smelter_rows": dict(self.smelter_rows),
            "smelters_identified": self.smelters_identified,
            "smelters_by_status": dict(self.smelters_by_status),
            "smelters_by_metal": {m: dict(c) for m, c in sorted(self.smelters_by_metal.items())},
            "rcoi": self.rcoi,
            "suppliers_by_risk": dict(self.suppliers_by_risk),
        }
        if self.as_of is not None:
            values["as_of"] = self.as_of.isoformat()
        if self.figures is not None:
            f = self.figures
            values |= {
                "declarations_received": f.declarations_received,
                "declarations_needing_follow_up": f.declarations_needing_follow_up,
                "smelter_entries": f.smelter_entries,
                "smelter_entries_not_identified": f.smelters.not_identified,
                "smelters_conformant": f.smelters.conformant,
                "smelters_known_not_conformant": f.smelters.known_not_conformant,
                "smelters_in_covered_countries": f.smelters_in_covered_countries,
                "smelters_in_cahras": f.smelters_in_cahras,
                "corrective_actions": f.corrective_actions,
                "suppliers_with_corrective_actions": f.suppliers_with_corrective_actions,
            }
        values["extended_minerals"] = {m.mineral: m.as_json() for m in self.extended_minerals}
        return values


def counted_declarations(
    period: ReportingPeriod, scope: StaffScope | None = None
) -> QuerySet[Declaration]:
    """The declarations the web app's declaration lists show (current revisions, and
    unreadable files), in scope."""
    current = Declaration.objects.filter(period=period).filter(
        Q(is_current=True) | Q(status=Declaration.Status.UNREADABLE)
    )
    in_scope = None if scope is None else supplier_ids_for(scope)
    return current if in_scope is None else current.filter(supplier_id__in=in_scope)


def rmap_label(smelter: SmelterAssessment) -> str:
    """How status counts a smelter: conformant, else its RMAP status at period end (the same
    rule as ``oretrace.reporting.figures.smelter_status_key``, for assessment objects)."""
    return "conformant" if smelter.conformant else (smelter.status or "no RMAP status").casefold()


def period_status(
    year: int,
    scope: StaffScope | None = None,
    *,
    as_of: dt.date | None = None,
    supplier_ids: Collection[int] | None = None,
) -> PeriodStatus:
    """The period's figures as of ``as_of`` (default today), for the whole group or for the
    suppliers in ``scope`` (a compliance officer's group companies) or ``supplier_ids``.
    The dashboard, ``oretrace status`` and the report all count through
    ``oretrace.reporting.figures.period_figures``, so their numbers cannot differ.
    The result is remembered until the registry's data next changes (assessment_cache)."""
    if scope is not None:
        in_scope = supplier_ids_for(scope)
        if in_scope is not None:
            supplier_ids = set(in_scope) & set(supplier_ids) if supplier_ids else set(in_scope)
    ids = None if supplier_ids is None else frozenset(supplier_ids)
    params = (year, (as_of or dt.date.today()).isoformat(), scope_key(ids))
    return remembered("period_status", params, lambda: _computed_status(year, as_of, ids))


def _computed_status(
    year: int, as_of: dt.date | None, supplier_ids: Collection[int] | None
) -> PeriodStatus:
    data = report_snapshot(year, as_of, supplier_ids=supplier_ids)
    figures = period_figures(data)
    return PeriodStatus(
        period=year,
        suppliers_surveyed=figures.suppliers_surveyed,
        suppliers_responded=figures.suppliers_responded,
        declarations=Counter(figures.declarations),
        smelter_rows=Counter(figures.smelter_rows),
        smelters_identified=figures.smelters.identified,
        smelters_by_status=Counter(figures.smelters_by_status),
        smelters_by_metal={m: Counter(c) for m, c in figures.smelters_by_metal.items()},
        rcoi=figures.rcoi,
        suppliers_by_risk=Counter(figures.suppliers_by_risk),
        as_of=data.as_of,
        figures=figures,
        extended_minerals=data.extended_minerals,
    )
