"""Batches of rows to identify, from CSV (columns metal, name[, country][, smelter_id])."""

from __future__ import annotations

import csv
import io

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
