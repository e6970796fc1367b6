"""Turn a file into reference snapshots: a template workbook (its look-up), an RMI
facility-list workbook (one snapshot per list sheet) or a CSV export of either kind."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Sequence
from pathlib import Path

from oretrace.cmrt.container import OLE_MAGIC, ZIP_MAGIC, load_calamine, open_bytes
from oretrace.cmrt.workbook import CellValue, Workbook
from oretrace.smelters.model import Snapshot, SnapshotInfo, SnapshotKind
from oretrace.smelters.release_dates import parse_date
from oretrace.smelters.tables import find_header, read_rows
from oretrace.smelters.templates import has_reference, read_template_reference

_LOOKUP_CSV = re.compile(r"smelter-lookup-(cmrt|emrt|crt|amrt)-(\d+(?:\.\d+)?[a-z]?)", re.I)
_SLUG = re.compile(r"[^a-z0-9]+")


class ReferenceImportError(ValueError):
    """The file holds no reference data this importer understands."""


def import_file(path: Path, as_of: dt.date | None = None) -> list[Snapshot]:
    return import_bytes(path.read_bytes(), path.name, as_of)


def import_bytes(data: bytes, source: str, as_of: dt.date | None = None) -> list[Snapshot]:
    """Snapshots read from the bytes of one file; ``as_of`` overrides the date found inside."""
    if data.startswith((ZIP_MAGIC, OLE_MAGIC)):
        book = Workbook(load_calamine(open_bytes(data)))
        if book.has("Declaration") and has_reference(book):
            snapshot = read_template_reference(book, source, data)
            return [_redate(snapshot, as_of)] if as_of else [snapshot]
        return _facility_workbook(book, source, data, as_of)
    return [_csv_snapshot(data, source, as_of)]


def _redate(snapshot: Snapshot, as_of: dt.date) -> Snapshot:
    info = snapshot.info
    new = SnapshotInfo(
        info.key, info.kind, info.label, info.source, info.sha256, as_of,
        "given when importing", info.family, info.revision,
    )  # fmt: skip
    return Snapshot(new, snapshot.rows, snapshot.notes)


def _facility_workbook(
    book: Workbook, source: str, data: bytes, as_of: dt.date | None
) -> list[Snapshot]:
    tables: list[tuple[str, list[list[CellValue]]]] = []
    for name in book.sheet_names:
        sheet = book.sheet(name)
        if sheet is not None:
            tables.append((name, [list(v) for _, v in sheet.rows(1)]))
    when, basis = (as_of, "given when importing") if as_of else _latest_date(tables)
    snapshots = [
        snapshot
        for name, rows in tables
        if (snapshot := _list_snapshot(name, rows, source, data, when, basis)) is not None
    ]
    if not snapshots:
        raise ReferenceImportError(
            f"{source}: no sheet has a smelter reference (a header row with Metal and Smelter ID)."
        )
    return snapshots


def _list_snapshot(
    name: str,
    rows: Sequence[Sequence[CellValue]],
    source: str,
    data: bytes,
    as_of: dt.date | None,
    basis: str,
) -> Snapshot | None:
    found = find_header(rows)
    if found is None or "revisiondate" in _keys(rows[found[0]]):
        return None  # not a list, or RMI's revision history (used only for the as-of date)
    start, columns = found
    status = "Conformant" if "conformant" in name.casefold() else ""
    status = "Active" if "active" in name.casefold() else status
    read, notes = read_rows(rows[start + 1 :], columns, f"{source}!{name}", status)
    slug = _SLUG.sub("-", name.casefold()).strip("-")
    info = SnapshotInfo(
        key=f"facility_list:{slug}:{as_of.isoformat() if as_of else 'undated'}",
        kind=SnapshotKind.FACILITY_LIST,
        label=f"RMI list {name!r}",
        source=source,
        sha256=hashlib.sha256(data).hexdigest(),
        as_of=as_of,
        as_of_basis=basis,
    )
    return Snapshot(info, tuple(read), tuple(notes))


def _keys(header: Sequence[CellValue]) -> set[str]:
    return {re.sub(r"[^a-z0-9]", "", str(c).casefold()) for c in header}


def _latest_date(tables: list[tuple[str, list[list[CellValue]]]]) -> tuple[dt.date | None, str]:
    """The newest date in any column whose header says "date" (revision or audit dates)."""
    latest: dt.date | None = None
    for _, rows in tables:
        found = find_header(rows)
        if found is None:
            continue
        header = rows[found[0]]
        columns = [i for i, c in enumerate(header) if "date" in str(c).casefold()]
        for values in rows[found[0] + 1 :]:
            for i in columns:
                day = parse_date(values[i]) if i < len(values) else None
                if day and day <= dt.date.today() and (latest is None or day > latest):
                    latest = day
    if latest is None:
        return None, "no dates in the file; as-of date unknown (pass one when importing)"
    return latest, "latest revision or audit date in the file"


def _csv_snapshot(data: bytes, source: str, as_of: dt.date | None) -> Snapshot:
    text = _decode(data)
    dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else csv.excel
    rows: list[list[CellValue]] = [list(r) for r in csv.reader(io.StringIO(text), dialect)]
    found = find_header(rows)
    if found is None:
        raise ReferenceImportError(f"{source}: no header row with Metal and Smelter ID columns.")
    start, columns = found
    read, notes = read_rows(rows[start + 1 :], columns, source)
    lookup = _LOOKUP_CSV.search(source)
    basis = "given when importing" if as_of else "CSV export; as-of date unknown"
    if lookup:
        family, revision = lookup.group(1).upper(), lookup.group(2)
        key, kind = f"template:{family}:{revision}", SnapshotKind.TEMPLATE
        label = f"{family} {revision} look-up (CSV export)"
    else:
        family = revision = ""
        stem = _SLUG.sub("-", Path(source).stem.casefold()).strip("-")
        key = f"facility_list:{stem}:{as_of.isoformat() if as_of else 'undated'}"
        kind, label = SnapshotKind.FACILITY_LIST, f"RMI list {Path(source).stem!r}"
    info = SnapshotInfo(
        key, kind, label, source, hashlib.sha256(data).hexdigest(), as_of, basis, family, revision
    )
    return Snapshot(info, tuple(read), tuple(notes))


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
