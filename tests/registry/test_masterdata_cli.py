"""``oretrace import``: exit codes, --json listing every rejected row, --partial, options."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from oretrace.cli import main
from oretrace.registry.models import AuditEntry, Supplier

pytestmark = pytest.mark.django_db


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["import", *args])
    return result.exit_code, result.output


def test_json_lists_every_rejected_row_and_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("name,unique_id\nGood Co,D1\n,D2\nBad Co,D1\n" + "N" * 300 + ",D4\n")
    code, output = _invoke("suppliers", str(path), "--json")
    assert code == 1
    data = json.loads(output)
    assert (data["stored"], data["rows"], data["rejected"], data["created"]) == (False, 4, 3, 0)
    assert data["errors"] == [
        {"row": 3, "column": "name", "message": "'name' is empty"},
        {"row": 4, "column": "unique_id", "message": "unique ID 'D1' is also on row 2"},
        {"row": 5, "column": "name", "message": "300 characters; at most 255"},
    ]
    assert data["error"] is None and Supplier.objects.count() == 0
    code, output = _invoke("suppliers", str(path), "--json", "--partial")
    assert code == 1 and json.loads(output)["created"] == 1
    assert Supplier.objects.get().name == "Good Co"


def test_a_clean_file_exits_0_with_a_summary(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes("name;unique_id\nMüller GmbH;D1\n".encode("cp1252"))
    code, output = _invoke("suppliers", str(path))
    assert code == 0, output
    assert output.strip() == (
        "suppliers: 1 created, 0 updated, 0 unchanged, 0 rejected "
        "(csv, Latin-1 (cp1252), semicolon-separated)"
    )
    assert Supplier.objects.get().name == "Müller GmbH"
    assert AuditEntry.objects.get().actor.startswith("cli")


def test_file_errors_exit_1_with_a_code_in_json(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes(b"name,unique_id\n\xe8\xa8\xe8\xb0,D1\n")
    code, output = _invoke("suppliers", str(path), "--json")
    assert code == 1
    assert json.loads(output)["error"]["code"] == "encoding_unclear"
    code, output = _invoke("suppliers", str(path))
    assert code == 1 and "Pass --encoding" in output and "Traceback" not in output
    code, output = _invoke("suppliers", str(path), "--encoding", "gb18030", "--delimiter", "comma")
    assert code == 0 and Supplier.objects.get().name == "瑷璋"


def test_help_states_the_exit_status() -> None:
    result = CliRunner().invoke(main, ["import", "--help"])
    assert "Exit status: 0 when every row was accepted; 1 when any row was rejected" in " ".join(
        result.output.split()
    )
    assert "--partial" in result.output and "--encoding" in result.output
