"""Read the smelter reference shipped inside a template workbook, for every layout.

* CMRT 2.00–2.03a "Standard Smelter Names" (header row 2): A Metal, B Standard name,
  C Known alias (comma-joined), D Country, E legacy Smelter ID.
* CMRT 3.01 "Standard Smelter Names": A Metal, B Standard name, C Country, D Old ID, E New ID.
* CMRT 4.x+, EMRT, CRT, AMRT 1.3 "Smelter Look-up" (data from row 5): A Metal, B Look-up
  name, C Standard name, D Country, E Smelter ID, F Source, G Street, H City, I State.

Columns are read by position: the headers are translated when a template's language is
switched. The pseudo rows "Smelter not listed" / "Smelter not yet identified" are skipped.
"""

from __future__ import annotations

import hashlib

from oretrace.cmrt.identify import identify
from oretrace.cmrt.workbook import CellValue, Sheet, Workbook
from oretrace.smelters.ids import IdKind, parse_smelter_id
from oretrace.smelters.metals import canonical_metal
from oretrace.smelters.model import ReferenceRow, Snapshot, SnapshotInfo, SnapshotKind
from oretrace.smelters.names import clean, split_aliases
from oretrace.smelters.release_dates import release_date
from oretrace.smelters.tables import PSEUDO_NAMES


class NoReferenceInWorkbook(ValueError):
    """The workbook holds no smelter reference this reader understands."""


def has_reference(book: Workbook) -> bool:
    return book.has("Smelter Look-up") or book.has("Standard Smelter Names")


def read_template_reference(book: Workbook, source: str, data: bytes = b"") -> Snapshot:
    """The look-up of a template workbook as a dated snapshot."""
    info = identify(book)
    as_of, basis = release_date(book, info.revision.text)
    family = info.family.value
    snapshot_info = SnapshotInfo(
        key=f"template:{family}:{info.revision.text}",
        kind=SnapshotKind.TEMPLATE,
        label=f"{family} {info.revision.text} look-up",
        source=source,
        sha256=hashlib.sha256(data).hexdigest() if data else "",
        as_of=as_of,
        as_of_basis=basis,
        family=family,
        revision=info.revision.text,
    )
    rows, notes = _rows(book)
    return Snapshot(snapshot_info, tuple(rows), tuple(notes))


def _rows(book: Workbook) -> tuple[list[ReferenceRow], list[str]]:
    lookup = book.sheet("Smelter Look-up")
    if lookup is not None:
        return _lookup_rows(lookup)
    standard = book.sheet("Standard Smelter Names")
    if standard is None:
        raise NoReferenceInWorkbook(
            "The workbook has neither a 'Smelter Look-up' nor a 'Standard Smelter Names' sheet "
            "(CMRT 1.00 and AMRT 1.2 ship no look-up with smelter IDs)."
        )
    if any(
        parse_smelter_id(v[4]).kind is IdKind.CID for _, v in standard.rows(3, 12) if len(v) > 4
    ):
        return _rows_301(standard)
    return _rows_2x(standard)


def _text(values: list[CellValue], col: int) -> str:
    return clean(values[col - 1]) if col <= len(values) else ""


def _lookup_rows(sheet: Sheet) -> tuple[list[ReferenceRow], list[str]]:
    rows: list[ReferenceRow] = []
    notes: list[str] = []
    for number, values in sheet.rows(5):
        metal = canonical_metal(_text(values, 1))
        name = _text(values, 2)
        if metal is None or not name or name.casefold() in PSEUDO_NAMES:
            continue
        parsed = parse_smelter_id(_text(values, 5))
        if parsed.kind is not IdKind.CID:
            notes.append(f"{sheet.name}!E{number}: {name!r} has no CID ({parsed.raw!r}); skipped")
            continue
        rows.append(
            ReferenceRow(
                metal=metal,
                name=name,
                standard_name=_text(values, 3) or name,
                country=_text(values, 4),
                smelter_id=parsed.value,
                id_source=_text(values, 6),
                street=_street(values[6] if len(values) > 6 else ""),
                city=_text(values, 8),
                state=_text(values, 9),
            )
        )
    return rows, notes


def _street(value: CellValue) -> str:
    """Look-up street cells are often the number 0 (an empty formula result)."""
    return "" if isinstance(value, (int, float)) else clean(value)


def _rows_2x(sheet: Sheet) -> tuple[list[ReferenceRow], list[str]]:
    rows: list[ReferenceRow] = []
    notes: list[str] = []
    for number, values in sheet.rows(3):
        metal = canonical_metal(_text(values, 1))
        standard = _text(values, 2)
        if metal is None or not standard or standard.casefold() in PSEUDO_NAMES:
            continue
        parsed = parse_smelter_id(_text(values, 5))
        if parsed.kind is not IdKind.LEGACY:
            notes.append(f"{sheet.name}!E{number}: {standard!r} has no legacy ID; skipped")
            continue
        country = _text(values, 4)
        for name in [standard, *split_aliases(_text(values, 3))]:
            rows.append(ReferenceRow(metal, name, standard, country, legacy_id=parsed.value))
    return rows, notes


def _rows_301(sheet: Sheet) -> tuple[list[ReferenceRow], list[str]]:
    rows: list[ReferenceRow] = []
    notes: list[str] = []
    for number, values in sheet.rows(3):
        metal = canonical_metal(_text(values, 1))
        standard = _text(values, 2)
        if metal is None or not standard:
            continue
        old = parse_smelter_id(_text(values, 4))
        new = parse_smelter_id(_text(values, 5))
        if new.kind is not IdKind.CID:
            notes.append(f"{sheet.name}!E{number}: {standard!r} has no CID; skipped")
            continue
        legacy = old.value if old.kind is IdKind.LEGACY else None
        rows.append(
            ReferenceRow(metal, standard, standard, _text(values, 3), new.value, legacy, "CFSI")
        )
    return rows, notes
