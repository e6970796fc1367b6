"""Read the cached cell values of an OOXML workbook (.xlsx/.xlsm) straight from its XML.

What python-calamine does for a whole workbook, done for the sheets a caller asks for:
zip members are inflated with libdeflate (the ``deflate`` package), shared strings are
decoded only for the indexes a sheet uses, and a sheet's XML is cut at every ``</v>`` so
only cells holding a value cost Python work — the ~70,000 styled but empty template
cells of a CMRT Smelter List cost one C-level split, not an XML parse. Values follow
calamine's rules exactly (shared text, booleans, errors read as ``""``, numbers as
``float``, dates by the cell's number format, the 1904 date system, XML line-end
normalisation and ``_xHHHH_`` escapes). Anything the scanner does not know — inline
strings, ISO dates, unknown error codes, prefixed XML, cells without a reference, strict
OOXML — raises :class:`Unsupported`, and the caller reads that sheet with calamine.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import struct
import zipfile
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter

from deflate import crc32, deflate_decompress  # libdeflate: ~5x faster than zlib on a 5 MB part
from lxml import etree

from oretrace.cmrt.workbook import CellValue, Grid


class Unsupported(Exception):
    """The scanner cannot read this part exactly; read it with calamine."""


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_NAME_AND_EXTRA = struct.Struct("<HH")  # at offset 26 of a zip local file header

#: ``<c r="B5" s="182" t="s"`` — the attribute order Excel and xlsxwriter write.
_HEAD = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"(?: s="([0-9]+)")?(?: t="([a-zA-Z]+)")?\s*$')
#: A whole value cell up to its value's end, as Excel writes it (formula optional).
_CELL = re.compile(
    rb'<c r="([A-Z]{1,3})([0-9]+)"(?: s="([0-9]+)")?(?: t="([a-zA-Z]+)")?>'
    rb"(?:<f>[^<]*</f>|<f [^>]*/>|<f [^>]*>[^<]*</f>)?"
    rb'<v(?: xml:space="preserve")?>([^<]*)\Z'
)
_ATTR = re.compile(rb'\s([A-Za-z:]+)\s*=\s*"([^"]*)"')
_REF = re.compile(rb"^([A-Z]{1,3})([0-9]+)$")
_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|amp|lt|gt|quot|apos);")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_KNOWN_ERRORS = frozenset(
    {b"#DIV/0!", b"#N/A", b"#NAME?", b"#NULL!", b"#NUM!", b"#REF!", b"#VALUE!"}
)
_T_TOKEN = re.compile(rb"<(/?)(r|rPh|t)\b([^>]*?)(/?)>")
_NUMFMT = re.compile(rb'<numFmt numFmtId="([0-9]+)" formatCode="([^"]*)"')
_XF = re.compile(rb"<xf [^>]*>")
_NUMFMT_ID = re.compile(rb' numFmtId="([0-9]+)"')
_EPOCH = dt.datetime(1899, 12, 30)

# calamine's CellFormat
_OTHER, _DATETIME, _DURATION = 0, 1, 2
_BUILTIN_DATES = {14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 47}


def _unescape(raw: bytes) -> str:
    """XML text as calamine reads it: line ends normalised, entities, then ``_xHHHH_``."""
    text = raw.decode("utf-8")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "&" in text:
        text = _ENTITY.sub(_entity, text)
    if "_x" in text:
        text = _ESCAPED.sub(_escaped, text)
    return text


def _escaped(match: re.Match[str]) -> str:
    return chr(int(match.group(1), 16))


def _entity(match: re.Match[str]) -> str:
    name = match.group(1)
    if name[0] == "#":
        return chr(int(name[2:], 16) if name[1] in "xX" else int(name[1:]))
    return _NAMED[name]


_COLUMNS: dict[bytes, int] = {}
_MISSING: CellValue = "\x00missing"  # a sentinel no cell holds (cached values are XML text)


def _column(letters: bytes) -> int:
    index = _COLUMNS.get(letters)
    if index is None:
        index = 0
        for char in letters:
            index = index * 26 + (char - 64)
        _COLUMNS[letters] = index
    return index


def number_format_kind(code: str) -> int:
    """calamine's reading of a custom number format: other, date-time or duration."""
    escaped = is_quote = ap = hms = False
    brackets = 0
    prev = " "
    for char in code:
        if escaped:
            escaped = False
        elif char in "_\\*":
            escaped = True
        elif is_quote:
            if char == '"':
                is_quote = False
        elif char == '"':
            is_quote = True
        elif char == ";":
            return _OTHER
        elif char == "[":
            brackets += 1
        elif char == "]" and brackets == 1 and hms:
            return _DURATION
        elif char == "]":
            brackets = max(brackets - 1, 0)
        elif char in "aA" and not ap and brackets == 0:
            ap = True
        elif brackets == 0 and (char in "pm/PM" if ap else char in "dmhysDMHYS"):
            return _DATETIME
        elif not (hms and char.casefold() == prev.casefold()):
            hms = prev == "[" and char in "mhsMHS"
        prev = char
    return _OTHER


