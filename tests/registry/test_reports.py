"""Reports and roll-ups from the registry: reproducible, audited, readable back."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.utils import timezone

from oretrace.cli import main
from oretrace.cmrt.check import check_path
from oretrace.registry.models import AuditEntry, Declaration
from oretrace.registry.services.ingest import ingest
from oretrace.registry.services.profile import update_profile
from tests.registry.conftest import demo_profile, write_supplier

pytestmark = pytest.mark.django_db


def _hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _registry(tmp_path: Path) -> None:
    write_supplier(tmp_path / "in", "Acme Metals", dt.date(2025, 4, 1), metals=("Tin", "Gold"))
    write_supplier(tmp_path / "in", "Beta Wire", dt.date(2025, 5, 2), metals=("Tungsten",))
    ingest([tmp_path / "in"], 2025, "test")
    received = timezone.make_aware(dt.datetime(2026, 1, 10, 12))  # before every --as-of here
    Declaration.objects.update(ingested_at=received)
    update_profile(
        demo_profile()
        | {
            "legal_name": "Oretrace Test Corp.",
            "contact_name": "CM Office",
            "contact_email": "cm@test.example",
            "contact_phone": "+1 555 0100",
            "authorizer": "Ann Lee",
            "authorizer_email": "ann@test.example",
            "company_answers": dict.fromkeys("ABCDFG", "Yes")
            | {"E": "Yes, in conformance with IPC1755 (e.g., CMRT)", "H": "No"},
            "company_comments": {"B": "https://test.example/policy"},
        },
        "test",
    )


def test_report_is_audited_and_rebuilds_identically(tmp_path: Path) -> None:
    _registry(tmp_path)
    first = CliRunner().invoke(
        main, ["report", "--period", "2025", "--out", str(tmp_path / "r1"), "--as-of", "2026-03-31"]
    )
    assert first.exit_code == 0, first.output
    assert "Appendix 2 (conformant/known not conformant)" in first.output
    names = set(_hashes(tmp_path / "r1"))
    assert {
        "snapshot.json",
        "form-sd.htm",
        "ex-1.01.htm",
        "form-sd.docx",
        "ex-1.01.docx",
        "exports.xlsx",
        "report.html",
    } <= names
    entry = AuditEntry.objects.get(action="report.issued")
    assert entry.data["as_of"] == "2026-03-31"
    assert entry.data["files"]["form-sd.htm"] == _hashes(tmp_path / "r1")["form-sd.htm"]
    again = CliRunner().invoke(
        main,
        [
            "report",
            "--from-snapshot",
            str(tmp_path / "r1" / "snapshot.json"),
            "--out",
            str(tmp_path / "r2"),
        ],
    )
    assert again.exit_code == 0, again.output
    assert _hashes(tmp_path / "r2") == _hashes(tmp_path / "r1")


def test_rcoi_mode_has_no_exhibit(tmp_path: Path) -> None:
    _registry(tmp_path)
    result = CliRunner().invoke(
        main, ["report", "--period", "2025", "--mode", "rcoi", "--out", str(tmp_path / "r")]
    )
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "r" / "ex-1.01.htm").exists()
    assert (tmp_path / "r" / "form-sd.htm").exists()


def test_rollup_reads_back_complete(tmp_path: Path) -> None:
    _registry(tmp_path)
    target = tmp_path / "ours.xlsx"
    result = CliRunner().invoke(main, ["rollup", "--period", "2025", "-o", str(target)])
    assert result.exit_code == 0, result.output
    checked = check_path(target)
    assert checked.error is None and checked.declaration is not None
    assert checked.checker_missing == 0
    assert not [f for f in checked.findings if f.severity.value == "error"]
    assert checked.declaration.company_value("company_name") == "Oretrace Test Corp."
    ids = {row.smelter_id for row in checked.declaration.smelters}
    assert ids == {"CID001182", "CID001477", "CID000015", "CID002082"}
    assert checked.declaration.answers_to("Q1") == {
        "Tantalum": "No",
        "Tin": "Yes",
        "Gold": "Yes",
        "Tungsten": "Yes",
    }
    assert AuditEntry.objects.filter(action="rollup.issued").count() == 1
    unknown = CliRunner().invoke(
        main, ["rollup", "--period", "2025", "--products", "NOPE", "-o", str(tmp_path / "x.xlsx")]
    )
    assert unknown.exit_code != 0 and "NOPE" in unknown.output
