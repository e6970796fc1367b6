"""Where a reporting period stands: responses, declaration quality, smelters, RCOI and risk."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from oretrace.assessment.overview import PeriodAssessment
from oretrace.registry.models import (
    Declaration,
    DeclarationSmelter,
    ReportingPeriod,
    Supplier,
)
from oretrace.registry.services.assessing import assess_period


@dataclass(slots=True)
class PeriodStatus:
    period: int
    suppliers_surveyed: int = 0
    suppliers_responded: int = 0
    declarations: Counter[str] = field(default_factory=Counter)
    smelter_rows: Counter[str] = field(default_factory=Counter)
    smelters_identified: int = 0
    smelters_by_status: Counter[str] = field(default_factory=Counter)
    rcoi: dict[str, str] = field(default_factory=dict)
    suppliers_by_risk: Counter[str] = field(default_factory=Counter)

    @property
    def response_rate(self) -> float:
        return self.suppliers_responded / self.suppliers_surveyed if self.suppliers_surveyed else 0

    def as_json(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "suppliers_surveyed": self.suppliers_surveyed,
            "suppliers_responded": self.suppliers_responded,
            "response_rate": round(self.response_rate, 4),
            "declarations": dict(self.declarations),
            "smelter_rows": dict(self.smelter_rows),
            "smelters_identified": self.smelters_identified,
            "smelters_by_status": dict(self.smelters_by_status),
            "rcoi": self.rcoi,
            "suppliers_by_risk": dict(self.suppliers_by_risk),
        }


def period_status(year: int) -> PeriodStatus:
    period = ReportingPeriod.for_year(year)
    status = PeriodStatus(period=year)
    current = Declaration.objects.filter(period=period).filter(
        Q(is_current=True) | Q(status=Declaration.Status.UNREADABLE)
    )
    status.declarations.update(dict(Counter(current.values_list("status", flat=True))))
    responded = set(current.exclude(supplier=None).values_list("supplier_id", flat=True))
    surveyed = set(Supplier.objects.filter(unverified=False).values_list("id", flat=True))
    status.suppliers_surveyed = len(surveyed | responded)
    status.suppliers_responded = len(responded)
    rows = DeclarationSmelter.objects.filter(declaration__in=current.filter(is_current=True))
    status.smelter_rows.update(dict(Counter(rows.values_list("decision", flat=True))))
    assessment: PeriodAssessment = assess_period(period)
    status.smelters_identified = len(assessment.smelters)
    status.smelters_by_status.update(
        "conformant" if s.conformant else (s.status or "no RMAP status").casefold()
        for s in assessment.smelters.values()
    )
    status.rcoi = {metal: c.conclusion.value for metal, c in assessment.rcoi.items()}
    status.suppliers_by_risk.update(r.level.value for r in assessment.suppliers.values())
    return status
