"""The ingest writer's cheaper paths store exactly what the plain ones did
(docs/adr/0028-ingest-cpu-per-file.md): rows inserted without model instances, a batch's
suppliers found and created together, originals written by the worker processes."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.forms.models import model_to_dict

from oretrace.registry.models import (
    Declaration,
    DeclarationSmelter,
    Finding,
    ReportingPeriod,
    StoredFile,
    Supplier,
)
from oretrace.registry.services.files import (
    Original,
    read_stored,
    store_files,
    stored_name,
    write_partial,
)
from oretrace.registry.services.ingest import ingest
from oretrace.registry.services.rows import insert_rows
from oretrace.registry.services.suppliers import (
    find_or_create_supplier,
    find_or_create_suppliers,
)
from tests.registry.conftest import write_supplier

pytestmark = pytest.mark.django_db


def _declaration(name: str) -> Declaration:
    stored = StoredFile.objects.create(
        sha256=hashlib.sha256(name.encode()).hexdigest(), size=1, original_name=name
    )
    return Declaration.objects.create(
        period=ReportingPeriod.for_year(2025), stored_file=stored, status="valid"
    )


def _fields(rows: Any) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in model_to_dict(r).items() if k not in ("id", "declaration")} for r in rows
    ]


def test_insert_rows_stores_what_bulk_create_stores() -> None:
    one, two = _declaration("one"), _declaration("two")
    smelters: list[dict[str, Any]] = [
        {
            "row": 5,
            "metal": "Tin",
            "reported_id": "CID000001",
            "name": "Ünï Smelter",
            "country": "",
            "smelter_id": None,
            "method": "id",
            "score": 0.875,
            "decision": "auto",
            "reason": "",
            "candidates": [{"smelter_id": "CID000001", "score": 1.0, "name": "x"}],
            "conflicts": ["country"],
        },
        {
            "row": 6,
            "metal": "",
            "reported_id": "",
            "name": "",
            "country": "Bolivia",
            "smelter_id": None,
            "method": "",
            "score": None,
            "decision": "none",
            "reason": "nothing close",
            "candidates": [],
            "conflicts": [],
        },
    ]
    DeclarationSmelter.objects.bulk_create(
        [DeclarationSmelter(declaration=one, **s) for s in smelters]
    )
    columns = ("declaration_id", *smelters[0])
    insert_rows(DeclarationSmelter, columns, [(two.pk, *s.values()) for s in smelters])
    plain = DeclarationSmelter.objects.filter(declaration=one).order_by("row")
    ours = DeclarationSmelter.objects.filter(declaration=two).order_by("row")
    assert _fields(ours) == _fields(plain) and len(_fields(ours)) == 2
    assert ours[0].score == 0.875 and ours[1].score is None
    assert ours[0].candidates[0]["name"] == "x" and ours[0].conflicts == ["country"]

    Finding.objects.create(declaration=one, code="c", severity="error", cell="A1", message="m")
    columns = ("declaration_id", "code", "severity", "cell", "message")
    insert_rows(Finding, columns, [(two.pk, "c", "error", "A1", "m")])
    assert _fields(two.findings.all()) == _fields(one.findings.all())


def test_insert_rows_sends_many_rows_in_chunks_in_order() -> None:
    declaration = _declaration("many")
    columns = ("declaration_id", "code", "severity", "cell", "message")
    rows = [(declaration.pk, f"code{i}", "warning", f"A{i}", f"message {i}") for i in range(1201)]
    insert_rows(Finding, columns, rows)
    stored = list(declaration.findings.order_by("pk").values_list(*columns[1:]))
    assert stored == [row[1:] for row in rows]


def test_insert_rows_refuses_to_leave_a_column_to_a_default() -> None:
    declaration = _declaration("one")
    with pytest.raises(ValueError, match="no value for \\['message'\\]"):
        columns = ("declaration_id", "code", "severity", "cell")
        insert_rows(Finding, columns, [(declaration.pk, "c", "error", "A1")])
    assert not Finding.objects.exists()


def _suppliers() -> list[dict[str, Any]]:
    columns = ("name", "normalised_name", "unique_id", "unverified")
    return list(Supplier.objects.order_by("pk").values(*columns))


def test_suppliers_of_a_batch_are_those_found_or_created_one_by_one() -> None:
    Supplier.objects.create(name="Known Metals Ltd", normalised_name="known metals")
    Supplier.objects.create(name="Known Metals Inc", normalised_name="known metals")
    Supplier.objects.create(name="By ID", normalised_name="by id", unique_id="DUNS-1")
    named: list[tuple[str | None, str | None]] = [
        ("Known Metals Co.", None),  # by name: the first of two
        ("Someone Else", "DUNS-1"),  # by ID, whatever the name
        ("New Alloys", "DUNS-2"),  # created ...
        ("Renamed Alloys", " DUNS-2 "),  # ... and found again by its ID
        ("New Alloys GmbH", None),  # ... and by its name
        (None, "DUNS-3"),  # created with the ID as its name
        (None, None),  # nobody
        ("Fresh Tin", None),
        ("FRESH TIN LTD.", ""),
    ]
    batch = find_or_create_suppliers(named)
    after_batch = _suppliers()
    Supplier.objects.filter(unverified=True).delete()
    one_by_one = [find_or_create_supplier(name, uid) for name, uid in named]
    after_one_by_one = _suppliers()
    assert after_batch == after_one_by_one and len(after_batch) == 6

    def described(found: tuple[Supplier | None, bool]) -> tuple[str | None, bool]:
        return (found[0].name if found[0] else None, found[1])

    assert [described(f) for f in batch] == [described(f) for f in one_by_one]
    assert [f[1] for f in batch] == [False, False, True, False, False, True, False, True, False]
    assert all(s is None or s.pk is not None for s, _ in batch)


def test_store_files_flushes_and_renames_a_copy_written_beforehand(tmp_path: Path) -> None:
    data = b"written by a worker"
    digest = hashlib.sha256(data).hexdigest()
    with pytest.raises(FileNotFoundError):
        store_files([Original(digest, "lost.xlsx", len(data), written=str(tmp_path / "gone"))])
    assert not StoredFile.objects.exists()
    first, copy = write_partial(digest, data, os.getpid()), write_partial(digest, data, 1)
    assert first and copy and first.endswith(".part") and first != copy
    stored = store_files(
        [
            Original(digest, "written.xlsx", len(data), written=first),
            Original(digest, "copy.xlsx", len(data), written=copy),
        ]
    )[digest]
    assert stored.content.name == stored_name(digest) and read_stored(stored) == data
    assert stored.original_name == "written.xlsx"
    assert not Path(first).exists() and not Path(copy).exists()  # renamed, removed
    # a complete copy already in place is named, not written again
    assert write_partial(digest, data, os.getpid()) == stored.content.path


def test_a_batch_tried_again_finds_the_originals_it_renamed(tmp_path: Path) -> None:
    data = b"renamed in a transaction that rolled back"
    digest = hashlib.sha256(data).hexdigest()
    item = Original(digest, "again.xlsx", len(data), written=write_partial(digest, data, 1))
    with pytest.raises(RuntimeError), transaction.atomic():
        store_files([item])
        raise RuntimeError("the batch lost a race")
    assert not StoredFile.objects.exists()
    stored = store_files([item])[digest]  # the retry: the .part file is gone, the original not
    assert read_stored(stored) == data


def test_workers_keep_the_originals_the_writer_records(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    paths = [
        write_supplier(folder, f"Worker Kept {i:02d} Ltd", dt.date(2025, 1, 1 + i))
        for i in range(9)  # enough for the worker processes
    ]
    summary = ingest([folder], 2025, "test", workers=2)
    assert (summary.new, summary.errors) == (9, 0)
    for path in paths:
        stored = StoredFile.objects.get(sha256=hashlib.sha256(path.read_bytes()).hexdigest())
        assert read_stored(stored) == path.read_bytes() and stored.size == path.stat().st_size
        assert stored.original_name == path.name
    assert not list(Path(tmp_path / "files").rglob("*.part"))


def test_known_files_are_counted_by_the_workers_without_being_checked(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    for i in range(8):
        write_supplier(folder, f"Known Again {i:02d} Ltd", dt.date(2025, 2, 1 + i))
    first = ingest([folder], 2025, "test", workers=2)
    assert (first.new, first.already_known) == (8, 0)
    write_supplier(folder, "Newcomer Tin Ltd", dt.date(2025, 3, 1))
    seen: list[Any] = []
    again = ingest([folder], 2025, "test", workers=2, on_file=seen.append)
    assert (again.files, again.new, again.already_known, again.errors) == (9, 1, 8, 0)
    assert Declaration.objects.count() == 9
    skipped = [r for r in seen if r.declaration is None]
    assert len(skipped) == 8 and all(r.sha256 and r.error is None for r in skipped)


def test_worker_identifies_a_files_new_rows_together_as_one_by_one() -> None:
    """The worker hands a file's rows it has not seen to ``identify_distinct``; repeats,
    rows seen in an earlier file and a cell that cannot be a key get what ``identify``
    gives each row alone."""
    from oretrace.registry.services.ingest import _Identify
    from oretrace.smelters import Identifier, SmelterQuery
    from tests.smelters.conftest import small_reference

    ident = Identifier(small_reference())
    worker = _Identify(ident)
    first = [
        SmelterQuery("Gold", "Agosi AG", "GERMANY"),
        SmelterQuery("Gold", "Agosi  A.G.", "Germany"),
        SmelterQuery("Tin", "Minsurr", "PERU"),
        SmelterQuery("Gold", "Agosi AG", "GERMANY"),  # a repeat in the same file
        SmelterQuery("Tungsten", ["Xiamen"], "CHINA"),  # a list cannot be a key
        SmelterQuery("Tin", None, None),
    ]
    second = [SmelterQuery("Tin", "Minsurr", "PERU"), SmelterQuery("Tin", "Alpha Metal", "")]
    for queries in (first, second):
        assert worker._rows(queries) == [ident.identify(q) for q in queries]
    assert SmelterQuery("Tin", "Alpha Metal", "") in worker.known
    assert len(worker.known) == 5  # the distinct hashable rows of both files
