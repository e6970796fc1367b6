"""The cold assessment's shortcuts give the figures the whole computation gives (ADR 0022).

On a generated group (three group companies, resubmissions, findings, product scopes,
unreadable files, two periods): a scope's assessment narrowed in the queries equals the whole
group's inputs filtered afterwards (what it was before); one supplier's risk assessed alone
equals its risk in the group's and in its officer's assessment; one supplier's year-over-year
changes equal the group's, filtered; the count of corrected declarations equals the count
through the ``superseded_by`` join.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from oretrace.cmrt.writer import draft_bytes
from oretrace.demo import cmrt_draft
from oretrace.registry.models import Declaration, ReportingPeriod, SupplierRelationship
from oretrace.registry.services.assessing import (
    assess_suppliers,
    period_responses,
    supplier_inputs,
)
from oretrace.registry.services.changes import year_over_year
from oretrace.registry.services.ingest import ingest
from oretrace.registry.services.masterdata import import_master_data
from oretrace.registry.services.scope import StaffScope
from oretrace.registry.services.snapshot import _corrected, report_snapshot
from oretrace.registry.services.standing import scoped_assessment, supplier_risk
from oretrace.synthetic import GroupSpec, MistakeRates, generate

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
RATES = MistakeRates(non_responder=0.1, resubmitted=0.2, unreadable=0.05, answer_outside_list=0.2)


@pytest.fixture
def group(tmp_path: Path) -> dict[int, frozenset[int]]:
    """Two periods of a generated group; group company id → its supplier ids."""
    for year in (2024, 2025):
        spec = GroupSpec(suppliers=16, group_companies=3, parts=60, products=4, period=year,
                         rates=RATES, pad_rows=0, seed=7)  # fmt: skip
        generate(tmp_path / str(year), spec)
        if year == 2025:
            import_master_data("suppliers", tmp_path / "2025" / "suppliers.csv", "test")
        files = sorted((tmp_path / str(year) / "declarations").iterdir())
        ingest(files[: 10 if year == 2024 else None], year, "test", workers=1)
    scopes: dict[int, set[int]] = {}
    for company, supplier in SupplierRelationship.objects.values_list(
        "group_company_id", "supplier_id"
    ):
        scopes.setdefault(company, set()).add(supplier)
    return {company: frozenset(ids) for company, ids in scopes.items()}


def test_shortcuts_give_the_whole_computations_figures(
    group: dict[int, frozenset[int]],
) -> None:
    """One generated group for the three shortcuts (building it is most of the time)."""
    period = ReportingPeriod.for_year(2025)
    every = supplier_inputs(period)
    whole = scoped_assessment(period)
    levels = {r.level.value for r in whole.suppliers.values()}
    assert len(levels) > 1 and any(f.smelters for r in whole.suppliers.values() for f in r.flags)
    assert len(group) == 3
    # a scope narrowed in the queries is the group's inputs filtered afterwards
    officers = {}
    for company, ids in group.items():
        keep = {str(pk) for pk in ids}
        before = assess_suppliers(period, [s for s in every if s.supplier_id in keep])
        officers[company] = scoped_assessment(
            period, StaffScope.for_group_companies(frozenset({company}))
        )
        assert officers[company] == before
        assert len(before.suppliers) == len(ids) > 2
    snapshot = report_snapshot(2025, TODAY)
    for ids in group.values():
        part = report_snapshot(2025, TODAY, supplier_ids=ids)
        assert part.suppliers == tuple(s for s in snapshot.suppliers if int(s.supplier_id) in ids)
        names = {s.name for s in part.suppliers}
        assert part.smelter_rows == tuple(r for r in snapshot.smelter_rows if r.supplier in names)
        assert part.unattributed_files == ()
    # one supplier's risk alone is the risk every scope gives it; its changes the group's
    changes = year_over_year(2025)
    assert changes and any(c.smelters_added or c.smelters_removed for c in changes)
    for company, ids in group.items():
        for pk in ids:
            alone = supplier_risk(period, pk)
            assert alone is not None
            assert alone == whole.suppliers.get(str(pk)) == officers[company].suppliers.get(str(pk))
            mine = year_over_year(2025, supplier_ids={pk})
            assert mine == [c for c in changes if c.supplier_id == str(pk)]


def test_corrected_declarations_are_counted_as_through_the_join(tmp_path: Path) -> None:
    for name, answer, day in (
        ("Golf Metals", "Maybe", dt.date(2025, 3, 1)),  # a finding: answer_not_allowed
        ("Golf Metals", "Yes", dt.date(2025, 6, 1)),  # the corrected file
        ("Hotel Alloys", "Maybe", dt.date(2025, 3, 1)),  # findings, not corrected
        ("India Wire", "Yes", dt.date(2025, 3, 1)),
        ("India Wire", "Yes", dt.date(2025, 6, 1)),  # a revision of a valid file
    ):
        draft = cmrt_draft(name, "6.4", ("Tin",))
        draft.company["effective_date"] = day
        draft.answers[("Q3", "Tin")] = answer
        (tmp_path / f"{name.split()[0]}-{day:%m}.xlsx").write_bytes(draft_bytes(draft))
    ingest(sorted(tmp_path.glob("*.xlsx")), 2025, "test", workers=1)
    responses = period_responses(ReportingPeriod.for_year(2025), TODAY)
    valid = [d.pk for d in responses.chosen.values() if d.status == Declaration.Status.VALID]
    joined = Declaration.objects.filter(
        superseded_by__in=valid, status=Declaration.Status.FINDINGS
    ).values_list("supplier_id", flat=True)
    assert _corrected(responses) == len(set(joined)) == 1


def test_one_suppliers_results_do_not_push_the_groups_out_of_the_process(
    tmp_path: Path,
) -> None:
    """Each process keeps a few results unpickled; a supplier page's small results are read
    back from the database instead, so visiting many suppliers keeps the group's figures."""
    from oretrace.registry.models import Supplier
    from oretrace.registry.services import assessment_cache
    from tests.registry.conftest import write_supplier

    names = [f"Kilo {n} Metals" for n in range(assessment_cache.IN_PROCESS + 2)]
    for name in names:
        write_supplier(tmp_path, name, dt.date(2025, 4, 1))
    ingest(sorted(tmp_path.glob("*.xlsx")), 2025, "test", workers=1)
    ReportingPeriod.for_year(2024)  # made on first sight: a write, moving the data version
    assessment_cache.forget()
    period = ReportingPeriod.for_year(2025)
    group = scoped_assessment(period)
    kept = set(assessment_cache._process)
    assert len(kept) == 1
    for supplier in Supplier.objects.all():
        assert supplier_risk(period, supplier.pk) == group.suppliers[str(supplier.pk)]
        assert supplier_risk(period, supplier.pk) == group.suppliers[str(supplier.pk)]  # read back
        year_over_year(2025, supplier_ids={supplier.pk})
    assert set(assessment_cache._process) == kept
    assert scoped_assessment(period) is group  # still the process's own copy
