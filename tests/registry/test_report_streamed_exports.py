"""A generated group's report: the streamed exports are the workbook XlsxWriter makes when it
keeps every cell (same bytes, same cells), and a rebuild from snapshot.json gives the same
snapshot text and the same files (ADR 0024)."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import openpyxl
import pytest

from oretrace.registry.services.ingest import ingest
from oretrace.registry.services.masterdata import import_master_data
from oretrace.registry.services.reports import issue_report
from oretrace.reporting.build import build_report
from oretrace.reporting.exports import SHEETS, write_exports
from oretrace.reporting.report_set import SNAPSHOT_FILE, read_snapshot
from oretrace.synthetic import GroupSpec, MistakeRates, generate

pytestmark = pytest.mark.django_db


def _cells(path: Path) -> dict[str, list[tuple[tuple[object, str, str], ...]]]:
    book = openpyxl.load_workbook(path)
    return {
        ws.title: [tuple((c.value, c.data_type, c.number_format) for c in r) for r in ws.rows]
        for ws in book.worksheets
    }


def test_streamed_exports_and_a_rebuild_from_the_snapshot_are_identical(tmp_path: Path) -> None:
    rates = MistakeRates(non_responder=0.1, resubmitted=0.2, unreadable=0.05)
    spec = GroupSpec(suppliers=24, group_companies=3, parts=80, products=6, rates=rates,
                     pad_rows=0, seed=13)  # fmt: skip
    generate(tmp_path / "group", spec)
    import_master_data("suppliers", tmp_path / "group" / "suppliers.csv", "test")
    ingest([tmp_path / "group" / "declarations"], spec.period, "test")
    issued = issue_report(spec.period, tmp_path / "set", "cmr", "test", dt.date.today(), draft=True)
    data = issued.snapshot
    assert len(data.smelter_rows) > 16 * 3  # more than a few streamed blocks

    exports = tmp_path / "set" / "exports.xlsx"
    kept = write_exports(data, tmp_path / "kept.xlsx", streamed=False)
    assert exports.read_bytes() == kept.read_bytes()
    cells = _cells(exports)
    assert cells == _cells(kept)
    for sheet in SHEETS:  # every row of the snapshot, value by value
        written = [tuple(v for v, _, _ in row) for row in cells[sheet.name][1:]]
        expected = [tuple(v if v != "" else None for v in row) for row in sheet.rows(data)]
        assert [r[: len(e)] for r, e in zip(written, expected, strict=True)] == expected

    text = (tmp_path / "set" / SNAPSHOT_FILE).read_text("utf-8")
    assert text == data.to_json()
    assert hashlib.sha256(text.encode()).hexdigest() == data.fingerprint()
    again = build_report(read_snapshot(tmp_path / "set" / SNAPSHOT_FILE), tmp_path / "again")
    for path in again:
        original = tmp_path / "set" / path.relative_to(tmp_path / "again")
        assert path.read_bytes() == original.read_bytes(), path.name
