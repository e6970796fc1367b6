"""Where a reporting period stands: responses, declaration quality, smelters, RCOI and risk."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from oretrace.assessment.overview import PeriodAssessment
from oretrace.assessment.smelters import SmelterAssessment
from oretrace.registry.models import (
    Declaration,
    DeclarationSmelter,
    ReportingPeriod,
    Supplier,
)
from oretrace.registry.services.scope import StaffScope, supplier_ids_for
from oretrace.registry.services.standing import scoped_assessment


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

    @property
    def suppliers_without_response(self) -> int:
        """Surveyed, and nothing received for the period (the dashboard's "overdue")."""
        return self.suppliers_surveyed - self.suppliers_responded

    @property
    def response_rate(self) -> float:
        return self.suppliers_responded / self.suppliers_surveyed if self.suppliers_surveyed else 0

    def as_json(self) -> dict[str, Any]:
        return {
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


def counted_declarations(
    period: ReportingPeriod, scope: StaffScope | None = None
) -> QuerySet[Declaration]:
    """The declarations status counts (current revisions, and unreadable files), in scope.
    The web app's "responded" and declaration filters read this too."""
    current = Declaration.objects.filter(period=period).filter(
        Q(is_current=True) | Q(status=Declaration.Status.UNREADABLE)
    )
    in_scope = None if scope is None else supplier_ids_for(scope)
    return current if in_scope is None else current.filter(supplier_id__in=in_scope)


def rmap_label(smelter: SmelterAssessment) -> str:
    """How status counts a smelter: conformant, else its RMAP status at period end."""
    return "conformant" if smelter.conformant else (smelter.status or "no RMAP status").casefold()


def period_status(year: int, scope: StaffScope | None = None) -> PeriodStatus:
    """The period's figures for the whole group, or for the suppliers in ``scope`` only
    (a compliance officer's group companies): the dashboard and ``oretrace status`` both
    call this, so their numbers cannot differ."""
    period = ReportingPeriod.for_year(year)
    status = PeriodStatus(period=year)
    in_scope = None if scope is None else supplier_ids_for(scope)
    current = counted_declarations(period, scope)
    status.declarations.update(dict(Counter(current.values_list("status", flat=True))))
    responded = set(current.exclude(supplier=None).values_list("supplier_id", flat=True))
    surveyed_rows = Supplier.objects.filter(unverified=False)
    if in_scope is not None:
        surveyed_rows = surveyed_rows.filter(pk__in=in_scope)
    surveyed = set(surveyed_rows.values_list("id", flat=True))
    status.suppliers_surveyed = len(surveyed | responded)
    status.suppliers_responded = len(responded)
    rows = DeclarationSmelter.objects.filter(declaration__in=current.filter(is_current=True))
    status.smelter_rows.update(dict(Counter(rows.values_list("decision", flat=True))))
    assessment: PeriodAssessment = scoped_assessment(period, scope)
    status.smelters_identified = len(assessment.smelters)
    for smelter in assessment.smelters.values():
        label = rmap_label(smelter)
        status.smelters_by_status[label] += 1
        status.smelters_by_metal.setdefault(smelter.metal, Counter())[label] += 1
    status.rcoi = {metal: c.conclusion.value for metal, c in assessment.rcoi.items()}
    status.suppliers_by_risk.update(r.level.value for r in assessment.suppliers.values())
    return status
