"""The streaming OOXML reader returns exactly what python-calamine returns, or steps aside.

Every workbook here is built byte by byte (so each XML form Excel and other writers use
is covered) and read twice: by :class:`OoxmlWorkbook` and by calamine's ``to_python``.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from oretrace.cmrt.check import check_bytes
from oretrace.cmrt.container import (
    OpenedFile,
    StreamingSource,
    load_calamine,
    load_workbook,
    open_bytes,
)
from oretrace.cmrt.errors import ErrorCode, WorkbookError
from oretrace.cmrt.limits import Limits
from oretrace.cmrt.ooxml import OoxmlWorkbook, Unsupported, number_format_kind
from oretrace.cmrt.revisions import Family
from oretrace.cmrt.workbook import CellValue, Workbook
from oretrace.cmrt.writer import Draft, draft_bytes

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

CONTENT_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)
STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{MAIN}"><numFmts count="3">
<numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/>
<numFmt numFmtId="165" formatCode="[h]:mm:ss"/>
<numFmt numFmtId="166" formatCode="&quot;Y: &quot;0.00"/></numFmts>
<cellXfs count="7"><xf numFmtId="0" fontId="0"/><xf numFmtId="164" fontId="0"/>
<xf numFmtId="165" fontId="0"/><xf numFmtId="166" fontId="0"/><xf numFmtId="14" fontId="0"/>
<xf numFmtId="22" fontId="0"/><xf fontId="0"/></cellXfs></styleSheet>"""

STRINGS = [
    "<t>Tantalum</t>",
    '<t xml:space="preserve"> spaced &amp; &lt;escaped&gt; </t>',
    "<t>line one\r\nline two_x000D_\r\nthree</t>",
    "<r><rPr><b/></rPr><t>rich </t></r><r><t>text</t></r>",
    '<t>漢字</t><rPh sb="0" eb="2"><t>かんじ</t></rPh><phoneticPr fontId="1"/>',
    "<t/>",
    "<t>&#169; 2024 RMI</t>",
]

SHEET = """<row r="2"><c r="B2" t="s"><v>0</v></c><c r="C2" t="s"><v>1</v></c>
<c r="D2" t="s"><v>2</v></c><c r="E2" t="s"><v>3</v></c><c r="F2" t="s"><v>4</v></c>
<c r="G2" t="s"><v>5</v></c><c r="H2" t="s"><v>6</v></c></row>
<row r="3"><c r="A3"><v>42</v></c><c r="B3" s="0"><v>-1.5E-3</v></c><c r="C3" t="b"><v>1</v></c>
<c r="D3" t="b"><v>0</v></c><c r="E3" t="e"><f>1/0</f><v>#DIV/0!</v></c>
<c r="F3" s="0" t="e"><f>NA()</f><v>#N/A</v></c>
<c r="G3" t="str"><f>"a"&amp;"b"</f><v>a&amp;b</v></c>
<c r="H3" t="str"><f>""</f><v></v></c><c r="I3" s="3"><v>7</v></c></row>
<row r="4"><c r="A4" s="1"><v>45382</v></c><c r="B4" s="1"><v>45382.75</v></c>
<c r="C4" s="1"><v>0.25</v></c><c r="D4" s="2"><v>1.5</v></c><c r="E4" s="4"><v>59</v></c>
<c r="F4" s="5"><v>61.5</v></c><c r="G4" s="6"><v>3</v></c><c r="H4" s="99"><v>4</v></c></row>
<row r="6"><c r="A6" s="1"/><c r="B6" t="str"><f t="shared" ref="B6:B7" si="0">A6&amp;""</f><v/></c>
<c r="C6" t="s"><v></v></c><c r="D6"><v></v></c></row>
<row r="7"><c r="B7" t="str"><f t="shared" si="0"/><v xml:space="preserve"> kept </v></c></row>
<row r="9"><c r="C9" t="str"><f>""</f><v/></c></row>"""


