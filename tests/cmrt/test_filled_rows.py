"""Reading only the Smelter List rows a supplier filled loses nothing (issue #13, ADR 0027).

Two things make a real file cheap to read: the OOXML scanner reads each cell's bytes once
per process (the ~5,000 cached ``#N/A``/``0`` cells of a template's empty rows repeat in
every file of that template), and the reader, the Checker and the template rules visit only
the rows holding a value in the columns they read (``Sheet.rows_holding``). Each workbook
here is checked three times — by calamine alone (every row visited, as before), and by the
scanner cold (its cell table emptied) and warm — and every result must be equal: findings
with their cells, Checker counts, every field of every row read.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from oretrace.cmrt import ooxml
from oretrace.cmrt.check import FileCheck, _run_checks, check_bytes
from oretrace.cmrt.checks import CheckSettings
from oretrace.cmrt.container import OpenedFile, load_calamine, load_workbook, open_bytes
from oretrace.cmrt.identify import identify
from oretrace.cmrt.layouts import layout_for
from oretrace.cmrt.model import TableRow
from oretrace.cmrt.revisions import Family
from oretrace.cmrt.workbook import Grid, Sheet, Workbook
from oretrace.cmrt.writer import Draft, draft_bytes

from .test_ooxml import workbook

SMELTERS = [
    {"metal": "Tin", "lookup": "Smelter not listed", "name": "Minsur", "country": "PERU"},
    {"metal": "Gold", "lookup": "Smelter not listed", "name": "Argor-Heraeus SA"},
    {"metal": "Tantalum", "lookup": "Smelter not listed", "name": "", "country": "CHINA"},
]


def _draft() -> bytes:
    draft = Draft(Family.CMRT, "6.4", company={"company_name": "Acme Metals GmbH"})
    draft.smelters = [dict(s) for s in SMELTERS]
    draft.pad_rows = 2504  # like the template: helper column X shows 0 down to row 2504
    return draft_bytes(draft)


def _rows_of(table: Sequence[TableRow]) -> list[object]:
    return [[r.row, {k: (f.ref, repr(f.raw), f.value) for k, f in r.fields.items()}] for r in table]


def _doc(result: FileCheck) -> dict[str, Any]:
    doc = result.as_json()
    doc.pop("file")
    if result.declaration is not None:
        doc["read"] = [
            _rows_of(result.declaration.smelters),
            _rows_of(result.declaration.products),
            [repr(a) for a in result.declaration.answers],
        ]
    return doc


def _calamine_check(data: bytes) -> FileCheck:
    """The check with every sheet read by calamine: rows filtered one by one, as before."""
    result = FileCheck("f.xlsx", sha256=hashlib.sha256(data).hexdigest())
    opened = open_bytes(data)
    book = Workbook(load_calamine(opened))
    result.info = identify(book)
    layout = layout_for(result.info.family, result.info.revision, result.info.layout_revision)
    from oretrace.cmrt.reader import read_declaration

    result.declaration = read_declaration(book, result.info)
    _run_checks(result, book, opened, layout, CheckSettings())
    return result


def assert_reads_as_before(data: bytes) -> dict[str, Any]:
    expected = _doc(_calamine_check(data))
    ooxml._PARSED.clear()
    cold = _doc(check_bytes(data, "f.xlsx"))
    warm = _doc(check_bytes(data, "f.xlsx"))
    assert cold == expected
    assert warm == expected
    return expected


# ── XML surgery on the generated Smelter List ─────────────────────────────────────────────

_ROW = re.compile(rb'<row r="(\d+)"[^>]*?(?:/>|>.*?</row>)', re.S)


def _changed(data: bytes, change: Callable[[bytes], bytes]) -> bytes:
    book = ooxml.OoxmlWorkbook(data)
    path = next(s.path for s in book.sheets if s.name == "Smelter List")
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info, change(content) if info.filename == path else content)
    return out.getvalue()


def _row(xml: bytes, number: int) -> bytes:
    found = next(m for m in _ROW.finditer(xml) if int(m.group(1)) == number)
    return found.group(0)


def _renumbered(chunk: bytes, old: int, new: int) -> bytes:
    return re.sub(
        rb'(<row r="|<c r="[A-Z]{1,3})%d"' % old, lambda m: m.group(1) + b'%d"' % new, chunk
    )


def _moved(xml: bytes, old: int, new: int) -> bytes:
    """Row ``old`` moved to row ``new`` (which it replaces), leaving a gap behind."""
    chunk = _row(xml, old)
    xml = xml.replace(chunk, b"")
    return xml.replace(_row(xml, new), _renumbered(chunk, old, new))


def _smelter(result: dict[str, Any], row: int) -> dict[str, Any]:
    return next(s for s in result["smelters"] if s["row"] == row)


def test_a_row_filled_after_2399_empty_ones_is_read() -> None:
    data = _changed(_draft(), lambda xml: _moved(xml, 6, 2400))
    result = assert_reads_as_before(data)
    assert [s["row"] for s in result["smelters"]] == [5, 7, 2400]
    assert _smelter(result, 2400)["name"] == "Argor-Heraeus SA"


def test_rows_out_of_order_are_read_in_row_order() -> None:
    def change(xml: bytes) -> bytes:
        xml = _moved(xml, 6, 2400)
        late = _row(xml, 2400)
        xml = xml.replace(late, b"")
        return xml.replace(b"<sheetData>", b"<sheetData>" + late)

    result = assert_reads_as_before(_changed(_draft(), change))
    assert [s["row"] for s in result["smelters"]] == [5, 7, 2400]


def test_a_sheet_without_a_dimension_element() -> None:
    def change(xml: bytes) -> bytes:
        assert b"<dimension " in xml
        return re.sub(rb"<dimension [^>]*/>", b"", _moved(xml, 7, 2504))

    result = assert_reads_as_before(_changed(_draft(), change))
    assert _smelter(result, 2504)["country"] == "CHINA"
    assert any(f["cell"] == "'Smelter List'!D2504" for f in result["findings"])


def test_a_value_in_a_hidden_column_far_down() -> None:
    def change(xml: bytes) -> bytes:
        hidden = b'<cols><col min="23" max="23" width="9" hidden="1" customWidth="1"/></cols>'
        if b"<cols>" in xml:
            xml = xml.replace(b"<cols>", hidden[:-7], 1)
        else:
            xml = xml.replace(b"<sheetData>", hidden + b"<sheetData>", 1)
        row = _row(xml, 2300)
        return xml.replace(row, row.replace(b"</row>", b'<c r="W2300"><v>42</v></c></row>'))

    data = _changed(_draft(), change)
    assert_reads_as_before(data)
    sheet = load_workbook(open_bytes(data)).sheet("Smelter List")
    assert sheet is not None and sheet.cell("W2300") == 42.0
    assert [n for n, _ in sheet.rows_holding(5, None, 23, 23)] == [2300]


def test_a_row_holding_only_a_typed_look_up_value() -> None:
    """A look-up formula replaced by its value, alone in its row: the Checker still asks for
    the smelter's name and country there."""

    def change(xml: bytes) -> bytes:
        row = _row(xml, 2200)
        typed = (
            b'<c r="B2200" t="str"><v>Tin</v></c><c r="C2200" t="str"><v>Smelter not listed</v></c>'
        )
        return xml.replace(row, row.replace(b"</row>", typed + b"</row>"))

    result = assert_reads_as_before(_changed(_draft(), change))
    assert _smelter(result, 2200)["metal"] == "Tin"
    assert any(f["cell"] == "'Smelter List'!D2200" for f in result["findings"])


