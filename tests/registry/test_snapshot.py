"""Report snapshots: what the registry held on a date, frozen; the profile feeds them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from oretrace.registry.models import (
    Declaration,
    DeclarationSmelter,
    Finding,
    ReportingPeriod,
    ReviewDecision,
)
from oretrace.registry.services.assessing import _smelter_rows as smelter_refs
from oretrace.registry.services.assessing import _summary as summary_of
from oretrace.registry.services.assessing import period_responses, responses_inputs
from oretrace.registry.services.ingest import ingest
from oretrace.registry.services.masterdata import import_master_data
from oretrace.registry.services.profile import ProfileError, load_profile, update_profile
from oretrace.registry.services.review import accept
from oretrace.registry.services.snapshot import report_snapshot
from oretrace.reporting.data import ReportData
from oretrace.synthetic import GroupSpec, MistakeRates, generate
from tests.registry.conftest import write_supplier
from tests.registry.test_review_and_changes import _odd_row, _supplier_file

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def _backdate(model: type[Declaration] | type[ReviewDecision], field: str, day: dt.date) -> None:
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    model.objects.update(**{field: moment})


def test_snapshot_round_trips_and_counts(tmp_path: Path) -> None:
    write_supplier(tmp_path / "in", "Acme Metals", dt.date(2025, 4, 1), metals=("Tin", "Gold"))
    ingest([tmp_path / "in"], 2025, "test")
    update_profile({"legal_name": "Oretrace Demo Corp.", "memberships": ["RMI"]}, "test")
    data = report_snapshot(2025, TODAY)
    assert data.organisation.legal_name == "Oretrace Demo Corp."
    assert (data.suppliers_surveyed, data.suppliers_responded) == (1, 1)
    assert data.declarations == {"valid": 1}
    assert {s.metal for s in data.smelters} == {"Tin", "Gold"}
    assert len(data.smelter_rows) == 3 and all(r.decision == "auto" for r in data.smelter_rows)
    assert [c.metal for c in data.rcoi] == ["Tantalum", "Tin", "Gold", "Tungsten"]
    again = ReportData.from_json(data.to_json())
    assert again == data and again.fingerprint() == data.fingerprint()
    assert report_snapshot(2025, TODAY).fingerprint() == data.fingerprint()


def test_as_of_leaves_out_later_files_and_decisions(tmp_path: Path) -> None:
    _supplier_file(tmp_path / "a.xlsx", [_odd_row("Fundicion Minsur Pisco")], dt.date(2025, 3, 1))
    ingest([tmp_path / "a.xlsx"], 2025, "test")
    _backdate(Declaration, "ingested_at", dt.date(2026, 1, 10))
    row = DeclarationSmelter.objects.get()
    original = row.decision
    accept(row.pk, "CID001182", "reviewer")
    _backdate(ReviewDecision, "decided_at", dt.date(2026, 2, 1))
    before_review = report_snapshot(2025, dt.date(2026, 1, 20))
    after_review = report_snapshot(2025, dt.date(2026, 2, 5))
    assert [r.decision for r in before_review.smelter_rows] == [original]
    assert [r.decision for r in after_review.smelter_rows] == ["confirmed"]
    assert after_review.smelter_rows[0].smelter_id == "CID001182"
    before_files = report_snapshot(2025, dt.date(2026, 1, 5))
    assert before_files.suppliers_responded == 0 and before_files.smelter_rows == ()


def test_profile_rejects_unknown_fields() -> None:
    with pytest.raises(ProfileError, match="favourite_colour"):
        update_profile({"favourite_colour": "blue"}, "test")
    with pytest.raises(ProfileError, match="list"):
        update_profile({"memberships": "RMI"}, "test")
    update_profile({"company_answers": {"A": "Yes"}}, "test")
    assert load_profile().company_answers == {"A": "Yes"}


def test_slim_queries_summarise_as_fully_loaded_declarations_do(tmp_path: Path) -> None:
    """The snapshot reads declarations without their content and streams their answers;
    on a generated group (resubmissions, findings, product scopes, unreadable files) each
    supplier's summary equals the one made from the declaration with every column loaded,
    and the number of queries does not grow with the declarations."""
    rates = MistakeRates(non_responder=0.1, resubmitted=0.2, unreadable=0.05)
    spec = GroupSpec(suppliers=20, group_companies=3, parts=60, products=4, rates=rates,
                     pad_rows=0, seed=11)  # fmt: skip
    generate(tmp_path / "group", spec)
    import_master_data("suppliers", tmp_path / "group" / "suppliers.csv", "test")
    files = sorted((tmp_path / "group" / "declarations").iterdir())
    ingest(files[:8], spec.period, "test")
    with CaptureQueriesContext(connection) as fewer:
        report_snapshot(spec.period, TODAY)
    ingest(files[8:], spec.period, "test")
    period = ReportingPeriod.for_year(spec.period)
    responses = period_responses(period, TODAY)
    inputs = {int(i.supplier_id): i for i in responses_inputs(responses, TODAY)}
    ids = [d.pk for d in responses.chosen.values()]
    rows = smelter_refs(ids, TODAY)
    assert len(responses.chosen) > 12 and any(len(r) for r in rows.values())
    for supplier_id, chosen in responses.chosen.items():
        full = Declaration.objects.get(pk=chosen.pk)  # every column, content included
        codes = list(Finding.objects.filter(declaration=full).values_list("code", flat=True))
        expected = summary_of(full, codes, rows.get(full.pk, []), full.answers,
                              full.company_answers)  # fmt: skip
        assert inputs[supplier_id].declaration == expected
    with CaptureQueriesContext(connection) as more:
        data = report_snapshot(spec.period, TODAY)
    assert len(more) == len(fewer)
    assert data.suppliers_responded > 12
