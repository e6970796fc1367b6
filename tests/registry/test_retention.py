"""Retention and legal holds: a registry with an old period and a held supplier; the plan
lists exactly what expired, apply removes exactly that, and the audit chain stays intact."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.core.files.storage import default_storage

from oretrace.cli import main
from oretrace.registry.models import AuditEntry, Declaration, StoredFile, Supplier, Tombstone
from oretrace.registry.services.audit import verify_chain
from oretrace.registry.services.evidence import _declaration_json
from oretrace.registry.services.ingest import ingest
from oretrace.registry.services.legal_hold import HoldError, lift_hold, set_hold
from oretrace.registry.services.retention import _digest
from tests.registry.conftest import write_supplier

pytestmark = pytest.mark.django_db
AS_OF = "2026-06-01"


def _cli(*args: str) -> Any:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.output) if "--json" in args else result.output


def _declaration(year: int, company: str) -> Declaration:
    return Declaration.objects.get(period__year=year, company_name__startswith=company)


def test_retention_removes_exactly_the_plan_and_keeps_held_records(
    tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    old = tmp_path / "2019"
    acme_2019 = write_supplier(old, "Acme Metals", dt.date(2019, 4, 1))
    write_supplier(old, "Beta Wire", dt.date(2019, 5, 1))
    write_supplier(old, "Gamma Solder", dt.date(2019, 6, 1))
    ingest([old], 2019, "test")
    new = tmp_path / "2025"
    write_supplier(new, "Acme Metals", dt.date(2025, 4, 1))
    (new / acme_2019.name).write_bytes(acme_2019.read_bytes())  # the same bytes in 2025 too
    ingest([new], 2025, "test")

    beta = Supplier.objects.get(name__startswith="Beta")
    gamma = _declaration(2019, "Gamma")
    _cli("hold", "set", "--supplier", str(beta.pk), "--reason", "SEC inquiry 2026-17")
    _cli("hold", "set", "--declaration", str(gamma.pk), "--reason", "customer audit")
    held = _cli("hold", "list", "--json")
    assert [(h["target"], h["target_id"]) for h in held] == [
        ("supplier", beta.pk),
        ("declaration", gamma.pk),
    ]
    with pytest.raises(HoldError, match="administrator"):
        lift_hold(held[1]["id"], "audit closed", "user:officer", administrator=False)
    _cli("hold", "lift", str(held[1]["id"]), "--reason", "audit closed")
    assert [h["target"] for h in _cli("hold", "list", "--json")] == ["supplier"]
    assert len(_cli("hold", "list", "--all", "--json")) == 2

    acme = _declaration(2019, "Acme")
    beta_2019 = _declaration(2019, "Beta")
    plan = _cli("retention", "plan", "--as-of", AS_OF, "--json")
    expired = [(i["kind"], i["id"]) for i in plan["expired"]]
    assert expired == [
        ("declaration", str(acme.pk)),
        ("declaration", str(gamma.pk)),
        ("original", gamma.stored_file.sha256),  # Acme's 2019 bytes are also a 2025 declaration
    ]
    assert [(i["id"], i["holds"]) for i in plan["held"]] == [(str(beta_2019.pk), [held[0]["id"]])]
    assert all(i["kept_until"] == "2024-12-31" for i in plan["expired"])
    assert "5 years after the end of 2019" in plan["expired"][0]["rule"]

    exported = {str(d.pk): _digest(_declaration_json(d)) for d in (acme, gamma)}
    gamma_file = gamma.stored_file.content.name
    with django_capture_on_commit_callbacks(execute=True):
        applied = _cli("retention", "apply", "--as-of", AS_OF, "--json")
    assert applied["expired"] == plan["expired"]

    assert set(Declaration.objects.values_list("pk", flat=True)) == {
        beta_2019.pk,
        *Declaration.objects.filter(period__year=2025).values_list("pk", flat=True),
    }
    assert Declaration.objects.filter(period__year=2025).count() == 2
    assert not StoredFile.objects.filter(sha256=gamma.stored_file.sha256).exists()
    assert not default_storage.exists(gamma_file)
    assert StoredFile.objects.filter(sha256=acme.stored_file.sha256).exists()
    tombstones = {(t.kind, t.object_id): t for t in Tombstone.objects.all()}
    assert set(tombstones) == set(expired)
    for pk, digest in exported.items():
        assert tombstones["declaration", pk].sha256 == digest
    assert tombstones["original", gamma.stored_file.sha256].sha256 == gamma.stored_file.sha256

    purged = AuditEntry.objects.filter(action="retention.purged")
    assert sorted((e.data["kind"], e.data["object_id"]) for e in purged) == sorted(expired)
    ingested = AuditEntry.objects.filter(action="declaration.ingested", object_id=str(gamma.pk))
    assert ingested.exists()  # the audit log is kept
    assert verify_chain().intact
    assert _cli("audit", "verify")

    again = _cli("retention", "plan", "--as-of", AS_OF, "--json")
    assert again["expired"] == [] and len(again["held"]) == 1


def test_a_declaration_hold_keeps_the_revisions_it_supersedes(tmp_path: Path) -> None:
    folder = tmp_path / "2019"
    write_supplier(folder, "Acme Metals", dt.date(2019, 4, 1))
    write_supplier(folder, "Acme Metals", dt.date(2019, 9, 1))
    ingest([folder], 2019, "test")
    newest = Declaration.objects.get(is_current=True)
    set_hold("declaration", newest.pk, "dispute", "test")
    plan = _cli("retention", "plan", "--as-of", AS_OF, "--json")
    assert plan["expired"] == []
    assert len(plan["held"]) == 2


def test_holds_need_a_reason_and_a_known_target(tmp_path: Path) -> None:
    with pytest.raises(HoldError, match="reason"):
        set_hold("period", 2019, " ", "test")
    with pytest.raises(HoldError, match="no reporting period 2031"):
        set_hold("period", 2031, "why", "test")
    result = CliRunner().invoke(main, ["hold", "set", "--reason", "x"])
    assert result.exit_code == 2 and "exactly one" in result.output


def test_audit_entries_cannot_be_given_a_retention(settings: Any) -> None:
    settings.ORETRACE_RETENTION = {"audit_entries": 7}
    result = CliRunner().invoke(main, ["retention", "plan"])
    assert result.exit_code == 1
    assert "audit entries are kept for good" in result.output