def test_a_row_shifted_one_column_right() -> None:
    def change(xml: bytes) -> bytes:
        chunk = _renumbered(_row(xml, 5), 5, 2450)
        shifted = re.sub(
            rb'<c r="([A-Z])2450"',
            lambda m: b'<c r="%s2450"' % bytes([m.group(1)[0] + 1]),
            chunk,
        )
        return xml.replace(_row(xml, 2450), shifted)

    result = assert_reads_as_before(_changed(_draft(), change))
    assert 2450 in [s["row"] for s in result["smelters"]]


def test_the_generated_workbook_itself() -> None:
    result = assert_reads_as_before(_draft())
    assert [s["row"] for s in result["smelters"]] == [5, 6, 7]


# ── the pieces ────────────────────────────────────────────────────────────────────────────


def test_rows_holding_is_the_row_by_row_filter() -> None:
    """Every band and range: the scanner's per-column notes give exactly the rows that the
    row-by-row filter (calamine-read sheets) gives."""
    data = _changed(_draft(), lambda xml: _moved(xml, 6, 2400))
    noted = load_workbook(open_bytes(data)).sheet("Smelter List")
    assert noted is not None
    rows = [list(noted.row(n)) for n in range(1, noted.height + 1)]
    plain = Sheet("Smelter List", rows)  # a plain list: filtered row by row
    for left, right in [(1, 1), (1, 17), (2, 4), (3, 3), (18, 30), (24, 24), (1, 40)]:
        for first, last in [(1, None), (5, 2504), (6, 2399), (2400, 2400), (2401, None)]:
            fast = [n for n, _ in noted.rows_holding(first, last, left, right)]
            slow = [n for n, _ in plain.rows_holding(first, last, left, right)]
            assert fast == slow, (left, right, first, last)
    assert [n for n, _ in noted.rows_holding(5, None, 2, 4)] == [5, 7, 2400]


