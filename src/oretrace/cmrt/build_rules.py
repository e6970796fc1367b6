"""Regenerate the shipped rule catalogues ``data/rules/<FAMILY>-<revision>.json`` from the
official templates:

    python -m oretrace.cmrt.build_rules ../shared/corpus/cmrt

For every official blank template found (``cmr__RMI_<FAMILY>_<revision>.xlsx``) it reads, on
each input sheet, the data validations and conditional-formatting rules exactly as the
template states them, which cells are inputs (unlocked and visible: what a supplier can type
into), and the template's formulas and values of every other cell those rules read, directly
or through other cells. Nothing here is typed by hand; see docs/adr/0005-template-rules.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import zipfile
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from oretrace.cmrt.excel_formula import tokenize
from oretrace.cmrt.rule_catalog import (
    INPUT_SHEETS,
    RULES_DIR,
    area_text,
    cells_of,
    parse_sqref,
    read_areas,
)
from oretrace.cmrt.workbook import column_letters

_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_FILE = re.compile(r"^cmr__RMI_(CMRT|EMRT|CRT|AMRT)_([\d.]+)\.xlsx$")
_CELL = re.compile(r"^([A-Z]+)(\d+)$")
_RED = {"FFFF0000", "FFC00000", "FFFF5050"}
_RED_INDEXED = {"10", "2"}
_YELLOW = {"FFFFFF00", "FFFFFF99", "FFFFFFCC"}
_YELLOW_INDEXED = {"13", "43"}


def _xml(book: zipfile.ZipFile, name: str) -> etree._Element:
    return etree.fromstring(book.read(name))


def _shared_strings(book: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in book.namelist():
        return []
    root = _xml(book, "xl/sharedStrings.xml")
    return [
        "".join(si.itertext()) if si.find("m:t", _NS) is None else si.findtext("m:t", "", _NS)
        for si in root.findall("m:si", _NS)
    ]


def _sheet_parts(book: zipfile.ZipFile) -> dict[str, str]:
    workbook = _xml(book, "xl/workbook.xml")
    rels = _xml(book, "xl/_rels/workbook.xml.rels")
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    parts: dict[str, str] = {}
    for sheet in workbook.iterfind("m:sheets/m:sheet", _NS):
        target = targets[sheet.get(_REL)]
        parts[sheet.get("name", "")] = (
            target.lstrip("/") if target.startswith("/") else "xl/" + target
        )
    return parts


def _defined_names(book: zipfile.ZipFile, sheets: list[str]) -> dict[str, str]:
    """Names as ``name`` (global) or ``name@Sheet`` (local) → formula text."""
    workbook = _xml(book, "xl/workbook.xml")
    names: dict[str, str] = {}
    for item in workbook.iterfind("m:definedNames/m:definedName", _NS):
        name = item.get("name", "")
        if name.startswith("_xlnm") or name.startswith("Z_"):
            continue
        local = item.get("localSheetId")
        key = name if local is None else f"{name}@{sheets[int(local)]}"
        names[key] = item.text or ""
    return names


def _styles(book: zipfile.ZipFile) -> tuple[set[int], list[str]]:
    """Unlocked cell styles, and each differential format's meaning for a rule."""
    root = _xml(book, "xl/styles.xml")
    unlocked = {
        index
        for index, xf in enumerate(root.iterfind("m:cellXfs/m:xf", _NS))
        if (p := xf.find("m:protection", _NS)) is not None and p.get("locked") == "0"
    }
    kinds = [_dxf_kind(dxf) for dxf in root.iterfind("m:dxfs/m:dxf", _NS)]
    return unlocked, kinds


def _dxf_kind(dxf: etree._Element) -> str:
    """``error`` (red fill), ``required`` (yellow fill), ``prompt`` (red text) or ``display``."""
    fill = dxf.find("m:fill/m:patternFill", _NS)
    if fill is not None and fill.get("patternType", "solid") != "none":
        colour = fill.find("m:bgColor", _NS)
        if colour is None:
            colour = fill.find("m:fgColor", _NS)
        if colour is not None:
            if colour.get("rgb", "").upper() in _RED or colour.get("indexed") in _RED_INDEXED:
                return "error"
            if colour.get("rgb", "").upper() in _YELLOW or colour.get("indexed") in _YELLOW_INDEXED:
                return "required"
        return "display"
    font = dxf.find("m:font/m:color", _NS)
    if font is not None and (
        font.get("rgb", "").upper() in _RED or font.get("indexed") in _RED_INDEXED
    ):
        return "prompt"
    return "display"


