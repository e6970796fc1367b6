"""The data version moves with every write to a counted table, however it is written (ORM,
bulk, queryset update, raw SQL), and not with writes no figure reads (audit log, jobs)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from oretrace.registry import data_version as triggers
from oretrace.registry.models import GroupCompany, Job, Supplier
from oretrace.registry.services.assessment_cache import data_version, remembered, scope_key
from oretrace.registry.services.audit import record

pytestmark = pytest.mark.django_db


def test_every_counted_table_has_its_triggers() -> None:
    tables = triggers.counted_tables(connection)
    assert "registry_declaration" in tables and "registry_declarationsmelter" in tables
    assert "registry_smelterstatus" in tables and "registry_correction" in tables
    assert not set(tables) & triggers.UNCOUNTED
    per_table = 3 if connection.vendor == "sqlite" else 1
    assert triggers.installed_count(connection) == per_table * len(tables)


def test_every_way_of_writing_moves_the_version() -> None:
    seen = [data_version()]

    def moved() -> bool:
        seen.append(data_version())
        return seen[-1] > seen[-2]

    company = GroupCompany.objects.create(name="Group X", code="GX")
    assert moved()
    Supplier.objects.bulk_create(
        [Supplier(name=f"S{i}", normalised_name=f"s{i}") for i in range(3)]
    )
    assert moved()
    Supplier.objects.filter(name="S1").update(country="PERU")
    assert moved()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM registry_supplier WHERE name = %s", ["S2"])
    assert moved()
    company.delete()
    assert moved()


def test_audit_entries_and_jobs_leave_the_version_alone() -> None:
    before = data_version()
    with transaction.atomic():
        record("test", "test.nothing.changed")
    Job.objects.create(kind="ingest", key="k1", owner="test")
    assert data_version() == before


def test_a_remembered_value_is_computed_again_after_a_write() -> None:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return Supplier.objects.count()

    assert remembered("test", (scope_key(None),), compute) == 0
    assert remembered("test", (scope_key(None),), compute) == 0
    assert len(calls) == 1
    Supplier.objects.create(name="New", normalised_name="new")
    assert remembered("test", (scope_key(None),), compute) == 1
    assert len(calls) == 2
    assert remembered("test", (scope_key({1, 2}),), compute) == 1  # another scope: its own
    assert len(calls) == 3


def test_a_rolled_back_write_leaves_no_stale_copy_behind() -> None:
    """A rollback brings the version number back; the next write reaches the same number
    with other data. The copy a process kept must not be taken for the new data's."""

    def names() -> list[str]:
        return sorted(Supplier.objects.values_list("name", flat=True))

    start = data_version()
    with transaction.atomic():
        Supplier.objects.create(name="Rolled Back", normalised_name="rolled back")
        during = data_version()
        assert remembered("names", (), names) == ["Rolled Back"]
        transaction.set_rollback(True)
    assert data_version() == start
    Supplier.objects.create(name="Kept", normalised_name="kept")
    assert data_version() == during
    assert remembered("names", (), names) == ["Kept"]
