"""Writers that run at once: serialise what must not interleave, retry what lost a race.

On SQLite every transaction begins ``IMMEDIATE`` (see settings), so writers already queue one
after another and :func:`serialise` has nothing to add. On PostgreSQL many transactions run at
once: :func:`serialise` takes a transaction-scoped advisory lock per key (a sha256, a supplier's
unique ID or name), and :func:`retried` runs a whole transaction again when it lost a race on
a unique constraint or was chosen as a deadlock victim. The write model is in
docs/adr/0006-one-writer-per-database.md.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, OperationalError, connection, transaction

T = TypeVar("T")

#: How often one transaction is tried before the error is raised.
ATTEMPTS = 6


def serialise(*keys: str) -> None:
    """Hold a lock on every key until the current transaction ends (PostgreSQL only).

    Keys are taken in sorted order, so two transactions asking for overlapping keys cannot
    deadlock on them. Must be called inside ``transaction.atomic()``.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in sorted(set(keys)):
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id(key)])


def lock_id(key: str) -> int:
    """A 64-bit advisory lock number for a text key."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)


def retried(work: Callable[[], T]) -> T:
    """Run ``work`` (one whole transaction) again after a lost race, a little later each time.

    A lost race is an ``IntegrityError`` (another writer inserted the same key first: the next
    attempt finds its row) or an ``OperationalError`` (a PostgreSQL deadlock victim, or SQLite
    still locked after its timeout). ``work`` must not be inside an outer transaction, or the
    retry would run in an aborted one.
    """
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return work()
        except (IntegrityError, OperationalError):
            if attempt == ATTEMPTS or transaction.get_connection().in_atomic_block:
                raise
            time.sleep(random.uniform(0.01, 0.05) * attempt)
    raise AssertionError("unreachable")
