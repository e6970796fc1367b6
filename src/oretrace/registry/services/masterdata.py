"""Import master data (suppliers, parts, products, bill of materials) from CSV or XLSX.

Each kind has required and optional columns (header names, case-insensitive). Rows are
upserted by their key; a bad row is reported with its row number and never stops the rest.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from python_calamine import CalamineWorkbook

from oretrace.cmrt.normalise import clean_text
from oretrace.cmrt.workbook import CellValue
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
from oretrace.registry.services.audit import record
from oretrace.registry.services.suppliers import find_supplier, normalise_company

Row = dict[str, str]

COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "suppliers": (
        ("name",),
        (
            "unique_id",
            "country",
            "group_company",
            "vendor_code",
            "contact_name",
            "contact_email",
            "contact_phone",
        ),
    ),
    "parts": (("number",), ("name", "supplier", "supplier_part_number")),
    "products": (("number",), ("name", "category", "business_unit", "group_company")),
    "bom": (("product", "part"), ("quantity",)),
}


@dataclass(slots=True)
class RowError:
    row: int
    message: str


@dataclass(slots=True)
class ImportResult:
    kind: str
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)


class MasterDataError(Exception):
    """The file as a whole cannot be imported (unreadable, missing required columns)."""


def read_rows(path: Path) -> list[tuple[int, Row]]:
    """(row number, row) pairs with lower-cased header keys; rows numbered as in the file."""
    table: list[list[CellValue]]
    if path.suffix.lower() in {".xlsx", ".xlsm", ".xls"}:
        table = _xlsx_table(path)
    else:
        text = path.read_bytes().decode("utf-8-sig", errors="replace")
        table = [list(r) for r in csv.reader(io.StringIO(text))]
    if not table:
        raise MasterDataError(f"{path.name} is empty")
    header = [(clean_text(h) or "").casefold().replace(" ", "_") for h in table[0]]
    rows = []
    for number, values in enumerate(table[1:], start=2):
        row = {h: clean_text(v) or "" for h, v in zip(header, values, strict=False) if h}
        if any(row.values()):
            rows.append((number, row))
    return rows


def _xlsx_table(path: Path) -> list[list[CellValue]]:
    try:
        book = CalamineWorkbook.from_path(str(path))
        rows: list[list[CellValue]] = book.get_sheet_by_index(0).to_python()
        return rows
    except Exception as exc:  # calamine raises its own types for unreadable files
        raise MasterDataError(f"{path.name} cannot be read as a workbook: {exc}") from exc


def import_master_data(kind: str, path: Path, actor: str) -> ImportResult:
    if kind not in COLUMNS:
        raise MasterDataError(f"unknown kind {kind!r}; use one of {', '.join(COLUMNS)}")
    rows = read_rows(path)
    required = COLUMNS[kind][0]
    present = set().union(*(r.keys() for _, r in rows)) if rows else set()
    missing = [c for c in required if c not in present]
    if missing:
        raise MasterDataError(f"{path.name} lacks required column(s): {', '.join(missing)}")
    result = ImportResult(kind)
    handler = _HANDLERS[kind]
    for number, row in rows:
        problem = next((f"'{c}' is empty" for c in required if not row.get(c)), None)
        if problem is None:
            try:
                with transaction.atomic():
                    created = handler(row)
            except _RowProblem as exc:
                problem = str(exc)
            else:
                result.created += int(created)
                result.updated += int(not created)
        if problem:
            result.errors.append(RowError(number, problem))
    record(
        actor,
        f"masterdata.{kind}.imported",
        None,
        file=str(path),
        created=result.created,
        updated=result.updated,
        errors=len(result.errors),
    )
    return result


class _RowProblem(Exception):
    pass


def _group_company(name: str) -> GroupCompany | None:
    return GroupCompany.objects.get_or_create(name=name)[0] if name else None


def _supplier_row(row: Row) -> bool:
    supplier = find_supplier(row["name"], row.get("unique_id") or None)
    created = supplier is None
    if supplier is None:
        supplier = Supplier(name=row["name"])
    supplier.name = row["name"]
    supplier.normalised_name = normalise_company(row["name"])
    supplier.unique_id = row.get("unique_id", "") or supplier.unique_id
    supplier.country = row.get("country", "") or supplier.country
    supplier.unverified = False
    supplier.save()
    company = _group_company(row.get("group_company", ""))
    if company is not None:
        SupplierRelationship.objects.update_or_create(
            supplier=supplier,
            group_company=company,
            defaults={"vendor_code": row.get("vendor_code", "")},
        )
    if row.get("contact_email") or row.get("contact_name"):
        Contact.objects.update_or_create(
            supplier=supplier,
            email=row.get("contact_email", ""),
            defaults={"name": row.get("contact_name", ""), "phone": row.get("contact_phone", "")},
        )
    return created


def _part_row(row: Row) -> bool:
    part, created = Part.objects.update_or_create(
        number=row["number"], defaults={"name": row.get("name", "")}
    )
    if row.get("supplier"):
        supplier = find_supplier(row["supplier"], row["supplier"])
        if supplier is None:
            raise _RowProblem(f"supplier {row['supplier']!r} is not known; import suppliers first")
        PartSource.objects.update_or_create(
            part=part,
            supplier=supplier,
            defaults={"supplier_part_number": row.get("supplier_part_number", "")},
        )
    return created


def _product_row(row: Row) -> bool:
    category = None
    if row.get("category"):
        unit = None
        company = _group_company(row.get("group_company", ""))
        if row.get("business_unit") and company is not None:
            unit = BusinessUnit.objects.get_or_create(
                name=row["business_unit"], group_company=company
            )[0]
        category = ProductCategory.objects.get_or_create(name=row["category"])[0]
        if unit is not None and category.business_unit_id is None:
            category.business_unit = unit
            category.save(update_fields=["business_unit"])
    _, created = Product.objects.update_or_create(
        number=row["number"], defaults={"name": row.get("name", ""), "category": category}
    )
    return created


def _bom_row(row: Row) -> bool:
    product = Product.objects.filter(number=row["product"]).first()
    part = Part.objects.filter(number=row["part"]).first()
    if product is None or part is None:
        unknown = "product" if product is None else "part"
        raise _RowProblem(f"{unknown} {row[unknown]!r} is not known; import {unknown}s first")
    try:
        quantity = Decimal(row.get("quantity") or "1")
    except InvalidOperation as exc:
        raise _RowProblem(f"quantity {row.get('quantity')!r} is not a number") from exc
    _, created = BomLine.objects.update_or_create(
        product=product, part=part, defaults={"quantity": quantity}
    )
    return created


_HANDLERS: dict[str, Callable[[Row], bool]] = {
    "suppliers": _supplier_row,
    "parts": _part_row,
    "products": _product_row,
    "bom": _bom_row,
}


def iter_errors(result: ImportResult) -> Iterator[str]:
    for error in result.errors:
        yield f"row {error.row}: {error.message}"
