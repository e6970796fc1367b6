"""A streamed worksheet writes the same workbook, byte for byte, as XlsxWriter keeping
every cell: rows rendered a 16-row block at a time, then dropped."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

import openpyxl
import pytest
import xlsxwriter

from oretrace.reporting.streamed_sheet import SPAN_ROWS, StreamedSheet

Cell = str | int | float
OPTIONS = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
CREATED = dt.datetime(2026, 3, 31, tzinfo=dt.UTC)  # else the clock's second is in the file


def _rows(count: int, width: int = 5) -> list[tuple[Cell, ...]]:
    """Text (repeated, unique, empty, non-ASCII, control characters, formula-like), whole
    and fractional numbers, and rows narrower than the header."""
    rows: list[tuple[Cell, ...]] = []
    for n in range(1, count + 1):
        row: list[Cell] = [
            f"Supplier {n % 7}",
            n,
            n / 3 if n % 2 else "",
            ("Fundición 精錬 \x07 " + str(n)) if n % 5 else "=SUM(A1:A2)",
            -1.5e-20 * n,
        ]
        rows.append(tuple(row[: width - (n % 3 == 0)]))  # every third row one cell short
    return rows


def _workbook(sheets: Sequence[list[tuple[Cell, ...]]], *, streamed: bool | None) -> bytes:
    """``streamed=None``: plain XlsxWriter (``write_row``), the reference."""
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, OPTIONS)
    workbook.set_properties({"created": CREATED})
    bold = workbook.add_format({"bold": True})
    percent = workbook.add_format({"num_format": "0.0%"})
    for number, rows in enumerate(sheets):
        if streamed is None:
            sheet = workbook.add_worksheet(f"Sheet {number}")
        else:
            sheet = workbook.add_worksheet(f"Sheet {number}", worksheet_class=StreamedSheet)
            sheet.streamed = streamed
        sheet.set_column(0, 0, 20)
        sheet.set_column(2, 2, 10, percent)  # a column format reaches every cell below
        header = ("Supplier", "Count", "Share", "Text", "Tiny")
        if streamed is None:
            sheet.write_row(0, 0, header, bold)
        else:
            sheet.append_row(0, header, bold)
        for row_number, row in enumerate(rows, start=1):
            if streamed is None:
                sheet.write_row(row_number, 0, row)
            else:
                sheet.append_row(row_number, row)
        if streamed is not None:
            sheet.finish()
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(rows), 1), 4)
    workbook.close()
    return out.getvalue()


@pytest.mark.parametrize("count", [0, 1, SPAN_ROWS - 2, SPAN_ROWS - 1, SPAN_ROWS, 47, 1000])
def test_streamed_rows_give_the_same_bytes_as_xlsxwriter_keeping_them(count: int) -> None:
    sheets = [_rows(count), _rows(count // 2 + 3), _rows(0)]
    reference = _workbook(sheets, streamed=None)
    assert _workbook(sheets, streamed=True) == reference
    assert _workbook(sheets, streamed=False) == reference


def test_rows_after_a_gap_and_a_header_only_sheet() -> None:
    out = {}
    for streamed in (None, True):
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, OPTIONS)
        workbook.set_properties({"created": CREATED})
        cls = None if streamed is None else StreamedSheet
        sheet = workbook.add_worksheet("Gaps", worksheet_class=cls)
        for number in (1, 2, 3, 40, 41, 70):  # rows missing inside and across blocks
            row = (f"row {number}", number)
            if streamed is None:
                sheet.write_row(number, 0, row)
            else:
                sheet.append_row(number, row)
        empty = workbook.add_worksheet("Empty", worksheet_class=cls)
        if streamed is None:
            empty.write_row(0, 0, ("Only", ""))
        else:
            empty.append_row(0, ("Only", ""))
        workbook.close()
        out[streamed] = buffer.getvalue()
    assert out[True] == out[None]


def _cells(content: bytes) -> list[list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [
        [(c.coordinate, c.value, c.data_type, c.number_format) for row in ws.iter_rows()
         for c in row]
        for ws in book.worksheets
    ]  # fmt: skip


def test_streamed_cells_read_back_with_their_values_and_types() -> None:
    rows = _rows(40)
    content = _workbook([rows, rows[:3]], streamed=True)
    assert _cells(content) == _cells(_workbook([rows, rows[:3]], streamed=None))
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Sheet 0"]
    assert [c.value for c in sheet[2]] == ["Supplier 1", 1, 1 / 3, "Fundición 精錬 _x0007_ 1",
                                           -1.5e-20]  # fmt: skip
    assert [c.value for c in sheet[3]][1:3] == [2, None]  # an empty text is no cell
    assert sheet["C2"].number_format == "0.0%" and sheet["A1"].font.b
    assert sheet["D6"].value == "=SUM(A1:A2)" and sheet["D6"].data_type == "s"  # text
    assert sheet.max_row == 41


def test_the_blocks_are_dropped_as_they_are_written() -> None:
    workbook = xlsxwriter.Workbook(io.BytesIO(), OPTIONS)
    sheet = workbook.add_worksheet("Rows", worksheet_class=StreamedSheet)
    for number in range(1000):
        sheet.append_row(number, (f"text {number}", number))
        assert not any(sheet.table.values())  # no cell kept by XlsxWriter
    assert len(sheet._block) == 1000 % SPAN_ROWS  # only the rows of the block being filled
    workbook.close()


def test_formats_are_numbered_as_xlsxwriter_numbers_them() -> None:
    """A column's format before the header's, and a header-only sheet's format before a
    later sheet's: the order XlsxWriter gives when it writes everything at the end."""
    out = {}
    for streamed in (None, True):
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, OPTIONS)
        workbook.set_properties({"created": CREATED})
        formats = [workbook.add_format({"num_format": f"0.{'0' * n}"}) for n in range(1, 4)]
        cls = None if streamed is None else StreamedSheet
        first = workbook.add_worksheet("Header only", worksheet_class=cls)
        if streamed is None:
            first.write_row(0, 0, ("A", "", "C"), formats[2])  # "" with a format: a blank cell
        else:
            first.append_row(0, ("A", "", "C"), formats[2])
            first.finish()  # a sheet's rows are finished before the next sheet's
        second = workbook.add_worksheet("Rows", worksheet_class=cls)
        second.set_column(1, 1, 9, formats[1])
        if streamed is None:
            second.write_row(0, 0, ("A", "B"), formats[0])
        else:
            second.append_row(0, ("A", "B"), formats[0])
        for number in range(1, 40):
            if streamed is None:
                second.write_row(number, 0, (number, number / 7))
            else:
                second.append_row(number, (number, number / 7))
        if streamed:
            second.finish()
        workbook.close()
        out[streamed] = buffer.getvalue()
    assert out[True] == out[None]


