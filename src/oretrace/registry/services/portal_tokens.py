"""Portal links: random tokens of 256 bits, of which only the SHA-256 is stored.

:func:`issue_access` makes a new link for a supplier request and returns the raw token once
(it goes into the e-mail and nowhere else). :func:`find_access` looks a raw token up by its
hash, so a lookup never compares secrets and a stolen database gives no working link; it
answers ``None`` alike for a malformed, unknown, expired or revoked token, so nobody can tell
them apart from outside. :func:`revoke_access` ends one link without touching the others.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from oretrace.registry.models import SupplierAccess, SupplierRequest
from oretrace.registry.services import audit

TOKEN_BYTES = 32
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("ascii", "replace")).hexdigest()


def default_expiry(request: SupplierRequest, now: dt.datetime | None = None) -> dt.datetime:
    """A link works until ``ORETRACE_PORTAL_LINK_DAYS`` after the request's due date (and at
    least that many days from now), so a late supplier can still answer."""
    now = now or timezone.now()
    days = int(getattr(settings, "ORETRACE_PORTAL_LINK_DAYS", 60))
    due = dt.datetime.combine(request.effective_due_on, dt.time(23, 59), tzinfo=dt.UTC)
    return max(due, now) + dt.timedelta(days=days)


def issue_access(
    request: SupplierRequest, actor: str, expires_at: dt.datetime | None = None
) -> str:
    """Create a portal link for ``request`` and return its raw token (shown once)."""
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    with transaction.atomic():
        access = SupplierAccess.objects.create(
            request=request,
            token_hash=token_hash(raw),
            expires_at=expires_at or default_expiry(request),
        )
        audit.record(
            actor,
            "portal.link_issued",
            access,
            request=request.pk,
            supplier=request.supplier_id,
            expires_at=access.expires_at.isoformat(),
        )
    return raw


def find_access(raw: str, now: dt.datetime | None = None) -> SupplierAccess | None:
    """The live link ``raw`` names, or ``None`` (malformed, unknown, expired or revoked)."""
    if not isinstance(raw, str) or not _TOKEN_SHAPE.match(raw):
        return None
    now = now or timezone.now()
    access = (
        SupplierAccess.objects.select_related("request__campaign", "request__supplier")
        .filter(token_hash=token_hash(raw))
        .first()
    )
    if access is None or access.revoked_at is not None or access.expires_at <= now:
        return None
    return access


def revoke_access(access: SupplierAccess, actor: str, reason: str = "") -> bool:
    """End one link. Returns False when it was already revoked."""
    with transaction.atomic():
        locked = SupplierAccess.objects.select_for_update().get(pk=access.pk)
        if locked.revoked_at is not None:
            return False
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(actor, "portal.link_revoked", locked, request=locked.request_id, reason=reason)
    access.revoked_at, access.revoked_by = locked.revoked_at, locked.revoked_by
    return True


def portal_url(raw: str) -> str:
    """The address of the portal link as it goes into an e-mail (``ORETRACE_BASE_URL``)."""
    base = str(getattr(settings, "ORETRACE_BASE_URL", "http://127.0.0.1:8000")).rstrip("/")
    return f"{base}/portal/access/{raw}/"
