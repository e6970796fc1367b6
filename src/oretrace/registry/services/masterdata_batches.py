"""Write parts and bill-of-materials lines in batches (files of millions of rows).

Each batch looks up the keys it names (one query per table), then writes with multi-row
INSERTs of a few hundred rows each. Which file row first touched a record is kept per primary
key in a compact array, so a key repeated anywhere in the file is reported with both row
numbers while memory stays a few bytes per record.
"""

from __future__ import annotations

from array import array
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, models

from oretrace.registry.models import BomLine, Part, PartSource, Product
from oretrace.registry.services.masterdata_checks import (
    Problems,
    Rejections,
    Row,
    parse_quantity,
)
from oretrace.registry.services.masterdata_records import Counts, SupplierKeys

BATCH = 2000
_ROWS_PER_INSERT = 500  # × at most 3 columns: well under SQLite's 32,766 parameters
_DENSE_LIMIT = 1 << 24  # primary keys below this sit in the array (4 bytes each)


class FirstRows:
    """Primary key → the file row that first touched that record (0: none yet)."""

    def __init__(self) -> None:
        self._dense = array("I")
        self._sparse: dict[int, int] = {}

    def get(self, pk: int) -> int:
        if pk < len(self._dense):
            return self._dense[pk]
        return self._sparse.get(pk, 0)

    def set(self, pk: int, row: int) -> None:
        if pk >= _DENSE_LIMIT:
            self._sparse[pk] = row
            return
        if pk >= len(self._dense):
            grow = max(pk + 1 - len(self._dense), len(self._dense) // 2, 1024)
            self._dense.frombytes(bytes(4 * grow))
        self._dense[pk] = row


@dataclass(slots=True)
class _Planned:
    row: int
    name: str


class PartRows:
    """Parts keyed by number; each row may add a source (part ↔ supplier). The same part on
    two rows is allowed only for two different suppliers, and then with one name."""

    def __init__(self, rejections: Rejections, counts: Counts, batch: int = BATCH) -> None:
        self.rejections, self.counts, self.size = rejections, counts, batch
        self.suppliers = SupplierKeys.load()
        self.part_rows, self.source_rows = FirstRows(), FirstRows()
        self.batch: list[tuple[int, Row, int | None, Problems]] = []

    def add(self, number: int, row: Row, problems: Problems) -> None:
        """Queue a row; one with problems is rejected in its turn, so errors stay in order."""
        supplier: int | None = None
        if row["supplier"] and not problems:
            supplier, problem = self.suppliers.resolve(row["supplier"])
            if problem:
                problems = [("supplier", problem)]
        self.batch.append((number, row, supplier, problems))
        if len(self.batch) >= self.size:
            self.flush()

    def flush(self) -> None:
        if not self.batch:
            return
        numbers = {row["number"] for _, row, _, _ in self.batch}
        stored = {
            n: (pk, name)
            for n, pk, name in select(Part, ("number", "id", "name"), "number", numbers)
        }
        sources = {
            (part, supplier): (pk, spn)
            for pk, part, supplier, spn in select(
                PartSource,
                ("id", "part", "supplier", "supplier_part_number"),
                "part",
                [pk for pk, _ in stored.values()],
            )
        }
        planned: dict[str, _Planned] = {}  # first row of each part in this batch
        new_parts: dict[str, str] = {}  # number → name
        renamed: dict[int, str] = {}
        new_sources: dict[tuple[str, int], tuple[int, str]] = {}
        changed_sources: dict[int, str] = {}
        for number, row, supplier, invalid in self.batch:
            if invalid:
                self.rejections.add(number, invalid)
                continue
            key, name = row["number"], row["name"]
            pk, stored_name = stored.get(key, (0, ""))
            earlier = planned[key].row if key in planned else self.part_rows.get(pk) if pk else 0
            problems: list[tuple[str, str]] = []
            if earlier:
                known = planned[key].name if key in planned else stored_name
                if name and known and name != known:
                    problems.append(("name", f"part {key!r} is named {known!r} on row {earlier}"))
                if supplier is None:
                    problems.append(("number", f"part {key!r} is also on row {earlier}"))
            source_first = 0
            if supplier is not None:
                if (key, supplier) in new_sources:
                    source_first = new_sources[(key, supplier)][0]
                elif pk and (pk, supplier) in sources:
                    source_first = self.source_rows.get(sources[(pk, supplier)][0])
                if source_first:
                    problems.append(
                        (
                            "supplier",
                            f"part {key!r} from this supplier is also on row {source_first}",
                        )
                    )
            if problems:
                self.rejections.add(number, problems)
                continue
            outcome = "unchanged"
            if not earlier:
                planned[key] = _Planned(number, name or stored_name)
                if not pk:
                    new_parts[key] = name
                    outcome = "created"
                elif name and name != stored_name:
                    renamed[pk] = name
                    outcome = "updated"
            elif name and not (planned[key].name if key in planned else stored_name):
                if key in planned:
                    planned[key].name = name
                if key in new_parts:
                    new_parts[key] = name
                else:
                    renamed[pk] = name
                outcome = "updated"
            if supplier is not None:
                spn = row["supplier_part_number"]
                if pk and (pk, supplier) in sources:
                    source_pk, stored_spn = sources[(pk, supplier)]
                    self.source_rows.set(source_pk, number)  # now: a repeat in this batch
                    if spn and spn != stored_spn:
                        changed_sources[source_pk] = spn
                        outcome = "updated" if outcome == "unchanged" else outcome
                else:
                    new_sources[(key, supplier)] = (number, spn)
                    outcome = "updated" if outcome == "unchanged" else outcome
            self.counts.count(outcome)
        self._write(planned, stored, new_parts, renamed, new_sources, changed_sources)
        self.batch = []

    def _write(
        self,
        planned: dict[str, _Planned],
        stored: dict[str, tuple[int, str]],
        new_parts: dict[str, str],
        renamed: dict[int, str],
        new_sources: dict[tuple[str, int], tuple[int, str]],
        changed_sources: dict[int, str],
    ) -> None:
        insert(Part, ("number", "name"), list(new_parts.items()))
        pks = {key: pk for key, (pk, _) in stored.items()}
        pks.update(_pks(Part, set(new_parts)))
        for key, plan in planned.items():
            self.part_rows.set(pks[key], plan.row)
        update(Part, "name", [(name, pk) for pk, name in renamed.items()])
        insert(
            PartSource,
            ("part", "supplier", "supplier_part_number"),
            [(pks[key], supplier, spn) for (key, supplier), (_, spn) in new_sources.items()],
        )
        if new_sources:
            wanted = {
                (pks[key], supplier): row for (key, supplier), (row, _) in new_sources.items()
            }
            found = select(PartSource, ("id", "part", "supplier"), "part", {p for p, _ in wanted})
            for pk, part, supplier in found:
                if (part, supplier) in wanted:
                    self.source_rows.set(pk, wanted[(part, supplier)])
        update(
            PartSource,
            "supplier_part_number",
            [(spn, pk) for pk, spn in changed_sources.items()],
        )


class BomRows:
    """Bill-of-materials lines keyed by (product, part); both must exist already."""

    def __init__(self, rejections: Rejections, counts: Counts, batch: int = BATCH) -> None:
        self.rejections, self.counts, self.size = rejections, counts, batch
        self.line_rows = FirstRows()
        self.batch: list[tuple[int, Row, Decimal, Problems]] = []

    def add(self, number: int, row: Row, problems: Problems) -> None:
        quantity = Decimal(1)
        if row["quantity"] and not problems:
            quantity = parse_quantity(row["quantity"])[0] or quantity
        self.batch.append((number, row, quantity, problems))
        if len(self.batch) >= self.size:
            self.flush()

    def flush(self) -> None:
        if not self.batch:
            return
        products = _pks(Product, {r["product"] for _, r, _, _ in self.batch})
        parts = _pks(Part, {r["part"] for _, r, _, _ in self.batch})
        lines = {
            (product, part): (pk, quantity)
            for pk, product, part, quantity in BomLine.objects.filter(
                product_id__in=set(products.values()), part_id__in=set(parts.values())
            ).values_list("pk", "product_id", "part_id", "quantity")
        }
        new: dict[tuple[int, int], tuple[int, Decimal]] = {}
        changed: dict[int, Decimal] = {}
        for number, row, quantity, invalid in self.batch:
            if invalid:
                self.rejections.add(number, invalid)
                continue
            problems = [
                (column, f"{column} {row[column]!r} is not known; import {column}s first")
                for column, known in (("product", products), ("part", parts))
                if row[column] not in known
            ]
            if problems:
                self.rejections.add(number, problems)
                continue
            key = (products[row["product"]], parts[row["part"]])
            earlier = new[key][0] if key in new else 0
            if not earlier and key in lines:
                earlier = self.line_rows.get(lines[key][0])
            if earlier:
                self.rejections.add(
                    number, [("part", f"this product and part are also on row {earlier}")]
                )
                continue
            if key not in lines:
                new[key] = (number, quantity)
                self.counts.count("created")
                continue
            pk, stored = lines[key]
            self.line_rows.set(pk, number)  # now, so a repeat in this batch is seen
            if stored != quantity:
                changed[pk] = quantity
                self.counts.count("updated")
            else:
                self.counts.count("unchanged")
        insert(
            BomLine,
            ("product", "part", "quantity"),
            [(p, q, quantity) for (p, q), (_, quantity) in new.items()],
        )
        if new:
            found = BomLine.objects.filter(
                product_id__in={p for p, _ in new}, part_id__in={q for _, q in new}
            ).values_list("pk", "product_id", "part_id")
            for pk, product, part in found:
                if (product, part) in new:
                    self.line_rows.set(pk, new[(product, part)][0])
        update(BomLine, "quantity", [(q, pk) for pk, q in changed.items()])
        self.batch = []


def insert(model: type[models.Model], fields: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """INSERT rows, ``_ROWS_PER_INSERT`` per statement: one round trip per few hundred rows on
    PostgreSQL; the ORM's bulk_create would build a model instance per row first."""
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(_column(model, f)) for f in fields)
    mark = "(" + ", ".join(["%s"] * len(fields)) + ")"
    head = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES "
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _ROWS_PER_INSERT):
            chunk = rows[start : start + _ROWS_PER_INSERT]
            cursor.execute(head + ", ".join([mark] * len(chunk)), [v for row in chunk for v in row])


def update(model: type[models.Model], field: str, pairs: list[tuple[Any, int]]) -> None:
    """UPDATE one column of many rows, given as (value, primary key)."""
    if not pairs:
        return
    quote = connection.ops.quote_name
    column = quote(_column(model, field))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(model._meta.db_table)} SET {column} = %s WHERE id = %s", pairs
        )


def _column(model: type[models.Model], field: str) -> str:
    return str(getattr(model._meta.get_field(field), "column"))  # noqa: B009 (relations too)


def select(
    model: type[models.Model], fields: tuple[str, ...], key: str, values: Collection[Any]
) -> list[tuple[Any, ...]]:
    """SELECT ``fields`` of the rows whose ``key`` is one of ``values`` (a batch's worth)."""
    if not values:
        return []
    quote = connection.ops.quote_name
    columns = ", ".join(quote(_column(model, f)) for f in fields)
    marks = ", ".join(["%s"] * len(values))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {quote(model._meta.db_table)} "
            f"WHERE {quote(_column(model, key))} IN ({marks})",
            list(values),
        )
        return list(cursor.fetchall())


def _pks(model: type[Part] | type[Product], numbers: set[str]) -> dict[str, int]:
    return dict(select(model, ("number", "id"), "number", numbers))
