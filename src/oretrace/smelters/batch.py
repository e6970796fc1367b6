"""Batches of rows to identify, from CSV (columns metal, name[, country][, smelter_id])."""

from __future__ import annotations

import csv
import io

from oretrace.smelters.ids import IdKind, parse_smelter_id
from oretrace.smelters.results import SmelterQuery

_COLUMNS = {
    "metal": "metal", "name": "name", "smeltername": "name", "country": "country",
    "smelterid": "smelter_id", "id": "smelter_id", "cid": "smelter_id",
}  # fmt: skip


class BatchError(ValueError):
    """The CSV has no usable header."""


def queries_from_csv(text: str) -> list[SmelterQuery]:
    """One query per data row; the header names the columns (any order, any case)."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows:
        raise BatchError("the CSV is empty")
    header = ["".join(ch for ch in cell.casefold() if ch.isalnum()) for cell in rows[0]]
    where = {_COLUMNS[h]: i for i, h in reversed(list(enumerate(header))) if h in _COLUMNS}
    if "name" not in where or "metal" not in where:
        raise BatchError(f"the CSV header needs 'metal' and 'name' columns (found {rows[0]!r})")

    def cell(values: list[str], field: str) -> str | None:
        position = where.get(field)
        return values[position] if position is not None and position < len(values) else None

    return [
        SmelterQuery(cell(v, "metal"), cell(v, "name"), cell(v, "country"), cell(v, "smelter_id"))
        for v in rows[1:]
        if any(c.strip() for c in v)
    ]


_PLACEHOLDERS = ("smelter not listed", "smelter not yet identified")


def query_from_row(
    metal: object,
    lookup: object,
    name: object,
    country: object,
    smelter_id: object = None,
    id_input: object = None,
) -> SmelterQuery:
    """A query from Smelter List cells: the look-up choice (column C) names the smelter
    unless it is a placeholder, when the typed name (D) does; the ID is the identification
    column (F), else the ID input column (A) of 4.x+ templates."""
    chosen = lookup if isinstance(lookup, str) and lookup.strip() else name
    if isinstance(lookup, str) and lookup.strip().casefold() in _PLACEHOLDERS:
        chosen = name if isinstance(name, str) and name.strip() else lookup
    given_id = smelter_id
    if _is_id(id_input) and not _is_id(smelter_id):  # typed into A, the row shifted in F
        given_id = id_input
    return SmelterQuery(metal, chosen, country, given_id)


def _is_id(value: object) -> bool:
    return parse_smelter_id(value).kind in (IdKind.CID, IdKind.LEGACY)
