"""Year over year: per supplier, what changed between two periods (auditors ask)."""

from __future__ import annotations

from oretrace.assessment.changes import SupplierChanges, compare_suppliers
from oretrace.registry.models import ReportingPeriod
from oretrace.registry.services.assessing import supplier_inputs
from oretrace.registry.services.assessment_cache import remembered


def year_over_year(year: int, previous: int | None = None) -> list[SupplierChanges]:
    """Suppliers whose response, revision, smelters or answers changed since ``previous``
    (remembered until the registry's data next changes)."""
    before_year = previous or year - 1
    return remembered("year_over_year", (year, before_year), lambda: _changes(year, before_year))


def _changes(year: int, previous: int) -> list[SupplierChanges]:
    before = supplier_inputs(ReportingPeriod.for_year(previous))
    after = supplier_inputs(ReportingPeriod.for_year(year))
    return [c for c in compare_suppliers(before, after) if _changed(c)]


def _changed(change: SupplierChanges) -> bool:
    return bool(
        change.responded[0] != change.responded[1]
        or change.revision
        or change.smelters_added
        or change.smelters_removed
        or change.answers_changed
    )
