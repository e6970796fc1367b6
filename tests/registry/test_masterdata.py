"""Master data imports: upserts, row-level errors with row numbers, CSV and XLSX."""

from __future__ import annotations

from pathlib import Path

import pytest
import xlsxwriter

from oretrace.registry.models import BomLine, Part, Product, Supplier, SupplierRelationship
from oretrace.registry.services.masterdata import MasterDataError, import_master_data

pytestmark = pytest.mark.django_db


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_suppliers_parts_products_bom(tmp_path: Path) -> None:
    suppliers = _csv(
        tmp_path / "s.csv",
        "Name,Unique ID,Country,Group Company\n"
        "Acme Metals Co. Ltd.,DUNS-1,JP,Oretrace Japan\n,DUNS-2,JP,\n"
        "Beta Wire,,US,Oretrace US\n",
    )
    result = import_master_data("suppliers", suppliers, "test")
    assert (result.created, result.updated) == (2, 0)
    assert [(e.row, e.message) for e in result.errors] == [(3, "'name' is empty")]
    assert SupplierRelationship.objects.count() == 2
    again = import_master_data("suppliers", suppliers, "test")
    assert (again.created, again.updated) == (0, 2)
    parts = _csv(
        tmp_path / "p.csv", "number,name,supplier\nP1,Solder,Acme Metals\nP2,Wire,DUNS-404\n"
    )
    result = import_master_data("parts", parts, "test")
    assert result.created == 1 and result.errors[0].row == 3
    assert "DUNS-404" in result.errors[0].message
    assert Part.objects.get(number="P1").sources.get().supplier.unique_id == "DUNS-1"
    products = tmp_path / "products.xlsx"
    book = xlsxwriter.Workbook(str(products))
    sheet = book.add_worksheet()
    for r, row in enumerate([("number", "name", "category"), ("X1", "Printer", "Office")]):
        sheet.write_row(r, 0, row)
    book.close()
    assert import_master_data("products", products, "test").created == 1
    bom = _csv(tmp_path / "bom.csv", "product,part,quantity\nX1,P1,2\nX1,P9,1\nX1,P1,abc\n")
    result = import_master_data("bom", bom, "test")
    assert result.created == 1
    assert [e.row for e in result.errors] == [3, 4]
    assert BomLine.objects.get().quantity == 2
    assert Product.objects.get().category is not None
    assert Supplier.objects.filter(unverified=True).count() == 0


def test_missing_required_column_rejects_the_file(tmp_path: Path) -> None:
    with pytest.raises(MasterDataError, match="number"):
        import_master_data("parts", _csv(tmp_path / "x.csv", "name\nSolder\n"), "test")
