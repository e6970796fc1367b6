"""Patch cells of an OOXML workbook in place, leaving everything else as it was.

The parts of an ``.xlsx`` are edited as XML (lxml, no entity resolution, no network):
:class:`SheetPatch` writes input cells as inline strings or numbers (keeping each cell's
``s`` style, creating ``<row>``/``<c>`` elements in order when missing) and stores cached
results beside formulas it leaves untouched. :func:`prune_calc_chain` drops the calculation
chain entries of cells whose formula was replaced by a typed value (Excel repairs a file whose
chain names a cell without formula); :func:`full_calc_on_load` asks Excel to recalculate.
No shared-strings entry, style, validation, conditional format or defined name is touched.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field

from lxml import etree

from oretrace.cmrt.workbook import split_ref

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_EXCEL_EPOCH = dt.date(1899, 12, 30)
MAX_CELL_TEXT = 32767
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

CellValue = str | int | float | dt.date


def _q(tag: str) -> str:
    return f"{{{MAIN}}}{tag}"


def parse_xml(data: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    return etree.fromstring(data, parser)


def serialise(root: etree._Element) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


class PatchError(ValueError):
    """A cell cannot be patched without breaking the workbook."""


def excel_serial(date: dt.date) -> int:
    """A date as Excel's day number (1900 date system)."""
    return (date - _EXCEL_EPOCH).days


@dataclass(slots=True)
class SheetPatch:
    """One worksheet part, parsed once; cells are written in place, then serialised."""

    root: etree._Element
    rows: dict[int, etree._Element] = field(default_factory=dict)
    column_styles: list[tuple[int, int, str]] = field(default_factory=list)
    replaced_formulas: set[str] = field(default_factory=set)

    @classmethod
    def parse(cls, data: bytes) -> SheetPatch:
        root = parse_xml(data)
        patch = cls(root)
        sheet_data = root.find(_q("sheetData"))
        for row in sheet_data if sheet_data is not None else ():
            if row.tag == _q("row"):
                patch.rows[int(row.get("r", "0"))] = row
        for col in root.iterfind(f"{_q('cols')}/{_q('col')}"):
            if col.get("style"):
                patch.column_styles.append(
                    (int(col.get("min", 0)), int(col.get("max", 0)), col.get("style", ""))
                )
        return patch

    def to_bytes(self) -> bytes:
        return serialise(self.root)

    def write(self, ref: str, value: CellValue) -> None:
        """Type ``value`` into ``ref`` as a user would: any formula there is replaced."""
        cell = self._cell(ref)
        formula = cell.find(_q("f"))
        if formula is not None:
            if formula.get("t") in ("shared", "array") and formula.get("ref"):
                kind = formula.get("t")
                raise PatchError(f"{ref} anchors a {kind} formula; it is not overwritten.")
            self.replaced_formulas.add(ref)
        for child in list(cell):
            if child.tag != _q("extLst"):
                cell.remove(child)
        for name in ("t", "cm", "vm"):
            cell.attrib.pop(name, None)
        if isinstance(value, str):
            cell.set("t", "inlineStr")
            inline = etree.Element(_q("is"))
            etree.SubElement(inline, _q("t")).text = _text(value, ref)
            if value != value.strip() or "\n" in value:
                inline[0].set(XML_SPACE, "preserve")
            cell.insert(0, inline)
        else:
            number = excel_serial(value) if isinstance(value, dt.date) else value
            cached = etree.Element(_q("v"))
            cached.text = _number(number)
            cell.insert(0, cached)

    def cache(self, ref: str, value: str | int | float) -> None:
        """Store ``value`` as the cached result of the formula in ``ref`` (kept as it is)."""
        cell = self._cell(ref)
        formula = cell.find(_q("f"))
        if formula is None:
            raise PatchError(f"{ref} holds no formula to cache a result for.")
        cached = cell.find(_q("v"))
        if cached is None:
            cached = etree.Element(_q("v"))
            formula.addnext(cached)
        for child in cell.findall(_q("is")):
            cell.remove(child)
        if isinstance(value, str):
            cell.set("t", "str")
            cached.text = _text(value, ref)
        else:
            cell.attrib.pop("t", None)
            cached.text = _number(value)

    def has_formula(self, ref: str) -> bool:
        row, _ = split_ref(ref)
        element = self.rows.get(row)
        if element is None:
            return False
        cell = _find_cell(element, ref)
        return cell is not None and cell.find(_q("f")) is not None

    def _cell(self, ref: str) -> etree._Element:
        number, col = split_ref(ref)
        row = self.rows.get(number)
        if row is None:
            row = self._new_row(number)
        found = _find_cell(row, ref)
        if found is not None:
            return found
        cell = etree.Element(_q("c"), r=ref)
        style = self._default_style(row, col)
        if style:
            cell.set("s", style)
        for index, existing in enumerate(row):
            if existing.tag == _q("c") and split_ref(existing.get("r", ""))[1] > col:
                row.insert(index, cell)
                return cell
        row.append(cell)
        return cell

    def _default_style(self, row: etree._Element, col: int) -> str | None:
        """Excel's style for a newly typed cell: the row's when custom, else the column's."""
        if row.get("customFormat") in ("1", "true"):
            return str(row.get("s", "")) or None
        return next((s for lo, hi, s in self.column_styles if lo <= col <= hi), None)

    def _new_row(self, number: int) -> etree._Element:
        data = self.root.find(_q("sheetData"))
        if data is None:
            raise PatchError("The worksheet has no sheetData.")
        row = etree.Element(_q("row"), r=str(number))
        later = [r for n, r in self.rows.items() if n > number]
        if later:
            min(later, key=lambda r: int(r.get("r", "0"))).addprevious(row)
        else:
            data.append(row)
        self.rows[number] = row
        return row