def test_a_grid_without_notes_is_filtered_row_by_row() -> None:
    sheet = Sheet("S", Grid([["", 0.0, ""], ["", "", ""], ["x"], [False]]))
    assert [n for n, _ in sheet.rows_holding(1, None, 1, 3)] == [1, 3, 4]
    assert [n for n, _ in sheet.rows_holding(1, 3, 2, 3)] == [1]


SAME_CELLS = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>45382</v></c></row>'
PLAIN_STYLES = (
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="0"/></cellXfs></styleSheet>'
)


def test_the_same_cell_bytes_read_with_each_files_own_strings_and_styles() -> None:
    """The per-process cell table keeps where a cell is and what it holds, never its value:
    the same bytes in another workbook read with that workbook's strings and formats."""
    ooxml._PARSED.clear()
    dated = load_workbook(OpenedFile(workbook({"S": SAME_CELLS}, ["<t>Tin</t>"]), "xlsx", False))
    plain = load_workbook(
        OpenedFile(workbook({"S": SAME_CELLS}, ["<t>Gold</t>"], PLAIN_STYLES), "xlsx", False)
    )
    one, two = dated.sheet("S"), plain.sheet("S")
    assert one is not None and two is not None
    assert one.row(1)[0] == "Tin" and two.row(1)[0] == "Gold"
    assert str(one.row(1)[1]) == "2024-03-31" and two.row(1)[1] == 45382.0
    assert len(ooxml._PARSED) == 2  # the second workbook's cells came from the table


def test_a_full_cell_table_is_emptied_and_refilled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ooxml, "CELLS_KEPT", 100)
    ooxml._PARSED.clear()
    data = _draft()
    expected = _doc(_calamine_check(data))
    assert _doc(check_bytes(data, "f.xlsx")) == expected
    assert len(ooxml._PARSED) <= 100
    assert _doc(check_bytes(data, "f.xlsx")) == expected


def test_a_formula_longer_than_the_window_is_read_whole() -> None:
    long = "&amp;".join(f'"{i:03d}"' for i in range(120))  # ~700 bytes of formula
    body = (
        f'<row r="1"><c r="A1" t="str"><f>{long}</f><v>first</v></c>'
        f'<c r="B1" t="str"><f>{long}</f><v>second</v></c></row>'
    )
    ooxml._PARSED.clear()
    for _ in range(2):
        book = load_workbook(OpenedFile(workbook({"S": body}), "xlsx", False))
        sheet = book.sheet("S")
        assert sheet is not None and sheet.row(1) == ["first", "second"]


def test_cells_alike_but_for_their_reference_stay_apart() -> None:
    """Template rows repeat a cell but for its row number: the table's key must hold the
    reference, however long the formula before the value (here ~200 bytes, inside the
    window)."""
    formula = "IF(ISERROR($V1),&quot;&quot;," + "&amp;".join(['"abc"'] * 24) + ")"
    body = "".join(
        f'<row r="{n}"><c r="{col}{n}" t="str"><f>{formula}</f><v>same</v></c></row>'
        for n, col in ((1, "A"), (2, "A"), (3, "B"), (40, "A"))
    )
    ooxml._PARSED.clear()
    for _ in range(2):
        sheet = load_workbook(OpenedFile(workbook({"S": body}), "xlsx", False)).sheet("S")
        assert sheet is not None
        assert [sheet.cell(ref) for ref in ("A1", "A2", "B3", "A40")] == ["same"] * 4
        assert sheet.cell("A3") == "" and sheet.height == 40