def excel_datetime(value: float, kind: int, is_1904: bool) -> CellValue:
    """A number in a date-formatted cell, converted as python-calamine converts it."""
    if kind == _DURATION:
        return dt.timedelta(milliseconds=_round_half_away(value * 86_400_000))
    days = value + 1462.0 if is_1904 else value
    days = days if days >= 60.0 else days + 1.0
    try:
        moment = _EPOCH + dt.timedelta(milliseconds=_round_half_away(days * 86_400_000))
    except OverflowError:
        return value
    if value < 1.0:
        return moment.time()
    if value == math.floor(value):
        return moment.date()
    return moment


def _round_half_away(value: float) -> int:
    return int(math.floor(value + 0.5)) if value >= 0 else -int(math.floor(-value + 0.5))


@dataclass(frozen=True, slots=True)
class SheetPart:
    name: str
    path: str


class OoxmlWorkbook:
    """Sheet names, shared strings, number formats and sheet cells of one OOXML workbook."""

    def __init__(self, data: bytes) -> None:
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            self._members = {i.filename.casefold(): i for i in self._zip.infolist()}
            self._data = data
            book = etree.fromstring(self._part("xl/workbook.xml"), _PARSER)
            rels = etree.fromstring(self._part("xl/_rels/workbook.xml.rels"), _PARSER)
        except (KeyError, OSError, ValueError, zipfile.BadZipFile, etree.XMLSyntaxError) as exc:
            raise Unsupported(f"workbook part unreadable ({exc})") from exc
        if book.tag != f"{{{_MAIN}}}workbook":
            raise Unsupported(f"not a transitional SpreadsheetML workbook ({book.tag})")
        targets = {r.get("Id"): r.get("Target") or "" for r in rels.iter(_PKG_REL)}
        self.sheets: list[SheetPart] = []
        for sheet in book.iterfind(f"{{{_MAIN}}}sheets/{{{_MAIN}}}sheet"):
            target = targets.get(sheet.get(f"{{{_REL}}}id"), "")
            path = target[1:] if target.startswith("/") else f"xl/{target}"
            self.sheets.append(SheetPart(sheet.get("name") or "", path))
        pr = book.find(f"{{{_MAIN}}}workbookPr")
        self.is_1904 = pr is not None and pr.get("date1904") in ("1", "true")
        self.sheet_names = [s.name for s in self.sheets]
        self._strings: SharedStrings | None = None
        self._formats: list[int] | None = None

    # ── parts ────────────────────────────────────────────────────────────────────────
    def _part(self, name: str) -> bytes:
        info = self._members[name.casefold()]
        if info.compress_type == zipfile.ZIP_DEFLATED:
            offset = info.header_offset
            name_len, extra_len = _NAME_AND_EXTRA.unpack_from(self._data, offset + 26)
            start = offset + 30 + name_len + extra_len
            raw = self._data[start : start + info.compress_size]
            try:
                out = bytes(deflate_decompress(raw, info.file_size))
            except Exception as exc:  # libdeflate raises DeflateError on damaged streams
                raise ValueError(f"member {name} cannot be inflated ({exc})") from exc
            if crc32(out) != info.CRC:  # libdeflate's: ~3.5x faster than zlib's
                raise ValueError(f"member {name} fails its CRC check")
            return out
        return self._zip.read(info)

    def has_part(self, name: str) -> bool:
        return name.casefold() in self._members

    # ── workbook-wide tables ────────────────────────────────────────────────────────
    @property
    def strings(self) -> SharedStrings:
        if self._strings is None:
            path = "xl/sharedStrings.xml"
            self._strings = SharedStrings(self._part(path) if self.has_part(path) else b"")
        return self._strings

    @property
    def formats(self) -> list[int]:
        """Per cell style (``s``): other, date-time or duration, as calamine reads styles."""
        if self._formats is None:
            path = "xl/styles.xml"
            self._formats = _cell_formats(self._part(path)) if self.has_part(path) else []
        return self._formats

    # ── sheets ──────────────────────────────────────────────────────────────────────
    def sheet_rows(self, name: str, max_rows: int) -> list[list[CellValue]]:
        """The sheet as rows of values from A1 (1-based row r is ``rows[r - 1]``).

        Rows end at the last cell holding a value; like calamine's ``to_python`` every
        row is padded with ``""`` to the widest row. Raises :class:`Unsupported`.
        """
        part = next((s for s in self.sheets if s.name == name), None)
        if part is None or not self.has_part(part.path):
            raise Unsupported(f"sheet {name!r} has no part")
        try:
            xml = self._part(part.path)
        except (KeyError, OSError, ValueError, zipfile.BadZipFile) as exc:
            raise Unsupported(str(exc)) from exc
        return _SheetScan(self, xml, max_rows).rows()

    def sheet_head_rows(self, name: str, last_row: int, max_rows: int) -> list[list[CellValue]]:
        """The rows up to ``last_row`` of what :meth:`sheet_rows` reads, without scanning
        the rest of the part: the XML is cut before the first row below ``last_row``.

        Each row is padded to the widest row *of those read*, and cells with an empty cached
        value after the last value are not kept (they only hold ``""``), so the caller must
        check that what it needs lies inside (``oretrace.cmrt.workbook.Workbook.sheet_head``).
        A part whose last row passes ``max_rows`` is scanned whole, to fail as
        :meth:`sheet_rows` does. Raises :class:`Unsupported`.
        """
        part = next((s for s in self.sheets if s.name == name), None)
        if part is None or not self.has_part(part.path):
            raise Unsupported(f"sheet {name!r} has no part")
        try:
            xml = self._part(part.path)
        except (KeyError, OSError, ValueError, zipfile.BadZipFile) as exc:
            raise Unsupported(str(exc)) from exc
        if b'"inlineStr"' in xml:
            raise Unsupported("inline strings")
        cut = _rows_end(xml, last_row)
        tail = xml.rfind(b"<row ")
        final = _ROW_NUMBER.match(xml, tail) if tail >= 0 else None
        if cut is None or final is None or int(final.group(1)) > max_rows:
            return _SheetScan(self, xml, max_rows).rows()
        head = xml[:cut] + b"</sheetData></worksheet>"
        return _SheetScan(self, head, max_rows).rows(trailing=False)