def _find_cell(row: etree._Element, ref: str) -> etree._Element | None:
    for cell in row:
        if cell.get("r") == ref:
            return cell
    return None


def _text(value: str, ref: str) -> str:
    clean = _NOT_XML.sub("", value)
    if len(clean) > MAX_CELL_TEXT:
        raise PatchError(f"{ref}: {len(clean):,} characters; a cell holds at most 32,767.")
    return clean


def _number(value: int | float) -> str:
    return (
        repr(float(value))
        if isinstance(value, float) and not value.is_integer()
        else str(int(value))
    )


# --- workbook-level parts -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SheetPart:
    name: str
    sheet_id: str
    path: str  # zip member name, e.g. "xl/worksheets/sheet4.xml"


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, SheetPart]:
    """Sheet name → its part, from workbook.xml and its relationships."""
    book = parse_xml(archive.read("xl/workbook.xml"))
    targets = _relationship_targets(archive)
    parts = {}
    for sheet in book.iterfind(f"{_q('sheets')}/{_q('sheet')}"):
        target = targets.get(sheet.get(f"{{{REL}}}id", ""), "")
        name = sheet.get("name", "")
        parts[name] = SheetPart(name, sheet.get("sheetId", ""), target)
    return parts


def calc_chain_part(archive: zipfile.ZipFile) -> str | None:
    rels = parse_xml(archive.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.iter(f"{{{PKG_REL}}}Relationship"):
        if (rel.get("Type") or "").endswith("/calcChain"):
            return _member(rel.get("Target") or "")
    return None


def _relationship_targets(archive: zipfile.ZipFile) -> dict[str, str]:
    rels = parse_xml(archive.read("xl/_rels/workbook.xml.rels"))
    return {
        rel.get("Id", ""): _member(rel.get("Target") or "")
        for rel in rels.iter(f"{{{PKG_REL}}}Relationship")
    }


def _member(target: str) -> str:
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


_CALC_SUCCESSORS = (
    "oleSize",
    "customWorkbookViews",
    "pivotCaches",
    "smartTagPr",
    "smartTagTypes",
    "webPublishing",
    "fileRecoveryPr",
    "webPublishObjects",
    "extLst",
)


def full_calc_on_load(workbook_xml: bytes) -> bytes:
    """workbook.xml with ``<calcPr fullCalcOnLoad="1"/>`` (created in schema order if absent)."""
    root = parse_xml(workbook_xml)
    calc = root.find(_q("calcPr"))
    if calc is None:
        calc = etree.Element(_q("calcPr"))
        successor = next((e for e in root if etree.QName(e).localname in _CALC_SUCCESSORS), None)
        if successor is not None:
            successor.addprevious(calc)
        else:
            root.append(calc)
    calc.set("fullCalcOnLoad", "1")
    return serialise(root)


def prune_calc_chain(chain_xml: bytes, removed: Mapping[str, set[str]]) -> bytes:
    """The calculation chain without the cells in ``removed`` (sheetId → refs).

    An entry without ``i`` belongs to the previous entry's sheet, so the entry after a
    removed one gets an explicit ``i``; a removed entry's new-level flag ``l`` moves on too.
    """
    root = parse_xml(chain_xml)
    sheet = ""
    carry_level = False
    pending_sheet = False
    for entry in list(root):
        sheet = entry.get("i") or sheet
        if entry.get("r", "") in removed.get(sheet, set()):
            carry_level = carry_level or entry.get("l") == "1"
            pending_sheet = True
            root.remove(entry)
            continue
        if pending_sheet and entry.get("i") is None:
            entry.set("i", sheet)
        if carry_level and entry.get("l") is None:
            entry.set("l", "1")
        carry_level = pending_sheet = False
    return serialise(root)


def rewrite_zip(
    original: zipfile.ZipFile, replaced: Mapping[str, bytes], compress: bool = True
) -> bytes:
    """A copy of ``original`` with some members' content replaced; order and names kept."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in original.infolist():
            data = replaced.get(info.filename)
            content = data if data is not None else original.read(info.filename)
            kind = info.compress_type if compress else zipfile.ZIP_STORED
            target.writestr(copy.copy(info), content, compress_type=kind)
    return out.getvalue()
