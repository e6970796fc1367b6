"""A period's assessment for the suppliers in a scope: what ``period_status`` counts and what
the supplier pages show (risk, red flags, metals used) come from this one computation."""

from __future__ import annotations

from collections.abc import Collection

from oretrace.assessment.overview import PeriodAssessment
from oretrace.assessment.risk import SupplierRisk
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


def supplier_risk(period: ReportingPeriod, supplier_id: int) -> SupplierRisk | None:
    """One supplier's risk and red flags (None: not surveyed for the period), assessed over
    that supplier alone: a supplier's red flags read its own declaration and the status of
    the smelters it names, never other suppliers, so this is the risk every scope's
    assessment gives it (tests/registry/test_cold_assessment.py holds them equal), without
    assessing the whole period on the supplier page's first request (ADR 0022)."""
    ids = frozenset({supplier_id})
    found = remembered(
        "assessment", (period.year, scope_key(ids)), lambda: _assessed(period, ids), small=True
    )
    return found.suppliers.get(str(supplier_id))


def _assessed(period: ReportingPeriod, in_scope: Collection[int] | None) -> PeriodAssessment:
    return assess_suppliers(period, supplier_inputs(period, supplier_ids=in_scope))
