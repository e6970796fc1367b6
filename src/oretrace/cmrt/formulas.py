"""Which cells of an OOXML sheet still hold formulas (to spot values pasted over them).

Cached values alone cannot tell a formula result from a pasted constant, so this reads
the sheet XML — only the rows asked about, by byte search, so it costs little.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable

from lxml import etree

_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CHUNK = 64 * 1024
_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>]*?(/>|>(.*?)</c>)', re.DOTALL)


def _sheet_part(archive: zipfile.ZipFile, sheet_name: str) -> str | None:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    book = etree.fromstring(archive.read("xl/workbook.xml"), parser)
    rid = None
    for sheet in book.iterfind("m:sheets/m:sheet", _NS):
        if " ".join((sheet.get("name") or "").split()).casefold() == sheet_name.casefold():
            rid = sheet.get(f"{{{_NS['r']}}}id")
    if rid is None:
        return None
    rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"), parser)
    for rel in rels.iter(f"{_REL_NS}Relationship"):
        if rel.get("Id") == rid:
            target = rel.get("Target") or ""
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


def cells_without_formula(
    data: bytes, sheet_name: str, rows: Iterable[int], columns: tuple[str, ...]
) -> set[str] | None:
    """Of ``columns`` × ``rows``, the cells holding a constant or nothing instead of a formula.

    ``None`` when the sheet cannot be inspected (not OOXML, sheet missing).
    """
    wanted_rows = sorted(set(rows))
    if not wanted_rows or not columns:
        return set()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        part = _sheet_part(archive, sheet_name)
        if part is None:
            return None
        xml = _read_through_row(archive, part, wanted_rows[-1])
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError):
        return None
    missing: set[str] = set()
    for row in wanted_rows:
        with_formula = _formula_columns_in_row(xml, row)
        missing.update(f"{col}{row}" for col in columns if col not in with_formula)
    return missing


def _read_through_row(archive: zipfile.ZipFile, part: str, last_row: int) -> bytes:
    """Decompress the sheet XML only as far as ``last_row``: data rows sit at the top."""
    marker = b'<row r="%d"' % last_row
    buffer = bytearray()
    with archive.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            buffer += chunk
            start = buffer.find(marker)
            if start >= 0 and buffer.find(b"</row>", start) >= 0:
                break
    return bytes(buffer)


def _formula_columns_in_row(xml: bytes, row: int) -> set[str]:
    start = xml.find(b'<row r="%d"' % row)
    if start < 0:
        return set()
    end = xml.find(b"</row>", start)
    chunk = xml[start : end if end > 0 else len(xml)]
    found: set[str] = set()
    for match in _CELL.finditer(chunk):
        body = match.group(4) or b""
        if b"<f" in body:
            found.add(match.group(1).decode())
    return found