class _SheetCells:
    """One sheet's formulas (shared ones expanded), cached values and input cells."""

    def __init__(self, root: etree._Element, strings: list[str], unlocked: set[int]) -> None:
        self.formulas: dict[tuple[int, int], str] = {}
        self.values: dict[tuple[int, int], Any] = {}
        self.inputs: set[tuple[int, int]] = set()
        hidden_cols = self._hidden_columns(root)
        masters: dict[str, tuple[int, int, str]] = {}
        for row_el in root.iterfind("m:sheetData/m:row", _NS):
            row_hidden = row_el.get("hidden") in ("1", "true")
            for cell in row_el.iterfind("m:c", _NS):
                match = _CELL.match(cell.get("r", ""))
                if not match:
                    continue
                col = _col(match.group(1))
                row = int(match.group(2))
                style = int(cell.get("s", "0"))
                formula = cell.find("m:f", _NS)
                if formula is not None:
                    text = self._formula(formula, row, col, masters)
                    if text:
                        self.formulas[row, col] = text
                value = _cell_value(cell, strings)
                if value is not None:
                    self.values[row, col] = value
                if style in unlocked and not row_hidden and col not in hidden_cols:
                    self.inputs.add((row, col))

    @staticmethod
    def _hidden_columns(root: etree._Element) -> set[int]:
        hidden: set[int] = set()
        for col in root.iterfind("m:cols/m:col", _NS):
            if col.get("hidden") in ("1", "true"):
                hidden.update(range(int(col.get("min", "1")), int(col.get("max", "1")) + 1))
        return hidden

    @staticmethod
    def _formula(
        element: etree._Element, row: int, col: int, masters: dict[str, tuple[int, int, str]]
    ) -> str:
        text = element.text or ""
        if element.get("t") == "shared":
            index = element.get("si", "")
            if text:
                masters[index] = (row, col, text)
                return text
            if index in masters:
                m_row, m_col, m_text = masters[index]
                return shift_formula(m_text, row - m_row, col - m_col)
        return text


