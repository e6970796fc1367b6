"""HTML renderings of a :class:`~oretrace.reporting.sections.Document`.

``edgar_html`` writes what EDGAR accepts (EDGAR Filer Manual, Vol. II, ch. 5): the HTML
3.2 subset in :data:`EDGAR_TAGS`, inline ``style`` as the only presentation attribute,
links only to anchors inside the document, no scripts, no external resources, no nested
tables, no images (EDGAR takes graphics only as separate .jpg/.gif documents, so a chart's
numbers are printed as a table) and ASCII only — every other character becomes a numeric
character reference. ``edgar_violations`` checks a file against those rules.

``internal_html`` writes the management report: self-contained HTML5 (one ``<style>``
element, charts embedded as PNG ``data:`` URIs), never filed.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from html import escape
from html.parser import HTMLParser

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

EDGAR_TAGS = frozenset(
    {
        "html", "head", "title", "body", "div", "p", "br", "b", "i", "u", "font", "center",
        "table", "tr", "td", "th", "caption", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
        "ul", "ol", "li", "a", "sup", "sub", "pre", "dl", "dt", "dd", "blockquote", "em",
        "strong", "small", "big",
    }
)  # fmt: skip
EDGAR_ATTRIBUTES = frozenset({"style"})  # plus ``href="#…"`` and ``name`` on <a>
FORBIDDEN_CSS = ("url(", "expression(", "@import", "behavior")
#: EDGAR accepts a DOCTYPE; with it browsers render in standards mode, so table text takes the
#: body's size instead of the browser default (quirks mode does not inherit into tables).
EDGAR_DOCTYPE = (
    '<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" '
    '"http://www.w3.org/TR/html4/loose.dtd">'
)
BODY_STYLE = "font-family: 'Times New Roman', Times, serif; font-size: 10pt"
#: One type scale for the filings: body and tables 10pt, captions 8pt, headings 14/12/11/10pt.
HEADING_SIZES = {1: "14pt", 2: "12pt", 3: "11pt", 4: "10pt", 5: "10pt", 6: "10pt"}
CELL_STYLE = "border: 1px solid #000000; padding: 2px 4px; vertical-align: top; font-size: 10pt"
TABLE_STYLE = "border-collapse: collapse; width: 100%; margin-bottom: 8pt; font-size: 10pt"
DRAFT_STYLE = (
    "text-align: center; font-weight: bold; font-size: 12pt; border: 2px solid #000000; "
    "padding: 4pt; margin: 0 0 12pt 0"
)
INTERNAL_STYLE = """
body { font-family: Helvetica, Arial, sans-serif; max-width: 60rem; margin: 2rem auto;
       color: #1b1b1b; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #999; padding: 0.2rem 0.5rem; text-align: left; }
td.n { text-align: right; }
caption { text-align: left; font-weight: bold; padding: 0.3rem 0; }
figure { margin: 1rem 0 2rem; }
figure img { max-width: 100%; height: auto; }
.draft { position: fixed; top: 0; left: 0; right: 0; text-align: center; font-weight: bold;
         letter-spacing: 0.2em; background: #fff3cd; border-bottom: 2px solid #b58100;
         padding: 0.2rem; }
body.draft-body { padding-top: 2rem; }
@media print { body { max-width: none; margin: 0; } tr { break-inside: avoid; }
               thead { display: table-header-group; } }
"""


def _text(value: str) -> str:
    return escape(printable(value), quote=True)


FORM_CELL_STYLE = "padding: 2px 4px; vertical-align: top; text-align: center"


def _cell_style(column: int, table: Table, header: bool) -> str:
    if table.centered:  # a form's boxes: value in bold above its small caption
        return f"{FORM_CELL_STYLE}; font-size: {'10pt; font-weight: bold' if header else '8pt'}"
    align = "right" if column in table.numeric else "left"
    weight = "; font-weight: bold" if header else ""
    return f"{CELL_STYLE}; text-align: {align}{weight}"


def _edgar_table(table: Table) -> str:
    lines = [f'<table style="{TABLE_STYLE}">']
    if table.caption:
        lines.append(f'<caption style="text-align: left"><b>{_text(table.caption)}</b></caption>')
    cells = "".join(
        f'<th style="{_cell_style(i, table, True)}">{_text(v)}</th>'
        for i, v in enumerate(table.header)
    )
    lines.append(f"<tr>{cells}</tr>")
    for row in table.rows:
        cells = "".join(
            f'<td style="{_cell_style(i, table, False)}">{_text(v)}</td>' for i, v in enumerate(row)
        )
        lines.append(f"<tr>{cells}</tr>")
    lines.append("</table>")
    return "\n".join(lines)


def _paragraph(block: Paragraph) -> str:
    styles = ["margin: 0 0 6pt 0"]
    if block.centered:
        styles.append("text-align: center")
    if block.small:
        styles.append("font-size: 8pt")
    body = f"<b>{_text(block.text)}</b>" if block.bold else _text(block.text)
    return f'<p style="{"; ".join(styles)}">{body}</p>'


def _common(block: Block) -> str | None:
    """Blocks rendered the same way in every flavour; None for tables and figures."""
    if isinstance(block, Heading):
        level = min(max(block.level, 1), 6)
        center = "; text-align: center" if block.level == 1 else ""
        size = HEADING_SIZES[level]
        style = f"margin: 12pt 0 6pt 0; font-size: {size}{center}"
        return f'<h{level} style="{style}">{_text(block.text)}</h{level}>'
    if isinstance(block, Paragraph):
        return _paragraph(block)
    if isinstance(block, Bullets):
        items = "".join(f"<li>{_text(item)}</li>" for item in block.items)
        return f"<ul>{items}</ul>"
    return None


def edgar_html(document: Document) -> bytes:
    """The document as an EDGAR HTML submission document, ASCII bytes."""
    parts = [
        EDGAR_DOCTYPE,
        "<html>",
        f"<head><title>{_text(document.title)}</title></head>",
        f'<body style="{BODY_STYLE}">',
    ]
    draft = f'<p style="{DRAFT_STYLE}">{DRAFT_MARK}</p>'
    if document.draft:
        parts.append(draft)
    for block in document.blocks:
        rendered = _common(block)
        if rendered is None:
            table = block if isinstance(block, Table) else chart_table(_figure(block).chart)
            rendered = _edgar_table(table)
        parts.append(rendered)
    if document.draft:
        parts.append(draft)
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts).encode("ascii", "xmlcharrefreplace")


def _figure(block: Block) -> Figure:
    assert isinstance(block, Figure)
    return block


def _internal_table(table: Table) -> str:
    lines = ["<table>"]
    if table.caption:
        lines.append(f"<caption>{_text(table.caption)}</caption>")
    lines.append("<tr>" + "".join(f"<th>{_text(v)}</th>" for v in table.header) + "</tr>")
    for row in table.rows:
        cells = "".join(
            f'<td class="n">{_text(v)}</td>' if i in table.numeric else f"<td>{_text(v)}</td>"
            for i, v in enumerate(row)
        )
        lines.append(f"<tr>{cells}</tr>")
    lines.append("</table>")
    return "\n".join(lines)


def internal_html(document: Document, png_charts: Mapping[str, bytes]) -> bytes:
    """The management report: charts embedded as PNG data URIs, with their numbers."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        '<head><meta charset="utf-8">',
        f"<title>{_text(document.title)}</title>",
        f"<style>{INTERNAL_STYLE}</style></head>",
        '<body class="draft-body">' if document.draft else "<body>",
    ]
    if document.draft:  # position: fixed repeats it on every printed page
        parts.append(f'<div class="draft">{DRAFT_MARK}</div>')
    for block in document.blocks:
        rendered = _common(block)
        if rendered is None and isinstance(block, Figure):
            rendered = _internal_figure(block, png_charts.get(block.chart.name))
        elif rendered is None and isinstance(block, Table):
            rendered = _internal_table(block)
        parts.append(rendered or "")
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts).encode("utf-8")