#: A row's start tag with its number (``r``) as its first attribute, as Excel writes it.
_ROW_NUMBER = re.compile(rb'<row r="([0-9]+)"')


def _rows_end(xml: bytes, last_row: int) -> int | None:
    """Where the first row numbered past ``last_row`` starts; None when none does or a row
    tag does not name its number first (then the whole part is read)."""
    at = xml.find(b"<sheetData")
    while True:
        at = xml.find(b"<row", at + 1)
        if at < 0:
            return None
        if xml[at + 4 : at + 5] not in (b" ", b">", b"/"):
            continue  # <rowBreaks> and the like
        found = _ROW_NUMBER.match(xml, at)
        if found is None:
            return None
        if int(found.group(1)) > last_row:
            return at


class SharedStrings:
    """``xl/sharedStrings.xml``, split once, each item decoded the first time it is used."""

    def __init__(self, xml: bytes) -> None:
        items = xml.split(b"<si>")
        if xml.count(b"<si") != len(items) - 1:
            raise Unsupported("shared strings with attributes or empty items")
        self._items = items[1:]
        self._decoded: dict[int, str] = {}
        # calamine drops items without text (no <t> outside phonetic runs): keep its indexes
        self._index: list[int] | None = None

    def get(self, index: int) -> str:
        found = self._decoded.get(index)
        if found is not None:
            return found
        items = self._items
        position = index
        if self._index is not None:
            position = self._index[index]
        text = _known_text(items[position])
        if text is None:
            self._reindex()
            return self.get(index)
        self._decoded[index] = text
        return text

    def _reindex(self) -> None:
        if self._index is not None:
            raise Unsupported("shared string index out of range")
        self._index = [i for i, item in enumerate(self._items) if _known_text(item) is not None]
        self._decoded.clear()


#: Decoded shared-string items by their exact bytes, kept across the workbooks one process
#: reads: supplier files made from the same template repeat thousands of its strings (the
#: language and look-up sheets), each at another index but with the same ``<si>`` bytes.
_TEXTS: dict[bytes, str | None] = {}
#: Items kept at most; the table is emptied when full (a few MB of text at most).
TEXTS_KEPT = 100_000


