"""``oretrace import contacts``: suppliers by unique ID or name, e-mail checked, all rows or
none, rejected rows by number, encodings detected; ``demo-data`` writes contacts.csv."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from oretrace.cli import main
from oretrace.registry.models import AuditEntry, Contact
from oretrace.synthetic import GroupSpec, generate
from tests.campaigns.conftest import Group

pytestmark = pytest.mark.django_db


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["import", "contacts", *args])
    return result.exit_code, result.output


def test_bad_rows_are_listed_by_number_and_nothing_is_stored(group: Group, tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text(
        "supplier,name,email,role\n"
        "U-ALPHA,Ann,ann@alpha.test,compliance\n"
        "Nobody Ltd,Bob,bob@nobody.test,\n"
        "U-AMBER,Cy,not-an-address,\n"
        "Alpha Metals,Ann again,ANN@alpha.test,\n",
        "utf-8",
    )
    before = Contact.objects.count()
    code, output = _invoke(str(path), "--json")
    assert code == 1
    data = json.loads(output)
    assert [(e["row"], e["column"]) for e in data["errors"]] == [
        (3, "supplier"),
        (4, "email"),
        (5, "email"),
    ]
    assert "not known" in data["errors"][0]["message"]
    assert "also on row 2" in data["errors"][2]["message"]
    assert Contact.objects.count() == before
    code, output = _invoke(str(path), "--json", "--partial")
    assert json.loads(output)["created"] == 1
    ann = Contact.objects.get(email="ann@alpha.test")
    assert (ann.supplier, ann.name, ann.role) == (group.suppliers["alpha"], "Ann", "compliance")


def test_shift_jis_file_updates_by_address(group: Group, tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_bytes(
        "supplier,name,email,role\nU-AMBER,田中 愛子,amber@supplier.test,調達\n".encode("cp932")
    )
    code, output = _invoke(str(path))
    assert code == 0, output
    assert output.startswith("contacts: 0 created, 1 updated, 0 unchanged, 0 rejected")
    contact = Contact.objects.get(email="amber@supplier.test")
    assert (contact.name, contact.role) == ("田中 愛子", "調達")
    assert AuditEntry.objects.filter(action="masterdata.contacts.imported").count() == 1


def test_demo_data_writes_contacts_for_its_suppliers(tmp_path: Path) -> None:
    generate(tmp_path, GroupSpec(suppliers=20, group_companies=2, parts=5, products=2, seed=3))
    with (tmp_path / "suppliers.csv").open(encoding="utf-8") as handle:
        suppliers = {row["unique_id"] for row in csv.DictReader(handle)}
    with (tmp_path / "contacts.csv").open(encoding="utf-8") as handle:
        contacts = list(csv.DictReader(handle))
    assert 0 < len(contacts) < 20
    assert {row["supplier"] for row in contacts} <= suppliers
    assert all(row["email"].endswith(".example") for row in contacts)
