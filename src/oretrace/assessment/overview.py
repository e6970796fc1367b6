"""One call for a whole period: smelters, supplier risk, RCOI per metal, products.

Order matters and is fixed here: smelters are assessed first (status at period end,
country flags), because supplier red flags and RCOI conclusions read them; products last,
because they roll up supplier risk.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from oretrace.assessment.inputs import (
    METALS_3TG,
    Period,
    Product,
    SmelterFacts,
    StatusEvent,
    SupplierInput,
)
from oretrace.assessment.products import ProductAssessment, assess_products
from oretrace.assessment.rcoi import RcoiResult, conclude_all
from oretrace.assessment.reference_data import CountryLists
from oretrace.assessment.risk import SupplierRisk, assess_supplier
from oretrace.assessment.settings import AssessmentSettings
from oretrace.assessment.smelters import SmelterAssessment, assess_smelters


@dataclass(frozen=True, slots=True)
class PeriodAssessment:
    period: Period
    rcoi: dict[str, RcoiResult]  # metal → conclusion
    suppliers: dict[str, SupplierRisk]  # supplier id → risk
    smelters: dict[str, SmelterAssessment]  # smelter id → status and flags at period end
    products: list[ProductAssessment]


def assess_period(
    period: Period,
    suppliers: Sequence[SupplierInput],
    smelter_facts: Iterable[SmelterFacts] = (),
    status_events: Iterable[StatusEvent] = (),
    products: Iterable[Product] = (),
    metals: Sequence[str] = METALS_3TG,
    countries: CountryLists | None = None,
    settings: AssessmentSettings | None = None,
) -> PeriodAssessment:
    """Assess one period. ``metals`` bounds RCOI and red flags (3TG by default)."""
    settings = settings or AssessmentSettings()
    countries = countries or CountryLists.packaged()
    smelters = assess_smelters(
        period.end, suppliers, smelter_facts, status_events, countries, settings
    )
    risks = {s.supplier_id: assess_supplier(s, smelters, settings, metals) for s in suppliers}
    return PeriodAssessment(
        period=period,
        rcoi=conclude_all(suppliers, smelters, metals, settings, period, countries),
        suppliers=risks,
        smelters=smelters,
        products=assess_products(products, suppliers, risks),
    )
