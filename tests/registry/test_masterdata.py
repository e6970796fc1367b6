"""Master data imports: upserts, all-or-nothing per file, --partial, CSV and XLSX, audit."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import xlsxwriter

from oretrace.registry.models import (
    AuditEntry,
    BomLine,
    Part,
    PartSource,
    Product,
    Supplier,
    SupplierRelationship,
)
from oretrace.registry.services.masterdata import MasterDataError, import_master_data

pytestmark = pytest.mark.django_db


def _csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


SUPPLIERS = (
    "Name,Unique ID,Country,Group Company\n"
    "Acme Metals Co. Ltd.,DUNS-1,JP,Oretrace Japan\n"
    "Beta Wire,,US,Oretrace US\n"
)


def test_suppliers_parts_products_bom(tmp_path: Path) -> None:
    suppliers = _csv(tmp_path / "s.csv", SUPPLIERS)
    result = import_master_data("suppliers", suppliers, "test")
    assert (result.created, result.updated, result.rejected, result.stored) == (2, 0, 0, True)
    assert SupplierRelationship.objects.count() == 2
    again = import_master_data("suppliers", suppliers, "test")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    parts = _csv(
        tmp_path / "p.csv",
        "number,name,supplier,supplier_part_number\n"
        "P1,Solder,Acme Metals,A-1\nP1,Solder,Beta Wire,B-1\nP2,Wire,DUNS-1,\n",
    )
    result = import_master_data("parts", parts, "test")
    assert (result.created, result.updated, result.rejected) == (2, 1, 0)
    assert sorted(PartSource.objects.values_list("part__number", "supplier_part_number")) == [
        ("P1", "A-1"),
        ("P1", "B-1"),
        ("P2", ""),
    ]
    assert Part.objects.get(number="P2").sources.get().supplier.unique_id == "DUNS-1"
    products = tmp_path / "products.xlsx"
    book = xlsxwriter.Workbook(str(products))
    sheet = book.add_worksheet()
    for r, row in enumerate([("number", "name", "category"), ("X1", "Printer", "Office")]):
        sheet.write_row(r, 0, row)
    book.close()
    result = import_master_data("products", products, "test")
    assert (result.created, result.format) == (1, "workbook")
    bom = _csv(tmp_path / "bom.csv", "product,part,quantity\nX1,P1,2\nX1,P2,0.5\n")
    assert import_master_data("bom", bom, "test").created == 2
    assert BomLine.objects.get(part__number="P2").quantity == Decimal("0.5")
    changed = _csv(tmp_path / "bom2.csv", "product,part,quantity\nX1,P1,3\nX1,P2,0.5\n")
    result = import_master_data("bom", changed, "test")
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert BomLine.objects.get(part__number="P1").quantity == 3
    assert Product.objects.get().category is not None
    assert Supplier.objects.filter(unverified=True).count() == 0


def test_one_bad_row_stores_nothing_and_partial_stores_the_rest(tmp_path: Path) -> None:
    path = _csv(tmp_path / "s.csv", "name,unique_id\nGood Co,D1\n,D2\nOther Co,D3\n")
    result = import_master_data("suppliers", path, "cli:alice")
    assert (result.stored, result.created, result.rejected, result.rows) == (False, 0, 1, 3)
    assert [(e.row, e.column, e.message) for e in result.errors] == [(3, "name", "'name' is empty")]
    assert Supplier.objects.count() == 0
    refused = AuditEntry.objects.get(action="masterdata.suppliers.rejected")
    assert refused.actor == "cli:alice" and refused.data["rejected"] == 1
    assert refused.data["stored"] is False and len(refused.data["sha256"]) == 64
    result = import_master_data("suppliers", path, "cli:alice", partial=True)
    assert (result.stored, result.created, result.rejected) == (True, 2, 1)
    assert sorted(Supplier.objects.values_list("unique_id", flat=True)) == ["D1", "D3"]
    entry = AuditEntry.objects.get(action="masterdata.suppliers.imported")
    assert (entry.data["created"], entry.data["rejected"], entry.data["partial"]) == (2, 1, True)


def test_every_import_leaves_one_audit_entry_in_its_transaction(tmp_path: Path) -> None:
    path = _csv(tmp_path / "p.csv", "number,name\nP1,Solder\nP2,Wire\n")
    import_master_data("parts", path, "test")
    entries = AuditEntry.objects.filter(action__startswith="masterdata.")
    assert entries.count() == 1
    assert entries.get().data | {"sha256": ""} == {
        "kind": "parts",
        "file": str(path),
        "sha256": "",
        "format": "csv",
        "encoding": "UTF-8",
        "delimiter": "comma",
        "partial": False,
        "stored": True,
        "rows": 2,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
    }


def test_missing_required_column_rejects_the_file(tmp_path: Path) -> None:
    with pytest.raises(MasterDataError, match="number") as caught:
        import_master_data("parts", _csv(tmp_path / "x.csv", "name\nSolder\n"), "test")
    assert caught.value.code == "missing_columns"
    assert AuditEntry.objects.get().data["error"]["code"] == "missing_columns"


def test_a_column_named_twice_rejects_the_file(tmp_path: Path) -> None:
    path = _csv(tmp_path / "x.csv", "number,name,Name\nP1,a,b\n")
    with pytest.raises(MasterDataError, match="'name' appears twice"):
        import_master_data("parts", path, "test")


def test_empty_cells_keep_stored_values(tmp_path: Path) -> None:
    import_master_data(
        "suppliers", _csv(tmp_path / "a.csv", "name,unique_id,country\nAcme,D1,JP\n"), "t"
    )
    result = import_master_data(
        "suppliers", _csv(tmp_path / "b.csv", "name,unique_id,country\nAcme,D1,\n"), "t"
    )
    assert result.unchanged == 1
    assert Supplier.objects.get().country == "JP"
