"""Read a declaration out of a workbook by its revision's cell map (``layouts``)."""

from __future__ import annotations

import re
from dataclasses import replace

from oretrace.cmrt.answers import SCOPES, SCOPES_2X, match_answer
from oretrace.cmrt.identify import TemplateInfo
from oretrace.cmrt.layouts import Layout, TableLayout, layout_for, newer_columns
from oretrace.cmrt.model import Answer, CompanyAnswer, Declaration, Field, SmelterRow, TableRow
from oretrace.cmrt.normalise import clean_text, read_date
from oretrace.cmrt.revisions import LATEST, Family
from oretrace.cmrt.workbook import CellValue, Sheet, Workbook, column_index

_MANDATORY_MARK = re.compile(r"\(\*\)\s*$")
_COPYRIGHT = re.compile(
    r"^(©|\(c\)|copyright)|responsible minerals initiative|electronic industry citizenship"
    r"|conflict[- ]free sourcing initiative",
    re.IGNORECASE,
)
_TABLE_END = re.compile(
    r"^(©|\(c\)\s|copyright\s|\d{4} (electronic industry|responsible minerals|conflict-free))",
    re.IGNORECASE,
)
_DECLARATION = "Declaration"
_TRANSLATION_MARKER = "AAAAAAAAAA"


def read_declaration(book: Workbook, info: TemplateInfo) -> Declaration:
    """Read every input of the template; never raises on bad values (checks come later)."""
    layout = layout_for(info.family, info.revision, info.layout_revision)
    sheet = book.sheet(_DECLARATION)
    assert sheet is not None  # identify() guarantees it
    declaration = Declaration(
        template=info.family.value,
        revision=info.revision.text,
        layout=layout.name,
        company=_company(sheet, layout),
        language=clean_text(sheet.cell("D3")),
    )
    declaration.minerals = _minerals(sheet, layout)
    declaration.answers = _answers(sheet, layout, declaration.minerals)
    declaration.company_answers = _company_answers(sheet, layout, declaration.minerals)
    declaration.smelters = [
        SmelterRow(r.sheet, r.row, r.fields) for r in _table(book, layout.smelters)
    ]
    if layout.products is not None:
        products = layout.products
        if info.revision > LATEST[info.family]:  # a newer revision may add columns: keep them
            products = _widened(book, products, declaration.extra_columns)
        declaration.products = [r for r in _table(book, products) if not _is_copyright(r)]
    if layout.mines is not None:
        declaration.mines = list(_table(book, layout.mines))
    return declaration


def _widened(book: Workbook, table: TableLayout, extra: dict[str, dict[str, str]]) -> TableLayout:
    """``table`` with the columns a newer revision's header row adds (see ``newer_columns``);
    the header text of each column that has no name of its own is noted in ``extra``."""
    sheet = book.sheet(table.sheet)
    if sheet is None:
        return table
    headers = {
        index: text
        for index, value in enumerate(sheet.row(table.header_row), start=1)
        if (text := clean_text(value))
    }
    columns, unnamed = newer_columns(table, headers)
    if unnamed:
        extra[table.sheet] = unnamed
    return replace(table, columns=columns)


def _field(sheet: Sheet, ref: str, value: str | None = None, *, clean: bool = True) -> Field:
    raw = sheet.cell(ref)
    return Field(sheet.name, ref, raw, value if not clean else clean_text(raw))


def _company(sheet: Sheet, layout: Layout) -> dict[str, Field]:
    company = {name: _field(sheet, ref) for name, ref in layout.company.items()}
    if "effective_date" in company:
        cell = company["effective_date"]
        reading = read_date(cell.raw)
        company["effective_date"] = Field(cell.sheet, cell.ref, cell.raw, reading.iso or cell.value)
    elif layout.date_parts is not None:
        company["effective_date"] = _date_from_parts(sheet, layout.date_parts)
    if "scope" in company:
        cell = company["scope"]
        allowed = SCOPES_2X if layout.scopes == SCOPES_2X else SCOPES
        matched = match_answer(cell.raw, allowed)
        company["scope"] = Field(cell.sheet, cell.ref, cell.raw, matched or cell.value)
    return company


def _date_from_parts(sheet: Sheet, parts: tuple[str, str, str]) -> Field:
    """CMRT 1.00 asks for day, month and year in three drop-downs."""
    day, month, year = (clean_text(sheet.cell(ref)) for ref in parts)
    text = f"{day}-{month}-{year}" if day and month and year else None
    reading = read_date(text)
    raw = text or ""
    return Field(sheet.name, parts[0], raw, reading.iso or text)


