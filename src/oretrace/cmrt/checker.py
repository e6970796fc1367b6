"""Re-run the template's own Checker: how many required fields are missing, and which.

``run_checker(book, info).missing`` is the number the Checker sheet's D2 shows in Excel for
the same inputs. It is computed from the cached values of the *input* cells (Declaration,
Smelter List, Product List) by the per-revision rule tables in
:mod:`oretrace.cmrt.checker_tables` (CMRT 2.00–2.02: :mod:`oretrace.cmrt.checker_legacy`);
no formula is evaluated and the Checker sheet itself is never read, except by
:func:`cached_checker_count`, which returns what Excel last saved there. The Smelter List is
scanned once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from oretrace.cmrt import checker_tables as tables
from oretrace.cmrt.checker_legacy import run_legacy
from oretrace.cmrt.checker_rules import (
    AnySmelter,
    Field,
    Item,
    Match,
    NotListedRows,
    OtherMinerals,
    ProductList,
    Ruleset,
    SmelterColumns,
    SmelterForMetal,
    State,
    excel_text,
    is_zero,
    text_equals,
)
from oretrace.cmrt.identify import TemplateInfo
from oretrace.cmrt.revisions import Family
from oretrace.cmrt.workbook import CellValue, Sheet, Workbook, column_index

NOT_LISTED = "Smelter not listed"
OTHER_MINERAL = "Other [specify below]"


@dataclass(frozen=True)
class MissingField:
    """An input the Checker counts as missing: its label and the cell the user must fill."""

    label: str
    sheet: str
    ref: str


@dataclass(frozen=True)
class CheckerResult:
    """``missing`` is what Checker!D2 shows. It equals ``len(fields)`` except in CMRT 2.02,
    whose D2 is arithmetic (required − completed) and can even be negative."""

    missing: int
    fields: tuple[MissingField, ...]


def cached_checker_count(book: Workbook) -> int | None:
    """Checker!D2 as Excel last saved it (text "0" → 0); None when absent, empty or an error."""
    checker = book.sheet("Checker")
    if checker is None:
        return None
    value = checker.cell("D2")
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value)
    try:
        return int(float(str(value).strip()))
    except ValueError:
        return None


def run_checker(book: Workbook, info: TemplateInfo) -> CheckerResult | None:
    """The template's Checker applied to ``book``; None for CMRT 1.00, which has none."""
    revision = info.layout_revision.text
    if info.family is Family.CMRT and revision in ("2.00", "2.01", "2.02"):
        legacy = run_legacy(book, revision)
        fields = tuple(MissingField(f.label, f.sheet, f.ref) for f in legacy.fields)
        return CheckerResult(legacy.missing, fields)
    ruleset = ruleset_for(info.family, revision)
    if ruleset is None:
        return None
    fields = tuple(_evaluate(book, ruleset))
    return CheckerResult(len(fields), fields)


@cache
def ruleset_for(family: Family, revision: str) -> Ruleset | None:
    """The rule table for a known (layout) revision; None when the template has no Checker."""
    if family is Family.CMRT:
        if revision in ("2.03", "2.03a"):
            return tables.cmrt203()
        if revision == "3.01":
            return tables.cmrt301()
        if revision in ("6.01", "6.1"):
            return tables.cmrt6(not_listed_last_row=2504)
        return tables.cmrt6(None) if revision.startswith("6.") else None
    if family is Family.EMRT:
        if revision in ("1.1", "1.11"):
            return tables.emrt1(url_on_a=True, not_listed=False, last_row=2499)
        if revision.startswith("1."):
            return tables.emrt1(url_on_a=False, not_listed=True, last_row=2500)
        return tables.emrt2(last_row=2504 if revision == "2.0" else 2497)
    if family is Family.CRT:
        return tables.crt22()
    return tables.amrt(revision)


# ── evaluation ──────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class _SmelterRow:
    row: int
    metal: CellValue
    lookup: CellValue
    name: CellValue
    country: CellValue
    complete: bool


def _evaluate(book: Workbook, ruleset: Ruleset) -> list[MissingField]:
    state = State(book.sheet("Declaration"))
    rows = _smelter_rows(book.sheet("Smelter List"), ruleset)
    missing: list[MissingField] = []
    for item in ruleset.items:
        found = _check(item, state, book, rows, ruleset.smelter_last_row)
        if found is not None:
            missing.append(found)
    return missing


def _check(
    item: Item, state: State, book: Workbook, rows: list[_SmelterRow], last_row: int
) -> MissingField | None:
    if isinstance(item, Field):
        return _check_field(item, state)
    if isinstance(item, ProductList):
        return _check_products(item, state, book)
    if isinstance(item, SmelterForMetal):
        in_range = [r for r in rows if r.row <= last_row]
        return _check_metal(item, state, in_range)
    if isinstance(item, AnySmelter):
        return _check_any_smelter(item, state, book)
    if isinstance(item, NotListedRows):
        return _check_not_listed(item, rows)
    return _check_other_minerals(item, state)


