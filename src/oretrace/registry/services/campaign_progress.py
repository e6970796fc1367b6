"""How far a campaign got: ONE function, :func:`campaign_progress`, gives the counts the CLI
(``campaign status``), the staff pages and the reminders all show, and the per-request rows.

- invited: an invitation was queued (the request has ``invited_at``);
- opened: the supplier opened its portal link at least once;
- responded / valid / with_findings: the request's answer state, from the one answer
  predicate ``submissions.answer_states`` (ADR 0017): a current declaration of the family
  asked for and the campaign's period came from the supplier after the campaign was sent
  (portal, on its behalf, or folder ingest), and whether it is valid as asked;
- overdue: invited, not responded, and past the request's (possibly extended) due date;
- bounced: the supplier's address was refused for good.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from oretrace.registry.models import Campaign, OutboxMessage, SupplierRequest
from oretrace.registry.services.submissions import AnswerState, answer_states

NO_ANSWER = AnswerState()


@dataclass(frozen=True, slots=True)
class LastMessage:
    """The newest message queued for a request (what the staff page shows of it)."""

    purpose: str
    status: str
    created_at: dt.datetime

    def get_status_display(self) -> str:
        return str(OutboxMessage.Status(self.status).label)


@dataclass(frozen=True, slots=True)
class RequestProgress:
    request: SupplierRequest
    invited: bool
    opened: bool
    answer: AnswerState
    overdue: bool
    bounced: bool
    last_message: LastMessage | None

    @property
    def state(self) -> str:
        """A word for the request's row: bounced, valid, with findings, responded,
        unreadable file, overdue, opened, invited, not invited."""
        if self.bounced and not self.answer.responded:
            return "bounced"
        if self.answer.valid:
            return "valid"
        if self.answer.with_findings:
            return "with findings"
        if self.answer.responded:
            return "responded"
        if self.answer.unreadable:
            return "unreadable file"
        if self.overdue:
            return "overdue"
        if self.opened:
            return "opened"
        return "invited" if self.invited else "not invited"


@dataclass(slots=True)
class Progress:
    campaign: Campaign
    requests: int = 0
    invited: int = 0
    opened: int = 0
    responded: int = 0
    valid: int = 0
    with_findings: int = 0
    overdue: int = 0
    bounced: int = 0
    rows: list[RequestProgress] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """The contract of ``oretrace campaign status --json``."""
        return {
            "invited": self.invited,
            "opened": self.opened,
            "responded": self.responded,
            "valid": self.valid,
            "with_findings": self.with_findings,
            "overdue": self.overdue,
            "bounced": self.bounced,
        }


def campaign_progress(
    campaign: Campaign,
    today: dt.date | None = None,
    requests: Iterable[SupplierRequest] | None = None,
) -> Progress:
    """The campaign's counts and per-request rows (``requests``: a subset, e.g. one page)."""
    today = today or timezone.localdate()
    rows = list(
        requests
        if requests is not None
        else campaign.requests.select_related("supplier").order_by("supplier__name")
    )
    for request in rows:
        request.campaign = campaign
    states = answer_states(rows)
    wanted = {r.pk for r in rows}
    last: dict[int, LastMessage] = {}
    sent = (
        OutboxMessage.objects.filter(campaign=campaign, request__isnull=False)
        .order_by("created_at", "pk")
        .values_list("request_id", "purpose", "status", "created_at")
    )
    for request_id, purpose, status, created_at in sent.iterator(chunk_size=5000):
        if request_id in wanted:
            last[request_id] = LastMessage(purpose, status, created_at)
    progress = Progress(campaign, requests=len(rows))
    for request in rows:
        answer = states.get(request.pk, NO_ANSWER)
        invited = request.invited_at is not None
        overdue = invited and not answer.responded and today > request.effective_due_on
        row = RequestProgress(
            request=request,
            invited=invited,
            opened=request.first_opened_at is not None,
            answer=answer,
            overdue=overdue,
            bounced=request.bounced_at is not None,
            last_message=last.get(request.pk),
        )
        progress.rows.append(row)
        progress.invited += invited
        progress.opened += row.opened
        progress.responded += answer.responded
        progress.valid += answer.valid
        progress.with_findings += answer.with_findings
        progress.overdue += overdue
        progress.bounced += row.bounced
    return progress
