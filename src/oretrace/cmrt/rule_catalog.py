"""The shipped catalogues of each template's own rules (``data/rules/*.json``).

A catalogue holds, per input sheet, the data validations and conditional-formatting rules as
the official template states them, the input cells, and the template's formulas and values
of the other cells those rules read. ``oretrace.cmrt.build_rules`` writes them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from oretrace.cmrt.excel_formula import (
    MAX_ROW,
    FormulaError,
    Name,
    Ref,
    parse,
    references,
)
from oretrace.cmrt.revisions import Family, Revision
from oretrace.cmrt.workbook import column_index, column_letters

RULES_DIR = Path(__file__).resolve().parent / "data" / "rules"
#: The sheets a supplier fills in; rules elsewhere (Checker, look-ups) only decorate.
INPUT_SHEETS = ("Declaration", "Smelter List", "Product List", "Mine List")

_AREA = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$")
_SHEETLESS = re.compile(r"(?<![\w'\]])!(?=\$?[A-Za-z])")

Area = tuple[int, int, int, int]  # top row, left col, bottom row, right col


def parse_sqref(sqref: str) -> list[Area]:
    """``"D8:J8 B9"`` → [(8, 4, 8, 10), (9, 2, 9, 2)]."""
    areas: list[Area] = []
    for part in sqref.split():
        match = _AREA.match(part.upper())
        if not match:
            continue
        c1, r1, c2, r2 = match.groups()
        top, left = int(r1), column_index(c1)
        bottom, right = (int(r2), column_index(c2)) if c2 else (top, left)
        areas.append((top, left, bottom, right))
    return areas


def area_text(area: Area) -> str:
    top, left, bottom, right = area
    first = f"{column_letters(left)}{top}"
    return first if (top, left) == (bottom, right) else f"{first}:{column_letters(right)}{bottom}"


def cells_of(area: Area) -> list[tuple[int, int]]:
    top, left, bottom, right = area
    return [(r, c) for r in range(top, bottom + 1) for c in range(left, right + 1)]


def name_formula(names: dict[str, str], name: str, sheet: str) -> str | None:
    """A defined name's formula as seen from ``sheet`` (a sheet-local name first).

    Relative references in a name are relative to A1 of the cell that uses it; a bare
    ``!$B1`` (no sheet) means the using sheet.
    """
    folded = name.casefold()
    text = None
    for key, value in names.items():
        base, _, local = key.partition("@")
        if base.casefold() != folded:
            continue
        if local == sheet:
            text = value
            break
        if not local and text is None:
            text = value
    return _SHEETLESS.sub("", text) if text is not None else None


def read_areas(
    names: dict[str, str], sheet: str, areas: list[Area], formula: str, from_a1: bool = False
) -> Iterator[tuple[str, Area]]:
    """Every (sheet, area) that ``formula``, applied over ``areas``, reads.

    The formula is written for the top-left cell of the first area (for a defined name: for
    A1), and its relative references move with the cell it is applied to.
    """
    try:
        node = parse(formula)
    except FormulaError:
        return
    anchor = (1, 1) if from_a1 or not areas else (areas[0][0], areas[0][1])
    for ref in references(node):
        if isinstance(ref, Name):
            text = name_formula(names, ref.name, sheet)
            if text:
                yield from read_areas(names, sheet, areas, text, from_a1=True)
            continue
        first, last = (ref, ref) if isinstance(ref, Ref) else (ref.first, ref.last)
        for top, left, bottom, right in areas:
            r1, c1 = _moved(first, anchor, top, left)
            r2, c2 = _moved(last, anchor, bottom, right)
            if first.row == 1 and last.row == MAX_ROW:
                r1, r2 = 1, MAX_ROW
            yield first.sheet or sheet, (min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))


def _moved(ref: Ref, anchor: tuple[int, int], row: int, col: int) -> tuple[int, int]:
    return (
        ref.row if ref.row_abs else ref.row + row - anchor[0],
        ref.col if ref.col_abs else ref.col + col - anchor[1],
    )


@dataclass(frozen=True, slots=True)
class Validation:
    id: str
    sheet: str
    areas: tuple[Area, ...]
    type: str
    operator: str
    formula1: str | None
    formula2: str | None
    allow_blank: bool
    error_style: str
    show_error: bool
    error_title: str
    error: str
    prompt_title: str
    prompt: str


@dataclass(frozen=True, slots=True)
class Format:
    id: str
    sheet: str
    areas: tuple[Area, ...]
    type: str
    operator: str | None
    priority: int
    stop: bool
    formulas: tuple[str, ...]
    style: str  # error | required | prompt | display


@dataclass(frozen=True, slots=True)
class Helper:
    """Non-input cells in one column run: one formula written for the first row, or values."""

    sheet: str
    col: int
    first: int
    last: int
    formula: str | None
    values: tuple[Any, ...] = ()


@dataclass(slots=True)
class Catalogue:
    family: str
    revision: str
    source: str
    names: dict[str, str]
    validations: list[Validation] = field(default_factory=list)
    formats: list[Format] = field(default_factory=list)
    inputs: dict[str, list[Area]] = field(default_factory=dict)
    helpers: dict[str, list[Helper]] = field(default_factory=dict)
    #: cells hidden under a merged range's top-left cell (they show its value and format)
    covered: dict[str, set[tuple[int, int]]] = field(default_factory=dict)

    @property
    def rules(self) -> list[Validation | Format]:
        return [*self.validations, *self.formats]

    _by_column: dict[tuple[str, int], list[Helper]] = field(default_factory=dict)

    def is_input(self, sheet: str, row: int, col: int) -> bool:
        return any(t <= row <= b and lft <= col <= r for t, lft, b, r in self.inputs.get(sheet, ()))

    def helper(self, sheet: str, row: int, col: int) -> Helper | None:
        if not self._by_column:
            for items in self.helpers.values():
                for item in items:
                    self._by_column.setdefault((item.sheet, item.col), []).append(item)
        for item in self._by_column.get((sheet, col), ()):
            if item.first <= row <= item.last:
                return item
        return None

    def helpers_in(self, sheet: str, area: Area) -> list[Helper]:
        top, left, bottom, right = area
        return [
            h
            for h in self.helpers.get(sheet, ())
            if left <= h.col <= right and h.first <= bottom and top <= h.last
        ]


def _load(path: Path) -> Catalogue:
    data: dict[str, Any] = json.loads(path.read_text())
    catalogue = Catalogue(data["family"], data["revision"], data["source"], data["names"])
    for sheet, content in data["sheets"].items():
        catalogue.inputs[sheet] = [a for text in content["inputs"] for a in parse_sqref(text)]
        catalogue.covered[sheet] = {
            cell
            for text in content.get("merged", ())
            for area in parse_sqref(text)
            for cell in cells_of(area)[1:]
        }
        for v in content["validations"]:
            catalogue.validations.append(
                Validation(
                    v["id"],
                    sheet,
                    tuple(parse_sqref(v["sqref"])),
                    v["type"],
                    v["operator"],
                    v["formula1"],
                    v["formula2"],
                    v["allow_blank"],
                    v["error_style"],
                    v["show_error"],
                    v["error_title"],
                    v["error"],
                    v["prompt_title"],
                    v["prompt"],
                )
            )
        for f in content["formats"]:
            catalogue.formats.append(
                Format(
                    f["id"],
                    sheet,
                    tuple(parse_sqref(f["sqref"])),
                    f["type"],
                    f["operator"],
                    f["priority"],
                    f["stop"],
                    tuple(f["formulas"]),
                    f["style"],
                )
            )
        helpers: list[Helper] = []
        for key, entry in content.get("helpers", {}).items():
            top, left, bottom, _ = parse_sqref(key)[0]
            helpers.append(
                Helper(
                    sheet, left, top, bottom, entry.get("formula"), tuple(entry.get("values", ()))
                )
            )
        catalogue.helpers[sheet] = helpers
    return catalogue


@cache
def available() -> dict[tuple[str, str], Path]:
    """(family, revision text) → catalogue file, for every shipped catalogue."""
    found: dict[tuple[str, str], Path] = {}
    for path in sorted(RULES_DIR.glob("*.json")):
        family, _, revision = path.stem.partition("-")
        found[family, revision] = path
    return found


@cache
def catalogue_for(family: Family, revision: Revision) -> Catalogue | None:
    """The catalogue of ``revision``, else of the nearest older revision of the same major
    version (whose rules the template carried on); ``None`` when there is none."""
    candidates = [
        (Revision(text), path) for (fam, text), path in available().items() if fam == family.value
    ]
    same_major = [
        (rev, path) for rev, path in candidates if rev.major == revision.major and rev <= revision
    ]
    if not same_major:
        return None
    _, path = max(same_major, key=lambda item: item[0])
    return _load(path)


def load_catalogue(family: str, revision: str) -> Catalogue | None:
    path = available().get((family, revision))
    return _load(path) if path is not None else None
