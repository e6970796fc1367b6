"""Rate limiting of failed portal-link attempts, shared by every server process.

A failed try at a portal link (malformed, unknown, expired or revoked token) is a row in
:class:`~oretrace.registry.models.PortalAttempt`. Before a link is looked up,
:func:`refused` counts the recent failures from the same address and from everywhere: past
``ORETRACE_PORTAL_FAILURES_PER_IP`` (per address) or ``ORETRACE_PORTAL_FAILURES_GLOBAL``
(all addresses) within ``ORETRACE_PORTAL_FAILURE_WINDOW_SECONDS``, the portal answers 429
without looking the token up, so guessing costs the guesser time and tells it nothing.
The rows live in the database (not a per-process cache), so all processes agree (ADR 0016).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from oretrace.registry.models import PortalAttempt


@dataclass(frozen=True, slots=True)
class AttemptLimits:
    per_ip: int
    overall: int
    window: dt.timedelta


def limits() -> AttemptLimits:
    return AttemptLimits(
        per_ip=int(getattr(settings, "ORETRACE_PORTAL_FAILURES_PER_IP", 20)),
        overall=int(getattr(settings, "ORETRACE_PORTAL_FAILURES_GLOBAL", 1000)),
        window=dt.timedelta(
            seconds=int(getattr(settings, "ORETRACE_PORTAL_FAILURE_WINDOW_SECONDS", 900))
        ),
    )


def refused(ip: str, now: dt.datetime | None = None) -> bool:
    """True when ``ip`` (or everyone together) failed too often lately to try again now."""
    rule = limits()
    since = (now or timezone.now()) - rule.window
    recent = PortalAttempt.objects.filter(attempted_at__gt=since)
    if recent.filter(ip_address=ip).count() >= rule.per_ip:
        return True
    return recent.count() >= rule.overall


def record_failure(ip: str, now: dt.datetime | None = None) -> None:
    """Count one failed try from ``ip``; forget tries older than the window."""
    now = now or timezone.now()
    with transaction.atomic():
        PortalAttempt.objects.create(ip_address=ip[:45], attempted_at=now)
        PortalAttempt.objects.filter(attempted_at__lte=now - limits().window).delete()
