"""A declaration is corrected by a new record that says why; the original stays as ingested."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from oretrace.cli import main
from oretrace.registry.models import AuditEntry, Correction, Declaration, ReportingPeriod
from oretrace.registry.services.assessing import chosen_declarations
from oretrace.registry.services.audit import verify_chain
from oretrace.registry.services.corrections import (
    CorrectionError,
    correct_status,
    effective_status,
)
from oretrace.registry.services.ingest import ingest
from tests.registry.conftest import write_supplier

pytestmark = pytest.mark.django_db


def test_withdrawing_a_revision_keeps_it_and_the_one_before_counts(tmp_path: Path) -> None:
    write_supplier(tmp_path, "Acme Metals", dt.date(2025, 3, 1))
    write_supplier(tmp_path, "Acme Metals", dt.date(2025, 6, 1))
    ingest([tmp_path], 2025, "test")
    older, newer = Declaration.objects.order_by("effective_date")
    period = ReportingPeriod.for_year(2025)
    assert [d.pk for d in chosen_declarations(period).values()] == [newer.pk]

    with pytest.raises(CorrectionError, match="reason"):
        correct_status(newer.pk, "withdrawn", "  ", "user:alice")
    correction = correct_status(newer.pk, "withdrawn", "supplier sent it by mistake", "user:alice")
    newer.refresh_from_db()
    assert newer.status == "valid"  # the evidence as ingested is untouched
    assert effective_status(newer) == "withdrawn"
    assert (correction.previous_status, correction.declaration_id) == ("valid", newer.pk)
    assert [d.pk for d in chosen_declarations(period).values()] == [older.pk]
    entry = AuditEntry.objects.get(action="declaration.corrected")
    assert entry.actor == "user:alice" and entry.data["reason"] == "supplier sent it by mistake"

    with pytest.raises(CorrectionError, match="already withdrawn"):
        correct_status(newer.pk, "withdrawn", "again", "user:alice")
    correct_status(newer.pk, "reinstated", "it was the right file after all", "user:bob")
    assert effective_status(newer) == "valid"
    assert [d.pk for d in chosen_declarations(period).values()] == [newer.pk]
    assert Correction.objects.filter(declaration=newer).count() == 2
    assert verify_chain().intact


def test_correct_command(tmp_path: Path) -> None:
    write_supplier(tmp_path, "Acme Metals", dt.date(2025, 3, 1))
    ingest([tmp_path], 2025, "test")
    declaration = Declaration.objects.get()
    runner = CliRunner()
    args = ["correct", str(declaration.pk), "--status", "follow_up", "--reason", "smelter list"]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "valid → follow_up" in result.output
    again = runner.invoke(main, args)
    assert again.exit_code == 1 and "already follow_up" in again.output
    missing = runner.invoke(main, ["correct", "999999", "--status", "withdrawn", "--reason", "x"])
    assert missing.exit_code == 1 and "no declaration 999999" in missing.output
