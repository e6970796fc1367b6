"""What a supplier does with its portal link, as the campaign progress counts it.

:func:`record_open` is called by the portal each time a live link is opened: the request's
first and last opening and the link's last use are stamped, so the staff see "opened" in the
campaign progress. It is not audited (opening a link changes no evidence); the link itself was
audited when it was issued.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from oretrace.registry.models import SupplierAccess, SupplierRequest


def record_open(access: SupplierAccess, now: dt.datetime | None = None) -> None:
    """Stamp ``access`` as used and its request as opened at ``now``.

    ``first_opened_at`` is set once (the first opening wins even when two openings race);
    ``last_opened_at`` and ``last_used_at`` move forward only.
    """
    now = now or timezone.now()
    with transaction.atomic():
        SupplierRequest.objects.filter(pk=access.request_id, first_opened_at__isnull=True).update(
            first_opened_at=now
        )
        SupplierRequest.objects.filter(pk=access.request_id).filter(
            Q(last_opened_at__isnull=True) | Q(last_opened_at__lt=now)
        ).update(last_opened_at=now)
        SupplierAccess.objects.filter(pk=access.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now)
        ).update(last_used_at=now)
    access.last_used_at = max(access.last_used_at or now, now)
