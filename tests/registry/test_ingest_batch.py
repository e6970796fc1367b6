"""The ingest writer stores a batch of files with one insert per table: the same records,
revisions and audit chain as storing them one by one (docs/adr/0023-ingest-at-reading-speed.md)."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from oretrace.registry.models import AuditEntry, Declaration, StoredFile, Supplier
from oretrace.registry.services.audit import record, record_many, verify_chain
from oretrace.registry.services.files import Original, read_stored, store_files
from oretrace.registry.services.ingest import ingest
from tests.registry.conftest import write_supplier

pytestmark = pytest.mark.django_db


def test_record_many_continues_the_chain_as_record_does() -> None:
    suppliers = [Supplier.objects.create(name=f"Supplier {i}") for i in range(3)]
    first = record("cli:test@host", "test.before", suppliers[0])
    entries = record_many(
        "cli:test@host",
        "test.batch",
        [(s, {"n": i, "note": "ünï"}) for i, s in enumerate(suppliers)],
    )
    last = record("cli:test@host", "test.after", None)
    assert [e.seq for e in entries] == [2, 3, 4] and last.seq == 5
    assert entries[0].prev_hash == first.hash and last.prev_hash == entries[-1].hash
    stored = list(AuditEntry.objects.filter(action="test.batch").order_by("seq"))
    assert [(e.object_id, e.data) for e in stored] == [
        (str(s.pk), {"n": i, "note": "ünï"}) for i, s in enumerate(suppliers)
    ]
    check = verify_chain()
    assert check.intact and check.entries == 5
    assert record_many("cli:test@host", "test.none", []) == []


def test_store_files_keeps_each_once_and_finds_known_ones(tmp_path: Path) -> None:
    one, two = b"first file bytes", b"second file bytes"
    digest = {d: hashlib.sha256(d).hexdigest() for d in (one, two)}
    known = store_files([Original(digest[one], "one.xlsx", len(one), one)])
    stored = store_files(
        [
            Original(digest[one], "again.xlsx", len(one), one),
            Original(digest[two], "two.xlsx", len(two), two),
            Original(digest[two], "copy.xlsx", len(two), two),
        ]
    )
    assert StoredFile.objects.count() == 2
    assert stored[digest[one]].pk == known[digest[one]].pk
    assert stored[digest[two]].original_name == "two.xlsx"
    assert read_stored(stored[digest[two]]) == two
    assert read_stored(StoredFile.objects.get(sha256=digest[one])) == one


def test_a_batch_numbers_revisions_of_new_and_known_suppliers(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write_supplier(folder, "Known Metals", dt.date(2025, 1, 31))
    ingest([folder], 2025, "test")
    # one batch: a known supplier's newer file, a new supplier twice, a new supplier once
    write_supplier(folder, "Known Metals", dt.date(2025, 6, 30))
    write_supplier(folder, "Twice Alloys", dt.date(2025, 5, 31))
    write_supplier(folder, "Twice Alloys", dt.date(2025, 2, 28))
    write_supplier(folder, "Once Solder", dt.date(2025, 3, 31))
    summary = ingest([folder], 2025, "test")
    assert (summary.new, summary.already_known, summary.superseded) == (4, 1, 2)

    def revisions(name: str) -> list[tuple[int, bool, dt.date | None]]:
        rows = Declaration.objects.filter(supplier__name=name).order_by("revision_number")
        return [(d.revision_number, d.is_current, d.effective_date) for d in rows]

    assert revisions("Known Metals") == [
        (1, False, dt.date(2025, 1, 31)),
        (2, True, dt.date(2025, 6, 30)),
    ]
    assert revisions("Twice Alloys") == [
        (1, False, dt.date(2025, 2, 28)),
        (2, True, dt.date(2025, 5, 31)),
    ]
    assert revisions("Once Solder") == [(1, True, dt.date(2025, 3, 31))]
    newest = Declaration.objects.get(supplier__name="Twice Alloys", is_current=True)
    assert newest.supersedes is not None and newest.supersedes.effective_date == dt.date(
        2025, 2, 28
    )
    ingested = AuditEntry.objects.filter(action="declaration.ingested")
    assert sorted(int(e.object_id) for e in ingested) == sorted(
        Declaration.objects.values_list("pk", flat=True)
    )
    assert verify_chain().intact