def _known_text(item: bytes) -> str | None:
    """:func:`_item_text`, computed once per distinct item per process."""
    try:
        return _TEXTS[item]
    except KeyError:
        pass
    text = _item_text(item)
    if len(_TEXTS) >= TEXTS_KEPT:
        _TEXTS.clear()
    _TEXTS[item] = text
    return text


def _item_text(item: bytes) -> str | None:
    """One ``<si>`` item's text as calamine reads it; None when it has none."""
    end = item.find(b"</si>")
    body = item if end < 0 else item[:end]
    if b"<r>" not in body and b"<r " not in body and b"<rPh" not in body:
        start = body.find(b"<t")
        if start < 0:
            return None
        close = body.find(b">", start)
        if body[close - 1 : close] == b"/":
            return ""
        stop = body.find(b"</t>", close)
        if stop < 0:
            raise Unsupported("unterminated <t> in shared strings")
        return _text(body[close + 1 : stop], body[start:close])
    rich: list[str] | None = None
    phonetic = False
    for token in _T_TOKEN.finditer(body):
        closing, tag, attrs, empty = token.groups()
        if tag == b"r" and not closing:
            rich = rich if rich is not None else []
        elif tag == b"rPh":
            phonetic = not closing and not empty
        elif tag == b"t" and not closing and not phonetic:
            if empty:
                text = ""
            else:
                stop = body.find(b"</t>", token.end())
                if stop < 0:
                    raise Unsupported("unterminated <t> in shared strings")
                text = _text(body[token.end() : stop], attrs)
            if rich is None:
                return text
            rich.append(text)
    return None if rich is None else "".join(rich)


def _text(raw: bytes, tag: bytes) -> str:
    """A ``<t>`` element's text: calamine trims it unless it says ``xml:space="preserve"``."""
    return _unescape(raw if b"preserve" in tag else raw.strip(b" \t\r\n"))


def _cell_formats(xml: bytes) -> list[int]:
    custom: dict[bytes, int] = {}
    start = xml.find(b"<numFmts")
    if start >= 0:
        stop = xml.find(b"</numFmts>", start)
        stop = stop if stop > 0 else len(xml)
        found = _NUMFMT.findall(xml, start, stop)
        if len(found) != xml.count(b"<numFmt ", start, stop):
            raise Unsupported("number formats written in an unusual attribute order")
        for ident, code in found:
            if code:
                custom[ident] = number_format_kind(_unescape(code))
    start = xml.find(b"<cellXfs")
    if start < 0:
        return []
    stop = xml.find(b"</cellXfs>", start)
    formats: list[int] = []
    for tag in _XF.findall(xml, start, stop if stop > 0 else len(xml)):
        match = _NUMFMT_ID.search(tag)
        ident = match.group(1) if match else None
        if ident is None:
            formats.append(_OTHER)
        elif ident in custom:
            formats.append(custom[ident])
        elif ident == b"46":
            formats.append(_DURATION)
        else:
            formats.append(_DATETIME if int(ident) in _BUILTIN_DATES else _OTHER)
    return formats


#: A cell's key in :attr:`_SheetScan.cells`: ``row << _SHIFT | column`` (columns up to ZZZ,
#: 18,278, fit in 15 bits).
_SHIFT = 15
_COLUMN_MASK = (1 << _SHIFT) - 1


class RowLimit(Exception):
    """A sheet has a value below the configured row limit."""

    def __init__(self, row: int) -> None:
        super().__init__(row)
        self.row = row