def _check_field(item: Field, state: State) -> MissingField | None:
    value = item.value.value(state)
    state.values[item.key] = value
    needed = item.need.holds(state)
    state.needed[item.key] = needed
    if needed and item.test.incomplete(value):
        return MissingField(item.label, "Declaration", item.cell or item.value.ref)
    return None


def _check_products(item: ProductList, state: State, book: Workbook) -> MissingField | None:
    if not item.need.holds(state):
        return None
    sheet = book.sheet("Product List")
    value = "" if sheet is None else sheet.cell("B6")
    empty = is_zero(value) if item.zero_counts_as_empty else value == ""
    return MissingField("Product List", "Product List", "B6") if empty else None


def _check_metal(
    item: SmelterForMetal, state: State, rows: list[_SmelterRow]
) -> MissingField | None:
    if not item.need.holds(state):
        return None
    metal = item.metal or excel_text(state.cell(item.metal_ref))
    if _has_metal(item.match, metal, rows):
        return None
    label = item.label if item.metal else f"Smelter List – {metal}"
    return MissingField(label, "Smelter List", "B5")


def _has_metal(match: Match, metal: str, rows: list[_SmelterRow]) -> bool:
    ours = [r for r in rows if text_equals(r.metal, metal)]
    if match is Match.METAL_ONLY:
        return bool(ours)
    if match is Match.LOOKED_UP:
        return any(r.lookup != "" for r in ours)
    if match is Match.COMPLETE:
        return any(r.complete for r in ours)
    # PREFIX: COUNTIF(B,metal)>0 AND COUNTIF(B&C,"metal?*")>0 — two independent counts.
    prefix = metal.casefold()
    joined = (excel_text(r.metal) + excel_text(r.lookup) for r in rows)
    return bool(ours) and any(
        len(text) > len(prefix) and text.casefold().startswith(prefix) for text in joined
    )


def _check_any_smelter(item: AnySmelter, state: State, book: Workbook) -> MissingField | None:
    if not item.need.holds(state):
        return None
    sheet = book.sheet("Smelter List")
    col = column_index(item.column)
    filled = sheet is not None and any(sheet.at(row, col) != "" for row in range(5, 15))
    return None if filled else MissingField("Smelter List", "Smelter List", f"{item.column}5")


def _check_not_listed(item: NotListedRows, rows: list[_SmelterRow]) -> MissingField | None:
    for r in rows:
        if item.last_row is not None and r.row > item.last_row:
            break
        if text_equals(r.lookup, NOT_LISTED) and (r.name == "" or r.country == ""):
            column = "D" if r.name == "" else "E"
            return MissingField(
                '"Smelter not listed" row: name and country', "Smelter List", f"{column}{r.row}"
            )
    return None


def _check_other_minerals(item: OtherMinerals, state: State) -> MissingField | None:
    chosen = sum(
        text_equals(state.cell(f"{col}{row}"), OTHER_MINERAL)
        for row in (12, 13)
        for col in "DEFGHI"
    )
    named = sum(
        isinstance(v := state.cell(f"{col}{row}"), str) and v != ""
        for row in (15, 16)
        for col in "DEFGHI"
    )
    if chosen and chosen != named:
        return MissingField("Names of other minerals", "Declaration", "D15")
    return None


def _smelter_rows(sheet: Sheet | None, ruleset: Ruleset) -> list[_SmelterRow]:
    """One pass over the Smelter List, keeping only rows with a metal, look-up or name."""
    if sheet is None:
        return []
    cols = ruleset.columns
    idx = _indexes(cols)
    complete = [column_index(c) - 1 for c in cols.complete]
    present = [i for i in idx if i >= 0]
    lo, hi = min(present), max(present) + 1
    found: list[_SmelterRow] = []
    # rows whose metal, look-up and name are all "" are skipped: not even visited
    for number, values in sheet.rows_holding(5, None, lo + 1, hi):
        width = len(values)
        metal, lookup, name, country = (values[i] if 0 <= i < width else "" for i in idx)
        if metal == "" and lookup == "" and name == "":
            continue
        ok = all(i < width and values[i] != "" for i in complete)
        found.append(_SmelterRow(number, metal, lookup, name, country, ok))
    return found


def _indexes(cols: SmelterColumns) -> tuple[int, int, int, int]:
    def index(letter: str) -> int:
        return column_index(letter) - 1 if letter else -1

    return index(cols.metal), index(cols.lookup), index(cols.name), index(cols.country)
