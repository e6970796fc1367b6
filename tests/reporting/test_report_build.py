"""build_report: the files, EDGAR's rules, the numbers, Appendix 2, the two modes, DOCX,
the exports workbook, the charts, and byte-for-byte reproducibility."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import docx
import lxml.etree
import lxml.html
import openpyxl
import pytest

from oretrace.reporting.build import build_report
from oretrace.reporting.data import CorrectiveAction, ReportData
from oretrace.reporting.html import EDGAR_TAGS
from tests.reporting.report_example import example_report_data

EDGAR_FILES = ("form-sd.htm", "ex-1.01.htm")
CHART_NAMES = ("response-rate", "smelters-by-metal", "smelters-by-country", "suppliers-by-risk")


@pytest.fixture(scope="module")
def data() -> ReportData:
    return example_report_data()


@pytest.fixture(scope="module")
def cmr(data: ReportData, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cmr")
    build_report(data, out, "cmr")
    return out


@pytest.fixture(scope="module")
def rcoi(data: ReportData, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("rcoi")
    build_report(data, out, "rcoi")
    return out


def _tree(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes())


def _text(path: Path) -> str:
    return " ".join(_tree(path).text_content().split())


def _files(out: Path) -> dict[str, str]:
    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }


def test_cmr_mode_writes_every_document(cmr: Path) -> None:
    charts = {f"charts/{n}.{ext}" for n in CHART_NAMES for ext in ("svg", "png")}
    documents = {"form-sd.htm", "form-sd.docx", "ex-1.01.htm", "ex-1.01.docx"}
    assert set(_files(cmr)) == documents | {"report.html", "exports.xlsx"} | charts


def test_rcoi_mode_has_no_exhibit(rcoi: Path) -> None:
    assert not (rcoi / "ex-1.01.htm").exists() and not (rcoi / "ex-1.01.docx").exists()
    text = _text(rcoi / "form-sd.htm")
    assert "Item 1.01(a) and (b) only" in text
    assert "Item 1.02" not in text and "Item 3.01" not in text
    assert "Exhibit 1.01" not in text


def test_cmr_form_sd_refers_to_the_exhibit(cmr: Path) -> None:
    text = _text(cmr / "form-sd.htm")
    for words in ("Item 1.01", "Item 1.02 Exhibit", "Item 3.01 Exhibits", "filed as Exhibit 1.01"):
        assert words in text


def test_rcoi_build_over_a_cmr_build_removes_the_old_exhibit(
    data: ReportData, tmp_path: Path
) -> None:
    build_report(data, tmp_path, "cmr")
    assert (tmp_path / "ex-1.01.htm").exists()
    written = build_report(data, tmp_path, "rcoi")
    assert not (tmp_path / "ex-1.01.htm").exists()
    assert all(tmp_path in p.parents for p in written)


def test_unknown_mode_is_refused(data: ReportData, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown report mode"):
        build_report(data, tmp_path, "full")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", EDGAR_FILES)
def test_edgar_files_use_only_whitelisted_tags_and_load_nothing(cmr: Path, name: str) -> None:
    raw = (cmr / name).read_bytes()
    raw.decode("ascii")  # EDGAR: ASCII only, other characters as character references
    tree = _tree(cmr / name)
    tags = {element.tag for element in tree.iter() if isinstance(element.tag, str)}
    assert tags <= EDGAR_TAGS
    assert {"table", "h2", "p"} <= tags
    for element in tree.iter():
        for attribute, value in element.attrib.items():
            assert attribute == "style", (element.tag, attribute)
            assert "url(" not in value and "http" not in value
    lowered = raw.lower()
    for forbidden in (b"<script", b"src=", b"<img", b"<svg", b"<link", b"<style", b"<iframe"):
        assert forbidden not in lowered
    assert all(not list(t.iterancestors("table")) for t in tree.iter("table"))


def test_the_survey_numbers_appear_in_the_filing(cmr: Path, data: ReportData) -> None:
    conformant = sum(1 for s in data.smelters if s.conformant)
    not_conformant = sum(1 for s in data.smelters if not s.conformant)
    unidentified = sum(1 for r in data.smelter_rows if r.decision not in {"auto", "confirmed"})
    assert (data.suppliers_surveyed, data.suppliers_responded) == (4, 3)
    assert (conformant, not_conformant, unidentified) == (8, 5, 3)
    for name in EDGAR_FILES:
        text = _text(cmr / name)
        assert "surveyed 4 suppliers" in text
        assert "received 3 responses, a response rate of 75.0%" in text
        assert "13 distinct smelters and refiners, of which 8 were conformant" in text
        assert "5 were known but not conformant" in text
        assert "3 of the entries could not be identified" in text
    by_metal = _captioned(_tree(cmr / "ex-1.01.htm"), "Smelters and refiners by metal")
    assert by_metal[-1] == ("Total", "13", "8", "5", "3")
    assert by_metal[0] == ("Gold", "4", "2", "2", "1")


def test_no_conflict_free_claim(cmr: Path) -> None:
    for name in EDGAR_FILES:
        text = _text(cmr / name).lower().replace("-", " ")
        assert "conflict free" not in text
        assert "drc conflict" not in text


def _rows(table: lxml.html.HtmlElement) -> list[tuple[str, ...]]:
    return [tuple(c.text_content() for c in tr.iter("td", "th")) for tr in table.iter("tr")][1:]


def _captioned(tree: lxml.html.HtmlElement, caption: str) -> list[tuple[str, ...]]:
    (table,) = [t for t in tree.iter("table") if t.findtext("caption/b") == caption]
    return _rows(table)


def _table_after(tree: lxml.html.HtmlElement, heading: str) -> list[tuple[str, ...]]:
    (title,) = [h for h in tree.iter("h3") if h.text_content() == heading]
    return _rows(next(title.itersiblings("table")))


def test_appendix_2_lists_conformant_then_not_conformant_sorted(
    cmr: Path, data: ReportData
) -> None:
    tree = _tree(cmr / "ex-1.01.htm")
    text = tree.text_content()
    assert text.index("Table A: Smelters and refiners conformant") < text.index(
        "Table B: Smelters and refiners known but not conformant"
    )
    table_a = _table_after(tree, "Table A: Smelters and refiners conformant with the RMAP")
    table_b = _table_after(tree, "Table B: Smelters and refiners known but not conformant")
    given = [(s.metal, s.country, s.name) for s in data.smelters]
    assert given != sorted(given)  # the snapshot is not pre-sorted: sorting is under test
    for table, conformant in ((table_a, True), (table_b, False)):
        keys = [row[:3] for row in table]
        assert keys == sorted(keys)
        expected = {s.smelter_id for s in data.smelters if s.conformant is conformant}
        assert {row[3] for row in table} == expected
    assert table_b[0] == ("Gold", "Italy", "Safimet S.p.A", "CID002290", "No RMAP status")


def _html_headings(path: Path) -> list[tuple[int, str]]:
    tree = _tree(path)
    return [
        (int(e.tag[1]), e.text_content())
        for e in tree.iter()
        if isinstance(e.tag, str) and re.fullmatch(r"h[1-6]", e.tag)
    ]


def _docx_headings(path: Path) -> list[tuple[int, str]]:
    document = docx.Document(str(path))
    return [
        (int(p.style.name.split()[-1]), p.text)
        for p in document.paragraphs
        if p.style is not None and p.style.name.startswith("Heading")
    ]


@pytest.mark.parametrize("stem", ["form-sd", "ex-1.01"])
def test_docx_has_the_same_headings_as_the_html(cmr: Path, stem: str) -> None:
    html_headings = _html_headings(cmr / f"{stem}.htm")
    assert len(html_headings) >= 5
    assert _docx_headings(cmr / f"{stem}.docx") == html_headings


def test_exhibit_follows_the_five_oecd_steps(cmr: Path) -> None:
    headings = [text for _, text in _html_headings(cmr / "ex-1.01.htm")]
    steps = [h for h in headings if h.startswith("Step ")]
    assert [s.split(":")[0] for s in steps] == [f"Step {n}" for n in range(1, 6)]
    for expected in ("Appendix 1: Product Categories by Business Unit", "6. Results of the Survey"):
        assert expected in headings


def test_docx_tables_and_dates_come_from_the_snapshot(cmr: Path, data: ReportData) -> None:
    document = docx.Document(str(cmr / "ex-1.01.docx"))
    assert document.core_properties.created.date() == data.as_of
    html_tables = list(_tree(cmr / "ex-1.01.htm").iter("table"))
    assert len(document.tables) == len(html_tables)
    last = document.tables[-1]
    assert [c.text for c in last.rows[1].cells][:3] == ["Gold", "Italy", "Safimet S.p.A"]


def test_exports_workbook_has_six_sheets_with_every_row(cmr: Path, data: ReportData) -> None:
    workbook = openpyxl.load_workbook(cmr / "exports.xlsx")
    expected = {
        "Key figures": 13,
        "Smelter rows": len(data.smelter_rows),
        "Smelters": len(data.smelters),
        "Suppliers": len(data.suppliers),
        "Corrective actions": len(data.corrective_actions),
        "Product risk": len(data.products),
    }
    assert workbook.sheetnames == list(expected)
    for name, count in expected.items():
        assert workbook[name].max_row - 1 == count, name
    smelters = workbook["Smelters"]
    header = [c.value for c in smelters[1]]
    asahi = next(
        r for r in smelters.iter_rows(min_row=2, values_only=True) if r[1] == "Asahi Pretec Corp."
    )
    assert asahi[header.index("Suppliers naming it")] == 3
    assert asahi[header.index("Conformant")] == "yes"
    actions = workbook["Corrective actions"]
    cells = [r[4] for r in actions.iter_rows(min_row=2, values_only=True)]
    assert cells[:2] == ["Declaration!D9", "Declaration!D10"]  # row order, not text order
    messages = [r[6] for r in actions.iter_rows(min_row=2, values_only=True)]
    assert "Please answer question 2 (cell D9)." in messages
    for sheet in workbook.worksheets:  # printable: header on every page, one page wide
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref, sheet.title
        assert sheet.print_title_rows == "$1:$1", sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert sheet.page_setup.fitToWidth in (None, 1) and sheet.page_setup.fitToHeight == 0


def test_exports_write_supplier_text_as_text_never_as_formula(tmp_path: Path) -> None:
    hostile = CorrectiveAction(
        '=HYPERLINK("http://x")', "f.xlsx", "C", "error", "A1", "x", "https://evil.example/"
    )
    build_report(example_report_data(corrective_actions=(hostile,)), tmp_path, "rcoi")
    sheet = openpyxl.load_workbook(tmp_path / "exports.xlsx")["Corrective actions"]
    assert sheet["A2"].data_type == "s"
    assert sheet["A2"].value == '=HYPERLINK("http://x")'
    assert sheet["G2"].value == "https://evil.example/" and sheet["G2"].hyperlink is None


def test_charts_exist_as_svg_and_png_and_are_embedded_in_the_internal_report(cmr: Path) -> None:
    for name in CHART_NAMES:
        png = (cmr / "charts" / f"{name}.png").read_bytes()
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        svg = lxml.etree.fromstring((cmr / "charts" / f"{name}.svg").read_bytes())
        assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    report = (cmr / "report.html").read_text(encoding="utf-8")
    assert report.count('src="data:image/png;base64,') == len(CHART_NAMES)
    assert "<script" not in report.lower()
    assert not re.search(r"(src|href)=\"https?:", report)
    assert "Response rate 75.0% (3 of 4 suppliers)" in report


def test_building_twice_gives_identical_files(data: ReportData, tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    build_report(data, first, "cmr")
    build_report(ReportData.from_json(data.to_json()), second, "cmr")
    assert _files(first) == _files(second)
    changed = tmp_path / "changed"
    build_report(example_report_data(suppliers_responded=2), changed, "cmr")
    differs = {k for k, v in _files(changed).items() if _files(first)[k] != v}
    assert {"form-sd.htm", "form-sd.docx", "charts/response-rate.png"} <= differs
