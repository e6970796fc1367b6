"""One table, two downloads: XLSX (XlsxWriter) and CSV, from the same header and rows.

Text that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR at the
start) is written as text: XlsxWriter is told not to turn strings into formulas, and CSV
cells get a leading apostrophe, the usual CSV-injection guard.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence

import xlsxwriter

Cell = str | int | float | dt.date | None
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def table_xlsx(title: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    out = io.BytesIO()
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    workbook = xlsxwriter.Workbook(out, options)
    workbook.set_properties({"title": title})
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet = workbook.add_worksheet(title[:31])
    sheet.write_row(0, 0, header, bold)
    widths = [len(h) + 2 for h in header]
    count = 0
    for count, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write_datetime(count, column, dt.datetime.combine(value, dt.time()), day)
            elif value is not None:
                sheet.write(count, column, value)
            widths[column] = min(60, max(widths[column], len(str(value or "")) + 2))
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(count, 1), len(header) - 1)
    workbook.close()
    return out.getvalue()


def csv_safe(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return str(value)


def table_csv(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_safe(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel then reads UTF-8
