"""The report documents as plain structured data, shared by the HTML and DOCX writers.

A :class:`Document` is a title and a flat list of blocks: headings, paragraphs, bullet
lists, tables and figures. ``form_sd``, ``cmr`` and ``management`` build documents from a
:class:`~oretrace.reporting.data.ReportData`; ``html`` and ``docx_report`` only render
them, so the EDGAR HTML and the editable DOCX never say different things.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from oretrace.reporting.figures import ChartData

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True, slots=True)
class Heading:
    text: str
    level: int = 1  # 1–4


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    bold: bool = False
    centered: bool = False
    small: bool = False  # captions under a cover-page line, e.g. "(Exact name of registrant …)"


@dataclass(frozen=True, slots=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    numeric: tuple[int, ...] = ()  # column indexes aligned right
    centered: bool = False  # a form's boxes (Form SD cover): centred text, no grid


@dataclass(frozen=True, slots=True)
class Figure:
    """A chart: an image in the internal report, its numbers as a table everywhere else."""

    chart: ChartData


Block = Heading | Paragraph | Bullets | Table | Figure


DRAFT_MARK = "DRAFT - NOT FOR FILING"


@dataclass(frozen=True, slots=True)
class Document:
    title: str
    blocks: tuple[Block, ...]
    draft: bool = False  # stamped DRAFT on every page by each renderer

    def headings(self) -> list[tuple[int, str]]:
        return [(b.level, b.text) for b in self.blocks if isinstance(b, Heading)]

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def text(self) -> str:
        """All words of the document, one block a line (tables cell by cell)."""
        return "\n".join(_block_text(b) for b in self.blocks)


def _block_text(block: Block) -> str:
    if isinstance(block, Heading | Paragraph):
        return block.text
    if isinstance(block, Bullets):
        return "\n".join(block.items)
    if isinstance(block, Table | Figure):
        table = block if isinstance(block, Table) else chart_table(block.chart)
        return "\n".join(" | ".join(r) for r in (table.header, *table.rows))
    return ""


def chart_table(chart: ChartData) -> Table:
    """A chart's numbers as a table: one row per category, one column per series."""
    multi = len(chart.series) > 1
    header = (chart.category_label, *(s.label for s in chart.series))
    if multi:
        header = (*header, "Total")
    rows: list[tuple[str, ...]] = []
    for i, category in enumerate(chart.categories):
        values = [s.values[i] for s in chart.series]
        cells = [str(v) for v in values] + ([str(sum(values))] if multi else [])
        rows.append((category, *cells))
    if chart.categories:
        totals = [sum(s.values) for s in chart.series]
        rows.append(("Total", *(str(t) for t in totals), *([str(sum(totals))] if multi else [])))
    return Table(
        header=header,
        rows=tuple(rows),
        caption=chart.title,
        numeric=tuple(range(1, len(header))),
    )


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Text without control characters, which neither EDGAR nor Word's XML accept."""
    return CONTROL.sub(" ", text)


def filled(value: str, field: str) -> str:
    """A person's text from the organisation settings, or a visible placeholder naming it."""
    return value.strip() or f"[To be completed: Organisation.{field}]"


def long_date(day: dt.date) -> str:
    """``May 31, 2026``: the filers' style, independent of the machine's locale."""
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def series_text(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def plural(count: int, singular: str, plural_form: str = "") -> str:
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"
