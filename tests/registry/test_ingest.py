"""Ingest: files kept by sha256, revisions per supplier and scope, suppliers found or flagged."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from oretrace.registry.models import (
    AuditEntry,
    Declaration,
    DeclarationSmelter,
    Finding,
    StoredFile,
    Supplier,
)
from oretrace.registry.services.files import read_stored
from oretrace.registry.services.ingest import ingest
from tests.registry.conftest import write_supplier

pytestmark = pytest.mark.django_db


def test_first_ingest_stores_everything(tmp_path: Path) -> None:
    path = write_supplier(tmp_path / "in", "Acme Metals Co., Ltd.", dt.date(2025, 4, 30))
    summary = ingest([tmp_path / "in"], 2025, "test")
    assert (summary.files, summary.new, summary.unreadable) == (1, 1, 0)
    declaration = Declaration.objects.get()
    assert declaration.status == Declaration.Status.VALID
    assert (declaration.template, declaration.version) == ("CMRT", "6.4")
    assert declaration.effective_date == dt.date(2025, 4, 30)
    assert declaration.answers["Q1"]["Tin"] == "Yes"
    assert read_stored(declaration.stored_file) == path.read_bytes()
    supplier = declaration.supplier
    assert supplier is not None and supplier.unverified
    assert Finding.objects.filter(declaration=declaration, code="supplier_created").exists()
    rows = list(DeclarationSmelter.objects.filter(declaration=declaration))
    assert [r.reported_id for r in rows] == ["CID001182", "CID001477"]
    assert all(r.decision == "auto" and r.smelter is not None for r in rows)
    assert rows[0].smelter is not None and rows[0].smelter.smelter_id == "CID001182"
    assert AuditEntry.objects.filter(action="declaration.ingested").count() == 1


def test_same_file_twice_is_one_declaration(tmp_path: Path) -> None:
    write_supplier(tmp_path / "a", "Acme Metals", dt.date(2025, 4, 30))
    ingest([tmp_path / "a"], 2025, "test")
    again = ingest([tmp_path / "a"], 2025, "test")
    assert (again.new, again.already_known) == (0, 1)
    assert Declaration.objects.count() == 1 and StoredFile.objects.count() == 1


def test_newer_file_supersedes_and_older_is_kept(tmp_path: Path) -> None:
    newer = write_supplier(tmp_path / "b", "Acme Metals", dt.date(2025, 5, 20))
    ingest([newer], 2025, "test")
    older = write_supplier(tmp_path / "c", "ACME METALS", dt.date(2025, 3, 1))
    ingest([older], 2025, "test")
    revisions = list(Declaration.objects.order_by("revision_number"))
    assert [r.effective_date for r in revisions] == [dt.date(2025, 3, 1), dt.date(2025, 5, 20)]
    assert [r.is_current for r in revisions] == [False, True]
    assert revisions[1].supersedes == revisions[0]
    assert Supplier.objects.count() == 1  # "ACME METALS" is the same supplier


def test_known_supplier_is_matched_not_created(tmp_path: Path) -> None:
    known = Supplier.objects.create(name="Acme Metals Co., Ltd.", normalised_name="acme metals")
    ingest([write_supplier(tmp_path, "ACME Metals Co Ltd", dt.date(2025, 4, 1))], 2025, "t")
    declaration = Declaration.objects.get()
    assert declaration.supplier == known
    assert not Finding.objects.filter(code="supplier_created").exists()


def test_bad_files_are_recorded_and_do_not_stop_the_batch(tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    write_supplier(folder, "Good Supplier", dt.date(2025, 4, 1))
    (folder / "scan.xls").write_bytes(b"\xff\xd8\xff\xe0" + bytes(100))
    (folder / "empty.xlsx").write_bytes(b"")
    summary = ingest([folder], 2025, "test")
    assert (summary.files, summary.new, summary.unreadable) == (3, 3, 2)
    unreadable = Declaration.objects.filter(status=Declaration.Status.UNREADABLE)
    assert sorted(unreadable.values_list("error_code", flat=True)) == [
        "not_a_workbook",
        "not_a_workbook",
    ]
    assert all(d.supplier is None for d in unreadable)
    assert Declaration.objects.filter(status=Declaration.Status.VALID).count() == 1