def _col(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


def _cell_value(cell: etree._Element, strings: list[str]) -> Any:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        return (
            "".join(cell.find("m:is", _NS).itertext())
            if cell.find("m:is", _NS) is not None
            else None
        )
    raw = cell.findtext("m:v", None, _NS)
    if raw is None:
        return None
    if kind == "s":
        return strings[int(raw)]
    if kind == "b":
        return raw == "1"
    if kind == "e":
        return {"error": raw}
    if kind in ("str",):
        return raw
    try:
        return float(raw)
    except ValueError:
        return raw


def shift_formula(text: str, drow: int, dcol: int) -> str:
    """``text`` moved by ``drow`` rows and ``dcol`` columns, as Excel copies a formula."""
    out: list[str] = []
    for token in tokenize(text):
        if token.kind in ("cell", "colrange"):
            out.append(_REF_PART.sub(lambda m: _shift_ref(m, drow, dcol), token.text))
        elif token.kind == "sheetref":
            sheet, _, target = token.text.rpartition("!")
            out.append(f"{sheet}!" + _REF_PART.sub(lambda m: _shift_ref(m, drow, dcol), target))
        else:
            out.append(token.text)
    return "".join(out)


_REF_PART = re.compile(r"(\$?)([A-Za-z]{1,3})(\$?)(\d+)|(\$?)([A-Za-z]{1,3})(?=:|$)")


def _shift_ref(match: re.Match[str], drow: int, dcol: int) -> str:
    if match.group(2) is not None:
        col_abs, letters, row_abs, row = match.group(1, 2, 3, 4)
        col = _col(letters.upper()) + (0 if col_abs else dcol)
        new_row = int(row) + (0 if row_abs else drow)
        return f"{col_abs}{column_letters(col)}{row_abs}{new_row}"
    col_abs, letters = match.group(5, 6)
    col = _col(letters.upper()) + (0 if col_abs else dcol)
    return f"{col_abs}{column_letters(col)}"


def _canonical(text: str, row: int, col: int) -> str:
    """The formula with relative references written as offsets (R1C1-like), for grouping."""
    return shift_formula(text, -row + 1000, -col + 100) if text else ""


class _Template:
    def __init__(self, path: Path) -> None:
        self.path = path
        with zipfile.ZipFile(path) as book:
            strings = _shared_strings(book)
            parts = _sheet_parts(book)
            self.sheet_names = list(parts)
            self.names = _defined_names(book, self.sheet_names)
            unlocked, self.dxf_kinds = _styles(book)
            self.roots = {
                name: _xml(book, part) for name, part in parts.items() if name in INPUT_SHEETS
            }
            self.cells = {
                name: _SheetCells(root, strings, unlocked) for name, root in self.roots.items()
            }

    # -- rules ------------------------------------------------------------------------------

    def validations(self, sheet: str) -> Iterator[dict[str, Any]]:
        root = self.roots[sheet]
        for index, item in enumerate(root.iterfind("m:dataValidations/m:dataValidation", _NS)):
            yield {
                "id": f"{sheet}:v{index + 1}",
                "sqref": item.get("sqref", ""),
                "type": item.get("type", "none"),
                "operator": item.get("operator", "between"),
                "formula1": item.findtext("m:formula1", None, _NS),
                "formula2": item.findtext("m:formula2", None, _NS),
                "allow_blank": item.get("allowBlank") in ("1", "true"),
                "error_style": item.get("errorStyle", "stop"),
                "show_error": item.get("showErrorMessage") in ("1", "true"),
                "error_title": item.get("errorTitle", ""),
                "error": item.get("error", ""),
                "prompt_title": item.get("promptTitle", ""),
                "prompt": item.get("prompt", ""),
            }

    def formats(self, sheet: str) -> Iterator[dict[str, Any]]:
        root = self.roots[sheet]
        for block in root.iterfind("m:conditionalFormatting", _NS):
            for rule in block.iterfind("m:cfRule", _NS):
                dxf = rule.get("dxfId")
                yield {
                    "id": f"{sheet}:f{rule.get('priority')}",
                    "sqref": block.get("sqref", ""),
                    "type": rule.get("type", ""),
                    "operator": rule.get("operator"),
                    "priority": int(rule.get("priority", "0")),
                    "stop": rule.get("stopIfTrue") in ("1", "true"),
                    "formulas": [f.text or "" for f in rule.iterfind("m:formula", _NS)],
                    "style": self.dxf_kinds[int(dxf)] if dxf is not None else "display",
                }

    # -- the cells rules read -----------------------------------------------------------------

    def helpers(self, rules: list[tuple[str, str, list[str]]]) -> dict[str, dict[str, Any]]:
        """Template formulas and values of every non-input cell the rules read, as runs."""
        runs = {sheet: _runs(cells) for sheet, cells in self.cells.items()}
        by_col: dict[tuple[str, int], list[tuple[str, tuple[int, int, int, str]]]] = defaultdict(
            list
        )
        for sheet, sheet_runs in runs.items():
            for run_key, run in sheet_runs.items():
                by_col[sheet, run[0]].append((run_key, run))
        chosen: dict[str, dict[str, Any]] = {}
        queue: deque[tuple[str, str, str]] = deque()  # (sheet, sqref, formula)
        for sheet, sqref, formulas in rules:
            for formula in formulas:
                queue.append((sheet, sqref, formula))
        seen: set[tuple[str, str, str]] = set()
        while queue:
            item = queue.popleft()
            if item in seen:
                continue
            seen.add(item)
            sheet, sqref, formula = item
            for target_sheet, area in self._reads(sheet, sqref, formula):
                cells = self.cells.get(target_sheet)
                if cells is None:
                    continue  # a look-up sheet: read from the supplier's file
                top, left, bottom, right = area
                for col in range(left, min(right, 16384) + 1):
                    for run_key, run in by_col.get((target_sheet, col), ()):
                        if run_key in chosen.get(target_sheet, {}) or not _overlaps(run, area):
                            continue
                        if all(cell in cells.inputs for cell in _run_cells(run)):
                            continue
                        entry = self._run_entry(target_sheet, run)
                        chosen.setdefault(target_sheet, {})[run_key] = entry
                        if entry.get("formula"):
                            queue.append((target_sheet, run_key, entry["formula"]))
        return chosen

    def _reads(
        self, sheet: str, sqref: str, formula: str
    ) -> Iterator[tuple[str, tuple[int, int, int, int]]]:
        return read_areas(self.names, sheet, parse_sqref(sqref), formula)

    def _run_entry(self, sheet: str, run: tuple[int, int, int, str]) -> dict[str, Any]:
        col, first, last, _ = run
        cells = self.cells[sheet]
        entry: dict[str, Any] = {}
        formula = cells.formulas.get((first, col))
        if formula:
            entry["formula"] = formula
        values = [cells.values.get((r, col)) for r in range(first, last + 1)]
        if not formula:
            entry["values"] = values
        return entry


def _runs(cells: _SheetCells) -> dict[str, tuple[int, int, int, str]]:
    """Consecutive cells of a column with the same formula shape (or constants) as runs."""
    by_col: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for (row, col), text in cells.formulas.items():
        by_col[col].append((row, _canonical(text, row, col)))
    for (row, col), _value in cells.values.items():
        if (row, col) not in cells.formulas:
            by_col[col].append((row, f"#const{row}"))
    runs: dict[str, tuple[int, int, int, str]] = {}
    for col, items in by_col.items():
        items.sort()
        start = prev = items[0][0]
        shape = items[0][1]
        for row, item_shape in [*items[1:], (-1, "")]:
            if row == prev + 1 and item_shape == shape and not shape.startswith("#const"):
                prev = row
                continue
            runs[area_text((start, col, prev, col))] = (col, start, prev, shape)
            start = prev = row
            shape = item_shape
    return runs


def _run_cells(run: tuple[int, int, int, str]) -> Iterable[tuple[int, int]]:
    col, first, last, _ = run
    return ((r, col) for r in range(first, last + 1))


def _overlaps(run: tuple[int, int, int, str], area: tuple[int, int, int, int]) -> bool:
    col, first, last, _ = run
    top, left, bottom, right = area
    return left <= col <= right and first <= bottom and top <= last


def build_catalogue(path: Path) -> dict[str, Any]:
    match = _FILE.match(path.name)
    assert match is not None
    family, revision = match.groups()
    template = _Template(path)
    sheets: dict[str, Any] = {}
    rule_reads: list[tuple[str, str, list[str]]] = []
    for sheet in template.roots:
        validations = list(template.validations(sheet))
        formats = sorted(template.formats(sheet), key=lambda r: r["priority"])
        inputs = sorted(template.cells[sheet].inputs)
        merged = [
            m.get("ref", "")
            for m in template.roots[sheet].iterfind("m:mergeCells/m:mergeCell", _NS)
        ]
        sheets[sheet] = {
            "inputs": _compress(inputs),
            "merged": sorted(merged),
            "validations": validations,
            "formats": formats,
        }
        for v in validations:
            rule_reads.append((sheet, v["sqref"], [f for f in (v["formula1"], v["formula2"]) if f]))
        for f in formats:
            if f["style"] != "display":
                rule_reads.append((sheet, f["sqref"], f["formulas"]))
    for sheet, runs in template.helpers(rule_reads).items():
        sheets[sheet]["helpers"] = dict(sorted(runs.items()))
    return {
        "family": family,
        "revision": revision,
        "source": path.name.removeprefix("cmr__"),
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "names": template.names,
        "sheets": sheets,
    }


def _compress(cells: list[tuple[int, int]]) -> list[str]:
    """Input cells as rectangles: runs of rows per column, merged across equal columns."""
    by_col: dict[int, list[int]] = defaultdict(list)
    for row, col in cells:
        by_col[col].append(row)
    col_runs: dict[tuple[int, int], list[int]] = defaultdict(list)
    for col, rows in by_col.items():
        rows.sort()
        start = prev = rows[0]
        for row in [*rows[1:], -1]:
            if row == prev + 1:
                prev = row
                continue
            col_runs[start, prev].append(col)
            start = prev = row
    areas: list[str] = []
    for (first, last), cols in sorted(col_runs.items()):
        cols.sort()
        start = prev = cols[0]
        for col in [*cols[1:], -1]:
            if col == prev + 1:
                prev = col
                continue
            areas.append(area_text((first, start, last, prev)))
            start = prev = col
    return areas


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path, help="folder holding the official templates")
    args = parser.parse_args(argv)
    RULES_DIR.mkdir(parents=True, exist_ok=True)
    written = 0
    for path in sorted(args.folder.glob("cmr__RMI_*.xlsx")):
        if not _FILE.match(path.name):
            continue  # a second copy of a revision (``@blob`` in its name)
        catalogue = build_catalogue(path)
        out = RULES_DIR / f"{catalogue['family']}-{catalogue['revision']}.json"
        out.write_text(json.dumps(catalogue, ensure_ascii=False, indent=0, sort_keys=True) + "\n")
        rules = sum(len(s["validations"]) + len(s["formats"]) for s in catalogue["sheets"].values())
        sys.stderr.write(f"{out.name}: {rules} rules\n")
        written += 1
    return 0 if written else 1


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["build_catalogue", "cells_of", "shift_formula"]
