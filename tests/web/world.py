"""A small group for the web tests: two group companies (GA, GB), suppliers in each, real
declarations ingested from workbooks the project writes, a person per role."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from oretrace.registry.models import (
    CorrectiveAction,
    Declaration,
    GroupCompany,
    Supplier,
    SupplierRelationship,
)
from oretrace.registry.services.ingest import ingest
from oretrace.registry.services.people import add_staff_user
from oretrace.registry.services.suppliers import normalise_company
from tests.registry.conftest import write_supplier

PASSWORD = "correct horse battery staple"
YEAR = 2025
ROLES = {
    "admin": ("admin", ()),
    "officer_a": ("officer", ("GA",)),
    "officer_b": ("officer", ("GB",)),
    "reviewer": ("reviewer", ()),
    "auditor": ("auditor", ()),
}


@dataclass
class World:
    """What the tests point at, per side: "a" is group company GA, "b" is GB."""

    company: dict[str, GroupCompany] = field(default_factory=dict)
    supplier: dict[str, Supplier] = field(default_factory=dict)
    declaration: dict[str, Declaration] = field(default_factory=dict)
    action: dict[str, CorrectiveAction] = field(default_factory=dict)
    silent: dict[str, Supplier] = field(default_factory=dict)


def supplier_in(company: GroupCompany, name: str, unique_id: str = "") -> Supplier:
    supplier = Supplier.objects.create(
        name=name, normalised_name=normalise_company(name), unique_id=unique_id, country="JAPAN"
    )
    SupplierRelationship.objects.create(supplier=supplier, group_company=company)
    return supplier


def build_world(folder: Path) -> World:
    world = World()
    names = {"a": "Alpha Metals Corporation", "b": "Beta Smelting Industries"}
    for side, code in (("a", "GA"), ("b", "GB")):
        world.company[side] = GroupCompany.objects.create(name=f"Group {code}", code=code)
        world.supplier[side] = supplier_in(world.company[side], names[side])
        world.silent[side] = supplier_in(world.company[side], f"Silent Supplier {code}")
    inbox = folder / "inbox"
    write_supplier(inbox, names["a"], dt.date(2025, 4, 1), metals=("Tin", "Gold"))
    write_supplier(inbox, names["b"], dt.date(2025, 5, 1), metals=("Tin",))
    ingest([inbox], YEAR, "test", workers=1)
    for side in ("a", "b"):
        world.declaration[side] = Declaration.objects.get(supplier=world.supplier[side])
        world.action[side] = CorrectiveAction.objects.create(
            supplier=world.supplier[side], title="Ask for a CMRT 6.5", owner="x", opened_by="test"
        )
    add_staff()
    return world


def add_staff() -> None:
    """One person per role in ``ROLES``, all with ``PASSWORD``."""
    for username, (role, companies) in ROLES.items():
        add_staff_user(username, role, companies, PASSWORD, "test")
