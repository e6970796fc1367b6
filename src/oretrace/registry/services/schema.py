"""Bring the database schema up to date once, even when several commands start at once."""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path

from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from oretrace.registry.services.locking import lock_id


def migrate_once() -> None:
    """Apply pending migrations; a second command starting meanwhile waits, then finds none."""
    if not _pending():
        return
    with _migration_lock():
        if _pending():
            call_command("migrate", verbosity=0, interactive=False)


def _pending() -> bool:
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


@contextlib.contextmanager
def _migration_lock() -> Iterator[None]:
    if connection.vendor == "postgresql":
        key = lock_id("oretrace-migrate")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [key])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        return
    name = str(connection.settings_dict["NAME"])
    if connection.vendor != "sqlite" or name == ":memory:" or name.startswith("file:"):
        yield
        return
    lock_file = Path(name).with_name(Path(name).name + ".migrate-lock")
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with lock_file.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
