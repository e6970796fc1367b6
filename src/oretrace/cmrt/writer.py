"""Write a declaration into a workbook of oretrace's own making, at a revision's cell addresses.

The workbook has the sheets and input cells of the revision's layout and none of RMI's
text, formulas or validations: it reads back through :mod:`oretrace.cmrt.reader` like the
real template. Tests, the demo and synthetic supplier groups use it; filling the official
template for a roll-up is a separate job (patching input cells of RMI's own file).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import xlsxwriter

from oretrace.cmrt.layouts import Layout, TableLayout, layout_for
from oretrace.cmrt.revisions import Family, Revision, nearest_known
from oretrace.cmrt.workbook import split_ref

TITLES = {
    Family.CMRT: "Conflict Minerals Reporting Template (CMRT)",
    Family.EMRT: "Extended Minerals Reporting Template (EMRT)",
    Family.CRT: "Cobalt Reporting Template (CRT)",
    Family.AMRT: "Additional Minerals Reporting Template (AMRT)",
}

CellInput = str | int | float | dt.date | None


@dataclass(slots=True)
class Draft:
    """Values to lay into a template's input cells. Keys follow :mod:`oretrace.cmrt.layouts`."""

    family: Family
    revision: str
    company: dict[str, CellInput] = field(default_factory=dict)
    answers: dict[tuple[str, str], CellInput] = field(default_factory=dict)
    comments: dict[tuple[str, str], CellInput] = field(default_factory=dict)
    company_answers: dict[str, CellInput] = field(default_factory=dict)
    company_comments: dict[str, CellInput] = field(default_factory=dict)
    minerals: list[str] = field(default_factory=list)  # EMRT 2.x / AMRT selectors and labels
    smelters: list[dict[str, CellInput]] = field(default_factory=list)
    products: list[dict[str, CellInput]] = field(default_factory=list)
    mines: list[dict[str, CellInput]] = field(default_factory=list)
    language: str = "English"
    checker_cached: int | str | None = None  # what Checker!D2 should hold, if anything
    pasted_values: bool = False  # smelter look-up columns as typed values, not formulas
    pad_rows: int = 0  # like the template: a hidden helper formula down to this Smelter List row
    #: Text for people, not read back: (sheet, cell) → label, e.g. question texts in column B.
    labels: dict[tuple[str, str], str] = field(default_factory=dict)
    #: (sheet, column letter) → width in characters, so dates and names are not "###".
    widths: dict[tuple[str, str], float] = field(default_factory=dict)
    #: List sheet → field → column, replacing the layout's: the shape of a revision newer than
    #: any oretrace knows (e.g. CMRT 6.6's Product List with the requester's columns).
    columns: dict[str, dict[str, str]] = field(default_factory=dict)


def layout_of(draft: Draft) -> Layout:
    revision = Revision(draft.revision)
    known, _ = nearest_known(draft.family, revision)
    return layout_for(draft.family, revision, known)


def write_draft(draft: Draft, target: Path | io.BytesIO) -> None:
    """Write ``draft`` as an .xlsx workbook to a path or buffer."""
    layout = layout_of(draft)
    book = xlsxwriter.Workbook(target, {"in_memory": True, "strings_to_numbers": False})
    date_format = book.add_format({"num_format": "dd-mmm-yyyy"})
    sheet = book.add_worksheet("Declaration")
    _put(sheet, "D2", TITLES[draft.family], date_format)
    _put(sheet, "J3", f"Revision {draft.revision}\nwritten by oretrace", date_format)
    _put(sheet, "D3", draft.language, date_format)
    _write_declaration(sheet, layout, draft, date_format)
    smelter_sheet = _write_table(
        book, layout.smelters, draft.smelters, date_format, draft.revision, draft.pasted_values
    )
    _pad(smelter_sheet, layout.smelters, draft.pad_rows)
    if layout.mines is not None:
        _combined_smelters(smelter_sheet, layout.smelters, draft.smelters, date_format)
    if layout.products is not None:
        products = layout.products
        if products.sheet in draft.columns:
            products = replace(products, columns=draft.columns[products.sheet])
        _write_table(book, products, draft.products, date_format, draft.revision)
    if layout.mines is not None:
        _write_table(book, layout.mines, draft.mines, date_format, draft.revision)
    if draft.checker_cached is not None:
        _put(book.add_worksheet("Checker"), "D2", draft.checker_cached, date_format)
    _decorate(book, draft)
    book.close()


def _decorate(book: Any, draft: Draft) -> None:
    """Labels and column widths for a person reading the workbook (see ``Draft.labels``)."""
    if not draft.labels and not draft.widths:
        return
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    sheets = {sheet.get_name(): sheet for sheet in book.worksheets()}
    for (name, ref), text in draft.labels.items():
        row, col = split_ref(ref)
        sheets[name].write_string(row - 1, col - 1, text)
    for (name, letter), width in draft.widths.items():
        col = split_ref(f"{letter}1")[1] - 1
        sheets[name].set_column(col, col, width, wrap if name == "Declaration" else None)


def draft_bytes(draft: Draft) -> bytes:
    buffer = io.BytesIO()
    write_draft(draft, buffer)
    return buffer.getvalue()


