"""No page's query count grows with the rows it shows: each list and detail page is asked
with 3 rows and with 30 rows behind it, and runs the same number of queries both times
(issue #8, item 4) — both with nothing remembered and with the assessment read back."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from oretrace.registry.models import (
    AssessmentCache,
    BomLine,
    Contact,
    CorrectiveAction,
    Declaration,
    DeclarationSmelter,
    Finding,
    Part,
    PartSource,
    Product,
    ReferenceSmelter,
    ReportingPeriod,
    ReviewDecision,
    SmelterStatus,
    StoredFile,
    Supplier,
)
from oretrace.registry.services.audit import record
from tests.web.world import YEAR, World, supplier_in

pytestmark = pytest.mark.django_db

_serial = itertools.count(1)


def _queries(client: Client, url: str, params: dict[str, Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return len(captured)


def _counts(client: Client, url: str, params: dict[str, Any]) -> tuple[int, int]:
    """Queries of a first request (nothing remembered) and of a second one."""
    _queries(client, url, params)  # one-time work (e.g. a period created on first sight)
    AssessmentCache.objects.all().delete()
    return _queries(client, url, params), _queries(client, url, params)


def _same_for_3_and_30(
    client: Client, url: str, params: dict[str, Any], add: Callable[[int], None]
) -> None:
    add(3)
    few = _counts(client, url, params)
    add(27)
    assert _counts(client, url, params) == few, url


def _stored(label: str) -> StoredFile:
    n = next(_serial)
    return StoredFile.objects.create(sha256=f"{n:064x}", size=1, original_name=f"{label}-{n}.xlsx")


def _declaration(supplier: Supplier, year: int = YEAR) -> Declaration:
    return Declaration.objects.create(
        period=ReportingPeriod.for_year(year),
        supplier=supplier,
        stored_file=_stored("decl"),
        status="findings",
        company_name=supplier.name,
        template="CMRT",
        version="6.4",
    )


def _smelter(prefix: str = "Zz Queries Smelter") -> ReferenceSmelter:
    n = next(_serial)
    smelter = ReferenceSmelter.objects.create(
        smelter_id=f"CIDQ{n:05d}", metal="Tin", standard_name=f"{prefix} {n:03d}", country="PERU"
    )
    SmelterStatus.objects.create(smelter=smelter, status="Conformant", snapshot_key="t")
    return smelter


def _row(declaration: Declaration, smelter: ReferenceSmelter | None, decision: str) -> Any:
    return DeclarationSmelter.objects.create(
        declaration=declaration,
        row=next(_serial),
        metal="Tin",
        name=smelter.standard_name if smelter else "Unknown Trader",
        country="PERU",
        smelter=smelter,
        decision=decision,
        candidates=[{"smelter_id": "CID001182", "name": "Minsur", "score": 90}],
    )


@pytest.fixture
def admin(login: Any) -> Client:
    client: Client = login("admin")
    return client


def test_supplier_list_and_download(admin: Client, world: World) -> None:
    def add(count: int) -> None:
        for _ in range(count):
            supplier = supplier_in(world.company["a"], f"Queries Supplier {next(_serial):03d}")
            CorrectiveAction.objects.create(supplier=supplier, title="t", owner="o", opened_by="x")
            _declaration(supplier)

    for name in ("suppliers", "suppliers-export-csv"):
        _same_for_3_and_30(admin, reverse(name), {"period": YEAR, "q": "Queries"}, add)


def test_declaration_list(admin: Client, world: World) -> None:
    def add(count: int) -> None:
        for _ in range(count):
            _declaration(supplier_in(world.company["b"], f"D {next(_serial)}"))

    _same_for_3_and_30(admin, reverse("declarations"), {"period": YEAR}, add)


def test_audit_log(admin: Client, world: World) -> None:
    def add(count: int) -> None:
        for _ in range(count):
            with transaction.atomic():
                record("test", "test.row")

    _same_for_3_and_30(admin, reverse("audit-log"), {}, add)


def test_review_queue_and_row(admin: Client, world: World) -> None:
    declaration = world.declaration["a"]
    rows: list[DeclarationSmelter] = []

    def add_rows(count: int) -> None:
        rows.extend(_row(declaration, None, "review") for _ in range(count))

    _same_for_3_and_30(admin, reverse("review"), {"period": YEAR}, add_rows)

    target = rows[0]
    smelter = _smelter()

    def add_decisions(count: int) -> None:
        for _ in range(count):
            ReviewDecision.objects.create(
                row=target, chosen=smelter, accepted=True, previous_decision="review", actor="t"
            )

    _same_for_3_and_30(admin, reverse("review-row", args=[target.pk]), {}, add_decisions)


def test_smelter_list_and_smelter(admin: Client, world: World) -> None:
    declaration = world.declaration["a"]

    def add_smelters(count: int) -> None:
        for _ in range(count):
            _row(declaration, _smelter(), "auto")

    _same_for_3_and_30(
        admin, reverse("smelters"), {"period": YEAR, "q": "Zz Queries"}, add_smelters
    )

    smelter = _smelter("Widely Named")
    product = Product.objects.create(number=f"PQ-{next(_serial)}", name="Widget")

    def add_naming_suppliers(count: int) -> None:
        for _ in range(count):
            supplier = supplier_in(world.company["a"], f"Naming Supplier {next(_serial):03d}")
            _row(_declaration(supplier), smelter, "auto")
            part = Part.objects.create(number=f"PART-{next(_serial)}", name="p")
            PartSource.objects.create(part=part, supplier=supplier)
            BomLine.objects.create(product=product, part=part)
            SmelterStatus.objects.create(smelter=smelter, status="Active", snapshot_key=f"s{count}")

    _same_for_3_and_30(
        admin, reverse("smelter", args=[smelter.pk]), {"period": YEAR}, add_naming_suppliers
    )


def test_product_list_and_product(admin: Client, world: World) -> None:
    def add_products(count: int) -> None:
        for _ in range(count):
            Product.objects.create(number=f"QP-{next(_serial):04d}", name="Queried product")

    _same_for_3_and_30(admin, reverse("products"), {"period": YEAR, "q": "Queried"}, add_products)

    product = Product.objects.create(number=f"BOM-{next(_serial)}", name="Many parts")

    def add_parts(count: int) -> None:
        for _ in range(count):
            part = Part.objects.create(number=f"BP-{next(_serial)}", name="p")
            supplier = supplier_in(world.company["b"], f"Part Supplier {next(_serial):03d}")
            PartSource.objects.create(part=part, supplier=supplier)
            BomLine.objects.create(product=product, part=part)

    _same_for_3_and_30(admin, reverse("product", args=[product.pk]), {"period": YEAR}, add_parts)


def test_supplier_page(admin: Client, world: World) -> None:
    supplier = world.supplier["b"]

    def add(count: int) -> None:
        for _ in range(count):
            declaration = _declaration(supplier, year=2000 + next(_serial) % 20)
            Finding.objects.create(
                declaration=declaration, code="x", severity="warning", message="m"
            )
            CorrectiveAction.objects.create(supplier=supplier, title="t", owner="o", opened_by="x")
            Contact.objects.create(supplier=supplier, name=f"Contact {next(_serial)}")

    _same_for_3_and_30(admin, reverse("supplier", args=[supplier.pk]), {"period": YEAR}, add)


def test_declaration_page(admin: Client, world: World) -> None:
    declaration = world.declaration["b"]

    def add(count: int) -> None:
        for _ in range(count):
            _row(declaration, _smelter(), "auto")
            _row(declaration, None, "review")
            Finding.objects.create(
                declaration=declaration, code="x", severity="warning", cell="D5", message="m"
            )

    _same_for_3_and_30(admin, reverse("declaration", args=[declaration.pk]), {}, add)
