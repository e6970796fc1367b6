"""``flush`` that can empty the append-only audit log.

Flushing wipes the whole database, audit log included; SQLite would refuse the row deletes
(PostgreSQL's TRUNCATE does not fire row triggers). The triggers are dropped for the flush
and put back afterwards. Test runs flush between transactional tests.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS, connections

from oretrace.registry import append_only


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        guarded = connection.vendor == "sqlite"
        if guarded:
            append_only.remove(connection)
        try:
            super().handle(**options)
        finally:
            if guarded:
                append_only.ensure(connection)
