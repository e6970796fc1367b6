"""The audit log: who did what to which object, when. Rows are only ever added.

Each entry is chained to the one before it: ``hash`` is the SHA-256 of the entry's content
and the previous entry's hash (:func:`entry_hash`), so an entry edited, removed or slipped in
afterwards breaks the chain. The database refuses UPDATE and DELETE on the table (triggers
installed by :mod:`oretrace.registry.append_only`); the single :class:`AuditChainHead` row
holds the newest seq and hash, so a cut-off tail is seen too, and is the lock that puts
concurrent appends in one order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.db import models
from django.utils import timezone

#: ``prev_hash`` of the first entry.
GENESIS = "0" * 64


class AuditEntry(models.Model):
    seq = models.PositiveBigIntegerField(unique=True, help_text="1, 2, 3, … without gaps.")
    actor = models.CharField(
        max_length=150, help_text="'cli:<os user>@<host>', 'user:<name>', 'worker:<task>'."
    )
    action = models.CharField(max_length=100, db_index=True, help_text="e.g. declaration.ingested")
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-seq"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        target = f"{self.object_type}:{self.object_id}"
        return f"#{self.seq} {self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {target}"

    def content(self) -> dict[str, Any]:
        """What the hash covers (everything but ``hash`` itself and the row id)."""
        return entry_content(
            self.seq,
            self.at,
            self.actor,
            self.action,
            self.object_type,
            self.object_id,
            self.data,
        )


class AuditChainHead(models.Model):
    """The one row (pk 1) naming the newest entry; appends lock it, so they queue up."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)

    def __str__(self) -> str:
        return f"audit chain head #{self.seq} {self.hash[:12]}"


def entry_content(
    seq: int,
    at: dt.datetime,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    data: Any,
) -> dict[str, Any]:
    return {
        "seq": seq,
        "at": at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "data": data,
    }


def entry_hash(content: dict[str, Any], prev_hash: str) -> str:
    """SHA-256 over canonical JSON (sorted keys, fixed separators) of content + prev_hash."""
    canonical = json.dumps(
        {**content, "prev_hash": prev_hash},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
