"""What the pages show: the dashboard equals ``period_status`` (and ``oretrace status``) for
the same scope; lists filter and download; the declaration page shows findings in the
stored sheet; list pages use a fixed number of queries however many rows they show."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from click.testing import CliRunner
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from oretrace.cli import main
from oretrace.registry.models import (
    CorrectiveAction,
    Declaration,
    Finding,
    StoredFile,
)
from oretrace.registry.services.audit import record
from oretrace.registry.services.scope import StaffScope
from oretrace.registry.services.status import period_status
from tests.web.world import YEAR, World, supplier_in

pytestmark = pytest.mark.django_db


def test_dashboard_equals_status_for_the_whole_group(login: Any, world: World) -> None:
    response = login("admin").get(reverse("dashboard"), {"period": YEAR})
    assert response.status_code == 200
    expected = period_status(YEAR).as_json()
    assert response.context["data"] == expected
    assert expected["suppliers_surveyed"] == 4 and expected["suppliers_responded"] == 2
    body = response.content.decode()
    assert f">{expected['suppliers_surveyed']}</a>" in body
    assert "50.0%" in body  # response rate 2/4


def test_officer_dashboard_equals_status_for_its_group_company(login: Any, world: World) -> None:
    response = login("officer_a").get(reverse("dashboard"), {"period": YEAR})
    scope = StaffScope.for_group_companies(frozenset({world.company["a"].pk}))
    expected = period_status(YEAR, scope).as_json()
    assert response.context["data"] == expected
    assert (expected["suppliers_surveyed"], expected["suppliers_responded"]) == (2, 1)
    assert expected != period_status(YEAR).as_json()
    cli = CliRunner().invoke(
        main, ["status", "--period", str(YEAR), "--group-company", "GA", "--json"]
    )
    assert cli.exit_code == 0, cli.output
    assert json.loads(cli.output) == expected


def test_every_dashboard_figure_links_to_a_list_of_that_many_rows(login: Any, world: World) -> None:
    admin = login("admin")
    data = period_status(YEAR).as_json()
    checks = [
        ("suppliers", {"response": "surveyed"}, data["suppliers_surveyed"]),
        ("suppliers", {"response": "responded"}, data["suppliers_responded"]),
        ("suppliers", {"response": "none"}, data["suppliers_without_response"]),
        *[("declarations", {"status": k}, v) for k, v in data["declarations"].items()],
        *[("suppliers", {"risk": k}, v) for k, v in data["suppliers_by_risk"].items()],
    ]
    for name, query, count in checks:
        response = admin.get(reverse(name), {"period": YEAR, **query})
        assert response.context["page"].paginator.count == count, (name, query)


def test_supplier_list_filters_and_downloads(login: Any, world: World) -> None:
    admin = login("admin")
    found = admin.get(reverse("suppliers"), {"q": "alpha"})
    assert [s.name for s, _ in found.context["lines"]] == [world.supplier["a"].name]
    by_company = admin.get(reverse("suppliers"), {"group_company": world.company["b"].pk})
    assert {s.name for s, _ in by_company.context["lines"]} == {
        world.supplier["b"].name,
        world.silent["b"].name,
    }
    flagged = admin.get(reverse("suppliers"), {"red_flag": "no_response"})
    assert {s.pk for s, _ in flagged.context["lines"]} == {s.pk for s in world.silent.values()}
    partial = admin.get(reverse("suppliers"), {"q": "beta"}, headers={"HX-Request": "true"})
    assert b"<html" not in partial.content and world.supplier["b"].name.encode() in partial.content
    download = admin.get(reverse("suppliers-export-csv"), {"response": "none"})
    assert download["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Supplier" and sorted(r[0] for r in rows[1:]) == sorted(
        s.name for s in world.silent.values()
    )
    xlsx = admin.get(reverse("suppliers-export-xlsx"))
    assert xlsx.content[:2] == b"PK"


def test_officer_download_holds_only_its_suppliers(login: Any, world: World) -> None:
    download = login("officer_b").get(reverse("suppliers-export-csv"))
    names = {r[0] for r in csv.reader(io.StringIO(download.content.decode("utf-8-sig")))}
    assert names == {"Supplier", world.supplier["b"].name, world.silent["b"].name}


def test_declaration_page_shows_findings_in_the_stored_sheet(login: Any, world: World) -> None:
    declaration = world.declaration["a"]
    Finding.objects.create(
        declaration=declaration,
        code="test_finding",
        severity="error",
        cell="'Declaration'!D8",
        message="Company name checked by the test",
    )
    admin = login("admin")
    page = admin.get(reverse("declaration", args=[declaration.pk]))
    assert b"Company name checked by the test" in page.content
    sheet = admin.get(
        reverse("declaration-sheet", args=[declaration.pk]), {"cell": "'Declaration'!D8"}
    )
    excerpt = sheet.context["excerpt"]
    assert excerpt is not None and excerpt.target == (8, 4)
    target_row = dict(excerpt.rows)[8]
    assert world.supplier["a"].name in target_row
    assert b'class="target"' in sheet.content
    stored = declaration.stored_file
    stored.original_name = '供給者 CMRT "最終".xlsx'  # names as suppliers send them
    stored.save()
    original = admin.get(reverse("declaration-original", args=[declaration.pk]))
    assert original["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert "%E4%BE%9B%E7%B5%A6%E8%80%85" in original["Content-Disposition"]
    assert original.content == stored.content.open("rb").read()


def _more_rows(world: World, count: int) -> None:
    """Suppliers with a relationship, an open action and a declaration each."""
    start = StoredFile.objects.count()
    for index in range(start, start + count):
        supplier = supplier_in(world.company["a"], f"Extra Supplier {index:03d}")
        CorrectiveAction.objects.create(supplier=supplier, title="t", owner="o", opened_by="x")
        stored = StoredFile.objects.create(
            sha256=f"{index:064d}", size=1, original_name=f"extra-{index}.xlsx"
        )
        Declaration.objects.create(
            period=world.declaration["a"].period,
            supplier=supplier,
            stored_file=stored,
            status="valid",
            company_name=supplier.name,
            template="CMRT",
        )
        with transaction.atomic():
            record("test", "test.row")


@pytest.mark.parametrize("name", ["suppliers", "declarations", "audit-log", "suppliers-export-csv"])
def test_list_queries_do_not_grow_with_rows(login: Any, world: World, name: str) -> None:
    admin: Client = login("admin")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin.get(reverse(name), {"period": YEAR}).status_code == 200
        return len(captured)

    _more_rows(world, 2)
    few = queries()
    _more_rows(world, 20)
    assert queries() == few


def test_declarations_filter_by_smelter_row_decision_within_scope(login: Any, world: World) -> None:
    admin = login("admin").get(reverse("declarations"), {"decision": "auto"})
    assert {d.pk for d in admin.context["page"].object_list} == {
        d.pk for d in world.declaration.values()
    }
    officer = login("officer_b").get(reverse("declarations"), {"decision": "auto"})
    assert [d.pk for d in officer.context["page"].object_list] == [world.declaration["b"].pk]
    none = login("admin").get(reverse("declarations"), {"decision": "confirmed"})
    assert none.context["page"].paginator.count == 0
