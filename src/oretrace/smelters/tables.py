"""Read reference rows from a table with a header row: RMI facility-list exports (xlsx sheets
or CSV) and CSV exports of template look-ups. Columns are found by their header text."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from oretrace.cmrt.workbook import CellValue
from oretrace.smelters.ids import IdKind, cid_near_misses, parse_smelter_id
from oretrace.smelters.metals import canonical_metal
from oretrace.smelters.model import ReferenceRow
from oretrace.smelters.names import clean, split_aliases
from oretrace.smelters.release_dates import parse_date

PSEUDO_NAMES = frozenset({"smelter not listed", "smelter not yet identified", "unknown"})

#: Header spellings (folded: lower case, letters and digits only) → field.
_HEADERS: dict[str, str] = {
    "metal": "metal",
    "smelterid": "smelter_id", "smelteridentificationnumber": "smelter_id",
    "smelteridentification": "smelter_id", "newsmelterid": "smelter_id", "cid": "smelter_id",
    "oldsmelterid": "legacy_id",
    "standardsmeltername": "standard_name", "standardsmelternames": "standard_name",
    "smeltername": "standard_name", "facilityname": "standard_name",
    "smelterreference": "name", "smelterlookup": "name", "knownsmelternames": "name",
    "knownalias": "aliases",
    "country": "country", "countrylocation": "country", "smelterfacilitylocationcountry": "country",
    "smeltercountry": "country",
    "city": "city", "smeltercity": "city", "street": "street", "smelterstreet": "street",
    "stateprovince": "state", "stateprovinceregion": "state",
    "smelterfacilitylocationstateprovince": "state",
    "sourceofsmelteridentificationnumber": "id_source",
    "rmistatus": "status", "status": "status", "rmapstatus": "status",
    "lastauditdate": "last_audit", "auditcycle": "audit_cycle",
}  # fmt: skip
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _header_key(value: CellValue) -> str:
    return _NON_ALNUM.sub("", str(value).casefold().replace("(*)", ""))


@dataclass(frozen=True, slots=True)
class Columns:
    """Where each field sits (0-based), found from a header row."""

    index: dict[str, int]

    @classmethod
    def find(cls, header: Sequence[CellValue]) -> Columns | None:
        index: dict[str, int] = {}
        for position, cell in enumerate(header):
            field = _HEADERS.get(_header_key(cell))
            if field and field not in index:
                index[field] = position
        if "metal" not in index or not ({"smelter_id", "legacy_id"} & index.keys()):
            return None
        return cls(index)

    def get(self, values: Sequence[CellValue], field: str) -> CellValue:
        position = self.index.get(field)
        return values[position] if position is not None and position < len(values) else ""


def find_header(rows: Sequence[Sequence[CellValue]], limit: int = 12) -> tuple[int, Columns] | None:
    """(0-based header row, columns) of the first row within ``limit`` that looks like a header."""
    for number, values in enumerate(rows[:limit]):
        columns = Columns.find(values)
        if columns is not None:
            return number, columns
    return None


def read_rows(
    rows: Iterable[Sequence[CellValue]], columns: Columns, where: str, list_status: str = ""
) -> tuple[list[ReferenceRow], list[str]]:
    """Reference rows from data rows; malformed rows become notes, not rows."""
    found: list[ReferenceRow] = []
    notes: list[str] = []
    for offset, values in enumerate(rows, start=1):
        row, note = _row(values, columns, list_status)
        found.extend(row)
        if note:
            notes.append(f"{where} data row {offset}: {note}")
    return found, notes


def _row(
    values: Sequence[CellValue], columns: Columns, list_status: str
) -> tuple[list[ReferenceRow], str]:
    def text(field: str) -> str:
        return clean(columns.get(values, field))

    metal = canonical_metal(text("metal"))
    standard = text("standard_name") or text("name")
    if metal is None or not standard:
        return [], "" if not any(
            clean(v) for v in values
        ) else f"no metal or name in {values[:6]!r}"
    cid, legacy, note = _ids(text("smelter_id"), text("legacy_id"))
    if cid is None and legacy is None:
        if not note and (text("name") or standard).casefold() in PSEUDO_NAMES:
            return [], ""
        return [], note or f"{standard!r} has no smelter ID"
    names = [text("name") or standard, *split_aliases(text("aliases"))]
    audit = columns.get(values, "last_audit")
    base = ReferenceRow(
        metal=metal,
        name=standard,
        standard_name=standard,
        country=text("country"),
        smelter_id=cid,
        legacy_id=legacy,
        id_source=text("id_source"),
        street=text("street"),
        city=text("city"),
        state=text("state"),
        status=text("status") or list_status,
        last_audit=parse_date(audit),
        audit_cycle=text("audit_cycle"),
    )
    return [replace(base, name=name) for name in names], ""


def _ids(raw_id: str, raw_legacy: str) -> tuple[str | None, str | None, str]:
    parsed = parse_smelter_id(raw_id)
    legacy = parse_smelter_id(raw_legacy)
    legacy_id = legacy.value if legacy.kind is IdKind.LEGACY else None
    if parsed.kind is IdKind.CID:
        return parsed.value, legacy_id, ""
    if parsed.kind is IdKind.LEGACY:
        return None, parsed.value, ""
    if parsed.kind is IdKind.MALFORMED:
        near = cid_near_misses(raw_id)
        hint = f" (perhaps {' or '.join(near)})" if near else ""
        return None, legacy_id, f"malformed smelter ID {raw_id!r}{hint}; row skipped"
    return None, legacy_id, ""
