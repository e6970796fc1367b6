"""A template's own smelter look-up and country list, and the Smelter List row they give.

The roll-up writes each smelter the way a person picks it in the template: metal in B and
the look-up name in C exactly as this template's "Smelter Look-up" sheet spells it (the
row whose look-up name is the standard name for the ID and metal), so the template's
formulas find it. A smelter this template's look-up does not know (a newer RMI list) is
written as C = "Smelter not listed" with its name in D and country in E, spelled as the
template's hidden country sheet C spells it.

The look-up formulas' results are computed here too, as Excel would (``MATCH`` on
metal & look-up name is case-insensitive and takes the first row; ``OFFSET`` to an empty
cell gives 0, except where the formula appends ``&""``), so readers of cached values see
them before any recalculation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from oretrace.cmrt.workbook import CellValue, Sheet, Workbook
from oretrace.reporting.data import SmelterLine

NOT_LISTED = "Smelter not listed"
ENTER_DETAILS = "Enter smelter details"
LOOKUP_SHEET = "Smelter Look-up"
COUNTRY_SHEET = "C"

SmelterValue = str | int | float


def _fold(value: CellValue) -> str:
    return " ".join(str(value).split()).casefold()


@dataclass(frozen=True, slots=True)
class LookupRow:
    """One row of the template's Smelter Look-up (columns A–I), with its row number."""

    row: int
    metal: str
    name: str  # B: look-up name (standard name or alias)
    standard: CellValue  # C
    country: CellValue  # D
    smelter_id: CellValue  # E
    source: CellValue  # F
    street: CellValue  # G
    city: CellValue  # H
    state: CellValue  # I


@dataclass(frozen=True, slots=True)
class SmelterCells:
    """A Smelter List row: typed inputs, and cached results of formulas left in place."""

    inputs: dict[str, SmelterValue]
    cached: dict[str, SmelterValue] = field(default_factory=dict)
    listed: bool = True


class TemplateLookup:
    """The look-up rows of one template, indexed by (metal, ID) and by metal & name."""

    def __init__(self, rows: list[LookupRow], countries: dict[str, str]) -> None:
        self.rows = rows
        self.countries = countries  # ISO alpha-2 → the template's country name
        self._by_id: dict[tuple[str, str], list[LookupRow]] = {}
        self._by_key: dict[str, LookupRow] = {}
        self._metals: dict[str, str] = {}
        for row in rows:
            ident = _fold(row.smelter_id)
            if ident:
                self._by_id.setdefault((_fold(row.metal), ident), []).append(row)
            self._by_key.setdefault(_fold(row.metal) + "\x00" + _fold(row.name), row)
            self._metals.setdefault(_fold(row.metal), row.metal)

    @classmethod
    def from_workbook(cls, book: Workbook) -> TemplateLookup:
        sheet = book.sheet(LOOKUP_SHEET)
        rows = _lookup_rows(sheet) if sheet is not None else []
        country_sheet = book.sheet(COUNTRY_SHEET)
        countries = _countries(country_sheet) if country_sheet is not None else {}
        return cls(rows, countries)

    def metal(self, metal: str) -> str:
        """The metal as the template spells it (its look-up column A)."""
        return self._metals.get(_fold(metal), metal)

    def find(self, metal: str, smelter_id: str) -> LookupRow | None:
        """The row for ``smelter_id`` and ``metal``: its standard name's row when there is one."""
        rows = self._by_id.get((_fold(metal), _fold(smelter_id)), [])
        standard = [r for r in rows if _fold(r.name) == _fold(r.standard)]
        chosen = standard or rows
        return chosen[0] if chosen else None

    def match(self, metal: str, name: str) -> LookupRow | None:
        """Excel's ``MATCH(metal & name, 'Smelter Look-up'!J:J, 0)``: the first such row."""
        return self._by_key.get(_fold(metal) + "\x00" + _fold(name))

    def not_listed(self, metal: str) -> str:
        row = self.match(metal, NOT_LISTED)
        return row.name if row is not None else NOT_LISTED

    def country(self, line: SmelterLine) -> str:
        """The smelter's country as the template's country list names it, when it can."""
        by_code = self.countries.get(line.country_iso2.upper()) if line.country_iso2 else None
        if by_code:
            return by_code
        wanted = _fold(line.country)
        named = (name for name in self.countries.values() if _fold(name) == wanted)
        return next(named, line.country)

    def cells(self, line: SmelterLine) -> SmelterCells:
        """The Smelter List row for one consolidated smelter."""
        row = self.find(line.metal, line.smelter_id)
        metal = self.metal(line.metal)
        if row is None:
            return self._not_listed(line, metal)
        matched = self.match(metal, row.name) or row
        inputs: dict[str, SmelterValue] = {"B": metal, "C": row.name}
        cached: dict[str, SmelterValue] = {
            "E": _joined(matched.country),
            "F": _offset(matched.smelter_id),
            "G": _offset(matched.source),
            "H": _offset(matched.street),
            "I": _offset(matched.city),
            "J": _offset(matched.state),
            "R": _joined(matched.standard),
            "V": matched.row,
            "AB": metal + row.name,
        }
        return SmelterCells(inputs, cached)

    def _not_listed(self, line: SmelterLine, metal: str) -> SmelterCells:
        label = self.not_listed(metal)
        inputs: dict[str, SmelterValue] = {
            "B": metal,
            "C": label,
            "D": line.name,
            "E": self.country(line),
        }
        if line.smelter_id:
            inputs["Q"] = f"RMI smelter ID {line.smelter_id} (not in this template's look-up)"
        cached: dict[str, SmelterValue] = {
            "F": "",
            "G": ENTER_DETAILS,
            "H": "",
            "I": "",
            "J": "",
            "R": "",
            "AB": metal + label,
        }
        return SmelterCells(inputs, cached, listed=False)


def _joined(value: CellValue) -> str:
    """``OFFSET(…)&""``: the cell's text, "" when empty."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _offset(value: CellValue) -> SmelterValue:
    """``OFFSET(…)`` alone: an empty cell gives 0."""
    if value == "":
        return 0
    if isinstance(value, str | int | float):
        return value
    return str(value)


def _lookup_rows(sheet: Sheet) -> list[LookupRow]:
    rows = []
    for number, values in sheet.rows(5):
        padded = [*values[:9], *[""] * (9 - min(len(values), 9))]
        metal, name = str(padded[0]).strip(), str(padded[1])
        if not metal or not name.strip():
            continue
        rows.append(LookupRow(number, metal, name, *padded[2:9]))
    return rows


def _countries(sheet: Sheet) -> dict[str, str]:
    found: dict[str, str] = {}
    for _number, values in sheet.rows(2):
        if len(values) >= 2 and isinstance(values[0], str) and isinstance(values[1], str):
            code, name = values[0].strip().upper(), values[1].strip()
            if len(code) == 2 and name:
                found.setdefault(code, name)
    return found
