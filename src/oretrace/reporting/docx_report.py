"""DOCX renderings of a :class:`~oretrace.reporting.sections.Document`, for the legal team.

Same blocks as the EDGAR HTML, in Word's own styles (``Heading 1``–``Heading 4``, ``List
Bullet``, ``Caption``, ``Table Grid``), so the headings match the HTML one for one. Laid out
as a filing: US Letter, one serif family (Times New Roman, black) for body and headings, the
level-1 heading centred, table columns sized to their content, header rows repeated and no
row split across pages, "Page N of M" in every footer and, for a draft,
DRAFT in every header. The core properties carry the snapshot date, and the zip is
rewritten with every entry dated the snapshot date, so the same snapshot gives the same
bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import docx
from docx.document import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Inches, Pt, RGBColor
from docx.table import Table as WordTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph as WordParagraph

from oretrace.reporting.sections import (
    DRAFT_MARK,
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


FONT = "Times New Roman"
TEXT_WIDTH = Inches(6.5)  # US Letter, one-inch margins
HEADING_SIZES = {1: 14, 2: 12, 3: 11, 4: 10}


CHAR = Inches(0.085)  # a 10pt serif character, generously (bold, or a wider substitute)
CELL_PADDING = Inches(0.2)


def column_widths(table: Table, total: int = TEXT_WIDTH) -> list[int]:
    """Widths (EMU) that sum to ``total``: each column at least as wide as its longest word
    (so no word is split), the rest shared by how much more text each column holds."""
    rows = (table.header, *table.rows)
    least, wants = [], []
    for c in range(len(table.header)):
        texts = [printable(r[c]) if c < len(r) else "" for r in rows]
        longest_word = max((len(w) for t in texts for w in t.split()), default=1)
        longest = max((len(t) for t in texts), default=0)
        least.append(int(longest_word * CHAR + CELL_PADDING))
        wants.append(max(min(longest, 60) - longest_word, 0))
    spare = total - sum(least)
    if spare <= 0:  # too many long words: shrink in proportion
        widths = [int(w * total / sum(least)) for w in least]
    else:
        share = sum(wants) or len(wants)
        widths = [
            w + int(spare * (want if sum(wants) else 1) / share)
            for w, want in zip(least, wants, strict=True)
        ]
    widths[-1] += total - sum(widths)
    return widths


def _row_properties(grid: WordTable) -> None:
    for r, row in enumerate(grid.rows):
        properties = row._tr.get_or_add_trPr()
        properties.append(OxmlElement("w:cantSplit"))  # a row stays on one page
        if r == 0:
            properties.append(OxmlElement("w:tblHeader"))  # repeated on every page


def _table(word: WordDocument, table: Table) -> None:
    if table.caption:
        caption = word.add_paragraph(printable(table.caption), style="Caption")
        caption.paragraph_format.keep_with_next = True
    grid = word.add_table(rows=1 + len(table.rows), cols=len(table.header))
    grid.style = None if table.centered else "Table Grid"
    grid.autofit = False
    widths = (
        [TEXT_WIDTH // len(table.header)] * len(table.header)
        if table.centered
        else column_widths(table)
    )
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = width
    for r, (row, values) in enumerate(zip(grid.rows, (table.header, *table.rows), strict=True)):
        # The row's own cells: ``row.cells`` rebuilds every cell of the table each time.
        cells = [_Cell(tc, grid) for tc in row._tr.tc_lst]
        for c, value in enumerate(values):
            cells[c].width = Emu(widths[c])
            paragraph = cells[c].paragraphs[0]
            run = paragraph.add_run(printable(value))
            run.bold = r == 0 or None
            if table.centered:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                if r > 0:
                    run.font.size = Pt(8)
            elif c in table.numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _row_properties(grid)
    word.add_paragraph()


def _field(paragraph: WordParagraph, instruction: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _page_setup(word: WordDocument, draft: bool) -> None:
    section = word.sections[0]
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Inches(1))
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")
    if draft:
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = header.add_run(DRAFT_MARK)
        run.bold = True


def _styles(word: WordDocument) -> None:
    """One serif family in black for everything, as filings are printed."""
    defaults = word.styles.element.find(qn("w:docDefaults"))
    fonts = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:rFonts"))
    for attribute in list(fonts.attrib):
        del fonts.attrib[attribute]
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    for style in word.styles:
        font = getattr(style, "font", None)
        if font is None:
            continue
        font.name = FONT
        element = style.element.rPr
        if element is not None and element.rFonts is not None:
            for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                element.rFonts.attrib.pop(qn(attribute), None)
    word.styles["Normal"].font.size = Pt(10)
    for level, size in HEADING_SIZES.items():
        font = word.styles[f"Heading {level}"].font
        font.size = Pt(size)
        font.color.rgb = RGBColor(0, 0, 0)
        font.bold = True
        font.italic = False
    word.styles["Caption"].font.color.rgb = RGBColor(0, 0, 0)


def _block(word: WordDocument, block: Block) -> None:
    if isinstance(block, Heading):
        heading = word.add_heading(printable(block.text), level=min(max(block.level, 1), 9))
        heading.paragraph_format.keep_with_next = True
        if block.level == 1:
            heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
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
    _styles(word)
    _page_setup(word, document.draft)
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
