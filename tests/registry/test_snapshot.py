"""Report snapshots: what the registry held on a date, frozen; the profile feeds them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from oretrace.registry.models import Declaration, DeclarationSmelter, ReviewDecision
from oretrace.registry.services.ingest import ingest
from oretrace.registry.services.profile import ProfileError, load_profile, update_profile
from oretrace.registry.services.review import accept
from oretrace.registry.services.snapshot import report_snapshot
from oretrace.reporting.data import ReportData
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
