"""Reminders: silent suppliers are reminded on the campaign's schedule, then left alone.

A campaign's ``reminder_offsets`` are days before the request's due date (0: on it; negative:
after it). :func:`queue_due_reminders` looks at every invited request of every sent campaign
and queues, as ``reminder:<request>:<offset>``, the latest reminder whose day has come and
that falls after the invitation (a supplier invited five days before the due date is not sent
the 14- and 7-day reminders at once). Nothing is queued for a supplier that has responded
(the campaign progress's answer state), whose address bounced, or of a closed campaign.
A reminder after the due date goes in copy to the responsible officers: staff with the
officer role for the campaign's group company (or the supplier's group companies for a
whole-group campaign) who have an e-mail address.

Each reminder carries a new portal link (the earlier ones keep working): raw tokens are never
stored, so a reminder cannot repeat the invitation's link.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from oretrace.registry.models import (
    Campaign,
    OutboxMessage,
    StaffRole,
    SupplierRelationship,
    SupplierRequest,
)
from oretrace.registry.services import audit, campaign_mail, outbox, portal_tokens
from oretrace.registry.services.submissions import answer_states

WORKER = "worker:reminders"


@dataclass(slots=True)
class ReminderResult:
    queued: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {"queued": len(self.queued), "keys": self.queued}


def reminder_due(request: SupplierRequest, offsets: list[int], today: dt.date) -> int | None:
    """The offset of the reminder ``request`` should have had by ``today`` (the latest one
    whose day has come, after the invitation day), or None."""
    if request.invited_at is None:
        return None
    invited_on = timezone.localdate(request.invited_at)
    due = request.effective_due_on
    passed = [
        (due - dt.timedelta(days=offset), offset)
        for offset in offsets
        if invited_on < due - dt.timedelta(days=offset) <= today
    ]
    return max(passed)[1] if passed else None


def officer_addresses(request: SupplierRequest) -> list[str]:
    """E-mail addresses of the officers responsible for ``request``'s supplier."""
    if request.campaign.group_company_id is not None:
        companies = [request.campaign.group_company_id]
    else:
        companies = list(
            SupplierRelationship.objects.filter(supplier_id=request.supplier_id).values_list(
                "group_company_id", flat=True
            )
        )
    users = get_user_model().objects.filter(
        staff_role__role=StaffRole.Role.OFFICER,
        staff_role__group_companies__in=companies,
        is_active=True,
    )
    return sorted({email for email in users.values_list("email", flat=True) if email})


def queue_due_reminders(now: dt.datetime | None = None) -> ReminderResult:
    """Queue every reminder that is due now and not queued yet."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    result = ReminderResult()
    requests = list(
        SupplierRequest.objects.filter(
            campaign__status=Campaign.Status.SENT,
            invited_at__isnull=False,
            bounced_at__isnull=True,
        )
        .exclude(email="")
        .select_related("campaign")  # the rest is read for the few a reminder is due for
    )
    wanted: dict[str, tuple[SupplierRequest, int]] = {}
    for request in requests:
        offset = reminder_due(request, list(request.campaign.reminder_offsets or []), today)
        if offset is not None:
            wanted[f"reminder:{request.pk}:{offset}"] = (request, offset)
    queued = set(
        OutboxMessage.objects.filter(
            purpose="reminder", campaign__status=Campaign.Status.SENT
        ).values_list("dedupe_key", flat=True)
    )
    wanted = {key: item for key, item in wanted.items() if key not in queued}
    # the answer predicate only for the few requests a reminder is due for
    states = answer_states(request for request, _ in wanted.values())
    wanted = {key: item for key, item in wanted.items() if not states[item[0].pk].responded}
    for key, (request, offset) in wanted.items():
        with transaction.atomic():
            raw = portal_tokens.issue_access(request, WORKER)
            text = campaign_mail.reminder(request, raw, offset)
            cc = officer_addresses(request) if offset < 0 else []
            message, created = outbox.queue_message(
                dedupe_key=key,
                purpose="reminder",
                to=[request.email],
                cc=cc,
                subject=text.subject,
                body_text=text.body_text,
                locale=request.locale,
                campaign=request.campaign,
                request=request,
            )
            if not created:
                transaction.set_rollback(True)
                continue
            audit.record(WORKER, "campaign.reminder_queued", request, key=key, offset=offset, cc=cc)
        result.queued.append(key)
    return result
