"""DOCX renderings of a :class:`~oretrace.reporting.sections.Document`, for the legal team.

Same blocks as the EDGAR HTML, in Word's own styles (``Heading 1``–``Heading 4``, ``List
Bullet``, ``Caption``, ``Table Grid``), so the headings match the HTML one for one. The
core properties carry the snapshot date, and the zip is rewritten with every entry dated
the snapshot date, so the same snapshot gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import docx
from docx.document import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from oretrace.reporting.sections import (
    Block,
    Bullets,
    Document,
    Figure,
    Heading,
    Paragraph,
    Table,
    chart_table,
    printable,
)


def _paragraph(word: WordDocument, block: Paragraph) -> None:
    paragraph = word.add_paragraph()
    run = paragraph.add_run(printable(block.text))
    run.bold = block.bold or None
    if block.small:
        run.font.size = Pt(8)
    if block.centered:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _table(word: WordDocument, table: Table) -> None:
    if table.caption:
        word.add_paragraph(printable(table.caption), style="Caption")
    grid = word.add_table(rows=1 + len(table.rows), cols=len(table.header))
    grid.style = "Table Grid"
    for r, values in enumerate((table.header, *table.rows)):
        cells = grid.rows[r].cells
        for c, value in enumerate(values):
            paragraph = cells[c].paragraphs[0]
            run = paragraph.add_run(printable(value))
            run.bold = r == 0 or None
            if c in table.numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    word.add_paragraph()


def _block(word: WordDocument, block: Block) -> None:
    if isinstance(block, Heading):
        word.add_heading(printable(block.text), level=min(max(block.level, 1), 9))
    elif isinstance(block, Paragraph):
        _paragraph(word, block)
    elif isinstance(block, Bullets):
        for item in block.items:
            word.add_paragraph(printable(item), style="List Bullet")
    elif isinstance(block, Table):
        _table(word, block)
    elif isinstance(block, Figure):
        _table(word, chart_table(block.chart))


def render_docx(document: Document, as_of: dt.date, author: str) -> bytes:
    word = docx.Document()
    style = word.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(10)
    for block in document.blocks:
        _block(word, block)
    stamp = dt.datetime.combine(as_of, dt.time())
    props = word.core_properties
    props.title = printable(document.title)
    props.author = props.last_modified_by = printable(author)
    props.created = props.modified = props.last_printed = stamp
    props.revision = 1
    buffer = io.BytesIO()
    word.save(buffer)
    return _fixed_zip(buffer.getvalue(), as_of)


def _fixed_zip(content: bytes, as_of: dt.date) -> bytes:
    """The same zip with every entry dated ``as_of`` midnight and fixed attributes."""
    stamp = (max(as_of.year, 1980), as_of.month, as_of.day, 0, 0, 0)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(entry.filename))
    return out.getvalue()


def write_docx(document: Document, path: Path, as_of: dt.date, author: str) -> Path:
    path.write_bytes(render_docx(document, as_of, author))
    return path
