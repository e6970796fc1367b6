"""A few rows and columns of a stored workbook around one cell: what a finding points at,
shown as the supplier's sheet shows it (cached values; no formulas, no formatting)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from oretrace.cmrt.container import load_calamine, open_bytes
from oretrace.cmrt.errors import WorkbookError
from oretrace.cmrt.workbook import Workbook, column_letters, split_ref

_ADDRESS = re.compile(
    r"^(?:'(?P<quoted>(?:[^']|'')+)'|(?P<plain>[^'!]+))!\$?(?P<col>[A-Za-z]{1,3})\$?(?P<row>\d+)"
)


@dataclass(frozen=True, slots=True)
class Excerpt:
    sheet: str
    target: tuple[int, int]  # (row, column), 1-based
    columns: tuple[str, ...]  # letters of the columns shown
    rows: tuple[tuple[int, tuple[str, ...]], ...]  # (row number, texts)
    first_column: int


def parse_address(address: str) -> tuple[str, str] | None:
    """``'Smelter List'!F5`` (or ``Declaration!D8``, or the first cell of a range) →
    (sheet name, ``F5``); None when the finding names no single cell."""
    match = _ADDRESS.match(address.strip())
    if not match:
        return None
    sheet = match.group("quoted")
    sheet = sheet.replace("''", "'") if sheet is not None else match.group("plain")
    return sheet, f"{match.group('col').upper()}{match.group('row')}"


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def excerpt(
    data: bytes, address: str, around_rows: int = 4, around_columns: int = 3
) -> Excerpt | None:
    """The cells around ``address`` in the workbook ``data``; None when the address or its
    sheet cannot be found. Raises :class:`WorkbookError` when the file cannot be opened."""
    parsed = parse_address(address)
    if parsed is None:
        return None
    sheet_name, ref = parsed
    sheet = Workbook(load_calamine(open_bytes(data))).sheet(sheet_name)
    if sheet is None:
        return None
    row, col = split_ref(ref)
    first_row, first_col = max(1, row - around_rows), max(1, col - around_columns)
    last_row, last_col = row + around_rows, col + around_columns
    rows = tuple(
        (r, tuple(_text(sheet.at(r, c)) for c in range(first_col, last_col + 1)))
        for r in range(first_row, last_row + 1)
    )
    columns = tuple(column_letters(c) for c in range(first_col, last_col + 1))
    return Excerpt(sheet.name, (row, col), columns, rows, first_col)


__all__ = ["Excerpt", "WorkbookError", "excerpt", "parse_address"]