def _minerals(sheet: Sheet, layout: Layout) -> list[str]:
    minerals: list[str] = []
    for ref in layout.mineral_slots:
        value = clean_text(sheet.cell(ref))
        if value and not value.startswith("(") and value != "0" and value not in minerals:
            minerals.append(value)
    return minerals


def _row_mineral(sheet: Sheet, row: int, fixed: str | None) -> str | None:
    if fixed is not None:
        return fixed
    label = clean_text(sheet.at(row, 2))
    if label is None or label == "0":
        return None
    return _MANDATORY_MARK.sub("", label).strip() or None


def _label_fallback(layout: Layout, chosen: list[str]) -> list[str]:
    """EMRT 2.x labels its mineral rows with the chosen minerals, sorted, without gaps (helper
    cells AA12:AA21): the same list, for files saved without the formulas' cached labels."""
    return sorted(chosen) if layout.family is Family.EMRT and layout.mineral_slots else []


def _labelled_mineral(
    sheet: Sheet, row: int, fixed: str | None, position: int, fallback: list[str]
) -> str | None:
    mineral = _row_mineral(sheet, row, fixed)
    if mineral is None and fixed is None and position < len(fallback):
        return fallback[position]
    return mineral


def _answers(sheet: Sheet, layout: Layout, chosen: list[str]) -> list[Answer]:
    answers: list[Answer] = []
    chosen_keys = {m.casefold() for m in chosen}
    fallback = _label_fallback(layout, chosen)
    for question in layout.questions:
        for position, (row, fixed) in enumerate(question.rows):
            mineral = _labelled_mineral(sheet, row, fixed, position, fallback)
            if mineral is None:
                continue
            answer = _field(sheet, f"{layout.answer_col}{row}")
            comment = _field(sheet, f"{layout.comment_col}{row}")
            in_scope = (
                not layout.mineral_slots or fixed is None or mineral.casefold() in chosen_keys
            )
            if not in_scope and answer.value is None and comment.value is None:
                continue
            value = match_answer(answer.raw, question.allowed)
            answers.append(Answer(question.key, mineral, answer, comment, value, question.allowed))
    return answers


def _company_answers(sheet: Sheet, layout: Layout, chosen: list[str]) -> list[CompanyAnswer]:
    result: list[CompanyAnswer] = []
    fallback = _label_fallback(layout, chosen)
    for question in layout.company_questions:
        for position, (row, fixed) in enumerate(question.rows):
            mineral = fixed
            if question.labelled:
                mineral = _labelled_mineral(sheet, row, None, position, fallback)
                if mineral is None:
                    continue
            answer = _field(sheet, f"{layout.answer_col}{row}")
            comment = _field(sheet, f"{layout.comment_col}{row}")
            value = match_answer(answer.raw, question.allowed)
            result.append(
                CompanyAnswer(question.key, mineral, answer, comment, value, question.allowed)
            )
    return result


def _table(book: Workbook, table: TableLayout) -> list[TableRow]:
    sheet = book.sheet(table.sheet)
    if sheet is None:
        return []
    columns = [(name, letters, column_index(letters)) for name, letters in table.columns.items()]
    width = max(index for _, _, index in columns)
    rows: list[TableRow] = []
    # Rows holding nothing but "" up to the last column read are skipped below anyway:
    # rows_holding leaves out the template's empty rows without visiting them.
    for number, values in sheet.rows_holding(table.first_row, table.last_row, 1, width):
        # Blank template rows hold "" and the 0 that look-up formulas show: both falsy.
        if not any(values[:width]):
            continue
        if _ends_table(values):
            break  # 1.00–2.02 keep the copyright line and translations below the input rows
        fields = {}
        for name, letters, index in columns:
            raw = values[index - 1] if index <= len(values) else ""
            clean = clean_text(raw)
            fields[name] = Field(
                sheet.name, f"{letters}{number}", raw, None if clean == "0" else clean
            )
        if any(f.value is not None for f in fields.values()):
            rows.append(TableRow(sheet.name, number, fields))
    return rows


def _ends_table(values: list[CellValue]) -> bool:
    return any(
        isinstance(value, str)
        and (value.startswith(_TRANSLATION_MARKER) or _TABLE_END.match(value) is not None)
        for value in values
        if value
    )


def _is_copyright(row: TableRow) -> bool:
    values = [f.value for f in row.fields.values() if f.value is not None]
    return len(values) == 1 and bool(_COPYRIGHT.search(values[0]))
