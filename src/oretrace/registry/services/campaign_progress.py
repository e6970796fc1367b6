"""How far a campaign got: ONE function, :func:`campaign_progress`, gives the counts the CLI
(``campaign status``), the staff pages and the reminders all show, and the per-request rows.

- invited: an invitation was queued (the request has ``invited_at``);
- opened: the supplier opened its portal link at least once;
- responded / valid / with_findings: the answer state of the request (see
  :func:`answer_states`): a declaration of the campaign's period came from the supplier after
  the campaign was sent (through the portal, or into a watched folder), and its check
  status;
- overdue: invited, not responded, and past the request's (possibly extended) due date;
- bounced: the supplier's address was refused for good.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from oretrace.registry.models import Campaign, Declaration, OutboxMessage, SupplierRequest


@dataclass(frozen=True, slots=True)
class AnswerState:
    responded: bool = False
    valid: bool = False
    with_findings: bool = False
    declaration_id: int | None = None


NO_ANSWER = AnswerState()


def answer_states(requests: Iterable[SupplierRequest]) -> dict[int, AnswerState]:
    """The answer state of each request, in two queries however many requests.

    Campaigns' own predicate until the intake helper's ``submissions.answer_state`` bulk
    variant is merged (then this delegates to it). A request has responded when it has
    ``responded_at`` (set by a portal submission) or when a current declaration of the
    campaign's period arrived for its supplier after the campaign was sent (folder ingest).
    The answer is valid or with findings by that declaration's check status; an unreadable
    file is no answer.
    """
    rows = list(requests)
    if not rows:
        return {}
    supplier_ids = {r.supplier_id for r in rows}
    periods = {r.campaign.period_id for r in rows}
    declarations = (
        Declaration.objects.filter(
            supplier_id__in=supplier_ids, period_id__in=periods, is_current=True
        )
        .exclude(status=Declaration.Status.UNREADABLE)
        .order_by("ingested_at", "pk")
        .values_list("pk", "supplier_id", "period_id", "status", "ingested_at")
    )
    latest: dict[tuple[int, int], list[tuple[int, str, dt.datetime]]] = {}
    for pk, supplier_id, period_id, status, ingested_at in declarations:
        latest.setdefault((supplier_id, period_id), []).append((pk, status, ingested_at))
    states: dict[int, AnswerState] = {}
    for request in rows:
        since = request.campaign.sent_at
        found = [
            d
            for d in latest.get((request.supplier_id, request.campaign.period_id), [])
            if since is not None and d[2] >= since
        ]
        if not found and request.responded_at is None:
            states[request.pk] = NO_ANSWER
            continue
        if not found:
            states[request.pk] = AnswerState(responded=True)
            continue
        pk, status, _ = found[-1]
        states[request.pk] = AnswerState(
            responded=True,
            valid=status == Declaration.Status.VALID,
            with_findings=status == Declaration.Status.FINDINGS,
            declaration_id=pk,
        )
    return states


@dataclass(frozen=True, slots=True)
class RequestProgress:
    request: SupplierRequest
    invited: bool
    opened: bool
    answer: AnswerState
    overdue: bool
    bounced: bool
    last_message: OutboxMessage | None

    @property
    def state(self) -> str:
        """One word for the request's row: bounced, valid, with findings, responded,
        overdue, opened, invited, not invited."""
        if self.bounced and not self.answer.responded:
            return "bounced"
        if self.answer.valid:
            return "valid"
        if self.answer.with_findings:
            return "with findings"
        if self.answer.responded:
            return "responded"
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
        else campaign.requests.select_related("supplier", "contact").order_by("supplier__name")
    )
    for request in rows:
        request.campaign = campaign
    states = answer_states(rows)
    last: dict[int, OutboxMessage] = {}
    for message in OutboxMessage.objects.filter(request__in=[r.pk for r in rows]).order_by(
        "created_at", "pk"
    ):
        assert message.request_id is not None
        last[message.request_id] = message
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
