"""The audit log is evidence: chained by hash, written with the change it records, refused
UPDATE and DELETE by the database itself, and checked by ``oretrace audit verify`` — on
SQLite and on PostgreSQL (ORETRACE_DATABASE_URL)."""

from __future__ import annotations

import json
import os
import pwd
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.db import IntegrityError, connection, transaction

from oretrace.cli import main
from oretrace.registry import append_only
from oretrace.registry.models import AuditChainHead, AuditEntry, Supplier
from oretrace.registry.models.audit import GENESIS
from oretrace.registry.services.audit import record, verify_chain

pytestmark = pytest.mark.django_db

TABLE = "registry_auditentry"


def _chain(n: int) -> list[AuditEntry]:
    supplier = Supplier.objects.create(name="Acme Metals")
    return [
        record("cli:test@host", "test.step", supplier, step=i, note="ünïcode") for i in range(n)
    ]


def _sql(statement: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def test_entries_are_chained_and_the_head_follows() -> None:
    first, second, third = _chain(3)
    assert [e.seq for e in (first, second, third)] == [1, 2, 3]
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    head = AuditChainHead.objects.get()
    assert (head.seq, head.hash) == (3, third.hash)
    result = verify_chain()
    assert result.intact and result.entries == 3
    assert result.summary() == f"audit chain intact: 3 entries, head #3 {third.hash}"


def test_an_entry_rolls_back_with_the_change_it_records() -> None:
    _chain(1)
    with pytest.raises(RuntimeError), transaction.atomic():
        supplier = Supplier.objects.create(name="Beta Solder")
        record("cli:test@host", "supplier.created", supplier)
        raise RuntimeError("the change failed after the audit write")
    assert not Supplier.objects.filter(name="Beta Solder").exists()
    assert AuditEntry.objects.count() == 1 and AuditChainHead.objects.get().seq == 1
    assert record("cli:test@host", "test.after").seq == 2  # no gap
    assert verify_chain().intact


def _refused(action: Callable[[], object]) -> None:
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        action()


def test_the_database_refuses_update_and_delete() -> None:
    entries = _chain(3)
    target = AuditEntry.objects.filter(seq=2)
    _refused(lambda: target.update(actor="mallory"))
    _refused(lambda: target.delete())
    _refused(lambda: entries[2].delete())
    _refused(lambda: AuditEntry.objects.all().delete())
    _refused(lambda: _sql(f"UPDATE {TABLE} SET data = %s WHERE seq = 2", ['{"step": 9}']))
    _refused(lambda: _sql(f"DELETE FROM {TABLE} WHERE seq = 3"))
    _refused(lambda: AuditChainHead.objects.all().delete())
    _refused(lambda: AuditChainHead.objects.update(seq=1))  # the head only moves forward
    assert AuditEntry.objects.filter(actor="mallory").count() == 0
    assert AuditEntry.objects.count() == 3
    assert verify_chain().intact


def _tampered(change: Callable[[], None]) -> tuple[int | None, str]:
    """Drop the triggers as someone with database access would, change, verify."""
    _chain(5)
    append_only.remove(connection)
    change()
    result = verify_chain()
    assert not result.intact
    return result.bad_seq, result.problem


def test_verify_finds_an_edited_entry() -> None:
    bad, problem = _tampered(
        lambda: _sql(f"UPDATE {TABLE} SET actor = %s WHERE seq = 3", ["user:someone-else"])
    )
    assert bad == 3 and "changed" in problem


def test_verify_finds_an_edited_entry_whose_hash_was_recomputed() -> None:
    def rewrite() -> None:
        entry = AuditEntry.objects.get(seq=2)
        entry.data = {"step": 99}
        from oretrace.registry.models.audit import entry_hash

        _sql(
            f"UPDATE {TABLE} SET data = %s, hash = %s WHERE seq = 2",
            [json.dumps(entry.data), entry_hash(entry.content(), entry.prev_hash)],
        )

    bad, problem = _tampered(rewrite)
    assert bad == 2 and "rewritten" in problem


def test_verify_finds_an_entry_deleted_in_the_middle() -> None:
    bad, problem = _tampered(lambda: _sql(f"DELETE FROM {TABLE} WHERE seq = 3"))
    assert bad == 3 and "missing" in problem


def test_verify_finds_the_first_entry_deleted() -> None:
    bad, _ = _tampered(lambda: _sql(f"DELETE FROM {TABLE} WHERE seq = 1"))
    assert bad == 1


def test_verify_finds_a_cut_off_tail() -> None:
    bad, problem = _tampered(lambda: _sql(f"DELETE FROM {TABLE} WHERE seq >= 4"))
    assert bad == 4 and "#4–#5 missing" in problem


def test_verify_finds_an_entry_slipped_in_at_the_end() -> None:
    def insert() -> None:
        last = AuditEntry.objects.get(seq=5)
        AuditEntry.objects.create(
            seq=6, actor="user:x", action="forged", prev_hash=last.hash, hash="0" * 64
        )

    bad, _ = _tampered(insert)
    assert bad == 6


def _cli(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def test_audit_verify_command_exit_codes() -> None:
    _chain(4)
    ok = _cli("audit", "verify")
    assert ok.exit_code == 0, ok.output
    assert ok.output.startswith("audit chain intact: 4 entries")
    assert len(ok.output.strip().splitlines()) == 1
    append_only.remove(connection)
    _sql(f"DELETE FROM {TABLE} WHERE seq = 2")
    broken = _cli("audit", "verify")
    assert broken.exit_code == 1
    assert "broken at seq 2" in broken.output
    data = json.loads(_cli("audit", "verify", "--json").output)
    assert (data["intact"], data["bad_seq"]) == (False, 2)


def test_audit_list_filters() -> None:
    _chain(2)
    record("user:alice", "supplier.changed")
    listed = json.loads(_cli("audit", "list", "--actor", "user:alice", "--json").output)
    assert [e["action"] for e in listed] == ["supplier.changed"]
    listed = json.loads(_cli("audit", "list", "--action", "test.", "--json").output)
    assert [e["seq"] for e in listed] == [2, 1]
    text = _cli("audit", "list", "--since", "2000-01-01").output
    assert text.strip().endswith("3 entries")


def test_the_cli_records_the_os_user_not_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOGNAME", "mallory")
    monkeypatch.setenv("USER", "mallory")
    profile = tmp_path / "profile.toml"
    profile.write_text('legal_name = "Acme Group"\n', encoding="utf-8")
    result = _cli("profile", "load", str(profile))
    assert result.exit_code == 0, result.output
    entry = AuditEntry.objects.get(action="profile.updated")
    real = pwd.getpwuid(os.getuid()).pw_name
    assert entry.actor == f"cli:{real}@{socket.gethostname()}"
    assert "mallory" not in entry.actor or real == "mallory"


def test_values_json_does_not_know_are_stored_as_text_and_still_verify() -> None:
    import datetime as dt
    from decimal import Decimal

    entry = record("cli:test@host", "test.types", day=dt.date(2025, 1, 2), amount=Decimal("1.5"))
    entry.refresh_from_db()
    assert entry.data == {"day": "2025-01-02", "amount": "1.5"}
    assert verify_chain().intact


def test_numbers_and_text_jsonb_would_rewrite_still_verify() -> None:
    data = {"big": 1e20, "zero": -0.0, "tiny": 1.5e-7, "nan": float("nan"), "nul": "a\x00b"}
    entry = record("cli:test@host", "test.numbers", **data)
    entry.refresh_from_db()
    assert entry.data == {"big": 10**20, "zero": 0, "tiny": 1.5e-7, "nan": "nan", "nul": "a\ufffdb"}
    assert verify_chain().intact


def test_migrate_puts_back_dropped_triggers() -> None:
    from django.core.management import call_command

    _chain(2)
    append_only.remove(connection)
    AuditEntry.objects.filter(seq=2).update(actor="user:someone-else")  # unguarded now
    call_command("migrate", verbosity=0, interactive=False)
    _refused(lambda: AuditEntry.objects.filter(seq=1).update(actor="user:x"))
    assert verify_chain().bad_seq == 2