def workbook(
    sheets: dict[str, str],
    strings: list[str] | None = None,
    styles: str = STYLES,
    date1904: bool = False,
) -> bytes:
    """A minimal but complete .xlsx: one worksheet part per entry of ``sheets``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        names = "".join(
            f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>'
            for i, name in enumerate(sheets, start=1)
        )
        pr = '<workbookPr date1904="1"/>' if date1904 else "<workbookPr/>"
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}">{pr}<sheets>{names}</sheets></workbook>',
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        n = len(sheets)
        rels += f'<Relationship Id="rId{n + 1}" Type="{REL}/styles" Target="styles.xml"/>'
        rels += (
            f'<Relationship Id="rId{n + 2}" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{rels}</Relationships>",
        )
        archive.writestr("xl/styles.xml", styles)
        items = "".join(f"<si>{s}</si>" for s in (strings if strings is not None else STRINGS))
        archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">{items}</sst>')
        for i, body in enumerate(sheets.values(), start=1):
            archive.writestr(
                f"xl/worksheets/sheet{i}.xml",
                f'<worksheet xmlns="{MAIN}"><dimension ref="A1:I9"/>'
                f"<sheetData>{body}</sheetData></worksheet>",
            )
    return out.getvalue()


def _same(a: CellValue, b: CellValue) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


def _trimmed(rows: list[list[CellValue]]) -> list[list[CellValue]]:
    out = []
    for row in rows:
        values = list(row)
        while values and values[-1] == "":
            values.pop()
        out.append(values)
    while out and not out[-1]:
        out.pop()
    return out


def assert_same_as_calamine(data: bytes, name: str) -> list[list[CellValue]]:
    ours = OoxmlWorkbook(data).sheet_rows(name, 100_000)
    theirs = CalamineWorkbook.from_filelike(io.BytesIO(data))
    expected = theirs.get_sheet_by_name(name).to_python(skip_empty_area=False)
    assert len(ours) == len(expected), "height differs from calamine's"
    a, b = _trimmed(ours), _trimmed(expected)
    assert len(a) == len(b)
    for number, (mine, calamine) in enumerate(zip(a, b, strict=True), start=1):
        assert len(mine) == len(calamine), f"row {number}: {mine!r} != {calamine!r}"
        for col, (x, y) in enumerate(zip(mine, calamine, strict=True), start=1):
            assert _same(x, y), f"row {number} col {col}: {x!r} != {y!r}"
    return ours


def test_every_value_form_reads_as_calamine_reads_it() -> None:
    data = workbook({"Smelter List": SHEET})
    rows = assert_same_as_calamine(data, "Smelter List")
    assert rows[1][1:8] == [
        "Tantalum",
        " spaced & <escaped> ",
        "line one\nline two\r\nthree",
        "richtext",  # <t>rich </t> without xml:space="preserve" is trimmed, as calamine does
        "漢字",
        "",
        "© 2024 RMI",
    ]
    assert rows[2][:9] == [42.0, -0.0015, True, False, "", "", "a&b", "", 7.0]
    assert rows[3][:4] == [
        dt.date(2024, 3, 31),
        dt.datetime(2024, 3, 31, 18, 0),
        dt.time(6, 0),
        dt.timedelta(hours=36),
    ]
    assert rows[6][1] == " kept "
    assert len(rows) == 9  # the empty cached text in C9 still ends the range, as in calamine


def test_1904_dates() -> None:
    data = workbook({"Declaration": '<row r="1"><c r="A1" s="1"><v>0</v></c></row>'}, date1904=True)
    rows = assert_same_as_calamine(data, "Declaration")
    assert rows[0][0] == dt.time(0, 0)  # value < 1 reads as a time, in either date system


def test_template_tail_of_empty_formulas_and_errors() -> None:
    """The shape of a CMRT Smelter List: a few filled rows, then thousands of formula rows."""
    filled = "".join(
        f'<row r="{r}"><c r="B{r}" t="s"><v>0</v></c><c r="D{r}" t="str"><f>B{r}</f>'
        f"<v>Tantalum</v></c></row>"
        for r in range(5, 9)
    )
    blank = "".join(
        f'<row r="{r}"><c r="A{r}" s="1"/><c r="B{r}" t="str"><f>IF(A{r}="","",1)</f><v></v></c>'
        f'<c r="D{r}" t="str"><f>""</f><v/></c><c r="V{r}" t="e"><f>NA()</f><v>#N/A</v></c>'
        f'<c r="X{r}"><f t="shared" si="1"/><v>0</v></c></row>'
        for r in range(9, 2505)
    )
    data = workbook({"Smelter List": filled + blank})
    rows = assert_same_as_calamine(data, "Smelter List")
    assert len(rows) == 2504
    assert [r[1] for r in rows[4:8]] == ["Tantalum"] * 4
    assert rows[2503][23] == 0.0


def test_unusual_attribute_order_and_extra_attributes() -> None:
    body = (
        '<row r="1"><c t="s" r="A1"><v>0</v></c><c r="B1" s="0" t="n" cm="1"><v>2</v></c>'
        '<c  r="C1"  t="str" ><f>1</f><v>x</v></c></row>'
    )
    assert_same_as_calamine(workbook({"Sheet1": body}), "Sheet1")


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ('<row r="1"><c r="A1" t="inlineStr"><is><t>inline</t></is></c></row>', "inline"),
        ('<row r="1"><c r="A1" t="d"><v>2024-03-31T00:00:00</v></c></row>', "type"),
        ('<row r="1"><c><v>1</v></c></row>', "reference"),
        ('<row r="1"><c r="A1" t="e"><v>#SPILL!</v></c></row>', "error"),
    ],
)
def test_forms_the_scanner_does_not_know_go_to_calamine(body: str, why: str) -> None:
    data = workbook({"Sheet1": body})
    with pytest.raises(Unsupported):
        OoxmlWorkbook(data).sheet_rows("Sheet1", 100_000)
    opened = OpenedFile(data, "xlsx", encrypted=False)
    assert _read(load_workbook(opened)) == _read(Workbook(load_calamine(opened))), why


def _read(book: Workbook) -> object:
    """A sheet's rows, or the error code reading it gives."""
    try:
        sheet = book.sheet("Sheet1")
    except WorkbookError as exc:
        return exc.code
    assert sheet is not None
    return [sheet.row(n) for n in range(1, sheet.height + 1)]


