"""The roll-up without the official template is still readable: labels, question texts,
metals, widths and a real date, while every CMRT reader reads it back unchanged."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import openpyxl

from oretrace.cmrt.check import check_bytes
from oretrace.reporting.rollup_content import rollup_content, write_own_layout
from tests.reporting.report_example import example_report_data


def test_own_layout_has_labels_widths_and_a_real_date() -> None:
    data = example_report_data()
    content = rollup_content(data)
    raw = write_own_layout(content)
    checked = check_bytes(raw, "ours.xlsx")
    assert checked.error is None and checked.declaration is not None
    assert checked.declaration.company_value("company_name") == data.organisation.legal_name
    book = openpyxl.load_workbook(io.BytesIO(raw))
    sheet = book["Declaration"]
    assert sheet["B8"].value == "Company name (legal name)"
    assert sheet["B22"].value == "Effective date"
    assert str(sheet["B25"].value).startswith("1) Is the metal intentionally added")
    assert [sheet[f"C{r}"].value for r in range(26, 30)] == ["Tantalum", "Tin", "Gold", "Tungsten"]
    assert str(sheet["B75"].value).startswith("A. Is there a policy")
    assert sheet.column_dimensions["D"].width >= 20  # a date fits: no "###"
    assert sheet.column_dimensions["B"].width >= 50
    assert isinstance(sheet["D22"].value, dt.datetime)
    assert sheet["D22"].value.date() == data.as_of
    assert "yy" in sheet["D22"].number_format


def test_a_draft_rollup_says_so_in_the_company_block() -> None:
    data = dataclasses.replace(example_report_data(), draft=True)
    checked = check_bytes(write_own_layout(rollup_content(data)), "ours.xlsx")
    assert checked.declaration is not None
    name = checked.declaration.company_value("company_name") or ""
    assert name == f"DRAFT - {data.organisation.legal_name}"
