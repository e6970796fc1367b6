"""Year over year: per supplier, what changed between two periods (auditors ask)."""

from __future__ import annotations

from collections.abc import Collection

from oretrace.assessment.changes import SupplierChanges, compare_suppliers
from oretrace.registry.models import ReportingPeriod
from oretrace.registry.services.assessing import supplier_inputs
from oretrace.registry.services.assessment_cache import remembered, scope_key


def year_over_year(
    year: int, previous: int | None = None, *, supplier_ids: Collection[int] | None = None
) -> list[SupplierChanges]:
    """Suppliers whose response, revision, smelters or answers changed since ``previous``,
    of ``supplier_ids`` (None: the whole group; the supplier page asks for one supplier, and
    a supplier's changes depend on its own declarations only). Remembered until the
    registry's data next changes."""
    before_year = previous or year - 1
    ids = None if supplier_ids is None else frozenset(supplier_ids)
    params: tuple[int | str, ...] = (year, before_year)
    if ids is not None:
        params += (scope_key(ids),)
    return remembered(
        "year_over_year",
        params,
        lambda: _changes(year, before_year, ids),
        small=ids is not None and len(ids) == 1,
    )


def _changes(year: int, previous: int, ids: frozenset[int] | None) -> list[SupplierChanges]:
    before = supplier_inputs(ReportingPeriod.for_year(previous), supplier_ids=ids)
    after = supplier_inputs(ReportingPeriod.for_year(year), supplier_ids=ids)
    return [c for c in compare_suppliers(before, after) if _changed(c)]


def _changed(change: SupplierChanges) -> bool:
    return bool(
        change.responded[0] != change.responded[1]
        or change.revision
        or change.smelters_added
        or change.smelters_removed
        or change.answers_changed
    )
