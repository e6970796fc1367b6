"""The vocabulary the Checker rule tables are written in, and the Excel semantics behind it.

Every RMI Checker row has the same shape: column B pulls a value from the Declaration, F says
whether the row is *necessary*, G whether it is *incomplete*, and H = F×G is summed into D2.
A :class:`Field` is one such row; conditions (``F``) refer to other rows by key, exactly as the
template's formulas refer to other Checker cells (``F24``, ``B$14``). Special rows (Product
List, Smelter List) have their own item types. The tables themselves are in
:mod:`oretrace.cmrt.checker_tables`.

Excel semantics mirrored here: ``cell=0`` is true for an empty cell and for the number 0 but
not for text (so a cell holding only spaces counts as filled); text comparison is
case-insensitive; ``SEARCH``/``LEN`` see numbers in General format.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from typing import TypeAlias

from oretrace.cmrt.workbook import CellValue, Sheet

_EXCEL_EPOCH = dt.date(1899, 12, 30)


def is_zero(value: CellValue) -> bool:
    """Excel's ``value=0``: true for an empty cell or the number 0 (not for FALSE or text)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return value == 0
    return value == ""


def excel_text(value: CellValue) -> str:
    """The text Excel's ``LEN``/``SEARCH``/``&`` see for a cached value (General format)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return str((value - _EXCEL_EPOCH).days)
    if isinstance(value, int | float):
        return str(int(value)) if float(value).is_integer() else f"{value:.15g}"
    return str(value)


def text_equals(value: CellValue, option: str) -> bool:
    """Excel ``value="text"``: only text cells can match, case-insensitively."""
    return isinstance(value, str) and value.casefold() == option.casefold()


class Test(Enum):
    """Column G: when is a necessary row incomplete?"""

    BLANK = "blank"  # IF(B=0,1,0)
    NO_AT = "no @"  # IF(ISNUMBER(SEARCH("@",B)),0,1)
    SHORT = "length ≤ 1"  # IF(LEN(B)>1,0,1)
    NO_WWW = "no www"  # IF(ISERROR(FIND("www",B)),1,0) — FIND is case-sensitive
    NO_TEXT = "empty text"  # IF(B<>"",0,1) on a label cell

    def incomplete(self, value: CellValue) -> bool:
        if self is Test.BLANK:
            return is_zero(value)
        text = excel_text(value)
        if self is Test.NO_AT:
            return "@" not in text
        if self is Test.SHORT:
            return len(text) <= 1
        if self is Test.NO_TEXT:
            return value == ""
        return "www" not in text


@dataclass
class State:
    """What the evaluator knows so far: Declaration values and each row's B and F."""

    declaration: Sheet | None
    values: dict[str, CellValue] = field(default_factory=dict)
    needed: dict[str, bool] = field(default_factory=dict)

    def cell(self, ref: str) -> CellValue:
        return "" if self.declaration is None else self.declaration.cell(ref)


# ── column B: where a row's value comes from ────────────────────────────────────────────


@dataclass(frozen=True)
class Cell:
    """``=Declaration!D8``."""

    ref: str

    def value(self, state: State) -> CellValue:
        return state.cell(self.ref)


@dataclass(frozen=True)
class Gated:
    """``=IF(gate, Declaration!D32, 0)`` (6.x: a Q2 answer only counts after Q1 = Yes)."""

    ref: str
    gate: Condition

    def value(self, state: State) -> CellValue:
        return state.cell(self.ref) if self.gate.holds(state) else 0


@dataclass(frozen=True)
class Described:
    """EMRT/CRT question E: the answer itself, or its comment when the answer is "Other"."""

    ref: str
    comment: str
    direct: tuple[str, ...]
    described: str

    def value(self, state: State) -> CellValue:
        answer = state.cell(self.ref)
        if any(text_equals(answer, option) for option in self.direct):
            return answer
        if text_equals(answer, self.described):
            return state.cell(self.comment)
        return 0


Value: TypeAlias = Cell | Gated | Described


# ── column F: when is a row necessary? ──────────────────────────────────────────────────


@dataclass(frozen=True)
class Always:
    def holds(self, state: State) -> bool:
        return True


@dataclass(frozen=True)
class Never:
    """An empty F cell (the template leaves the row out of the count)."""

    def holds(self, state: State) -> bool:
        return False


@dataclass(frozen=True)
class Is:
    """Row ``key``'s B value equals one of ``options`` (case-insensitive)."""

    key: str
    options: tuple[str, ...]

    def holds(self, state: State) -> bool:
        value = state.values.get(self.key, "")
        return any(text_equals(value, option) for option in self.options)


