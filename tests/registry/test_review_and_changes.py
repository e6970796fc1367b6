"""Review decisions teach aliases; year over year shows what a supplier changed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from oretrace.cmrt.writer import write_draft
from oretrace.demo import cmrt_draft
from oretrace.registry.models import AuditEntry, DeclarationSmelter, LearnedAlias
from oretrace.registry.services.changes import year_over_year
from oretrace.registry.services.ingest import ingest
from oretrace.registry.services.review import ReviewError, accept, reject, review_queue

pytestmark = pytest.mark.django_db


def _supplier_file(path: Path, smelters: list[dict[str, object]], day: dt.date) -> Path:
    draft = cmrt_draft("Acme Metals", "6.4", ("Tin",))
    draft.company["effective_date"] = day
    draft.smelters = smelters  # type: ignore[assignment]
    path.parent.mkdir(parents=True, exist_ok=True)
    write_draft(draft, path)
    return path


def _odd_row(name: str) -> dict[str, object]:
    return {"metal": "Tin", "lookup": "Smelter not listed", "name": name, "country": "PERU"}


def test_accepted_review_becomes_an_alias_for_later_files(tmp_path: Path) -> None:
    nickname = "Fundicion Minsur Pisco plant"
    _supplier_file(tmp_path / "a" / "a.xlsx", [_odd_row(nickname)], dt.date(2025, 3, 1))
    ingest([tmp_path / "a"], 2025, "test")
    [row] = review_queue(2025)
    assert row.decision in ("review", "none")
    with pytest.raises(ReviewError, match="Gold"):
        accept(row.pk, "CID000015", "reviewer")  # a gold refinery for a tin row
    accept(row.pk, "CID001182", "reviewer", note="plant name")
    row.refresh_from_db()
    assert row.decision == "confirmed" and row.smelter is not None
    assert LearnedAlias.objects.get().smelter.smelter_id == "CID001182"
    assert list(review_queue(2025)) == []
    assert AuditEntry.objects.filter(action="smelter.review.accepted").exists()
    # another supplier writes the same name later: identified automatically
    other = cmrt_draft("Beta Solder", "6.5", ("Tin",))
    other.smelters = [_odd_row(nickname)]  # type: ignore[list-item]
    write_draft(other, tmp_path / "b.xlsx")
    ingest([tmp_path / "b.xlsx"], 2025, "test")
    later = DeclarationSmelter.objects.exclude(pk=row.pk).get()
    assert (later.decision, later.method) == ("auto", "learned_alias")
    assert later.smelter is not None and later.smelter.smelter_id == "CID001182"


def test_reject_is_recorded(tmp_path: Path) -> None:
    _supplier_file(tmp_path / "a.xlsx", [_odd_row("Nathan Trotter & Co")], dt.date(2025, 3, 1))
    ingest([tmp_path / "a.xlsx"], 2025, "test")
    [row] = review_queue(2025) or DeclarationSmelter.objects.all()
    reject(row.pk, "reviewer", note="a trader")
    row.refresh_from_db()
    assert row.decision == "rejected" and "a trader" in row.reason
    assert row.reviews.get().accepted is False
    assert list(review_queue(2025)) == []  # a rejected row leaves the queue


def test_year_over_year(tmp_path: Path) -> None:
    minsur = {
        "metal": "Tin",
        "lookup": "Minsur",
        "name": "Minsur",
        "country": "PERU",
        "smelter_id": "CID001182",
    }
    timah = {
        "metal": "Tin",
        "lookup": "PT Timah Tbk Kundur",
        "name": "PT Timah Tbk Kundur",
        "country": "INDONESIA",
        "smelter_id": "CID001477",
    }
    _supplier_file(tmp_path / "2024" / "a.xlsx", [minsur], dt.date(2024, 4, 1))
    ingest([tmp_path / "2024"], 2024, "test")
    path = _supplier_file(tmp_path / "2025" / "a.xlsx", [timah], dt.date(2025, 4, 1))
    ingest([path], 2025, "test")
    [change] = year_over_year(2025)
    assert change.name == "Acme Metals"
    assert [s.smelter_id for s in change.smelters_added] == ["CID001477"]
    assert [s.smelter_id for s in change.smelters_removed] == ["CID001182"]