def test_fallback_is_recorded_per_sheet() -> None:
    data = workbook(
        {
            "Declaration": '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
            "Odd": '<row r="1"><c r="A1" t="inlineStr"><is><t>inline</t></is></c></row>',
        }
    )
    source = StreamingSource(OpenedFile(data, "xlsx", False), OoxmlWorkbook(data))
    assert source.sheet_rows("Declaration", 10) == [["Tantalum"]]
    assert source.sheet_rows("Odd", 10) == [["inline"]]
    assert source.fallbacks == ["Odd"]


def test_damaged_sheet_keeps_calamines_error_code() -> None:
    data = workbook({"Sheet1": '<row r="1"><c r="A1"><v>1</v></c></row>'})
    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename.endswith("sheet1.xml"):
                body = body.replace(b"</sheetData></worksheet>", b"<row r=")
            dst.writestr(info, body)
    opened = OpenedFile(broken.getvalue(), "xlsx", encrypted=False)
    with pytest.raises(WorkbookError) as ours:
        load_workbook(opened).sheet("Sheet1")
    with pytest.raises(WorkbookError) as before:
        Workbook(load_calamine(opened)).sheet("Sheet1")
    assert ours.value.code is before.value.code is ErrorCode.CORRUPT


def test_row_limit_is_too_large() -> None:
    data = workbook({"Sheet1": '<row r="500"><c r="A500"><v>1</v></c></row>'})
    with pytest.raises(WorkbookError) as caught:
        load_workbook(OpenedFile(data, "xlsx", False), Limits(max_rows=100)).sheet("Sheet1")
    assert caught.value.code is ErrorCode.TOO_LARGE
    assert "row 500" in caught.value.message


def test_generated_template_reads_the_same_through_check() -> None:
    draft = Draft(Family.CMRT, "6.4", company={"company_name": "Acme Metals GmbH"})
    draft.smelters = [
        {"metal": "Tin", "lookup": "Smelter not listed", "name": "Minsur", "country": "PERU"}
    ]
    data = draft_bytes(draft)
    book = load_workbook(open_bytes(data))
    for name in book.sheet_names:
        assert_same_as_calamine(data, name)
    result = check_bytes(data, "acme.xlsx")
    assert result.error is None and result.declaration is not None
    assert result.declaration.company["company_name"].value == "Acme Metals GmbH"


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("DD/MM/YY", 1),
        ("H:MM:SS;@", 1),
        ("#,##0\\ [$\\u20bd-46D]", 0),
        ('m"M"d"D";@', 1),
        ("[h]:mm:ss", 2),
        ('"Y: "0.00"m";"Y: "-0.00"m";"Y: <num>m";@', 0),
        ('"$"#,##0_);[Red]("$"#,##0)', 0),
        ("0_ ;[Red]\\-0\\ ", 0),
        ("\\Y000000", 0),
        ('#,##0.0####" YMD"', 0),
        ("[ss]", 2),
        ("[Blue]\\+[h]:mm;[Red]\\-[h]:mm;[Green][h]:mm", 2),
        ("[>=100][Magenta].00", 0),
        ("ha/p\\\\m", 1),
        ("General", 0),
    ],
)
def test_number_format_kinds(code: str, kind: int) -> None:
    assert number_format_kind(code) == kind


