"""Keep every ingested file byte for byte, once per sha256, in Django's storage."""

from __future__ import annotations

import hashlib
from pathlib import PurePath

from django.core.files.base import ContentFile

from oretrace.registry.models import StoredFile


def store_file(data: bytes, original_name: str) -> tuple[StoredFile, bool]:
    """The stored file for ``data`` and whether it was new. Never overwrites a stored file."""
    digest = hashlib.sha256(data).hexdigest()
    existing = StoredFile.objects.filter(sha256=digest).first()
    if existing is not None:
        return existing, False
    stored = StoredFile(sha256=digest, size=len(data), original_name=original_name[:500])
    suffix = PurePath(original_name).suffix.lower()[:8]
    stored.content.save(f"{digest}{suffix}", ContentFile(data), save=False)
    stored.save()
    return stored, True


def read_stored(stored: StoredFile) -> bytes:
    with stored.content.open("rb") as handle:
        data: bytes = handle.read()
    if hashlib.sha256(data).hexdigest() != stored.sha256:
        raise ValueError(f"stored file {stored.pk} does not match its sha256")
    return data
