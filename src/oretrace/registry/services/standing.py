"""A period's assessment for the suppliers in a scope: what ``period_status`` counts and what
the supplier pages show (risk, red flags, metals used) come from this one computation."""

from __future__ import annotations

from collections.abc import Collection

from oretrace.assessment.overview import PeriodAssessment
from oretrace.registry.models import ReportingPeriod
from oretrace.registry.services.assessing import assess_suppliers, supplier_inputs
from oretrace.registry.services.assessment_cache import remembered, scope_key
from oretrace.registry.services.scope import StaffScope, supplier_ids_for


def scoped_assessment(period: ReportingPeriod, scope: StaffScope | None = None) -> PeriodAssessment:
    """RCOI, risk and smelters over the suppliers in ``scope`` (None: the whole group),
    remembered until the registry's data next changes (assessment_cache)."""
    in_scope = None if scope is None else supplier_ids_for(scope)
    return remembered(
        "assessment", (period.year, scope_key(in_scope)), lambda: _assessed(period, in_scope)
    )


def _assessed(period: ReportingPeriod, in_scope: Collection[int] | None) -> PeriodAssessment:
    inputs = supplier_inputs(period)
    if in_scope is not None:
        keep = {str(pk) for pk in in_scope}
        inputs = [s for s in inputs if s.supplier_id in keep]
    return assess_suppliers(period, inputs)
