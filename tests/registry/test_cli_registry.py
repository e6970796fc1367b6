"""The registry commands end to end: demo-data → import → ingest → status, as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from oretrace.cli import main
from oretrace.registry.models import Declaration, Supplier

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_demo_group_through_the_registry(tmp_path: Path) -> None:
    group = tmp_path / "group"
    _run(
        "demo-data",
        str(group),
        "--suppliers",
        "12",
        "--parts",
        "40",
        "--products",
        "3",
        "--seed",
        "5",
    )
    assert "suppliers: 12 created" in _run("import", "suppliers", str(group / "suppliers.csv"))
    _run("import", "parts", str(group / "parts.csv"))
    _run("import", "products", str(group / "products.csv"))
    _run("import", "bom", str(group / "bom.csv"))
    summary = json.loads(_run("ingest", str(group / "declarations"), "--period", "2025", "--json"))
    files = list((group / "declarations").iterdir())
    assert summary["files"] == len(files) == summary["new"]
    assert summary["suppliers_created"] == 0  # all found by unique ID from the master data
    assert Declaration.objects.count() == len(files)
    status = json.loads(_run("status", "--period", "2025", "--json"))
    assert status["suppliers_surveyed"] == 12 == Supplier.objects.count()
    assert (
        status["suppliers_responded"]
        == Declaration.objects.exclude(supplier=None).values("supplier").distinct().count()
    )
    assert sum(status["suppliers_by_risk"].values()) == 12
    text = _run("status", "--period", "2025")
    assert "response rate" in text and "RCOI" in text


def test_import_reports_rejected_rows(tmp_path: Path) -> None:
    path = tmp_path / "suppliers.csv"
    path.write_text("name,unique_id\nGood Co,D1\n,D2\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", "suppliers", str(path)])
    assert result.exit_code == 1
    assert "1 of 2 rows rejected; nothing stored" in result.output
    assert "row 3, name: 'name' is empty" in result.output
    assert Supplier.objects.count() == 0