def _internal_figure(block: Figure, png: bytes | None) -> str:
    table = _internal_table(chart_table(block.chart))
    if png is None:
        return table
    data = base64.b64encode(png).decode("ascii")
    image = f'<img src="data:image/png;base64,{data}" alt="{_text(block.chart.title)}">'
    return f"<figure>{image}<figcaption>{table}</figcaption></figure>"


class _EdgarCheck(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.open_tables = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        where = f"line {self.getpos()[0]}: <{tag}>"
        if tag not in EDGAR_TAGS:
            self.problems.append(f"{where} is not an EDGAR tag")
        for name, value in attrs:
            self._attribute(where, tag, name, value or "")
        if tag == "table":
            self.open_tables += 1
            if self.open_tables > 1:
                self.problems.append(f"{where} nested table")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.open_tables -= 1

    def _attribute(self, where: str, tag: str, name: str, value: str) -> None:
        if tag == "a" and name == "href":
            if not value.startswith("#"):
                self.problems.append(f"{where} links outside the document: {value}")
        elif tag == "a" and name == "name":
            return
        elif name not in EDGAR_ATTRIBUTES:
            self.problems.append(f"{where} attribute {name} is not allowed")
        elif any(bad in value.lower() for bad in FORBIDDEN_CSS):
            self.problems.append(f"{where} style loads or runs something: {value}")


def edgar_violations(content: bytes) -> list[str]:
    """Every breach of the EDGAR rules above in an HTML file; empty when it may be filed."""
    problems: list[str] = []
    try:
        text = content.decode("ascii")
    except UnicodeDecodeError as error:
        return [f"byte {error.start}: not ASCII"]
    if re.search(r"<!--|<!\[CDATA\[", text):
        problems.append("comments or CDATA sections")
    check = _EdgarCheck()
    check.feed(text)
    check.close()
    return problems + check.problems