class _SheetScan:
    """One pass over a sheet part, touching only the cells that hold a value.

    The XML is split at every ``</v>``: each piece ends with one cell's start tag, its
    formula and its value, so the work grows with the number of values, not with the
    ~70,000 styled but empty template cells of a CMRT Smelter List.
    """

    def __init__(self, book: OoxmlWorkbook, xml: bytes, max_rows: int) -> None:
        self.book = book
        self.xml = xml
        self.max_rows = max_rows
        #: values by ``row << _SHIFT | column``: one dict, not one per row (fewer objects
        #: for the cyclic collector to walk while ~2,500 rows are read)
        self.cells: dict[int, CellValue] = {}
        self.width = 0

    def rows(self, trailing: bool = True) -> Grid:
        """The grid; ``trailing``: keep empty-text cells after the last value (see
        :meth:`_trailing_empty_text`)."""
        xml = self.xml
        start = xml.find(b"<sheetData")
        if start < 0 or xml.find(b"<worksheet", 0, start) < 0:
            raise Unsupported("no <sheetData> in a <worksheet>")
        if xml.rfind(b"</sheetData>") < 0:
            if xml.find(b"/>", start) == xml.find(b">", start) - 1:
                return Grid()  # <sheetData/>
            raise Unsupported("unterminated <sheetData>")
        if b'"inlineStr"' in xml:
            raise Unsupported("inline strings")
        # Empty cached values (<v></v>, ~35,000 in a blank template) only hold "": treat them
        # like <v/>, so that the Python loop below sees real values only. Writers use one
        # form throughout, so looking at the first rows decides (either way reads the same).
        if xml.find(b"<v></v>", start, start + 262_144) >= 0:
            xml = xml.replace(b"<v></v>", b"<v/>")
        pieces = xml.split(b"</v>")
        last = pieces.pop()
        if pieces:
            pieces[0] = pieces[0][start:]
        else:
            last = last[start:]
        self._values(pieces)
        if trailing:
            self._trailing_empty_text(last)
        return _grid(self.cells, self.width)

    def _values(self, pieces: list[bytes]) -> None:
        """Each piece ends with ``<c r=.. s=.. t=..><f>..</f><v>VALUE``: read VALUE.

        A cell's bytes (from its ``<c `` to its value) are read once per process
        (:data:`_PARSED`): the ~5,000 cached ``#N/A`` and ``0`` cells of a CMRT Smelter
        List's empty template rows, and a look-up sheet the supplier never touches, are the
        same bytes in every file made from that template, so they cost a C-level slice and
        a dictionary look-up, not a regular-expression match. A value is converted once per
        distinct (type, style, text) and file: shared strings and number formats are the
        file's own.
        """
        cells = self.cells
        columns = _COLUMNS
        memo: dict[tuple[bytes | None, bytes | None, bytes], CellValue | None] = {}
        parsed = _PARSED
        width = self.width
        max_rows = self.max_rows
        # a piece's last _WINDOW bytes hold its cell whole, unless a long formula pushes the
        # cell's "<c " further back (then the cell's own bytes are the key)
        windows: list[bytes] = list(map(_WINDOW, pieces))
        for piece, window, hit in zip(pieces, windows, map(parsed.get, windows), strict=True):
            if hit is None:
                hit = _read_cell(piece, window, columns)
            row, col, key = hit
            value = memo.get(key, _MISSING)
            if value is _MISSING:
                value = memo[key] = self._convert(*key)
            if value is None:
                continue  # an empty number or shared-string cell: Empty, as in calamine
            if row > max_rows:
                raise RowLimit(row)
            cells[row << _SHIFT | col] = value
            if col > width:
                width = col
        self.width = width

    def _convert(self, kind: bytes | None, style: bytes | None, raw: bytes) -> CellValue | None:
        if kind == b"s":
            if not raw:
                return None
            try:
                return self.book.strings.get(int(raw))
            except (IndexError, ValueError) as exc:
                raise Unsupported("shared string index not found") from exc
        if kind is None or kind == b"n":
            return self._number(raw, kind, style) if raw else None
        if kind == b"e":
            if raw not in _KNOWN_ERRORS:
                raise Unsupported(f"error value {raw!r}")
            return ""  # errors read as empty, as python-calamine returns them
        if kind == b"str":
            return _unescape(raw)
        if kind == b"b":
            return raw != b"0"
        raise Unsupported(f"cell type {kind!r}")

    def _number(self, raw: bytes, kind: bytes | None, style: bytes | None) -> CellValue:
        try:
            number = float(raw)
        except ValueError:
            if kind is not None:
                raise Unsupported("a number cell that holds no number") from None
            return _unescape(raw)
        if style is None:
            return number
        formats = self.book.formats
        index = int(style)
        # a style past cellXfs reads as a plain number, as in calamine
        fmt = formats[index] if index < len(formats) else _OTHER
        if fmt == _OTHER:
            return number
        return excel_datetime(number, fmt, self.book.is_1904)

    def _put(self, row: int, col: int, value: CellValue) -> None:
        if row > self.max_rows:
            raise RowLimit(row)
        self.cells[row << _SHIFT | col] = value
        if col > self.width:
            self.width = col

    def _trailing_empty_text(self, tail: bytes) -> None:
        """Text formula cells with an empty cached value (``<v/>``) after the last value.

        calamine keeps them as ``""`` cells, so they extend its range: the last one sets
        the height, as it does there. (Those before the last value only hold ``""``
        inside the range.)
        """
        end = len(tail)
        while (at := tail.rfind(b"<v/>", 0, end)) >= 0:
            start = tail.rfind(b"<c ", 0, at)
            close = tail.find(b">", start)
            if start < 0 or close < 0:
                raise Unsupported("a value outside a referenced cell")
            match = _HEAD.match(tail, start, close)
            letters, digits, _style, kind = (
                match.groups() if match is not None else _generic_head(tail[start:close])
            )
            if kind == b"str":
                self._put(int(digits), _column(letters), "")
                return
            end = start


