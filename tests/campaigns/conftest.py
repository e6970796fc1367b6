"""A small group for campaign tests: two group companies, suppliers with contacts, officers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from oretrace.registry.models import Contact, GroupCompany, Supplier, SupplierRelationship
from oretrace.registry.services.people import add_staff_user
from oretrace.registry.services.scope import StaffScope
from oretrace.registry.services.suppliers import normalise_company

DUE = dt.date(2026, 3, 31)
HEAD_OFFICE = StaffScope.everything("head")


@pytest.fixture(autouse=True)
def _file_storage(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORETRACE_REFERENCE_DIR", str(tmp_path / "reference"))
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "files")},
        },
    }
    settings.ORETRACE_BASE_URL = "https://oretrace.example"


@dataclass
class Group:
    company: dict[str, GroupCompany] = field(default_factory=dict)
    suppliers: dict[str, Supplier] = field(default_factory=dict)


def supplier(
    company: GroupCompany, name: str, uid: str, email: str = "", country: str = "GERMANY"
) -> Supplier:
    made = Supplier.objects.create(
        name=name, normalised_name=normalise_company(name), unique_id=uid, country=country
    )
    SupplierRelationship.objects.create(supplier=made, group_company=company)
    if email:
        Contact.objects.create(supplier=made, name=f"{name} desk", email=email, role="CMRT")
    return made


@pytest.fixture
def group(db: None) -> Group:
    built = Group()
    built.company["a"] = GroupCompany.objects.create(name="Group A", code="GA")
    built.company["b"] = GroupCompany.objects.create(name="Group B", code="GB")
    built.suppliers["alpha"] = supplier(
        built.company["a"], "Alpha Metals", "U-ALPHA", "alpha@supplier.test"
    )
    built.suppliers["amber"] = supplier(
        built.company["a"], "Amber Tin", "U-AMBER", "amber@supplier.test", "JAPAN"
    )
    built.suppliers["ash"] = supplier(built.company["a"], "Ash Works", "U-ASH")  # no contact
    built.suppliers["beta"] = supplier(
        built.company["b"], "Beta Smelting", "U-BETA", "beta@supplier.test"
    )
    role, _ = add_staff_user("officer_a", "officer", ["GA"], "pw", "test")
    role.user.email = "officer.a@group.test"
    role.user.save()
    add_staff_user("officer_b", "officer", ["GB"], "pw", "test")
    return built
