"""Write and verify the audit log. Every import, decision and report goes through :func:`record`.

An entry is appended in the caller's transaction, so it commits or rolls back with the change
it records. Appends lock the chain-head row first: they queue up, ``seq`` has no gaps and
each entry's ``prev_hash`` is the hash of the entry before it.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models import F, QuerySet, Subquery
from django.utils import timezone

from oretrace.registry.models import AuditChainHead, AuditEntry
from oretrace.registry.models.audit import GENESIS, entry_content, entry_hash

HEAD_ID = 1


def record(actor: str, action: str, obj: models.Model | None = None, **data: Any) -> AuditEntry:
    """Append one entry: ``actor`` did ``action`` (a dotted code) to ``obj``, with ``data``.

    Call it inside the ``transaction.atomic()`` block of the change it records (it opens
    one of its own otherwise). ``data`` is stored as JSON; dates and other values JSON does
    not know are stored as their text.
    """
    with transaction.atomic():
        head = _locked_head()
        entry = _chained(head.seq + 1, head.hash, actor, action, obj, data)
        entry.save(force_insert=True)
        AuditChainHead.objects.filter(pk=HEAD_ID).update(seq=entry.seq, hash=entry.hash)
    return entry


def record_many(
    actor: str, action: str, items: list[tuple[models.Model, dict[str, Any]]]
) -> list[AuditEntry]:
    """Append one entry per (object, data) in ``items``: what :func:`record` appends for each,
    in the same order and chain, with the chain head locked and moved once and the entries
    inserted together (an ingest batch records one entry per declaration)."""
    if not items:
        return []
    with transaction.atomic():
        head = _locked_head()
        seq, prev = head.seq, head.hash
        entries: list[AuditEntry] = []
        for obj, data in items:
            seq += 1
            entries.append(_chained(seq, prev, actor, action, obj, data))
            prev = entries[-1].hash
        AuditEntry.objects.bulk_create(entries, batch_size=500)
        AuditChainHead.objects.filter(pk=HEAD_ID).update(seq=seq, hash=prev)
    return entries


def _chained(
    seq: int, prev: str, actor: str, action: str, obj: models.Model | None, data: dict[str, Any]
) -> AuditEntry:
    """The entry ``seq`` after the one hashed ``prev`` (not saved yet)."""
    payload = _stored_form(json.loads(json.dumps(data, default=str, ensure_ascii=False)))
    object_type = obj._meta.label_lower if obj is not None else ""
    object_id = str(obj.pk) if obj is not None else ""
    at = timezone.now()
    content = entry_content(seq, at, actor, action, object_type, object_id, payload)
    return AuditEntry(
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        data=payload,
        prev_hash=prev,
        hash=entry_hash(content, prev),
    )


def _stored_form(value: Any) -> Any:
    """``value`` as both databases give it back, so the hash taken now verifies later:
    PostgreSQL's jsonb turns 1e20 into 100000000000000000000 and -0.0 into 0, and refuses
    NaN, infinities and NUL characters."""
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        return int(value) if value.is_integer() else value
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, list):
        return [_stored_form(v) for v in value]
    if isinstance(value, dict):
        return {_stored_form(k): _stored_form(v) for k, v in value.items()}
    return value


def _locked_head() -> AuditChainHead:
    """The chain head, locked until the transaction ends.

    The lock is taken by writing the row (a no-op UPDATE) before reading it: on PostgreSQL
    that is a row lock like SELECT … FOR UPDATE; on SQLite it takes the database's write lock
    (waiting for it), so the read that follows cannot be stale.
    """
    if not AuditChainHead.objects.filter(pk=HEAD_ID).update(seq=F("seq")):
        # only after a flush: the migration creates the row
        AuditChainHead.objects.bulk_create([AuditChainHead(pk=HEAD_ID)], ignore_conflicts=True)
        AuditChainHead.objects.filter(pk=HEAD_ID).update(seq=F("seq"))
    return AuditChainHead.objects.select_for_update().get(pk=HEAD_ID)


@dataclass(frozen=True, slots=True)
class ChainCheck:
    """The outcome of :func:`verify_chain`: intact, or the first entry that is wrong."""

    entries: int
    head_seq: int
    head_hash: str
    bad_seq: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.bad_seq is None

    def summary(self) -> str:
        if self.intact:
            return (
                f"audit chain intact: {self.entries} entries, head #{self.head_seq} "
                f"{self.head_hash}"
            )
        return f"audit chain broken at seq {self.bad_seq}: {self.problem}"


def verify_chain() -> ChainCheck:
    """Recompute every hash in seq order and compare with the stored chain and its head.

    Finds an entry edited, deleted (in the middle or at the end) or inserted after the fact;
    it cannot find a chain rewritten whole by someone who also rewrote the head (compare the
    head hash with one written down earlier for that). Appends may go on meanwhile: the
    entries up to the head as first read are checked, and nothing may lie beyond the head.
    """
    head = AuditChainHead.objects.filter(pk=HEAD_ID).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    rows = AuditEntry.objects.order_by("seq")
    if head is not None:
        rows = rows.filter(seq__lte=head_seq)
    expected_seq, prev, count = 1, GENESIS, 0
    for row in rows.values_list(*_CHAINED).iterator(chunk_size=2000):
        count += 1
        seq, row_prev, row_hash = row[0], row[-2], row[-1]
        problem = _problem(row, expected_seq, prev)
        if problem:
            bad = min(seq, expected_seq)
            if seq == expected_seq and row_prev != prev:
                bad = max(1, seq - 1)  # the link is broken: the earlier one is suspect
            return ChainCheck(count, head_seq, head_hash, bad, problem)
        expected_seq, prev = seq + 1, row_hash
    last = expected_seq - 1
    if head is None:
        if count:
            return ChainCheck(count, 0, GENESIS, last, "the chain head row is missing")
        return ChainCheck(0, 0, GENESIS)
    if head_seq != last:
        many = head_seq > last + 1
        problem = (
            f"the head says the newest entry is #{head_seq}, the log ends at #{last} "
            f"({'entries' if many else 'entry'} #{last + 1}{f'–#{head_seq}' if many else ''} "
            "missing)"
        )
        return ChainCheck(count, head_seq, head_hash, last + 1, problem)
    if head_hash != prev:
        return ChainCheck(count, head_seq, head_hash, last, "the head's hash differs")
    beyond = _beyond_head()
    if beyond is not None:
        return ChainCheck(
            count, head_seq, head_hash, beyond, f"entry #{beyond} lies beyond the chain head"
        )
    return ChainCheck(count, head_seq, head_hash)


_CHAINED = (
    "seq",
    "at",
    "actor",
    "action",
    "object_type",
    "object_id",
    "data",
    "prev_hash",
    "hash",
)


def _beyond_head() -> int | None:
    """The first entry past the head, read with the head in one statement (one snapshot:
    an append commits its entry and the head's move together)."""
    head = AuditChainHead.objects.filter(pk=HEAD_ID).values("seq")[:1]
    past = (
        AuditEntry.objects.filter(seq__gt=Subquery(head))
        .order_by("seq")
        .values_list("seq", flat=True)
        .first()
    )
    return past


def _problem(row: tuple[Any, ...], expected_seq: int, prev: str) -> str:
    seq, row_prev, row_hash = row[0], row[-2], row[-1]
    if seq != expected_seq:
        if seq > expected_seq:
            gap = f"#{expected_seq}" + (f"–#{seq - 1}" if seq - 1 > expected_seq else "")
            return f"entry {gap} is missing (next is #{seq})"
        return f"entry #{seq} is out of order"
    if row_prev != prev:
        return f"entry #{seq} does not point to the entry before it (one of the two was rewritten)"
    if entry_hash(entry_content(*row[:-2]), row_prev) != row_hash:
        return f"entry #{seq} was changed after it was written"
    return ""


def entries(
    actor: str | None = None,
    action: str | None = None,
    since: dt.datetime | None = None,
    limit: int | None = None,
) -> QuerySet[AuditEntry]:
    """Entries, newest first; ``actor`` exact, ``action`` exact or a prefix ending in '.'."""
    found = AuditEntry.objects.order_by("-seq")
    if actor:
        found = found.filter(actor=actor)
    if action:
        found = (
            found.filter(action__startswith=action)
            if action.endswith(".")
            else found.filter(action=action)
        )
    if since:
        found = found.filter(at__gte=since)
    return found[:limit] if limit else found