def test_a_row_out_of_order_or_a_cell_written_late_is_refused() -> None:
    workbook = xlsxwriter.Workbook(io.BytesIO(), OPTIONS)
    sheet = workbook.add_worksheet("Rows", worksheet_class=StreamedSheet)
    for number in range(SPAN_ROWS + 2):
        sheet.append_row(number, ("x",))
    with pytest.raises(ValueError, match="row 3 is written after a later row"):
        sheet.append_row(2, ("late",))
    with pytest.raises(ValueError, match="row 18 is written after a later row"):
        sheet.append_row(SPAN_ROWS + 1, ("again",))
    sheet.write_string(4, 1, "late")  # past append_row: found when the sheet is written
    with pytest.raises(ValueError, match="cells written beside streamed rows"):
        workbook.close()


def test_wide_rows_odd_values_and_formats_per_row() -> None:
    """Rows wider than 16 columns after narrow ones, booleans, a text past Excel's limit
    (XlsxWriter truncates it; the cells after it are still written), a text starting with
    a space, a large integer, and two cell formats."""
    long_text = "é" * 40000
    rows: list[tuple[Cell, ...]] = [
        ("a", 1),
        tuple(f"c{n}" for n in range(30)),
        (True, False, " lead", long_text, 2**60, 0.1),
    ]
    out = {}
    for streamed in (None, True):
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, OPTIONS)
        workbook.set_properties({"created": CREATED})
        red = workbook.add_format({"font_color": "red"})
        cls = None if streamed is None else StreamedSheet
        sheet = workbook.add_worksheet("Odd", worksheet_class=cls)
        for number, row in enumerate(rows * 7):
            fmt = red if number % 4 == 1 else None
            if streamed is None:  # cell by cell: write_row stops at the truncated text
                for column, value in enumerate(row):
                    sheet.write(number, column, value, fmt)
            else:
                sheet.append_row(number, row, fmt)
        workbook.close()
        out[streamed] = buffer.getvalue()
    assert out[True] == out[None]


def test_text_stays_text_whatever_the_workbook_options() -> None:
    """``append_row`` writes text as ``write_string`` does, also in a workbook that would
    turn strings into formulas, links or numbers, streamed or not."""
    options = {"in_memory": True, "strings_to_numbers": True}  # formulas, urls: on by default
    rows: list[tuple[Cell, ...]] = [
        ("=1+1", "https://example.com/", "42", "{=A1}" + " " * 17000 + "}", "")
    ] * 20
    out = {}
    for streamed in (False, True):
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, options)
        workbook.set_properties({"created": CREATED})
        sheet = workbook.add_worksheet("Text", worksheet_class=StreamedSheet)
        sheet.streamed = streamed
        for number, row in enumerate(rows):
            sheet.append_row(number, row)
        sheet.finish()
        workbook.close()
        out[streamed] = buffer.getvalue()
    assert out[True] == out[False]
    sheet = openpyxl.load_workbook(io.BytesIO(out[True]))["Text"]
    assert [c.data_type for c in sheet[1]][:4] == ["s", "s", "s", "s"]
    assert sheet["A1"].value == "=1+1" and sheet["C1"].value == "42"
    assert sheet["B1"].hyperlink is None and sheet["E1"].value is None
