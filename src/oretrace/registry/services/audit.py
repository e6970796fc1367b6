"""Write to the audit log. Every import, decision and report goes through :func:`record`."""

from __future__ import annotations

from typing import Any

from django.db import models

from oretrace.registry.models import AuditEntry


def record(actor: str, action: str, obj: models.Model | None = None, **data: Any) -> AuditEntry:
    """Append one entry: ``actor`` did ``action`` (a dotted code) to ``obj``, with ``data``."""
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        data=data,
    )
