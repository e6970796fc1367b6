"""The snapshot's canonical JSON (its fingerprint's input) is ``json.dumps`` of its plain
data, character for character, however it is written out."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from oretrace.reporting.data import (
    MetalAnswersLine,
    MetalConclusion,
    Organisation,
    ReportData,
    SmelterRowLine,
    _plain,
)
from tests.reporting.report_example import example_report_data


def _reference(data: ReportData) -> str:
    return json.dumps(_plain(data), ensure_ascii=False, sort_keys=True, indent=1)


def _odd() -> ReportData:
    """Every kind of value a snapshot holds, with text JSON must escape."""
    return ReportData(
        period=2025,
        as_of=dt.date(2026, 3, 31),
        organisation=Organisation(
            legal_name='Kasumi "K" Corp. \\ 霞\n\t\u2028',
            memberships=(),
            company_answers={"B": "Yes", "A": "No", "a": ""},
        ),
        declarations={},
        rcoi=(MetalConclusion("Tin", "unknown", ("a", "b"), 0.1 + 0.2, 3),),
        smelter_rows=(
            SmelterRowLine("Ünïcode Ltd", "a\x00b.xlsx", 7, "Tin", "", "Min\u00a0sur", "PERU"),
            SmelterRowLine("", "", 0, "", "", "", "", decision="auto", reason="x" * 300),
        ),
        rollup_answers=(MetalAnswersLine("Gold", {}, {"Q1": "Yes"}),),
        status_as_of=None,
        received_first=dt.date(2025, 1, 2),
        unattributed_files=("ü.xlsx",),
        corrected=-1,
        draft=True,
    )


@pytest.mark.parametrize(
    "make", [example_report_data, _odd, lambda: ReportData(2025, dt.date(2026, 1, 1))]
)
def test_json_is_json_dumps_of_the_plain_snapshot(make: object) -> None:
    data = make()  # type: ignore[operator]
    text = data.to_json()
    assert text == _reference(data)
    assert "".join(data.json_chunks()) == text
    assert ReportData.from_json(text) == data


def test_many_rows_come_in_chunks_that_join_to_the_same_text() -> None:
    row = SmelterRowLine("Acme", "acme.xlsx", 5, "Tin", "CID1", "Minsur", "PERU", "CID1")
    data = dataclasses.replace(
        _odd(), smelter_rows=tuple(dataclasses.replace(row, row=n) for n in range(1000))
    )
    chunks = list(data.json_chunks())
    assert len(chunks) > 4  # rows are written a few hundred at a time
    assert "".join(chunks) == _reference(data)
