"""An XlsxWriter worksheet that turns its rows into XML as they are written.

XlsxWriter keeps every cell of a worksheet (a dict per row, a tuple per cell) until the
workbook closes, then writes the ``<sheetData>`` XML from them: the ~450,000 cells of a
4,000-supplier ``exports.xlsx`` held ~70 MB. Its ``constant_memory`` mode flushes row by
row but writes inline strings, a different and larger file, and costs more CPU.

:class:`StreamedSheet` keeps XlsxWriter's own output and only moves *when* it is made: after
every block of 16 rows (the block a row's ``spans`` attribute describes) the block is
rendered by XlsxWriter's own row writer into one string and its cells are dropped. At close
the strings are written where XlsxWriter would have written the rows, so the workbook is
byte-identical to the one ``write_string``/``write_number`` would have made (held by
``tests/reporting/test_streamed_sheet.py`` against plain XlsxWriter).

Rules for a caller: rows are appended in increasing order, sheet after sheet (``finish``
after a sheet's last row), and column formats
(``set_column``) are set before the rows, since a rendered cell takes its column's format
then. Shared strings are still indexed as they are written, so their order (and the
``sharedStrings.xml`` part) is unchanged.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from xlsxwriter.worksheet import Worksheet

SPAN_ROWS = 16  # XlsxWriter gives one ``spans`` value per block of 16 rows

Cell = str | int | float


class StreamedSheet(Worksheet):  # type: ignore[misc]
    """A worksheet whose rows are rendered to XML a block at a time (see the module)."""

    def __init__(self) -> None:
        super().__init__()
        self._rendered: list[str] = []
        self._rendered_to = -1  # the last row rendered
        self.streamed = True  # False: keep every cell as XlsxWriter does (the reference)

    def append_row(self, number: int, row: Sequence[Cell]) -> None:
        """Write one row of text and numbers, as ``write_row`` would but without its
        per-cell type dispatch: an empty text is no cell (what ``write`` does with it, as
        strings are never formulas or links here)."""
        if number <= self._rendered_to:
            raise ValueError(f"row {number + 1} comes after row {self._rendered_to + 1}")
        for column, value in enumerate(row):
            kind = value.__class__
            if kind is str:
                if value:
                    self.write_string(number, column, value)
            elif kind is int or kind is float:
                self.write_number(number, column, value)
            else:
                self.write(number, column, value)
        if self.streamed and number % SPAN_ROWS == SPAN_ROWS - 1:
            self._render(number)

    def finish(self) -> None:
        """Render the rows not rendered yet. Call it after a sheet's last row, before the
        next sheet's rows: formats get their numbers in the order XlsxWriter gives them,
        sheet after sheet."""
        sheet: Any = self
        if self.streamed and sheet.dim_rowmin is not None:
            self._render(sheet.dim_rowmax)

    def _render(self, last: int) -> None:
        """Render the rows after the last rendered one up to ``last`` (a block's end, or
        the sheet's last row) with XlsxWriter's own writer, then drop their cells."""
        sheet: Any = self  # XlsxWriter's own state, untyped
        first = max(self._rendered_to + 1, sheet.dim_rowmin)
        if first > last:
            return
        if not self._rendered:
            # XlsxWriter numbers formats as it first writes them: the columns' formats
            # (``<cols>``) before any cell's.
            for column in sorted(sheet.col_info):
                if sheet.col_info[column].column_format:
                    sheet.col_info[column].column_format._get_xf_index()
        kept = (sheet.fh, sheet.dim_rowmin, sheet.dim_rowmax)
        block = io.StringIO()
        sheet.fh, sheet.dim_rowmin, sheet.dim_rowmax = block, first, last
        try:
            sheet._write_rows()
        finally:
            sheet.fh, sheet.dim_rowmin, sheet.dim_rowmax = kept
        for number in range(first, last + 1):
            sheet.table.pop(number, None)
        self._rendered.append(block.getvalue())
        self._rendered_to = last

    def _write_sheet_data(self) -> None:
        self.finish()
        if not self._rendered:
            super()._write_sheet_data()
            return
        sheet: Any = self
        if any(sheet.table.values()):
            raise ValueError(f"{sheet.name}: cells written after their rows were rendered")
        self._xml_start_tag("sheetData")
        rendered, self._rendered = self._rendered, []
        rendered.reverse()
        while rendered:  # hand each block over and let it go, not hold all twice
            self.fh.write(rendered.pop())
        self._xml_end_tag("sheetData")
