"""The auditor's evidence package: complete for its scope, checkable with sha256sum -c,
reproducible."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from oretrace.cli import main
from oretrace.registry.models import Declaration, DeclarationSmelter, Supplier
from oretrace.registry.services.ingest import ingest
from oretrace.registry.services.legal_hold import set_hold
from oretrace.registry.services.profile import update_profile
from oretrace.registry.services.review import reject
from tests.registry.conftest import demo_profile, write_supplier

pytestmark = pytest.mark.django_db


def _registry(tmp_path: Path) -> None:
    write_supplier(tmp_path / "in", "Acme Metals", dt.date(2025, 4, 1), metals=("Tin", "Gold"))
    write_supplier(tmp_path / "in", "Beta Wire", dt.date(2025, 5, 2), metals=("Tungsten",))
    (tmp_path / "in" / "broken.xlsx").write_bytes(b"not a workbook")
    ingest([tmp_path / "in"], 2025, "test")
    write_supplier(tmp_path / "old", "Acme Metals", dt.date(2024, 4, 1))
    ingest([tmp_path / "old"], 2024, "test")
    update_profile(demo_profile(), "test")  # every filer fact a final report needs


def _evidence(tmp_path: Path, name: str, *args: str) -> Path:
    target = tmp_path / name
    result = CliRunner().invoke(main, ["evidence", *args, "-o", str(target)])
    assert result.exit_code == 0, result.output
    return target


def _unzip(package: Path, folder: Path) -> list[str]:
    with zipfile.ZipFile(package) as archive:
        archive.extractall(folder)
        return archive.namelist()


def test_whole_period_package_checks_with_sha256sum(tmp_path: Path) -> None:
    _registry(tmp_path)
    row = DeclarationSmelter.objects.filter(declaration__period__year=2025).first()
    assert row is not None
    reject(row.pk, "user:rita", reason="a trader, not a smelter")
    report = CliRunner().invoke(main, ["report", "--period", "2025", "--out", str(tmp_path / "r")])
    assert report.exit_code == 0, report.output
    package = _evidence(tmp_path, "e.zip", "--period", "2025", "--reports", str(tmp_path / "r"))
    names = _unzip(package, tmp_path / "x")
    assert names[0] == "README.txt" and names[-1] == "SHA256SUMS"

    check = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path / "x", capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count(": OK") == len(names) - 1

    declarations = Declaration.objects.filter(period__year=2025)
    assert declarations.count() == 3
    for declaration in declarations:
        document = json.loads((tmp_path / "x" / f"declarations/{declaration.pk}.json").read_text())
        original = (tmp_path / "x" / document["original"]["file"]).read_bytes()
        assert hashlib.sha256(original).hexdigest() == declaration.stored_file.sha256
        assert document["status"] == declaration.status
    assert not any("2024" in n for n in names if n.startswith("originals/"))
    assert len([n for n in names if n.startswith("originals/")]) == 3

    rejected = json.loads((tmp_path / "x" / f"declarations/{row.declaration_id}.json").read_text())
    smelter = next(s for s in rejected["smelters"] if s["id"] == row.pk)
    assert smelter["decision"] == "rejected"
    assert smelter["reviews"][0]["actor"] == "user:rita"
    assert smelter["reviews"][0]["reason"] == "a trader, not a smelter"
    assert "user:rita" in (tmp_path / "x" / "identifications.csv").read_text()

    entries = [
        json.loads(line)
        for line in (tmp_path / "x" / "audit/entries.jsonl").read_text().splitlines()
    ]
    actions = [e["action"] for e in entries]
    assert actions.count("declaration.ingested") == 3
    assert "smelter.review.rejected" in actions and "report.issued" in actions
    assert all(e["data"].get("period", 2025) == 2025 for e in entries)
    issued = next(e for e in entries if e["action"] == "report.issued")
    reports = tmp_path / "x" / f"reports/{issued['seq']}-report"
    assert {p.name for p in reports.iterdir()} == set(issued["data"]["files"])
    assert "nothing" in (tmp_path / "x" / "README.txt").read_text()

    # reproducible: the same registry gives the same bytes
    again = _evidence(tmp_path, "e2.zip", "--period", "2025", "--reports", str(tmp_path / "r"))
    assert again.read_bytes() == package.read_bytes()


def test_report_documents_are_rebuilt_when_their_folder_is_gone(tmp_path: Path) -> None:
    _registry(tmp_path)
    out = tmp_path / "r"
    report = CliRunner().invoke(main, ["report", "--period", "2025", "--out", str(out)])
    assert report.exit_code == 0, report.output
    issued = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.rglob("*") if p.is_file()
    }
    shutil.rmtree(out)
    package = _evidence(tmp_path, "e.zip", "--period", "2025")
    with zipfile.ZipFile(package) as archive:
        rebuilt = {
            n.rsplit("/", 1)[1]: hashlib.sha256(archive.read(n)).hexdigest()
            for n in archive.namelist()
            if n.startswith("reports/")
        }
    assert rebuilt == issued


def test_supplier_package_holds_that_supplier_only(tmp_path: Path) -> None:
    _registry(tmp_path)
    acme = Supplier.objects.get(name__startswith="Acme")
    beta = Declaration.objects.get(period__year=2025, supplier__name__startswith="Beta")
    set_hold("supplier", acme.pk, "inquiry", "test")
    set_hold("declaration", beta.pk, "dispute", "test")
    package = _evidence(tmp_path, "acme.zip", "--period", "2025", "--supplier", str(acme.pk))
    names = _unzip(package, tmp_path / "x")
    declarations = [n for n in names if n.startswith("declarations/")]
    (only,) = Declaration.objects.filter(period__year=2025, supplier=acme)
    assert declarations == [f"declarations/{only.pk}.json"]
    assert [n for n in names if n.startswith("originals/")] == [
        f"originals/{only.stored_file.sha256}.xlsx"
    ]
    entries = (tmp_path / "x" / "audit/entries.jsonl").read_text().splitlines()
    ingested = [json.loads(e) for e in entries if '"declaration.ingested"' in e]
    assert [e["object_id"] for e in ingested] == [str(only.pk)]
    holds = [json.loads(e)["data"]["target"] for e in entries if '"hold.set"' in e]
    assert holds == ["supplier"]  # not the other supplier's declaration hold
    check = subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=tmp_path / "x")
    assert check.returncode == 0


def test_unknown_period_or_supplier_is_a_clear_error(tmp_path: Path) -> None:
    _registry(tmp_path)
    for args, message in (
        (["--period", "1999"], "no reporting period 1999"),
        (["--period", "2025", "--supplier", "999999"], "no supplier with id 999999"),
    ):
        result = CliRunner().invoke(main, ["evidence", *args, "-o", str(tmp_path / "e.zip")])
        assert result.exit_code == 1
        assert message in result.output
