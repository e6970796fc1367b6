"""A period's assessment for the suppliers in a scope: what ``period_status`` counts and what
the supplier pages show (risk, red flags, metals used) come from this one computation."""

from __future__ import annotations

from oretrace.assessment.overview import PeriodAssessment
from oretrace.registry.models import ReportingPeriod
from oretrace.registry.services.assessing import assess_suppliers, supplier_inputs
from oretrace.registry.services.scope import StaffScope, supplier_ids_for


def scoped_assessment(period: ReportingPeriod, scope: StaffScope | None = None) -> PeriodAssessment:
    """RCOI, risk and smelters over the suppliers in ``scope`` (None: the whole group)."""
    inputs = supplier_inputs(period)
    in_scope = None if scope is None else supplier_ids_for(scope)
    if in_scope is not None:
        keep = {str(pk) for pk in in_scope}
        inputs = [s for s in inputs if s.supplier_id in keep]
    return assess_suppliers(period, inputs)
