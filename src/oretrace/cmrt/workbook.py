"""A read-only grid over the cached cell values of a workbook, addressed like Excel.

Sheets are loaded lazily and whole, with empty leading rows kept, so ``sheet.cell("D8")``
is Excel's D8. Empty and error cells read as ``""``. A :class:`SheetSource` supplies the
rows: :mod:`oretrace.cmrt.ooxml` for .xlsx/.xlsm (python-calamine for the parts it
cannot read), python-calamine's ``to_python`` for .xls.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Protocol, TypeAlias

from python_calamine import CalamineWorkbook

from oretrace.cmrt.errors import ErrorCode, WorkbookError
from oretrace.cmrt.limits import DEFAULT_LIMITS, Limits

CellValue: TypeAlias = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta

_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")


def column_index(letters: str) -> int:
    """``"A"`` → 1, ``"AB"`` → 28."""
    index = 0
    for char in letters.upper():
        index = index * 26 + (ord(char) - 64)
    return index


def column_letters(index: int) -> str:
    """1 → ``"A"``, 28 → ``"AB"``."""
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def split_ref(ref: str) -> tuple[int, int]:
    """``"D8"`` → (row 8, column 4)."""
    match = _REF.match(ref.upper())
    if not match:
        raise ValueError(f"not a cell reference: {ref!r}")
    return int(match.group(2)), column_index(match.group(1))


def cell_ref(row: int, col: int) -> str:
    return f"{column_letters(col)}{row}"


class Grid(list[list[CellValue]]):
    """A sheet's rows from A1, and, when its reader noted them, the rows holding a value
    other than ``""`` in each column (column → row numbers, in any order)."""

    holding: dict[int, list[int]] | None = None


class Sheet:
    """One worksheet's cached values. Rows and columns are 1-based, as in Excel."""

    __slots__ = ("name", "_rows", "_holding")

    def __init__(self, name: str, rows: list[list[CellValue]]) -> None:
        self.name = name
        self._rows = rows
        self._holding = rows.holding if isinstance(rows, Grid) else None

    @property
    def height(self) -> int:
        return len(self._rows)

    def at(self, row: int, col: int) -> CellValue:
        if row < 1 or col < 1 or row > len(self._rows):
            return ""
        values = self._rows[row - 1]
        return values[col - 1] if col <= len(values) else ""

    def cell(self, ref: str) -> CellValue:
        row, col = split_ref(ref)
        return self.at(row, col)

    def row(self, row: int) -> list[CellValue]:
        return self._rows[row - 1] if 1 <= row <= len(self._rows) else []

    def rows(self, first: int, last: int | None = None) -> Iterator[tuple[int, list[CellValue]]]:
        """Yield (row number, values) from ``first`` to ``last`` (inclusive, clipped)."""
        stop = len(self._rows) if last is None else min(last, len(self._rows))
        yield from enumerate(self._rows[first - 1 : stop], start=first)

    def rows_holding(
        self, first: int, last: int | None, left: int, right: int
    ) -> Iterator[tuple[int, list[CellValue]]]:
        """The (row number, values) of :meth:`rows` whose columns ``left`` to ``right``
        hold a value other than ``""``, in row order — the rows a supplier filled in a band
        of a list sheet. Where the reader noted the filled rows per column (the OOXML
        scanner does), the ~2,500 template rows that hold nothing there are not visited.
        """
        stop = len(self._rows) if last is None else min(last, len(self._rows))
        if self._holding is None:
            for number, values in self.rows(first, stop):
                band = values[left - 1 : right]
                if band.count("") < len(band):
                    yield number, values
            return
        numbers: set[int] = set()
        for col in range(left, right + 1):
            numbers.update(self._holding.get(col, ()))
        for number in sorted(n for n in numbers if first <= n <= stop):
            yield number, self._rows[number - 1]


def _sheet_key(name: str) -> str:
    return " ".join(name.split()).casefold()


class SheetSource(Protocol):
    """Where a :class:`Workbook` gets its sheets: names, and a sheet's rows of values."""

    sheet_names: list[str]

    def sheet_rows(self, name: str, max_rows: int) -> list[list[CellValue]]:
        """Rows from A1; raises :class:`WorkbookError` (``too_large``, ``corrupt``)."""
        ...


class CalamineSource:
    """Sheets read whole by python-calamine (``.xls``, and any OOXML part the scanner skips)."""

    def __init__(self, book: CalamineWorkbook) -> None:
        self._book = book
        self.sheet_names: list[str] = list(book.sheet_names)

    def sheet_rows(self, name: str, max_rows: int) -> list[list[CellValue]]:
        try:
            raw = self._book.get_sheet_by_name(name)
            if raw.total_height > max_rows:
                raise WorkbookError(
                    ErrorCode.TOO_LARGE,
                    f"Sheet {name!r} spans {raw.total_height:,} rows; the limit is {max_rows:,}.",
                )
            rows: list[list[CellValue]] = raw.to_python(skip_empty_area=False)
        except WorkbookError:
            raise
        except Exception as exc:  # calamine errors on damaged sheet parts
            raise WorkbookError(
                ErrorCode.CORRUPT, f"Sheet {name!r} cannot be read ({exc})."
            ) from exc
        return rows


class Workbook:
    """Sheets by name (case- and space-insensitive), loaded on first use."""

    def __init__(
        self, book: CalamineWorkbook | SheetSource, limits: Limits = DEFAULT_LIMITS
    ) -> None:
        self._source: SheetSource = (
            CalamineSource(book) if isinstance(book, CalamineWorkbook) else book
        )
        self._limits = limits
        self.sheet_names: list[str] = list(self._source.sheet_names)
        self._by_key = {_sheet_key(n): n for n in self.sheet_names}
        self._cache: dict[str, Sheet] = {}

    def has(self, name: str) -> bool:
        return _sheet_key(name) in self._by_key

    def sheet(self, name: str) -> Sheet | None:
        real = self._by_key.get(_sheet_key(name))
        if real is None:
            return None
        cached = self._cache.get(real)
        if cached is None:
            cached = Sheet(real, self._source.sheet_rows(real, self._limits.max_rows))
            self._cache[real] = cached
        return cached

    def sheet_head(self, name: str, last_row: int, last_col: int) -> Sheet | None:
        """Rows 1 to ``last_row`` of a sheet, holding its values in columns up to
        ``last_col`` exactly as :meth:`sheet` reads them, without reading the rest of a
        large sheet when its source can stop early (a template's language row, say).

        The sheet read whole when it is already loaded, when its source cannot read a head,
        or when the head read is not enough to be sure: the rows must reach ``last_row``
        and be as wide as ``last_col`` (then the whole sheet has the same rows, padded the
        same). None when there is no such sheet.
        """
        real = self._by_key.get(_sheet_key(name))
        if real is None:
            return None
        read_head = getattr(self._source, "sheet_head_rows", None)
        if real in self._cache or read_head is None:
            return self.sheet(real)
        rows: list[list[CellValue]] = read_head(real, last_row, self._limits.max_rows)
        if len(rows) >= last_row and rows and len(rows[0]) >= last_col:
            return Sheet(real, rows)
        return self.sheet(real)
