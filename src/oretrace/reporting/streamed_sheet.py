"""An XlsxWriter worksheet that turns its rows into XML as they are written.

XlsxWriter keeps every cell of a worksheet (a dict per row, a tuple per cell) until the
workbook closes, then writes the ``<sheetData>`` XML from them: the ~450,000 cells of a
4,000-supplier ``exports.xlsx`` held ~70 MB, and writing them cost three layers of Python
calls per cell. Its ``constant_memory`` mode flushes row by row but writes inline strings,
a different and larger file, and costs more CPU.

:class:`StreamedSheet` writes the same XML XlsxWriter would, only earlier: ``append_row``
turns a row's texts into shared-string cells (the shared-string table indexes them as
XlsxWriter would, in the order written) and its numbers into number cells, with the ``s``
attribute XlsxWriter gives (the cell's format, else its column's); any other value (a
boolean, a text longer than Excel allows, a non-finite number...) goes through XlsxWriter's
own ``write`` and cell writer. Every block of 16 rows — the rows one ``spans`` value covers —
becomes one string with XlsxWriter's own ``<row>`` tags, and at close the strings are
written where XlsxWriter would have written the rows. The workbook is byte-identical to the
one XlsxWriter makes when it keeps every cell (held by
``tests/reporting/test_streamed_sheet.py`` against plain XlsxWriter, and by
``tests/registry/test_report_streamed_exports.py`` on a generated registry's report).

Rules for a caller, checked where they can be: rows (header included) go through
``append_row`` in increasing order, sheet after sheet (``finish`` after a sheet's last
row); column formats (``set_column``) come before the rows; no comments or ``set_row`` on
streamed rows. A cell written past ``append_row`` is refused when the workbook closes.
``streamed = False`` keeps every cell as XlsxWriter does: the reference.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

SPAN_ROWS = 16  # XlsxWriter gives one ``spans`` value per block of 16 rows
STRING_FAST_MAX = 16383  # longer texts may pass Excel's limit: XlsxWriter truncates them

Cell = str | int | float


class StreamedSheet(Worksheet):  # type: ignore[misc]
    """A worksheet whose rows are rendered to XML a block at a time (see the module)."""

    def __init__(self) -> None:
        super().__init__()
        self._rendered: list[str] = []
        self._rendered_to = -1  # the last row rendered
        self._block: list[tuple[int, int, int, str]] = []  # row, first, last column, cells
        self._columns: list[str] = []  # column letters
        self._style_cache: dict[int, list[str]] = {}  # by id of the cell format
        self.streamed = True  # False: keep every cell as XlsxWriter does (the reference)

    def append_row(
        self, number: int, row: Sequence[Cell], cell_format: Format | None = None
    ) -> None:
        """Write one row as XlsxWriter writes it cell by cell: text as text (shared
        strings; never a formula, link or number, whatever the workbook's options), numbers
        as numbers, an empty text as no cell (a blank one with a format); anything else (a
        very long text, a value of another type) is written and rendered by XlsxWriter
        itself."""
        if number <= self._rendered_to or (self._block and number <= self._block[-1][0]):
            raise ValueError(f"row {number + 1} is written after a later row")
        if not self.streamed:
            self._keep_row(number, row, cell_format)
            return
        sheet: Any = self
        if self._block and number // SPAN_ROWS != self._block[0][0] // SPAN_ROWS:
            self._render()  # a row past a gap starts its own block
        if not self._rendered and not self._block:
            self._number_column_formats()
        strings = sheet.str_table
        styles = self._styles(cell_format, len(row))
        first = last = -1
        cells = []
        for column, value in enumerate(row):
            kind = value.__class__
            if kind is str and 0 < len(value) <= STRING_FAST_MAX:  # type: ignore[arg-type]
                index = strings._get_shared_string_index(value)
                cell = f'<c r="{self._columns[column]}{number + 1}"{styles[column]} t="s">'
                cells.append(f"{cell}<v>{index}</v></c>")
            elif (kind is int or kind is float) and value - value == 0:  # type: ignore[operator]
                cell = f'<c r="{self._columns[column]}{number + 1}"{styles[column]}>'
                cells.append(f"{cell}<v>{value:.16G}</v></c>")
            elif not self._by_xlsxwriter(number, column, value, cell_format, cells):
                continue
            if first < 0:
                first = column
            last = column
        if first < 0:
            return
        if sheet._check_dimensions(number, first) or sheet._check_dimensions(number, last):
            raise ValueError(f"row {number + 1}, column {last + 1} is outside a worksheet")
        self._block.append((number, first, last, "".join(cells)))
        if number % SPAN_ROWS == SPAN_ROWS - 1:
            self._render()

    def _number_column_formats(self) -> None:
        """XlsxWriter numbers formats as it first writes them, the columns' formats
        (``<cols>``) before any cell's: number them so before the first row."""
        sheet: Any = self
        for column in sorted(sheet.col_info):
            if sheet.col_info[column].column_format is not None:
                sheet.col_info[column].column_format._get_xf_index()

    def _styles(self, cell_format: Format | None, width: int) -> list[str]:
        """Each column's ``s`` attribute as XlsxWriter gives it: the cell's own format,
        else its column's (``set_column`` comes before the rows)."""
        key = id(cell_format)
        styles = self._style_cache.get(key)
        if styles is None or len(styles) < width:
            sheet: Any = self
            styles = []
            for column in range(max(width, 16)):
                info = sheet.col_info.get(column)
                chosen = cell_format if cell_format is not None else info and info.column_format
                styles.append(f' s="{chosen._get_xf_index()}"' if chosen else "")
            self._style_cache[key] = styles
            if len(self._columns) < len(styles):
                self._columns = [xl_col_to_name(c) for c in range(len(styles))]
        return styles

    def _by_xlsxwriter(
        self, number: int, column: int, value: Cell, cell_format: Format | None, cells: list[str]
    ) -> bool:
        """Write one cell through XlsxWriter (its checks, truncation, types) and render it
        with XlsxWriter's own cell writer; False when that makes no cell."""
        sheet: Any = self
        self._write_value(number, column, value, cell_format)
        stored = sheet.table.get(number, {}).pop(column, None)
        if stored is None:
            return False
        kept, sheet.fh = sheet.fh, io.StringIO()
        try:
            sheet._write_cell(number, column, stored)
            cells.append(sheet.fh.getvalue())
        finally:
            sheet.fh = kept
        return True

    def _keep_row(self, number: int, row: Sequence[Cell], cell_format: Format | None) -> None:
        for column, value in enumerate(row):
            self._write_value(number, column, value, cell_format)

    def _write_value(
        self, number: int, column: int, value: Cell, cell_format: Format | None
    ) -> None:
        """Text as text (``write_string``), whatever the workbook's ``strings_to_*``
        options; an empty text is a blank cell, which XlsxWriter keeps only with a format;
        anything else as ``write`` decides."""
        if isinstance(value, str):
            if value:
                self.write_string(number, column, value, cell_format)
            else:
                self.write_blank(number, column, None, cell_format)
        else:
            self.write(number, column, value, cell_format)

    def finish(self) -> None:
        """Render the rows not rendered yet. Call it after a sheet's last row, before the
        next sheet's rows: formats get their numbers in the order XlsxWriter gives them,
        sheet after sheet."""
        if self._block:
            self._render()

    def _render(self) -> None:
        """Render the block of rows held (up to 16, one ``spans`` value) as XlsxWriter
        does: ``<row r=".." spans="first:last">`` and the cells."""
        sheet: Any = self
        if sheet.comments or any(n in sheet.row_info for n, _, _, _ in self._block):
            raise ValueError(f"{sheet.name}: a streamed row has a comment or row settings")
        spans = f"{min(b[1] for b in self._block) + 1}:{max(b[2] for b in self._block) + 1}"
        kept, sheet.fh = sheet.fh, io.StringIO()
        try:
            for number, _, _, cells in self._block:
                sheet._write_row(number, spans)
                sheet.fh.write(cells)
                sheet.fh.write("</row>")
            self._rendered.append(sheet.fh.getvalue())
        finally:
            sheet.fh = kept
        self._rendered_to = self._block[-1][0]
        self._block = []

    def _write_sheet_data(self) -> None:
        self.finish()
        if not self._rendered:
            super()._write_sheet_data()
            return
        sheet: Any = self
        if any(sheet.table.values()):
            raise ValueError(f"{sheet.name}: cells written beside streamed rows")
        self._xml_start_tag("sheetData")
        rendered, self._rendered = self._rendered, []
        rendered.reverse()
        while rendered:  # hand each block over and let it go, not hold all twice
            self.fh.write(rendered.pop())
        self._xml_end_tag("sheetData")
