"""`oretrace check` end to end: the JSON contract, the summary, exit codes, folders, workers."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from oretrace.cli import main
from oretrace.cmrt.revisions import Family
from oretrace.cmrt.writer import Draft, write_draft

CONTRACT = {
    "file",
    "sha256",
    "template",
    "version",
    "company_name",
    "scope",
    "effective_date",
    "q1",
    "smelters",
    "products",
    "checker_missing",
    "findings",
    "error",
}


def _supplier(folder: Path, name: str, revision: str = "6.4") -> Path:
    draft = Draft(
        Family.CMRT,
        revision,
        company={
            "company_name": name,
            "contact_email": "bad,address@example.com",
            "effective_date": dt.date(2025, 5, 1),
        },
    )
    draft.answers[("Q1", "Tin")] = "Yes"
    draft.smelters = [
        {
            "metal": "Tin",
            "lookup": "Minsur",
            "name": "Minsur",
            "country": "PERU",
            "smelter_id": "CID001182",
        }
    ]
    path = folder / f"{name}.xlsx"
    write_draft(draft, path)
    return path


def test_json_contract(tmp_path: Path) -> None:
    path = _supplier(tmp_path, "Acme")
    result = CliRunner().invoke(main, ["check", str(path), "--json"])
    assert result.exit_code == 0, result.output
    [item] = json.loads(result.output)
    assert set(item) >= CONTRACT
    assert (item["template"], item["version"], item["company_name"]) == ("CMRT", "6.4", "Acme")
    assert item["effective_date"] == "2025-05-01"
    assert item["q1"]["Tin"] == "Yes"
    assert item["smelters"] == [
        {"row": 5, "metal": "Tin", "smelter_id": "CID001182", "name": "Minsur", "country": "PERU"}
    ]
    assert item["error"] is None
    email = [f for f in item["findings"] if f["code"] == "invalid_email"]
    assert email == [
        {
            "code": "invalid_email",
            "severity": "error",
            "cell": "'Declaration'!D16",
            "message": email[0]["message"],
        }
    ]
    assert isinstance(item["checker_missing"], int) and item["checker_missing"] > 0


def test_folder_with_bad_files_exits_1_and_keeps_going(tmp_path: Path) -> None:
    for index in range(9):  # enough files to use the process pool
        _supplier(tmp_path, f"Supplier{index}")
    (tmp_path / "photo.xls").write_bytes(b"\xff\xd8\xff\xe0" + bytes(64))
    (tmp_path / "notes.txt").write_text("not a workbook and not walked")
    result = CliRunner().invoke(main, ["check", str(tmp_path), "--json", "--workers", "2"])
    assert result.exit_code == 1
    items = json.loads(result.output)
    assert len(items) == 10
    names = [Path(i["file"]).name for i in items]
    assert names == sorted(names)
    photo = next(i for i in items if i["file"].endswith("photo.xls"))
    assert photo["error"]["code"] == "not_a_workbook"
    assert sum(1 for i in items if i["error"] is None) == 9


def test_readable_summary(tmp_path: Path) -> None:
    path = _supplier(tmp_path, "Acme", revision="6.1")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 0
    assert "CMRT 6.1 · Acme" in result.output
    assert "invalid_email 'Declaration'!D16" in result.output
    assert "1 file(s): 1 read, 0 unreadable" in result.output


@pytest.mark.corpus
def test_whole_corpus(corpus_cmrt: Path) -> None:
    result = CliRunner().invoke(main, ["check", str(corpus_cmrt), "--json"])
    items = json.loads(result.output)
    errors = {Path(i["file"]).name: i["error"]["code"] for i in items if i["error"]}
    assert errors == {"ddm__invalid_cmrt.xls": "not_a_workbook"}
    assert result.exit_code == 1
    assert len(items) == len([p for p in corpus_cmrt.iterdir() if p.suffix in {".xls", ".xlsx"}])
