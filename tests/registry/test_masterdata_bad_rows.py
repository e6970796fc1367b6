"""Bad master data is normal input: every bad row named by row and column, never a crash,
the same limits on SQLite and PostgreSQL, and no name match that re-keys another supplier."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oretrace.registry.models import BomLine, Part, PartSource, Product, Supplier
from oretrace.registry.services.masterdata import (
    MasterDataError,
    import_master_data,
    quantity_limits,
)

pytestmark = pytest.mark.django_db


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _errors(kind: str, path: Path, **options: bool) -> list[tuple[int, str, str]]:
    result = import_master_data(kind, path, "test", **options)  # type: ignore[arg-type]
    return [(e.row, e.column, e.message) for e in result.errors]


@pytest.fixture
def catalogue(tmp_path: Path) -> None:
    _csv(tmp_path / "p.csv", "number,name\nP1,Solder\nP2,Wire\n")
    _csv(tmp_path / "x.csv", "number,name\nX1,Printer\n")
    assert import_master_data("parts", tmp_path / "p.csv", "test").stored
    assert import_master_data("products", tmp_path / "x.csv", "test").stored


@pytest.mark.usefixtures("catalogue")
def test_quantities_must_be_finite_positive_and_within_the_field(tmp_path: Path) -> None:
    largest, places = quantity_limits()
    assert (str(largest), places) == ("999999999.999", 3)
    bad = ["NaN", "nan", "Infinity", "-inf", "1e20", "-1", "0", "0.0001", "abc", '"2,5"', "1_000"]
    lines = "".join(f"X1,P1,{q}\n" for q in bad)
    path = _csv(tmp_path / "bom.csv", "product,part,quantity\n" + lines + "X1,P2,999999999.999\n")
    errors = _errors("bom", path)
    assert [(row, column) for row, column, _ in errors] == [
        (n, "quantity") for n in range(2, 2 + len(bad))
    ]
    assert "is not a number" in errors[0][2] and "999,999,999.999" in errors[0][2]
    assert [e[2].split(";")[0] for e in errors[4:7]] == [
        "'1e20' is out of range",
        "'-1' is out of range",
        "'0' is out of range",
    ]
    assert "more than 3 decimals" in errors[7][2]
    assert "use a point for decimals" in errors[9][2]
    assert BomLine.objects.count() == 0  # one file, one transaction: nothing stored
    assert _errors("bom", path, partial=True)[0][0] == 2
    assert BomLine.objects.get().quantity == largest


@pytest.mark.usefixtures("catalogue")
def test_unknown_references_name_the_column(tmp_path: Path) -> None:
    path = _csv(tmp_path / "bom.csv", "product,part\nX9,P1\nX1,P9\nX8,P8\n,P1\n")
    assert _errors("bom", path) == [
        (2, "product", "product 'X9' is not known; import products first"),
        (3, "part", "part 'P9' is not known; import parts first"),
        (4, "product", "product 'X8' is not known; import products first"),
        (4, "part", "part 'P8' is not known; import parts first"),
        (5, "product", "'product' is empty"),
    ]
    parts = _csv(tmp_path / "parts.csv", "number,supplier\nP3,Nobody Ltd\n")
    assert _errors("parts", parts) == [
        (2, "supplier", "supplier 'Nobody Ltd' is not known; import suppliers first")
    ]


def test_lengths_follow_the_model_fields_on_every_database(tmp_path: Path) -> None:
    long_name = "N" * 300
    huge = "h" * 131_073  # over csv's default field limit, which used to crash the import
    path = _csv(
        tmp_path / "s.csv",
        f"name,unique_id,country\n{long_name},D1,JP\nOk Co,{huge},JP\nFine Co,D3,JP\n",
    )
    assert _errors("suppliers", path) == [
        (2, "name", "300 characters; at most 255"),
        (3, "unique_id", "131,073 characters; at most 100"),
    ]
    assert Supplier.objects.count() == 0
    assert import_master_data("suppliers", path, "t", partial=True).created == 1
    assert Supplier.objects.get().name == "Fine Co"


def test_control_characters_and_bad_emails_are_rejected(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "s.csv",
        "name,contact_email\nEsc\x1b[31mCo,\nBell\x07Co,\nMail Co,not-an-address\n",
    )
    assert _errors("suppliers", path) == [
        (2, "name", "contains the control character U+001B"),
        (3, "name", "contains the control character U+0007"),
        (4, "contact_email", "'not-an-address' is not an e-mail address"),
    ]


def test_binary_and_empty_files_are_refused_whole(tmp_path: Path) -> None:
    binary = tmp_path / "parts.csv"
    binary.write_bytes(b"number,name\nP1,x\n" + bytes(range(256)) * 4)
    nul = _csv(tmp_path / "nul.csv", "number,name\nP1,So\x00lder\n")
    with pytest.raises(MasterDataError, match="binary content") as caught:
        import_master_data("parts", binary, "test")
    assert caught.value.code == "not_text"
    with pytest.raises(MasterDataError, match="a NUL byte at offset 17"):
        import_master_data("parts", nul, "test")
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(MasterDataError, match="empty"):
        import_master_data("parts", tmp_path / "empty.csv", "test")
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(MasterDataError, match="cannot be read as a workbook"):
        import_master_data("parts", fake, "test")
    huge = _csv(tmp_path / "huge.csv", "number,name\nP1," + "x" * (1 << 20) + "y\n")
    with pytest.raises(MasterDataError, match="row 2: field larger than field limit"):
        import_master_data("parts", huge, "test")
    assert Part.objects.count() == 0


def test_an_id_typo_never_re_keys_another_supplier(tmp_path: Path) -> None:
    first = _csv(tmp_path / "a.csv", "name,unique_id\nAcme Metals Co. Ltd.,D1\nBeta Wire,D2\n")
    import_master_data("suppliers", first, "test")
    typo = _csv(tmp_path / "b.csv", "name,unique_id\nACME METALS CO LTD,D9\nBeta Wire Inc,D1\n")
    errors = _errors("suppliers", typo, partial=True)
    assert errors[0][:2] == (2, "unique_id")
    assert "'D9' is new but the name 'ACME METALS CO LTD' matches supplier" in errors[0][2]
    assert "'Acme Metals Co. Ltd.' (unique ID 'D1')" in errors[0][2]
    assert errors[1][:2] == (3, "unique_id")
    assert "'D1' belongs to supplier 'Acme Metals Co. Ltd.' (unique ID 'D1')" in errors[1][2]
    assert "matches supplier 'Beta Wire' (unique ID 'D2')" in errors[1][2]
    assert sorted(Supplier.objects.values_list("unique_id", "name")) == [
        ("D1", "Acme Metals Co. Ltd."),
        ("D2", "Beta Wire"),
    ]
    renamed = _csv(tmp_path / "c.csv", "name,unique_id\nAcme Holdings,D1\nGamma,\n")
    result = import_master_data("suppliers", renamed, "test")
    assert (result.updated, result.created) == (1, 1)  # a rename by its own ID is fine
    adopt = _csv(tmp_path / "d.csv", "name,unique_id\nGamma,D7\n")
    assert import_master_data("suppliers", adopt, "test").updated == 1  # had no ID yet
    assert Supplier.objects.get(name="Gamma").unique_id == "D7"


def test_duplicate_keys_in_one_file_name_both_rows(tmp_path: Path) -> None:
    suppliers = _csv(
        tmp_path / "s.csv", "name,unique_id\nAcme,D1\nBeta,D1\nGamma Co,D3\nGAMMA Co.,D4\n"
    )
    assert _errors("suppliers", suppliers) == [
        (3, "unique_id", "unique ID 'D1' is also on row 2"),
        (5, "name", "the same company name is also on row 4"),
    ]
    import_master_data("suppliers", _csv(tmp_path / "ok.csv", "name,unique_id\nAcme,D1\n"), "t")
    parts = _csv(
        tmp_path / "p.csv",
        "number,name,supplier\nP1,Solder,D1\nP1,Solder,D1\nP2,Wire,\nP2,Wire,\nP3,A,D1\n"
        "P4,B,\nP3,Other name,\n",
    )
    assert _errors("parts", parts) == [
        (3, "supplier", "part 'P1' from this supplier is also on row 2"),
        (5, "number", "part 'P2' is also on row 4"),
        (8, "name", "part 'P3' is named 'A' on row 6"),
        (8, "number", "part 'P3' is also on row 6"),
    ]
    assert Part.objects.count() == 0


def test_duplicates_are_found_across_batches(tmp_path: Path) -> None:
    from oretrace.registry.services import masterdata_batches

    rows = "".join(f"P{n},Part {n}\n" for n in range(1, 2 * masterdata_batches.BATCH + 10))
    path = _csv(tmp_path / "p.csv", "number,name\n" + rows + "P7,Part 7\n")
    last = 2 * masterdata_batches.BATCH + 10 + 1
    assert _errors("parts", path) == [(last, "number", "part 'P7' is also on row 8")]
    products = _csv(tmp_path / "x.csv", "number\nX1\n")
    import_master_data("products", products, "t")
    import_master_data("parts", path, "t", partial=True)
    bom = "".join(f"X1,P{n}\n" for n in range(1, 2 * masterdata_batches.BATCH + 10))
    bom_path = _csv(tmp_path / "b.csv", "product,part\n" + bom + "X1,P3\n")
    assert _errors("bom", bom_path) == [(last, "part", "this product and part are also on row 4")]
    assert BomLine.objects.count() == 0 and Product.objects.count() == 1
    assert PartSource.objects.count() == 0


def test_workbook_rows_are_checked_like_csv_rows(tmp_path: Path) -> None:
    import xlsxwriter

    _csv(tmp_path / "p.csv", "number\nP1\n")
    _csv(tmp_path / "x.csv", "number\nX1\n")
    import_master_data("parts", tmp_path / "p.csv", "t")
    import_master_data("products", tmp_path / "x.csv", "t")
    path = tmp_path / "bom.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    rows: list[list[object]] = [
        ["Product", "Part", "Quantity"],
        ["X1", "P1", -2],
        ["X1", "P1", 1e20],
        ["X1", "", 1],
        ["X" * 300, "P1", 1],
        ["X1", "P1", 2.5],
    ]
    for r, values in enumerate(rows):
        sheet.write_row(r, 0, values)
    book.close()
    result = import_master_data("bom", path, "t")
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "quantity"),
        (3, "quantity"),
        (4, "part"),
        (5, "product"),
    ]
    assert "'100000000000000000000' is out of range" in result.errors[1].message
    assert result.format == "workbook" and BomLine.objects.count() == 0
    assert import_master_data("bom", path, "t", partial=True).created == 1
    assert str(BomLine.objects.get().quantity) in {"2.5", "2.500"}


def test_a_folder_or_fifo_is_not_read(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(MasterDataError, match="not a regular file"):
        import_master_data("parts", fifo, "test")


_CELLS = st.text(st.characters(exclude_categories=("Cs",)), max_size=300) | st.sampled_from(
    ["NaN", "-Infinity", "1e400", "0", "-0.0", "1e-400", "9" * 40, "", " ", "\u00a0", "D1"]
)


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_CELLS, min_size=3, max_size=3), min_size=1, max_size=6))
def test_any_cell_text_is_stored_or_reported_never_a_crash(
    tmp_path: Path, rows: list[list[str]]
) -> None:
    import csv
    import uuid

    headers = {
        "suppliers": ["name", "unique_id", "country"],
        "parts": ["number", "name", "supplier"],
        "bom": ["product", "part", "quantity"],
    }
    for kind, header in headers.items():
        path = tmp_path / f"{uuid.uuid4().hex}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        try:
            result = import_master_data(kind, path, "fuzz", partial=True)
        except MasterDataError as exc:  # a file-level refusal is an answer too
            assert exc.code in {"not_text", "csv"}, exc
            continue
        assert result.rejected + result.created + result.updated + result.unchanged == result.rows
        assert all(e.row >= 2 and e.column and e.message for e in result.errors)


def test_repeats_of_stored_records_are_found_on_a_second_import(tmp_path: Path) -> None:
    _csv(tmp_path / "s.csv", "name,unique_id\nAcme,D1\n")
    _csv(tmp_path / "x.csv", "number\nX1\n")
    import_master_data("suppliers", tmp_path / "s.csv", "t")
    import_master_data("products", tmp_path / "x.csv", "t")
    parts = _csv(tmp_path / "p.csv", "number,name,supplier\nP1,Solder,D1\n")
    bom = _csv(tmp_path / "b.csv", "product,part,quantity\nX1,P1,2\n")
    assert import_master_data("parts", parts, "t").created == 1
    assert import_master_data("bom", bom, "t").created == 1
    twice = _csv(tmp_path / "p2.csv", "number,name,supplier\nP1,Solder,D1\nP1,Solder,D1\n")
    assert _errors("parts", twice) == [
        (3, "supplier", "part 'P1' from this supplier is also on row 2")
    ]
    bom_twice = _csv(tmp_path / "b2.csv", "product,part,quantity\nX1,P1,2\nX1,P1,3\n")
    assert _errors("bom", bom_twice) == [(3, "part", "this product and part are also on row 2")]
    assert BomLine.objects.get().quantity == 2
