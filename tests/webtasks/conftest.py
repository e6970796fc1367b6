"""Fixtures for the upload, job, review, smelter, product and report pages: a small group of
two group companies (GA, GB), a supplier in each with an ingested declaration, one of them
naming a smelter identification could not decide, and a person per role."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from oretrace.registry.models import (
    BomLine,
    Declaration,
    DeclarationSmelter,
    GroupCompany,
    Part,
    PartSource,
    Product,
    Supplier,
)
from oretrace.registry.services.ingest import ingest
from tests.web.world import PASSWORD, YEAR, add_staff, supplier_in
from tests.webtasks.files import NICKNAME, supplier_file


@dataclass
class Group:
    company: dict[str, GroupCompany] = field(default_factory=dict)
    supplier: dict[str, Supplier] = field(default_factory=dict)
    declaration: dict[str, Declaration] = field(default_factory=dict)
    product: dict[str, Product] = field(default_factory=dict)
    odd_row: DeclarationSmelter | None = None


@pytest.fixture(autouse=True)
def _folders(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORETRACE_REFERENCE_DIR", str(tmp_path / "reference"))
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "files")},
        },
    }
    settings.DATA_DIR = tmp_path / "data"
    settings.ORETRACE_UPLOAD_DIR = tmp_path / "data" / "uploads"
    settings.ORETRACE_JOB_HEARTBEAT_SECONDS = 3600


def build_group(folder: Path) -> Group:
    group = Group()
    names = {"a": "Alpha Metals Corporation", "b": "Beta Smelting Industries"}
    for side, code in (("a", "GA"), ("b", "GB")):
        company = GroupCompany.objects.create(name=f"Group {code}", code=code)
        supplier = supplier_in(company, names[side])
        group.company[side], group.supplier[side] = company, supplier
        supplier_file(folder / "inbox", names[side], NICKNAME if side == "a" else None)
        part = Part.objects.create(number=f"P-{code}", name=f"solder {code}")
        PartSource.objects.create(part=part, supplier=supplier)
        product = Product.objects.create(number=f"PRD-{code}", name=f"Radio {code}")
        BomLine.objects.create(product=product, part=part)
        group.product[side] = product
    ingest([folder / "inbox"], YEAR, "test", workers=1)
    for side in ("a", "b"):
        group.declaration[side] = Declaration.objects.get(supplier=group.supplier[side])
    group.odd_row = DeclarationSmelter.objects.get(name=NICKNAME)
    add_staff()
    return group


@pytest.fixture
def group(db: None, tmp_path: Path) -> Group:
    return build_group(tmp_path)


@pytest.fixture
def login() -> Any:
    def sign_in(username: str) -> Client:
        client = Client()
        assert client.login(username=username, password=PASSWORD)
        return client

    return sign_in
