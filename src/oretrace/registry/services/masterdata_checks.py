"""Master-data columns and the checks every cell passes before the database sees it.

Each column names the model field it fills; that field's ``max_length`` (and, for the BOM
quantity, ``max_digits``/``decimal_places``) is the one source of the limits, so SQLite and
PostgreSQL refuse the same rows with the same message.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models

from oretrace.registry.models import (
    BomLine,
    BusinessUnit,
    Contact,
    GroupCompany,
    Part,
    PartSource,
    Product,
    ProductCategory,
    Supplier,
    SupplierRelationship,
)

Row = dict[str, str]
Problems = list[tuple[str, str]]  # (column, message)


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    model: type[models.Model]
    field: str
    required: bool = False

    @property
    def max_length(self) -> int | None:
        limit = getattr(self.model._meta.get_field(self.field), "max_length", None)
        return int(limit) if limit is not None else None


COLUMNS: dict[str, tuple[Column, ...]] = {
    "suppliers": (
        Column("name", Supplier, "name", required=True),
        Column("unique_id", Supplier, "unique_id"),
        Column("country", Supplier, "country"),
        Column("group_company", GroupCompany, "name"),
        Column("vendor_code", SupplierRelationship, "vendor_code"),
        Column("contact_name", Contact, "name"),
        Column("contact_email", Contact, "email"),
        Column("contact_phone", Contact, "phone"),
    ),
    "parts": (
        Column("number", Part, "number", required=True),
        Column("name", Part, "name"),
        Column("supplier", Supplier, "name"),
        Column("supplier_part_number", PartSource, "supplier_part_number"),
    ),
    "products": (
        Column("number", Product, "number", required=True),
        Column("name", Product, "name"),
        Column("category", ProductCategory, "name"),
        Column("business_unit", BusinessUnit, "name"),
        Column("group_company", GroupCompany, "name"),
    ),
    "bom": (
        Column("product", Product, "number", required=True),
        Column("part", Part, "number", required=True),
        Column("quantity", BomLine, "quantity"),
    ),
    "contacts": (
        Column("supplier", Supplier, "name", required=True),
        Column("name", Contact, "name"),
        Column("email", Contact, "email", required=True),
        Column("role", Contact, "role"),
        Column("phone", Contact, "phone"),
    ),
}


def quantity_limits() -> tuple[Decimal, int]:
    """(largest quantity, decimal places) a BOM line stores, from the model field."""
    field = BomLine._meta.get_field("quantity")
    assert isinstance(field, models.DecimalField)
    places = int(field.decimal_places or 0)
    largest = Decimal(10) ** (int(field.max_digits or 0) - places) - Decimal(1).scaleb(-places)
    return largest, places


_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def parse_quantity(text: str) -> tuple[Decimal | None, str | None]:
    """(quantity, None) or (None, why not): finite, > 0, within the field's digits."""
    largest, places = quantity_limits()
    rule = f"a quantity is a number > 0 and at most {largest:,} with {places} decimals at most"
    if not _NUMBER.fullmatch(text):
        hint = " (use a point for decimals)" if re.fullmatch(r"\d+,\d+", text) else ""
        return None, f"{text[:40]!r} is not a number{hint}; {rule}"
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, f"{text[:40]!r} is not a number; {rule}"
    if not value.is_finite() or value <= 0 or value > largest:
        return None, f"{text[:40]!r} is out of range; {rule}"
    if value != value.quantize(Decimal(1).scaleb(-places), rounding="ROUND_DOWN"):
        return None, f"{text[:40]!r} has more than {places} decimals; {rule}"
    return value, None


def cell_problem(column: Column, value: str) -> str | None:
    """Why ``value`` cannot go into ``column``, or None."""
    control = _CONTROL.search(value)
    if control:
        return f"contains the control character U+{ord(control.group()):04X}"
    limit = column.max_length
    if limit is not None and len(value) > limit:
        return f"{len(value):,} characters; at most {limit}"
    if column.name == "quantity":
        return parse_quantity(value)[1]
    if column.name in _EMAILS:
        try:
            validate_email(value)
        except ValidationError:
            return f"{value[:60]!r} is not an e-mail address"
    return None


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    column: str
    message: str

    def as_json(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "message": self.message}


class Rejections:
    """Rejected rows, spooled to a temporary file so that a file of a million bad rows does
    not fill memory; each error keeps its row number and column."""

    def __init__(self) -> None:
        self.rows = 0
        self._spool: IO[str] | None = None

    def add(self, row: int, problems: Problems) -> None:
        if self._spool is None:
            self._spool = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        self.rows += 1
        for column, message in problems:
            self._spool.write(json.dumps([row, column, message]) + "\n")

    def __iter__(self) -> Iterator[RowError]:
        if self._spool is None:
            return
        self._spool.seek(0)
        for line in self._spool:
            row, column, message = json.loads(line)
            yield RowError(row, column, message)
        self._spool.seek(0, 2)

    def close(self) -> None:
        if self._spool is not None:
            self._spool.close()
            self._spool = None


class RowCheck:
    """Checks the rows of one file: column positions and limits worked out once."""

    def __init__(self, columns: tuple[Column, ...], index: dict[str, int]) -> None:
        self.plan = [(column, index.get(column.name, -1), column.max_length) for column in columns]

    def __call__(self, cells: list[str]) -> tuple[Row, Problems]:
        """The row's values by column name, and its problems as (column, message)."""
        row: Row = {}
        problems: Problems = []
        width = len(cells)
        for column, position, limit in self.plan:
            value = cells[position] if 0 <= position < width else ""
            row[column.name] = value
            if not value:
                if column.required:
                    problems.append((column.name, f"'{column.name}' is empty"))
                continue
            short = limit is not None and len(value) <= limit
            if short and value.isprintable() and column.name not in _SPECIAL:
                continue  # the common case: short, printable text
            problem = cell_problem(column, value)
            if problem:
                problems.append((column.name, problem))
        return row, problems


_EMAILS = {"contact_email", "email"}
_SPECIAL = {"quantity", *_EMAILS}
