"""``oretrace smelters``: match (one name, CSV batch), import, show."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from oretrace.cli import main
from tests.smelters.conftest import write_workbook

CONTRACT = {"smelter_id", "standard_name", "metal", "country", "method", "score", "decision",
            "candidates"}  # fmt: skip


Invoke = Callable[..., Result]


@pytest.fixture
def run(tmp_path: Path) -> Invoke:
    runner = CliRunner()
    env = {"ORETRACE_REFERENCE_DIR": str(tmp_path / "reference")}

    def invoke(*args: str) -> Result:
        return runner.invoke(main, ["smelters", *args], env=env)

    return invoke


def test_match_one_name_as_json(run: Invoke) -> None:
    result = run("match", "--metal", "Tungsten", "--country", "China", "Xiamen Tungsten", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data.keys() >= CONTRACT
    assert (data["smelter_id"], data["decision"]) == ("CID002082", "auto")
    assert data["reason"]


def test_match_csv_batch(run: Invoke, tmp_path: Path) -> None:
    batch = tmp_path / "rows.csv"
    batch.write_text(
        "metal,name,country,smelter_id\n"
        "Tungsten,Xiamen Tungsten Co., Ltd.,CHINA,CID002082\n"
        "Tin,Smelter not listed,,\n"
        "Unobtainium,,,\n"
        "Gold,Heraeus,,\n",
        encoding="utf-8",
    )
    result = run("match", "--csv", str(batch), "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["decision"] for r in rows] == ["auto", "none", "none", "review"]
    assert all(r.keys() >= CONTRACT and r["reason"] for r in rows)


def test_match_text_output_and_usage_errors(run: Invoke, tmp_path: Path) -> None:
    result = run("match", "--metal", "Tin", "Minsur")
    assert result.exit_code == 0 and "CID001182" in result.output and "auto" in result.output
    assert run("match").exit_code == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    result = run("match", "--csv", str(bad))
    assert result.exit_code == 1 and "metal" in result.output


def test_import_then_show_status_history(run: Invoke, tmp_path: Path) -> None:
    lists = write_workbook(
        tmp_path / "conformant.xlsx",
        {"Conformant": [
            ["METAL", "SMELTER ID", "STANDARD SMELTER NAME", "COUNTRY LOCATION", "AUDIT CYCLE"],
            ["Tungsten", "CID002082", "Xiamen Tungsten Co., Ltd.", "CHINA", "1 Year"],
        ]},
    )  # fmt: skip
    result = run("import", str(lists), "--as-of", "2025-12-31")
    assert result.exit_code == 0, result.output
    assert "1 rows, as of 2025-12-31" in result.output
    shown = run("show", "CID002082", "--json")
    data = json.loads(shown.output)
    assert data["standard_name"] == "Xiamen Tungsten Co., Ltd." and data["metal"] == "Tungsten"
    [status] = data["status_history"]
    assert (status["as_of"], status["status"], status["audit_cycle"]) == (
        "2025-12-31", "Conformant", "1 Year",
    )  # fmt: skip
    assert any(s["key"] == "template:CMRT:6.5" for s in data["snapshots"])
    assert dt.date.fromisoformat(data["snapshots"][0]["as_of"])


def test_show_legacy_id_and_unknown_id(run: Invoke) -> None:
    result = run("show", "1DEU001")
    assert result.exit_code == 0 and "CID000035" in result.output and "1DEU001" in result.output
    missing = run("show", "CID999999")
    assert missing.exit_code == 1 and "no reference snapshot" in missing.output


def test_import_refuses_a_file_without_reference(run: Invoke, tmp_path: Path) -> None:
    other = tmp_path / "notes.csv"
    other.write_text("x,y\n", encoding="utf-8")
    result = run("import", str(other))
    assert result.exit_code == 1 and "Metal" in result.output
