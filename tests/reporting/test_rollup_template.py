"""The roll-up CMRT: own layout, the official templates patched in place, LibreOffice.

Every filled workbook is read back the way suppliers' files are (``check_bytes``): the
Checker must count nothing missing, no finding may be an error, and the smelters, answers
and company block must be the ones written. Against the real RMI templates the patch must
also be byte-faithful: only input cells (and cached results of the look-up formulas and
Checker!D2) change.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from oretrace.cmrt.check import FileCheck, check_bytes
from oretrace.cmrt.container import load_calamine, open_bytes
from oretrace.cmrt.findings import Severity
from oretrace.cmrt.workbook import Workbook, split_ref
from oretrace.reporting.data import Organisation, ReportData, SmelterLine
from oretrace.reporting.rollup_answers import derive_answers
from oretrace.reporting.rollup_content import (
    SCOPE_PRODUCTS,
    RollupContent,
    rollup_content,
    write_own_layout,
)
from oretrace.reporting.template_fill import TemplateError, fill_template
from oretrace.reporting.xlsx_patch import parse_xml
from tests.assessment.builders import U, declaration, ref, silent, supplier, unused, used

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
ENGLISH_64, CHINESE_65 = "msys__RMI_CMRT_6.4.xlsx", "cmr__RMI_CMRT_6.5.xlsx"
OTHER_BLANKS = tuple(f"cmr__RMI_CMRT_{v}.xlsx" for v in ("6.01", "6.1", "6.22"))
NEW_TIN = SmelterLine("CID999001", "Oretrace Test Tin Works", "Tin", "JAPAN", "JP")
SMELTERS = (
    SmelterLine("CID000460", "F&X Electro-Materials Ltd.", "Tantalum", "CHINA", "CN"),
    SmelterLine("CID000292", "Alpha Assembly Solutions Inc", "Tin", "UNITED STATES", "US"),
    SmelterLine("CID000402", "Dowa", "Tin", "JAPAN", "JP"),
    SmelterLine("CID000019", "Aida Chemical Industries Co., Ltd.", "Gold", "JAPAN", "JP"),
    NEW_TIN,
)
COMPANY_ANSWERS = {
    **dict.fromkeys("ABCDFG", "Yes"),
    "E": "Yes, in conformance with IPC1755 (e.g., CMRT)",
    "H": "Yes, with the SEC",
}


def _report() -> ReportData:
    suppliers = [
        supplier(
            "S1",
            declaration(
                used("Tin"),
                used("Gold"),
                unused("Tungsten"),
                smelters=[ref("CID000292"), ref("CID000019", "Gold"), ref("CID999001")],
            ),
        ),
        supplier(
            "S2",
            declaration(
                used("Tantalum"),
                used("Tin", covered=U),
                smelters=[ref("CID000460", "Tantalum"), ref("CID000402")],
            ),
        ),
        supplier("S3", declaration(unused("Tantalum"), unused("Tungsten"))),
        silent("S4"),
    ]
    organisation = Organisation(
        legal_name="Oretrace Test Corporation",
        address="1 Example Street, Springfield",
        contact_name="Ann Example",
        contact_email="ann@example.com",
        contact_phone="+1 555 0100",
        authorizer="Bob Example",
        authorizer_title="Chief Compliance Officer",
        authorizer_email="bob@example.com",
        company_answers=COMPANY_ANSWERS,
        company_comments={"B": "https://example.com/minerals-policy"},
    )
    return ReportData(
        period=2025,
        as_of=dt.date(2025, 12, 31),
        organisation=organisation,
        suppliers_surveyed=4,
        suppliers_responded=3,
        smelters=SMELTERS,
        rollup_answers=derive_answers(suppliers, SMELTERS, 0.75),
    )


def _content(products: list[tuple[str, str]] | None = None) -> RollupContent:
    return rollup_content(_report(), products)


def _assert_reads_back(result: FileCheck, content: RollupContent) -> None:
    assert result.error is None
    assert result.checker_missing == 0
    assert result.checker_cached in (None, 0)
    errors = [f for f in result.findings if f.severity is Severity.ERROR]
    assert errors == []
    declaration = result.declaration
    assert declaration is not None
    assert declaration.company_value("company_name") == "Oretrace Test Corporation"
    assert declaration.company_value("effective_date") == "2025-12-31"
    assert declaration.company_value("scope") == content.scope
    for line in content.answers:
        given = {a.question: a.value for a in declaration.answers if a.mineral == line.metal}
        assert {q: v for q, v in given.items() if v} == line.answers, line.metal
    company = {a.question: a.value for a in declaration.company_answers}
    assert company == COMPANY_ANSWERS
    ids = {(r.metal, r.smelter_id) for r in declaration.smelters if r.smelter_id}
    names = {(r.metal, r.name) for r in declaration.smelters}
    for smelter in content.smelters:
        assert (smelter.metal, smelter.smelter_id) in ids or (smelter.metal, smelter.name) in names
    assert len(declaration.smelters) == len(content.smelters)
    products = [(p.get("number"), p.get("name") or "") for p in declaration.products]
    assert products == list(content.products)


# --- derived content and the own layout -------------------------------------------------


def test_content_carries_the_organisation_and_derived_answers() -> None:
    content = _content()
    assert content.company["company_name"] == "Oretrace Test Corporation"
    assert "unique_id" not in content.company  # empty settings are not written
    by_metal = {line.metal: line.answers for line in content.answers}
    assert by_metal["Tungsten"] == {"Q1": "No"}
    assert by_metal["Tin"]["Q3"] == "Unknown"
    assert by_metal["Tin"]["Q6"] == "Greater than 50%"
    assert by_metal["Tin"]["Q7"] == "No"
    assert [s.metal for s in content.smelters] == ["Gold", "Tantalum", "Tin", "Tin", "Tin"]


def test_product_scope_needs_products() -> None:
    assert _content([("P-1", "Widget")]).scope == SCOPE_PRODUCTS
    with pytest.raises(ValueError, match="at least one product"):
        RollupContent(company={}, effective_date=dt.date(2025, 12, 31), scope=SCOPE_PRODUCTS)


@pytest.mark.parametrize("products", [None, [("P-1", "Widget"), ("P-2", "")]])
def test_own_layout_reads_back_complete(products: list[tuple[str, str]] | None) -> None:
    content = _content(products)
    result = check_bytes(write_own_layout(content), "rollup.xlsx")
    assert result.info is not None and result.info.revision.text == "6.5"
    _assert_reads_back(result, content)


def test_own_layout_reports_what_is_missing() -> None:
    content = _content()
    incomplete = RollupContent(
        company={"company_name": "Oretrace Test Corporation"},
        effective_date=content.effective_date,
        answers=content.answers,
        smelters=content.smelters,
    )
    result = check_bytes(write_own_layout(incomplete), "rollup.xlsx")
    assert result.checker_missing is not None and result.checker_missing > 0


# --- the official templates -------------------------------------------------------------


def _template(corpus: Path, name: str) -> bytes:
    path = corpus / name
    if not path.is_file():
        pytest.skip(f"{name} not in the corpus")
    return path.read_bytes()


@pytest.mark.corpus
@pytest.mark.parametrize("name", [ENGLISH_64, CHINESE_65, *OTHER_BLANKS])
def test_filled_template_reads_back(corpus_cmrt: Path, name: str) -> None:
    template = _template(corpus_cmrt, name)
    content = _content([("P-1", "Widget"), ("P-2", "Gadget")])
    filled = fill_template(template, content)
    before, after = check_bytes(template, name), check_bytes(filled, name)
    assert after.info == before.info
    assert after.declaration is not None and before.declaration is not None
    assert after.declaration.language == before.declaration.language
    _assert_reads_back(after, content)


@pytest.mark.corpus
@pytest.mark.parametrize("name", [ENGLISH_64, CHINESE_65])
def test_lookup_names_are_the_templates_own(corpus_cmrt: Path, name: str) -> None:
    template = _template(corpus_cmrt, name)
    filled = check_bytes(fill_template(template, _content()), name)
    assert filled.declaration is not None
    rows = {r.smelter_id: r for r in filled.declaration.smelters}
    standard = _standard_names(template)
    for line in SMELTERS[:4]:
        row = rows[line.smelter_id]
        assert row.get("lookup") == standard[(line.metal, line.smelter_id)]
        assert row.get("id_source") == "RMI"
    unlisted = next(r for r in filled.declaration.smelters if r.not_listed)
    assert (unlisted.get("name"), unlisted.get("country")) == (NEW_TIN.name, "JAPAN")
    assert "CID999001" in (unlisted.get("comments") or "")


def _standard_names(template: bytes) -> dict[tuple[str, str], str]:
    """(metal, ID) → the look-up name equal to the standard name, read straight from A–E."""
    sheet = Workbook(load_calamine(open_bytes(template))).sheet("Smelter Look-up")
    assert sheet is not None
    found: dict[tuple[str, str], str] = {}
    for _number, values in sheet.rows(5):
        if len(values) > 4 and values[1] == values[2] and values[4]:
            found.setdefault((str(values[0]), str(values[4])), str(values[1]))
    return found


@pytest.mark.corpus
def test_alpha_is_spelled_per_revision(corpus_cmrt: Path) -> None:
    spelled = {}
    for name in (ENGLISH_64, CHINESE_65):
        result = check_bytes(fill_template(_template(corpus_cmrt, name), _content()), name)
        assert result.declaration is not None
        row = next(r for r in result.declaration.smelters if r.smelter_id == "CID000292")
        spelled[name] = row.get("lookup")
    assert spelled == {ENGLISH_64: "Alpha", CHINESE_65: "Alpha Assembly Solutions Inc"}


# --- byte-faithfulness --------------------------------------------------------------------

WRITABLE_SMELTER_COLUMNS = set("BCDEFGHIJQRV") | {"AB"}


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _cells(xml: bytes) -> tuple[dict[str, bytes], dict[str, dict[str, str]], list[bytes]]:
    """Cells by ref (serialised), row attributes, and every part outside sheetData."""
    root = parse_xml(xml)
    data = root.find(f"{NS}sheetData")
    assert data is not None
    cells, rows = {}, {}
    for row in data:
        rows[row.get("r", "")] = dict(row.attrib)
        for cell in row:
            cells[cell.get("r", "")] = etree.tostring(cell)
    rest = [etree.tostring(child) for child in root if child is not data]
    return cells, rows, rest


def _allowed(sheet: str, ref: str, smelters: int, products: int) -> bool:
    row, _ = split_ref(ref)
    column = ref.rstrip("0123456789")
    if sheet == "xl/worksheets/sheet4.xml":  # Declaration
        return column in ("D", "G") and 8 <= row <= 89
    if sheet == "xl/worksheets/sheet5.xml":  # Smelter List
        return column in WRITABLE_SMELTER_COLUMNS and 5 <= row < 5 + smelters
    if sheet == "xl/worksheets/sheet7.xml":  # Product List
        return column in ("B", "C") and 6 <= row < 6 + products
    return ref == "D2"  # Checker


@pytest.mark.corpus
@pytest.mark.parametrize("name", [ENGLISH_64, CHINESE_65])
def test_only_input_cells_change(corpus_cmrt: Path, name: str) -> None:
    template = _template(corpus_cmrt, name)
    content = _content([("P-1", "Widget")])
    before, after = _members(template), _members(fill_template(template, content))
    assert list(after) == list(before)
    sheets = {f"xl/worksheets/sheet{n}.xml" for n in (4, 5, 6, 7)}
    patched = sheets | {"xl/workbook.xml", "xl/calcChain.xml"}
    for member, data in before.items():
        if member not in patched:
            assert after[member] == data, member
    changed_total = 0
    for member in sorted(sheets):
        old_cells, old_rows, old_rest = _cells(before[member])
        new_cells, new_rows, new_rest = _cells(after[member])
        assert new_rest == old_rest, member  # validations, conditional formats, merges …
        assert new_rows == old_rows, member
        assert set(new_cells) == set(old_cells), member
        changed = [r for r in old_cells if new_cells[r] != old_cells[r]]
        changed_total += len(changed)
        for ref_ in changed:
            assert _allowed(member, ref_, len(content.smelters), 1), (member, ref_)
            old, new = etree.fromstring(old_cells[ref_]), etree.fromstring(new_cells[ref_])
            assert new.get("s") == old.get("s"), (member, ref_)
    assert changed_total > 100
    _assert_workbook_only_recalculates(before["xl/workbook.xml"], after["xl/workbook.xml"])
    if "xl/calcChain.xml" in before:
        _assert_chain_only_loses_typed_cells(
            before["xl/calcChain.xml"], after["xl/calcChain.xml"], len(content.smelters)
        )


def _assert_workbook_only_recalculates(old: bytes, new: bytes) -> None:
    old_root, new_root = parse_xml(old), parse_xml(new)
    calc = new_root.find(f"{NS}calcPr")
    assert calc is not None and calc.get("fullCalcOnLoad") == "1"
    del calc.attrib["fullCalcOnLoad"]
    assert etree.tostring(new_root) == etree.tostring(old_root)


def _assert_chain_only_loses_typed_cells(old: bytes, new: bytes, smelters: int) -> None:
    def entries(xml: bytes) -> list[tuple[str, str]]:
        sheet, found = "", []
        for entry in parse_xml(xml):
            sheet = entry.get("i") or sheet
            found.append((sheet, entry.get("r", "")))
        return found

    kept, was = entries(new), entries(old)
    removed = set(was) - set(kept)
    assert [e for e in was if e not in removed] == kept
    assert removed
    for sheet, ref_ in removed:
        row, _ = split_ref(ref_)
        assert sheet == "5" and ref_[0] in "BCE" and 5 <= row < 5 + smelters, ref_


# --- what is refused ------------------------------------------------------------------------


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("cmr__RMI_CMRT_6.31.xlsx", "not blank"),  # test answers typed in
        ("cmr__RMI_CMRT_6.4.xlsx", "not blank"),  # a test row on the Smelter List
        ("cmr__RMI_EMRT_2.1.xlsx", "CMRT 6.01, 6.1, 6.22, 6.31, 6.4, 6.5 templates only"),
        ("ddm__3.01_-_green@5a0c789.xlsx", "templates only"),
        ("ddm__2.03_-_empty.xls", "is a .xls"),
    ],
)
def test_refuses_what_it_cannot_fill(corpus_cmrt: Path, name: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        fill_template(_template(corpus_cmrt, name), _content())


def test_refuses_what_is_no_workbook() -> None:
    with pytest.raises(TemplateError, match="cannot be opened"):
        fill_template(b"%PDF-1.4 not a workbook", _content())


@pytest.mark.corpus
def test_encrypted_templates(corpus_cmrt: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    template = _template(corpus_cmrt, ENGLISH_64)

    def locked(password: str) -> bytes:
        out = io.BytesIO()
        OOXMLFile(io.BytesIO(template)).encrypt(password, out)
        return out.getvalue()

    with pytest.raises(TemplateError, match="encrypted"):
        fill_template(locked("s3cret"), _content())
    content = _content()
    result = check_bytes(fill_template(locked("VelvetSweatshop"), content), "plain.xlsx")
    _assert_reads_back(result, content)


# --- LibreOffice ----------------------------------------------------------------------------

RECALCULATE_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    return found


def _convert(soffice: str, source: Path, target: str, out: Path, profile: Path) -> Path:
    """Convert with a throw-away profile that recalculates every formula on load."""
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALCULATE_ALWAYS)
    command = [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        target,
        "--outdir",
        str(out),
        str(source),
    ]
    env = {**os.environ, "HOME": str(profile)}
    done = subprocess.run(command, capture_output=True, text=True, timeout=240, env=env)
    assert done.returncode == 0, done.stderr
    (converted,) = out.glob(f"{source.stem}.*")
    return converted


def _filled_for_libreoffice(corpus: Path, tmp_path: Path) -> tuple[Path, RollupContent]:
    content = _content([("P-1", "Widget")])
    template = corpus / ENGLISH_64
    data = fill_template(template.read_bytes(), content) if template.is_file() else None
    if data is None:  # no corpus: the own layout still has to open
        data = write_own_layout(content)
    source = tmp_path / "rollup.xlsx"
    source.write_bytes(data)
    return source, content


def test_libreoffice_opens_and_recalculates_the_rollup(tmp_path: Path) -> None:
    soffice = _soffice()
    corpus = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "cmrt"
    source, content = _filled_for_libreoffice(corpus, tmp_path)
    converted = _convert(soffice, source, "xlsx", tmp_path / "out", tmp_path / "profile")
    result = check_bytes(converted.read_bytes(), converted.name)
    # LibreOffice recalculated every formula: its own Checker agrees nothing is missing,
    # and its look-ups give the IDs and sources we cached.
    _assert_reads_back(result, content)
    if (corpus / ENGLISH_64).is_file():
        assert result.checker_cached == 0
        assert result.declaration is not None
        sources = {r.smelter_id: r.get("id_source") for r in result.declaration.smelters}
        expected: dict[str | None, str | None] = {s.smelter_id: "RMI" for s in SMELTERS[:4]}
        expected[None] = "Enter smelter details"
        assert sources == expected


def test_libreoffice_exports_the_declaration_as_text(tmp_path: Path) -> None:
    soffice = _soffice()
    source, _ = _filled_for_libreoffice(Path("/nonexistent"), tmp_path)
    converted = _convert(soffice, source, "csv", tmp_path / "out", tmp_path / "profile")
    assert "Oretrace Test Corporation" in converted.read_text(encoding="utf-8", errors="replace")


# --- the cell patcher on its own -------------------------------------------------------------

SHEET = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<cols><col min="3" max="3" style="7"/></cols><sheetData>'
    b'<row r="2"><c r="A2" s="1"/><c r="D2" s="2"><f t="shared" ref="D2:D9" si="0">A2</f>'
    b"<v>0</v></c></row>"
    b'<row r="5" s="4" customFormat="1"><c r="B5" s="3"><f>X5</f><v/></c></row>'
    b"</sheetData></worksheet>"
)


def test_patch_creates_rows_and_cells_in_order_with_excels_default_style() -> None:
    from oretrace.reporting.xlsx_patch import SheetPatch

    patch = SheetPatch.parse(SHEET)
    patch.write("C2", " padded ")
    patch.write("C3", dt.date(2025, 12, 31))
    patch.write("A5", 1.5)
    root = parse_xml(patch.to_bytes())
    cells = [(c.get("r"), c.get("s"), c.get("t")) for c in root.iter(f"{NS}c")]
    assert cells == [
        ("A2", "1", None),
        ("C2", "7", "inlineStr"),  # a new cell takes its column's style
        ("D2", "2", None),
        ("C3", "7", None),
        ("A5", "4", None),  # … or its row's, when the row has a custom format
        ("B5", "3", None),
    ]
    assert [r.get("r") for r in root.iter(f"{NS}row")] == ["2", "3", "5"]
    texts = {c.get("r"): "".join(c.itertext()) for c in root.iter(f"{NS}c")}
    assert (texts["C2"], texts["C3"], texts["A5"]) == (" padded ", "46022", "1.5")


def test_patch_keeps_formulas_it_caches_and_refuses_shared_anchors() -> None:
    from oretrace.reporting.xlsx_patch import PatchError, SheetPatch

    patch = SheetPatch.parse(SHEET)
    patch.cache("B5", "RMI")
    with pytest.raises(PatchError, match="shared formula"):
        patch.write("D2", "x")
    with pytest.raises(PatchError, match="no formula"):
        patch.cache("A2", 1)
    cell = next(c for c in parse_xml(patch.to_bytes()).iter(f"{NS}c") if c.get("r") == "B5")
    assert (cell.get("t"), cell.findtext(f"{NS}f"), cell.findtext(f"{NS}v")) == ("str", "X5", "RMI")
    patch.write("B5", "Tin")
    assert patch.replaced_formulas == {"B5"}


def test_calc_chain_pruning_keeps_sheet_and_level_of_the_next_entry() -> None:
    from oretrace.reporting.xlsx_patch import prune_calc_chain

    chain = (
        b'<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<c r="B5" i="5" l="1"/><c r="C5"/><c r="B6"/><c r="A1" i="4"/></calcChain>'
    )
    pruned = parse_xml(prune_calc_chain(chain, {"5": {"B5", "B6"}}))
    assert [dict(e.attrib) for e in pruned] == [
        {"r": "C5", "i": "5", "l": "1"},
        {"r": "A1", "i": "4"},
    ]
