"""Migration 0003 chains audit entries written before the chain existed; flush (which wipes
the database, audit log included) still works with the append-only triggers in place."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from oretrace.registry.models import AuditChainHead, AuditEntry
from oretrace.registry.services.audit import record, verify_chain

BEFORE = ("registry", "0002_profile_and_review_history")


@pytest.mark.django_db(transaction=True)
def test_migration_chains_old_entries_in_id_order() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps.get_model("registry", "AuditEntry")
    for step in range(3):
        old.objects.create(actor="cli:old", action="old.step", data={"step": step})
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("registry"))
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [(e.seq, e.data["step"]) for e in entries] == [(1, 0), (2, 1), (3, 2)]
    assert AuditChainHead.objects.get().seq == 3
    assert verify_chain().intact
    assert record("cli:new", "new.step").seq == 4
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEntry.objects.filter(seq=1).delete()  # the triggers came with the migration
    assert verify_chain().intact


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_log_and_keeps_the_guard() -> None:
    record("cli:test", "test.step")
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEntry.objects.exists() and not AuditChainHead.objects.exists()
    assert verify_chain().intact  # an empty log
    assert record("cli:test", "test.again").seq == 1  # the head comes back
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEntry.objects.all().delete()
    assert verify_chain().intact