def _generic_cell(piece: bytes, at: int) -> tuple[bytes, bytes, bytes | None, bytes | None, bytes]:
    """A cell the fast pattern does not fit: other attributes, order or spacing."""
    tag = piece.rfind(b"<v")
    close = piece.find(b">", at, tag)
    if tag < 0 or at < 0 or close < 0 or piece.find(b"</c>", at, tag) >= 0:
        raise Unsupported("a value outside a referenced cell")
    letters, digits, style, kind = _generic_head(piece[at:close])
    value_start = piece.find(b">", tag) + 1
    if piece[value_start - 2 : value_start] == b"/>" or b"<" in piece[value_start:]:
        raise Unsupported("a <v> element that is not plain text")
    return letters, digits, style, kind, piece[value_start:]


def _generic_head(head: bytes) -> tuple[bytes, bytes, bytes | None, bytes | None]:
    if head.endswith(b"/"):
        raise Unsupported("a value after an empty cell")
    attrs = dict(_ATTR.findall(head))
    ref = attrs.get(b"r")
    match = _REF.match(ref) if ref else None
    if match is None:
        raise Unsupported("a cell without a reference")
    return match.group(1), match.group(2), attrs.get(b"s"), attrs.get(b"t")


#: A cell's bytes (``<c ...>`` up to its value's text) → (row, column, (type, style, text)),
#: kept across the workbooks one process reads (see :meth:`_SheetScan._values`).
_PARSED: dict[bytes, tuple[int, int, tuple[bytes | None, bytes | None, bytes]]] = {}
#: Cells kept at most (~330 bytes each: ~33 MB at most; a CMRT 6.x template, Smelter List
#: and look-up sheets, is ~12,000 cells); the table is emptied when full.
CELLS_KEPT = 100_000
#: How much of a piece's end is its key: a CMRT cell with its formula fits in 320 bytes.
_WINDOW = itemgetter(slice(-320, None))


def _read_cell(
    piece: bytes, window: bytes, columns: dict[bytes, int]
) -> tuple[int, int, tuple[bytes | None, bytes | None, bytes]]:
    """The cell a piece ends with, read and kept in :data:`_PARSED` under the bytes that
    decide it: the piece's window when its last ``<c `` lies inside (the last ``<c `` of
    the window is then the piece's), else the cell's own bytes."""
    at = window.rfind(b"<c ")
    if at >= 0:
        key, cell = window, window[at:]
    else:
        at = piece.rfind(b"<c ")
        if at < 0:
            raise Unsupported("a value outside a referenced cell")
        key = cell = piece[at:]
        known = _PARSED.get(key)
        if known is not None:
            return known
    found = _CELL.match(cell)
    if found is None:
        letters, digits, style, kind, raw = _generic_cell(cell, 0)
    else:
        letters, digits, style, kind, raw = found.groups()
    result = int(digits), columns.get(letters) or _column(letters), (kind, style, raw)
    if len(_PARSED) >= CELLS_KEPT:
        _PARSED.clear()
    _PARSED[key] = result
    return result


def _grid(cells: dict[int, CellValue], width: int) -> Grid:
    """The rows from A1, padded to ``width``, with the rows that hold a value other than
    ``""`` noted per column (:attr:`Grid.holding`), so a caller that wants a sheet's filled
    rows does not visit the ~2,500 template rows of a list sheet that hold none there."""
    if not cells:
        return Grid()
    empty: list[CellValue] = [""] * width
    grid = Grid(map(list.copy, repeat(empty, max(cells) >> _SHIFT)))
    holding: dict[int, list[int]] = {}
    mask = _COLUMN_MASK
    for key, value in cells.items():
        number, col = key >> _SHIFT, key & mask
        grid[number - 1][col - 1] = value
        if value != "":
            rows = holding.get(col)
            if rows is None:
                holding[col] = [number]
            else:
                rows.append(number)
    grid.holding = holding
    return grid
