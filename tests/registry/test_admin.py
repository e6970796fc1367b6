"""The admin, as a signed-in superuser uses it: master data edits are audited with the user;
evidence cannot be added, changed or deleted at all."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from oretrace.registry.models import (
    AuditEntry,
    Declaration,
    ReportingPeriod,
    StoredFile,
    Supplier,
)
from oretrace.registry.services.audit import record, verify_chain

pytestmark = pytest.mark.django_db


def _declaration() -> Declaration:
    stored = StoredFile.objects.create(
        sha256="a" * 64, size=3, original_name="acme.xlsx", content="originals/acme.xlsx"
    )
    return Declaration.objects.create(
        period=ReportingPeriod.for_year(2025),
        stored_file=stored,
        status=Declaration.Status.VALID,
        company_name="Acme Metals",
    )


def test_editing_a_supplier_is_audited_with_the_signed_in_user(admin_client: Client) -> None:
    supplier = Supplier.objects.create(name="Acme Metals", normalised_name="acme metals")
    response = admin_client.post(
        f"/admin/registry/supplier/{supplier.pk}/change/",
        {"name": "Acme Metals Ltd", "normalised_name": "acme metals", "country": "JAPAN"},
    )
    assert response.status_code == 302, response.content[:2000]
    supplier.refresh_from_db()
    assert supplier.name == "Acme Metals Ltd"
    entry = AuditEntry.objects.get(action="admin.supplier.changed")
    assert entry.actor == "user:admin"
    assert (entry.object_type, entry.object_id) == ("registry.supplier", str(supplier.pk))
    assert entry.data["changes"]["name"] == ["Acme Metals", "Acme Metals Ltd"]
    assert entry.data["changes"]["country"] == ["", "JAPAN"]
    response = admin_client.post(f"/admin/registry/supplier/{supplier.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    deleted = AuditEntry.objects.get(action="admin.supplier.deleted")
    assert deleted.actor == "user:admin" and deleted.data["was"].startswith("Acme Metals Ltd")
    assert verify_chain().intact


def _refused(client: Client, url: str, data: dict[str, Any] | None = None) -> None:
    response = client.post(url, data or {}) if data is not None else client.get(url)
    assert response.status_code == 403, (url, response.status_code)


def test_evidence_is_read_only_in_the_admin(admin_client: Client) -> None:
    declaration = _declaration()
    entry = record("cli:test@host", "test.step", declaration)
    base = "/admin/registry"
    assert admin_client.get(f"{base}/declaration/{declaration.pk}/change/").status_code == 200
    _refused(
        admin_client,
        f"{base}/declaration/{declaration.pk}/change/",
        {"status": "findings", "company_name": "Someone Else"},
    )
    _refused(admin_client, f"{base}/declaration/{declaration.pk}/delete/", {"post": "yes"})
    _refused(admin_client, f"{base}/declaration/add/")
    _refused(
        admin_client, f"{base}/storedfile/{declaration.stored_file_id}/delete/", {"post": "yes"}
    )
    _refused(admin_client, f"{base}/auditentry/{entry.pk}/change/", {"actor": "user:x"})
    _refused(admin_client, f"{base}/auditentry/{entry.pk}/delete/", {"post": "yes"})
    for model in (
        "finding",
        "declarationsmelter",
        "declarationproduct",
        "reviewdecision",
        "correction",
    ):
        _refused(admin_client, f"{base}/{model}/add/")
    declaration.refresh_from_db()
    assert (declaration.status, declaration.company_name) == ("valid", "Acme Metals")
    assert AuditEntry.objects.count() == 1