@pytest.mark.corpus
def test_corpus_sheets_read_as_calamine_reads_them(corpus_cmrt: Path) -> None:
    """The sheets the checks read, in every real OOXML workbook: value for value."""
    checked = 0
    for path in sorted(corpus_cmrt.glob("*.xls*")):
        try:
            opened = open_bytes(path.read_bytes())
        except WorkbookError:
            continue
        if opened.container != "xlsx":
            continue
        book = OoxmlWorkbook(opened.data)
        for name in ("Declaration", "Smelter List", "Product List", "Checker"):
            if name in book.sheet_names:
                assert_same_as_calamine(opened.data, name)
                checked += 1
    assert checked > 100


# ── reading a sheet's head only (template rules' look-up rows) ────────────────────────

LANGUAGES = (
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>6</v></c>'
    '<c r="C1"><v>3</v></c></row>'
    '<row r="2"><c r="A2"><v>1</v></c></row>'
    '<row r="5" spans="1:6"><c r="F5" t="s"><v>1</v></c></row>'
)


@pytest.mark.parametrize(("last_row", "last_col"), [(1, 1), (1, 3), (2, 1), (2, 3)])
def test_sheet_head_reads_what_the_whole_sheet_holds_there(last_row: int, last_col: int) -> None:
    data = workbook({"L": LANGUAGES})
    whole = load_workbook(OpenedFile(data, "xlsx", False)).sheet("L")
    head = load_workbook(OpenedFile(data, "xlsx", False)).sheet_head("L", last_row, last_col)
    assert whole is not None and head is not None
    assert head.height == last_row < whole.height  # rows below were not read
    for row in range(1, last_row + 1):
        assert head.row(row)[:last_col] == whole.row(row)[:last_col]


@pytest.mark.parametrize(
    ("last_row", "last_col", "why"),
    [(4, 1, "row 4 holds no value: the head cannot say the sheet reaches it"),
     (2, 5, "the head is 3 columns wide: the sheet may be wider")],
)  # fmt: skip
def test_sheet_head_reads_the_whole_sheet_when_the_head_is_not_enough(
    last_row: int, last_col: int, why: str
) -> None:
    data = workbook({"L": LANGUAGES})
    whole = load_workbook(OpenedFile(data, "xlsx", False)).sheet("L")
    head = load_workbook(OpenedFile(data, "xlsx", False)).sheet_head("L", last_row, last_col)
    assert whole is not None and head is not None
    assert [head.row(n) for n in range(1, 6)] == [whole.row(n) for n in range(1, 6)], why


def test_sheet_head_keeps_the_row_limit() -> None:
    data = workbook({"L": '<row r="1"><c r="A1"><v>1</v></c></row><row r="500"><c r="A500">'
                          "<v>2</v></c></row>"})  # fmt: skip
    with pytest.raises(WorkbookError) as caught:
        load_workbook(OpenedFile(data, "xlsx", False), Limits(max_rows=100)).sheet_head("L", 1, 1)
    assert caught.value.code is ErrorCode.TOO_LARGE


def test_shared_strings_read_the_same_at_other_indexes_in_another_workbook() -> None:
    """Decoded texts are kept across workbooks by their exact bytes, not by index."""
    body = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    first = load_workbook(OpenedFile(workbook({"S": body}, STRINGS[:2]), "xlsx", False))
    second = load_workbook(OpenedFile(workbook({"S": body}, STRINGS[1::-1]), "xlsx", False))
    one, two = first.sheet("S"), second.sheet("S")
    assert one is not None and two is not None
    assert one.row(1) == ["Tantalum", " spaced & <escaped> "]
    assert two.row(1) == [" spaced & <escaped> ", "Tantalum"]