@dataclass(frozen=True)
class IsListItem:
    """Row ``key``'s B value equals the Declaration list-source cell ``ref`` (e.g. P9)."""

    key: str
    ref: str

    def holds(self, state: State) -> bool:
        value = state.values.get(self.key, "")
        item = state.cell(self.ref)
        return isinstance(item, str) and item != "" and text_equals(value, item)


@dataclass(frozen=True)
class CellIs:
    """A raw Declaration cell equals one of ``options``."""

    ref: str
    options: tuple[str, ...]

    def holds(self, state: State) -> bool:
        value = state.cell(self.ref)
        return any(text_equals(value, option) for option in self.options)


@dataclass(frozen=True)
class IsBlank:
    """Row ``key``'s B value ``=0``."""

    key: str

    def holds(self, state: State) -> bool:
        return is_zero(state.values.get(self.key, ""))


@dataclass(frozen=True)
class HasText:
    """A Declaration cell ``<>""`` (EMRT 2.x/AMRT mineral labels)."""

    ref: str

    def holds(self, state: State) -> bool:
        return state.cell(self.ref) != ""


@dataclass(frozen=True)
class Needed:
    """Another row's F (``=F24``); several keys mean ``SUM(F..)>0`` (any of them)."""

    keys: tuple[str, ...]

    def holds(self, state: State) -> bool:
        return any(state.needed.get(key, False) for key in self.keys)


@dataclass(frozen=True)
class Not:
    inner: Condition

    def holds(self, state: State) -> bool:
        return not self.inner.holds(state)


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Condition, ...]

    def holds(self, state: State) -> bool:
        return any(part.holds(state) for part in self.parts)


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Condition, ...]

    def holds(self, state: State) -> bool:
        return all(part.holds(state) for part in self.parts)


Condition: TypeAlias = (
    Always | Never | Is | IsListItem | CellIs | IsBlank | HasText | Needed | Not | AnyOf | AllOf
)

ALWAYS = Always()
NEVER = Never()


# ── rows ────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Field:
    """One Declaration row of the Checker: counted when ``need`` holds and ``test`` fails."""

    key: str
    label: str
    value: Value
    need: Condition = ALWAYS
    test: Test = Test.BLANK
    cell: str = ""  # the input cell to report when it is not the one B reads (default)


@dataclass(frozen=True)
class ProductList:
    """Product List B6 must be filled (``B6=""``; 2.03 tests ``B6=0``)."""

    need: Condition
    zero_counts_as_empty: bool = False


class Match(Enum):
    """How a Smelter List row counts for a metal."""

    PREFIX = "prefix"  # CMRT 6.x, EMRT 1.x: COUNTIF(B,m)>0 AND COUNTIF(B&C,"m?*")>0
    LOOKED_UP = "looked up"  # EMRT 2.x: COUNTIF(B,m)>0 AND COUNTIF(IF(C="","",B),m)>0
    COMPLETE = "complete"  # AMRT: COUNTIF(IF(blank cells,"",metal&"+"),m&"+")>0
    METAL_ONLY = "metal only"  # CRT 2.2: COUNTIF(B,m)>0


@dataclass(frozen=True)
class SmelterForMetal:
    """At least one Smelter List row for ``metal`` (or the metal named in ``metal_ref``)."""

    label: str
    need: Condition
    match: Match
    metal: str = ""
    metal_ref: str = ""  # Declaration helper cell holding the metal name (EMRT 2.x, AMRT)


@dataclass(frozen=True)
class AnySmelter:
    """``COUNTIF('Smelter List'!C5:C14,"")<10``: one of the first ten rows is filled."""

    need: Condition
    column: str = "C"


@dataclass(frozen=True)
class NotListedRows:
    """Every "Smelter not listed" row has a name (D) and a country (E)."""

    last_row: int | None  # None: the whole column


@dataclass(frozen=True)
class OtherMinerals:
    """AMRT 1.3: one name in D15:I16 per "Other [specify below]" chosen in D12:I13."""


Item: TypeAlias = Field | ProductList | SmelterForMetal | AnySmelter | NotListedRows | OtherMinerals


@dataclass(frozen=True)
class SmelterColumns:
    """Where the Smelter List keeps metal, look-up/name and country (AMRT 1.2 differs)."""

    metal: str = "B"
    lookup: str = "C"
    name: str = "D"
    country: str = "E"
    complete: tuple[str, ...] = ("C",)  # cells that must be non-blank for Match.COMPLETE


@dataclass(frozen=True)
class Ruleset:
    """One template revision's Checker."""

    name: str
    items: tuple[Item, ...]
    smelter_last_row: int = 2504
    columns: SmelterColumns = SmelterColumns()
