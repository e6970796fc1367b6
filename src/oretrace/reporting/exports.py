"""``exports.xlsx``: the snapshot's tables for people who work in Excel.

Six sheets, one row iterator each (usable on their own, e.g. for CSV): the key figures,
every smelter row as suppliers reported it, the consolidated smelters, supplier status, the
corrective actions to send (each finding with its cell and the message), and product risk.
Rows are sorted; the workbook's creation date is the snapshot date, and XlsxWriter's
in-memory mode stamps every zip entry 1980-01-01, so the file is byte-reproducible.
Rows are written through :class:`~oretrace.reporting.streamed_sheet.StreamedSheet`, which
turns them into XML as they come instead of holding every cell to the end (same bytes).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

from oretrace.reporting.data import ReportData
from oretrace.reporting.figures import appendix_order, is_identified, key_figures, status_label
from oretrace.reporting.ordering import natural_keys
from oretrace.reporting.sections import DRAFT_MARK
from oretrace.reporting.streamed_sheet import StreamedSheet

Cell = str | int | float
Row = tuple[Cell, ...]


@dataclass(frozen=True, slots=True)
class Sheet:
    name: str
    header: tuple[str, ...]
    rows: Callable[[ReportData], Iterator[Row]]
    widths: tuple[int, ...]


def key_figure_records(data: ReportData) -> Iterator[Row]:
    yield from key_figures(data)


def smelter_row_records(data: ReportData) -> Iterator[Row]:
    for r in sorted(
        data.smelter_rows, key=lambda r: (natural_keys(r.supplier, r.file), r.row, r.metal)
    ):
        yield (
            r.supplier, r.file, r.row, r.metal, r.reported_id, r.reported_name,
            r.reported_country, r.smelter_id, r.standard_name, r.decision,
            "yes" if is_identified(r) else "no", r.method, r.reason,
        )  # fmt: skip


def smelter_records(data: ReportData) -> Iterator[Row]:
    for s in appendix_order(data.smelters):
        yield (
            s.smelter_id, s.name, s.metal, s.country, s.country_iso2, status_label(s),
            "yes" if s.conformant else "no", "yes" if s.in_covered_country else "no",
            "yes" if s.in_cahra else "no", s.supplier_count,
        )  # fmt: skip


def supplier_records(data: ReportData) -> Iterator[Row]:
    actions = Counter(a.supplier for a in data.corrective_actions)
    for s in sorted(data.suppliers, key=lambda s: natural_keys(s.name, s.supplier_id)):
        yield (
            s.supplier_id, s.name, "yes" if s.responded else "no", s.status, s.template,
            s.version, s.effective_date, s.errors, s.warnings, actions[s.name],
            s.risk_level, "; ".join(s.reasons),
        )  # fmt: skip


def _cell_key(cell: str) -> tuple[str, int, str]:
    """``Declaration!D10`` after ``Declaration!D9``: sheet, row number, column."""
    match = re.fullmatch(r"(?:(.*)!)?\$?([A-Z]+)\$?(\d+)", cell)
    if not match:
        return (cell, 0, "")
    sheet, column, row = match.groups()
    return (sheet or "", int(row), f"{len(column):02d}{column}")


def corrective_action_records(data: ReportData) -> Iterator[Row]:
    key = lambda a: (natural_keys(a.supplier, a.file), _cell_key(a.cell), a.code, a.finding)  # noqa: E731
    for a in sorted(data.corrective_actions, key=key):
        yield (a.supplier, a.file, a.severity, a.code, a.cell, a.finding, a.request)


def product_records(data: ReportData) -> Iterator[Row]:
    for p in sorted(data.products, key=lambda p: natural_keys(p.number, p.name)):
        yield (
            p.number, p.name, p.category, p.risk_level, round(p.coverage, 4), p.parts,
            p.parts_uncovered,
        )  # fmt: skip


SHEETS = (
    Sheet("Key figures", ("Figure", "Value"), key_figure_records, (44, 14)),
    Sheet(
        "Smelter rows",
        ("Supplier", "File", "Row", "Metal", "Reported ID", "Reported name", "Reported country",
         "Smelter ID", "Standard name", "Decision", "Identified", "Method", "Reason"),
        smelter_row_records,
        (28, 28, 6, 10, 12, 34, 18, 12, 34, 10, 10, 12, 40),
    ),
    Sheet(
        "Smelters",
        ("Smelter ID", "Name", "Metal", "Country", "ISO", "RMAP status", "Conformant",
         "In covered country", "In CAHRA", "Suppliers naming it"),
        smelter_records,
        (12, 40, 10, 20, 5, 16, 11, 10, 9, 10),
    ),
    Sheet(
        "Suppliers",
        ("Supplier ID", "Supplier", "Responded", "Declaration status", "Template", "Version",
         "Effective date", "Errors", "Warnings", "Corrective actions", "Risk level",
         "Reasons"),
        supplier_records,
        (12, 32, 10, 16, 9, 8, 12, 7, 9, 10, 10, 60),
    ),
    Sheet(
        "Corrective actions",
        ("Supplier", "File", "Severity", "Finding code", "Cell", "Finding", "Message to send"),
        corrective_action_records,
        (28, 28, 9, 14, 18, 50, 70),
    ),
    Sheet(
        "Product risk",
        ("Product", "Name", "Category", "Risk level", "Coverage", "Parts", "Parts not covered"),
        product_records,
        (14, 32, 20, 10, 10, 7, 10),
    ),
)  # fmt: skip


def write_exports(data: ReportData, path: Path, *, streamed: bool = True) -> Path:
    """Write the workbook. Rows become XML a block at a time (:class:`StreamedSheet`);
    ``streamed=False`` keeps every cell until the end, as XlsxWriter does — the same bytes,
    the reference the tests compare with."""
    created = dt.datetime.combine(data.as_of, dt.time(), tzinfo=dt.UTC)
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    workbook = xlsxwriter.Workbook(str(path), options)
    workbook.set_properties(
        {
            "title": f"{'DRAFT - ' if data.draft else ''}Conflict minerals exports {data.period}",
            "company": data.organisation.legal_name,
            "created": created,
            "comments": f"Snapshot {data.fingerprint()}",
        }
    )
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    percent = workbook.add_format({"num_format": "0.0%"})
    for sheet in SHEETS:
        worksheet = workbook.add_worksheet(sheet.name, worksheet_class=StreamedSheet)
        worksheet.streamed = streamed
        for column, width in enumerate(sheet.widths):  # before the rows: they take it
            fmt = percent if sheet.header[column] == "Coverage" else None
            worksheet.set_column(column, column, width, fmt)
        worksheet.append_row(0, sheet.header, bold)
        count = 0
        for count, row in enumerate(sheet.rows(data), start=1):
            worksheet.append_row(count, row)
        worksheet.finish()
        worksheet.freeze_panes(1, 0)
        worksheet.autofilter(0, 0, max(count, 1), len(sheet.header) - 1)
        # Printed: landscape A4, one page wide, the header row on every page, page numbers.
        worksheet.set_landscape()
        worksheet.set_paper(9)
        worksheet.fit_to_pages(1, 0)
        worksheet.repeat_rows(0)
        worksheet.set_footer(f"&L{sheet.name}&RPage &P of &N")
        if data.draft:
            worksheet.set_header(f"&C&B{DRAFT_MARK}")
    workbook.close()
    return path