def _put(sheet: Any, ref: str, value: CellInput | int | str, date_format: Any) -> None:
    if value is None:
        return
    row, col = split_ref(ref)
    if isinstance(value, dt.date):
        sheet.write_datetime(row - 1, col - 1, dt.datetime.combine(value, dt.time()), date_format)
    elif isinstance(value, str):
        sheet.write_string(row - 1, col - 1, value)
    else:
        sheet.write_number(row - 1, col - 1, value)


def _write_declaration(sheet: Any, layout: Layout, draft: Draft, date_format: Any) -> None:
    for name, value in draft.company.items():
        if name in layout.company:
            _put(sheet, layout.company[name], value, date_format)
        elif name == "effective_date" and layout.date_parts and isinstance(value, dt.date):
            day, month, year = layout.date_parts
            _put(sheet, day, value.day, date_format)
            _put(sheet, month, value.strftime("%B"), date_format)
            _put(sheet, year, value.year, date_format)
    for ref, scope in zip(layout.scope_source, layout.scopes, strict=False):
        _put(sheet, ref, scope, date_format)
    for slot, chosen in zip(layout.mineral_slots, draft.minerals, strict=False):
        _put(sheet, slot, chosen, date_format)
    _write_answers(sheet, layout, draft, date_format)


def _row_labels(layout: Layout, draft: Draft) -> list[str]:
    """The minerals labelling rows asked per chosen mineral. EMRT 2.x sorts the chosen ones and
    closes the gaps (its helper cells AA12:AA21, written here too); AMRT takes them as given."""
    if layout.family is not Family.EMRT:
        return list(draft.minerals)
    return sorted({m for m in draft.minerals if m and not m.startswith("(")})


def _write_answers(sheet: Any, layout: Layout, draft: Draft, date_format: Any) -> None:
    labels = _row_labels(layout, draft)
    if layout.family is Family.EMRT and layout.mineral_slots:
        for offset, label in enumerate(labels):
            _put(sheet, f"AA{12 + offset}", label, date_format)
    for question in layout.questions:
        labelled = iter(labels)
        # Like the template: "(*)" marks required rows; AMRT's Q2 is not required (B43 =
        # AA12&"" in AMRT 1.3), and its Checker reads the mineral from those labels.
        required = "" if layout.family is Family.AMRT and question.key == "Q2" else "(*)"
        for row, fixed in question.rows:
            mineral = fixed if fixed is not None else next(labelled, None)
            if mineral is None:
                continue
            if fixed is None:
                _put(sheet, f"B{row}", f"{mineral}{required}", date_format)
            key = (question.key, mineral)
            _put(sheet, f"{layout.answer_col}{row}", draft.answers.get(key), date_format)
            _put(sheet, f"{layout.comment_col}{row}", draft.comments.get(key), date_format)
    for item in layout.company_questions:
        labelled = iter(labels)
        for row, per_mineral in item.rows:
            if item.labelled:
                per_mineral = next(labelled, None)
                if per_mineral is None:
                    continue
                _put(sheet, f"B{row}", f"{per_mineral}(*)", date_format)
            name = item.key if per_mineral is None else f"{item.key}:{per_mineral}"
            _put(sheet, f"{layout.answer_col}{row}", draft.company_answers.get(name), date_format)
            _put(sheet, f"{layout.comment_col}{row}", draft.company_comments.get(name), date_format)


def _write_table(
    book: Any,
    table: TableLayout,
    rows: list[dict[str, CellInput]],
    date_format: Any,
    revision: str,
    pasted: bool = False,
) -> Any:
    sheet = book.add_worksheet(table.sheet)
    _put(sheet, "Q3", f"Revision {revision}", date_format)
    for name, letters in table.columns.items():
        _put(sheet, f"{letters}{table.header_row}", name.replace("_", " ").title(), date_format)
    formula_columns = set() if pasted else set(table.formula_columns)
    for offset, values in enumerate(rows):
        for formula_column in formula_columns:  # look-up formulas stand even where they show ""
            _put_formula(sheet, f"{formula_column}{table.first_row + offset}", "")
        for name, value in values.items():
            column = table.columns.get(name)
            if column is None:
                continue
            ref = f"{column}{table.first_row + offset}"
            if column in formula_columns and isinstance(value, str):
                _put_formula(sheet, ref, value)
            else:
                _put(sheet, ref, value, date_format)
    return sheet


def _combined_smelters(
    sheet: Any, table: TableLayout, rows: list[dict[str, CellInput]], date_format: Any
) -> None:
    """Like the template (EMRT 2.x, AMRT): helper column AD names each smelter row, the
    look-up choice or the typed name; the Mine List's smelter drop-down lists them."""
    for offset, values in enumerate(rows):
        lookup = values.get("lookup")
        named = values.get("name") if lookup in (None, "Smelter not listed") else lookup
        _put(sheet, f"AD{table.first_row + offset}", named, date_format)


def _pad(sheet: Any, table: TableLayout, last_row: int) -> None:
    """Like the template, whose hidden helper column X shows 0 in all 2,500 rows."""
    for row in range(table.first_row, last_row + 1):
        sheet.write_number(row - 1, 23, 0)


def _put_formula(sheet: Any, ref: str, value: str) -> None:
    """Like the template's look-up formulas: a formula whose cached result is ``value``."""
    row, col = split_ref(ref)
    quoted = value.replace('"', '""')
    sheet.write_formula(row - 1, col - 1, f'="{quoted}"', None, value)
