"""The arithmetic Checker of CMRT 2.00–2.02: D2 = required fields − completed fields.

These templates do not flag rows. Column F of Checker rows 4–51 marks each of 42 items
*completed*, F52 sums them, and F56 = F53 + F54 + F55 is a head count of required fields taken
from a table keyed on the scope (hidden Declaration!N12) and on how many metals were answered
Yes (N27) or No (O27) in question 1. D2 = F56 − F52, so an answered optional item (say a
description of scope under scope A) makes D2 negative — reproduced here as is.

2.00 and 2.01 carry ``#VALUE!`` in F54, so their D2 is an error and Excel saved no number; for
them ``missing`` is the number of required-and-empty fields under the 2.02 table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from oretrace.cmrt.checker_rules import is_zero, text_equals
from oretrace.cmrt.workbook import CellValue, Sheet, Workbook

METALS = ("Tantalum", "Tin", "Gold", "Tungsten")
SCOPE_CELLS = ("B127", "B128", "B129")  # Declaration list source: B/C division/category, D
SCOPE_DEFAULTS = (
    "B. Division Level [Specify in 'Description of scope']",
    "C. Product Category Level [Specify in 'Description of scope']",
    "D. Product Level",
)
COMPANY = (
    ("D8", "Company name"),
    ("D9", "Declaration scope"),
    ("D14", "Authorized representative"),
    ("D16", "Representative e-mail"),
    ("D18", "Date of completion"),
)
QUESTION_ROWS = {n: 22 + 6 * (n - 1) for n in range(1, 7)}  # first (tantalum) answer row
_CellReader = Callable[[str], CellValue]
COMPANY_QUESTIONS = tuple(zip("ABCDEFGHIJ", range(59, 78, 2), strict=True))


@dataclass(frozen=True)
class LegacyItem:
    label: str
    sheet: str
    ref: str
    completed: bool


@dataclass(frozen=True)
class LegacyResult:
    missing: int
    fields: tuple[LegacyItem, ...]


def run_legacy(book: Workbook, revision: str) -> LegacyResult:
    declaration = book.sheet("Declaration")

    def cell(ref: str) -> CellValue:
        return "" if declaration is None else declaration.cell(ref)

    scope = _scope_code(cell)
    q1 = [cell(f"D{QUESTION_ROWS[1] + i}") for i in range(4)]
    detail_metals = _metals_needing_detail(q1)
    items = _items(book, cell, revision)
    required = {"D8", "D9", "D14", "D16", "D18", *(f"D{22 + i}" for i in range(4))}
    if scope == 1:
        required.add("D10")
    if scope == 2:
        required.add("Product List!B6")
    for i in detail_metals:
        required.update(f"D{QUESTION_ROWS[n] + i}" for n in range(2, 7))
    if detail_metals:
        required.update(f"D{row}" for _, row in COMPANY_QUESTIONS)
        required.add("Smelter List!D5")
    fields = tuple(item for item in items if not item.completed and _key(item) in required)
    if revision in ("2.00", "2.01"):
        return LegacyResult(len(fields), fields)
    completed = sum(item.completed for item in items)
    return LegacyResult(len(required) - completed, fields)


def _key(item: LegacyItem) -> str:
    return item.ref if item.sheet == "Declaration" else f"{item.sheet}!{item.ref}"


def _scope_code(cell: _CellReader) -> int:
    """Declaration!N12: 1 for scope B or C, 2 for D, 0 otherwise."""
    scope = cell("D9")
    weights = (1, 1, 2)
    total = 0
    for ref, default, weight in zip(SCOPE_CELLS, SCOPE_DEFAULTS, weights, strict=True):
        item = cell(ref)
        if text_equals(scope, item if isinstance(item, str) and item else default):
            total += weight
    return total


def _metals_needing_detail(q1: list[CellValue]) -> list[int]:
    """Which metals' Q2–Q6 the F54 table counts (as the head count implies)."""
    yes = [i for i, answer in enumerate(q1) if text_equals(answer, "Yes")]
    no = [i for i, answer in enumerate(q1) if text_equals(answer, "No")]
    if yes:
        return yes  # F54 = 19 + 5 × yes, whatever the other metals say
    return [i for i in range(4) if i not in no]  # none answered: all four; all No: none


def _items(book: Workbook, cell: _CellReader, revision: str) -> list[LegacyItem]:
    def declared(ref: str, label: str) -> LegacyItem:
        return LegacyItem(label, "Declaration", ref, cell(ref) != "")

    items = [declared(ref, label) for ref, label in COMPANY[:2]]
    items.append(LegacyItem("Description of scope", "Declaration", "D10", not is_zero(cell("D10"))))
    items += [declared(ref, label) for ref, label in COMPANY[2:]]
    for n, first in QUESTION_ROWS.items():
        items += [declared(f"D{first + i}", f"Q{n} {m}") for i, m in enumerate(METALS)]
    items += [declared(f"D{row}", f"Question {letter}") for letter, row in COMPANY_QUESTIONS]
    products = book.sheet("Product List")
    items.append(LegacyItem("Product List", "Product List", "B6", _filled(products, "B", 6, 6)))
    last = 14 if revision not in ("2.00", "2.01") else 5
    smelters = book.sheet("Smelter List")
    items.append(LegacyItem("Smelter List", "Smelter List", "D5", _filled(smelters, "D", 5, last)))
    return items


def _filled(sheet: Sheet | None, column: str, first: int, last: int) -> bool:
    if sheet is None:
        return False
    return any(sheet.cell(f"{column}{row}") != "" for row in range(first, last + 1))
