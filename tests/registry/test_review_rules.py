"""Review decisions are state changes with rules: a reason to re-decide, the alias follows
the latest decision, the history keeps every decision, each audited with the change."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from oretrace.cmrt.writer import write_draft
from oretrace.demo import cmrt_draft
from oretrace.registry.models import AuditEntry, DeclarationSmelter, LearnedAlias, ReviewDecision
from oretrace.registry.services.audit import verify_chain
from oretrace.registry.services.ingest import ingest
from oretrace.registry.services.review import ReviewError, accept, history, reject, review_queue

pytestmark = pytest.mark.django_db

MINSUR, TIMAH = "CID001182", "CID001477"


def _ingest(tmp_path: Path, rows: list[dict[str, object]]) -> list[DeclarationSmelter]:
    draft = cmrt_draft("Acme Metals", "6.4", ("Tin",))
    draft.company["effective_date"] = dt.date(2025, 3, 1)
    draft.smelters = rows  # type: ignore[assignment]
    write_draft(draft, tmp_path / "a.xlsx")
    ingest([tmp_path / "a.xlsx"], 2025, "test")
    return list(DeclarationSmelter.objects.order_by("row"))


def _odd(name: str) -> dict[str, object]:
    return {"metal": "Tin", "lookup": "Smelter not listed", "name": name, "country": "PERU"}


def _counts() -> tuple[int, int]:
    return ReviewDecision.objects.count(), AuditEntry.objects.count()


def test_a_decided_row_is_re_decided_only_with_a_reason_and_the_alias_follows(
    tmp_path: Path,
) -> None:
    [row] = _ingest(tmp_path, [_odd("Fundicion Pisco plant")])
    accept(row.pk, MINSUR, "alice")
    assert LearnedAlias.objects.get().smelter.smelter_id == MINSUR
    before = _counts()
    with pytest.raises(ReviewError, match="needs a reason"):
        accept(row.pk, TIMAH, "bob")
    with pytest.raises(ReviewError, match="needs a reason"):
        reject(row.pk, "bob")
    assert _counts() == before  # refused: nothing changed, nothing recorded
    row.refresh_from_db()
    assert (row.decision, row.smelter.smelter_id if row.smelter else None) == (
        "confirmed",
        MINSUR,
    )
    assert accept(row.pk, MINSUR, "bob") is None  # already so: nothing to record
    assert _counts() == before

    accept(row.pk, TIMAH, "bob", reason="the plant belongs to Timah")
    alias = LearnedAlias.objects.get()
    assert alias.smelter.smelter_id == TIMAH  # the alias moved with the decision
    assert alias.taught_by is not None and alias.taught_by.actor == "bob"
    decisions = history(row.pk)
    assert [(d.actor, d.chosen.smelter_id if d.chosen else None) for d in decisions] == [
        ("alice", MINSUR),
        ("bob", TIMAH),
    ]
    assert decisions[1].previous_smelter is not None
    assert decisions[1].previous_smelter.smelter_id == MINSUR
    assert decisions[1].reason == "the plant belongs to Timah"
    entry = AuditEntry.objects.filter(action="smelter.review.accepted").order_by("-seq")[0]
    assert entry.data["reason"] == "the plant belongs to Timah"
    assert entry.data["previous_smelter_id"] == MINSUR
    assert verify_chain().intact


def test_rejecting_removes_the_alias_the_row_taught_and_is_idempotent(tmp_path: Path) -> None:
    [row] = _ingest(tmp_path, [_odd("Fundicion Pisco plant")])
    accept(row.pk, MINSUR, "alice")
    reject(row.pk, "bob", reason="a trader, not a smelter")
    row.refresh_from_db()
    assert row.decision == "rejected" and row.smelter is None
    assert not LearnedAlias.objects.exists()
    entry = AuditEntry.objects.filter(action="smelter.review.rejected").get()
    assert entry.data["aliases_removed"] == ["Fundicion Pisco plant"]
    assert list(review_queue(2025)) == []
    before = _counts()
    assert reject(row.pk, "carol", reason="still a trader") is None
    assert _counts() == before  # rejecting twice records one decision
    assert [d.accepted for d in history(row.pk)] == [True, False]


def test_an_automatic_row_is_overridden_only_with_a_reason(tmp_path: Path) -> None:
    minsur = {
        "metal": "Tin",
        "lookup": "Minsur",
        "name": "Minsur",
        "country": "PERU",
        "smelter_id": MINSUR,
    }
    [row] = _ingest(tmp_path, [minsur])
    assert row.decision == "auto"
    with pytest.raises(ReviewError, match="already auto"):
        reject(row.pk, "bob")
    with pytest.raises(ReviewError, match="already auto"):
        accept(row.pk, TIMAH, "bob")
    decision = accept(row.pk, MINSUR, "bob")  # confirming what it is needs no reason
    assert decision is not None and decision.previous_decision == "auto"
    reject(row.pk, "bob", reason="supplier says the row was a mistake")
    row.refresh_from_db()
    assert row.decision == "rejected"


def test_a_refused_decision_leaves_no_audit_entry(tmp_path: Path) -> None:
    [row] = _ingest(tmp_path, [_odd("Fundicion Pisco plant")])
    before = _counts()
    with pytest.raises(ReviewError, match="Gold"):
        accept(row.pk, "CID000015", "bob")  # a gold refinery for a tin row
    assert _counts() == before
    row.refresh_from_db()
    assert row.decision in ("review", "none")
