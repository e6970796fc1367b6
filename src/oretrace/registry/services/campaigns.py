"""Campaigns: ask suppliers for a template by a due date, and follow up.

A campaign is created as a draft with one :class:`SupplierRequest` per supplier asked (the
suppliers of its group company, of the whole group, or those listed in a file), is sent
(each request gets a portal link and an invitation in the outbox, in one transaction with
their audit entries, a batch of requests at a time), and is closed at the end. Sending
again queues nothing new, except for suppliers that had no e-mail address before and have
one now. Every change is audited with
its actor in the transaction of the change.

Scoping: head office (a whole-group scope) sees every campaign; a compliance officer sees
the campaigns of their group companies only (a whole-group campaign is head office's).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from oretrace.registry.models import (
    Campaign,
    GroupCompany,
    OutboxMessage,
    ReportingPeriod,
    Supplier,
    SupplierAccess,
    SupplierRelationship,
    SupplierRequest,
)
from oretrace.registry.services import audit, campaign_mail, outbox, portal_tokens
from oretrace.registry.services.contacts import Recipient, recipients_for
from oretrace.registry.services.masterdata_records import SupplierKeys
from oretrace.registry.services.scope import StaffScope, group_companies_for, supplier_ids_for
from oretrace.registry.services.tables import TableError, open_table

SUPPLIER_COLUMNS = ("supplier", "unique_id", "name")


class CampaignError(Exception):
    """A campaign change that cannot be made; the message says why (nothing was changed)."""

    def __init__(self, message: str, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


# --- scoping --------------------------------------------------------------------------------


def campaigns_for(scope: StaffScope) -> QuerySet[Campaign]:
    """Campaigns ``scope`` may see: all for a whole-group scope, else its group companies'."""
    companies = group_companies_for(scope)
    every = Campaign.objects.select_related("period", "group_company")
    return every if scope.whole_group else every.filter(group_company__in=companies)


def listed(scope: StaffScope) -> QuerySet[Campaign]:
    """Campaigns in scope, newest first, each with ``asked`` (its number of requests)."""
    return campaigns_for(scope).annotate(asked=Count("requests")).order_by("-created_at", "-pk")


def requests_for(scope: StaffScope) -> QuerySet[SupplierRequest]:
    return SupplierRequest.objects.filter(campaign__in=campaigns_for(scope)).select_related(
        "campaign", "supplier", "contact"
    )


def find_campaign(scope: StaffScope, name: str) -> Campaign:
    campaign = campaigns_for(scope).filter(name=name).first()
    if campaign is None:
        raise CampaignError(f"no campaign named {name!r}")
    return campaign


def find_request(campaign: Campaign, supplier: str) -> SupplierRequest:
    """The request of ``campaign`` for the supplier with this unique ID or name."""
    requests = campaign.requests.select_related("supplier", "campaign")
    found = requests.filter(supplier__unique_id=supplier).first() if supplier else None
    if found is None:
        matches = list(requests.filter(supplier__name__iexact=supplier))
        if len(matches) > 1:
            raise CampaignError(f"{supplier!r} names {len(matches)} suppliers; give the unique ID")
        found = matches[0] if matches else None
    if found is None:
        raise CampaignError(f"campaign {campaign.name!r} asks no supplier {supplier!r}")
    return found


# --- create ---------------------------------------------------------------------------------


def group_company_named(text: str) -> GroupCompany:
    company = (
        GroupCompany.objects.filter(code=text).first()
        or GroupCompany.objects.filter(name=text).first()
    )
    if company is None:
        raise CampaignError(f"no group company with the code or name {text!r}")
    return company


def suppliers_from_file(path: Path, scope: StaffScope) -> list[int]:
    """Supplier ids listed in a CSV/XLSX file (a ``supplier``, ``unique_id`` or ``name``
    column: unique IDs or names). Unknown, ambiguous or out-of-scope suppliers raise a
    :class:`CampaignError` listing every bad row by number."""
    try:
        table = open_table(path, set(SUPPLIER_COLUMNS))
    except TableError as exc:
        raise CampaignError(f"{path.name}: {exc}") from exc
    columns = [c for c in SUPPLIER_COLUMNS if c in table.header]
    if not columns:
        raise CampaignError(
            f"{path.name}: needs a column named supplier, unique_id or name "
            f"(header has: {', '.join(c for c in table.header if c) or 'nothing'})"
        )
    keys = SupplierKeys.load()
    in_scope = supplier_ids_for(scope)
    allowed = None if in_scope is None else set(in_scope)
    positions = [table.header.index(c) for c in columns]
    chosen: list[int] = []
    errors: list[str] = []
    for number, cells in table.rows():
        text = next((cells[p].strip() for p in positions if p < len(cells) and cells[p]), "")
        if not text:
            continue
        pk, problem = keys.resolve(text)
        if pk is not None and allowed is not None and pk not in allowed:
            pk, problem = None, f"supplier {text!r} is not known in your group companies"
        if pk is None:
            errors.append(f"row {number}: {problem}")
        elif pk not in chosen:
            chosen.append(pk)
    if errors:
        raise CampaignError(
            f"{path.name}: {len(errors)} row(s) name no supplier; nothing was created", errors
        )
    if not chosen:
        raise CampaignError(f"{path.name} lists no supplier")
    return chosen


def suppliers_of(group_company: GroupCompany | None) -> list[int]:
    """The suppliers a campaign asks when no list is given: those of the group company, or
    every supplier some group company buys from."""
    links = SupplierRelationship.objects.all()
    if group_company is not None:
        links = links.filter(group_company=group_company)
    return sorted(set(links.values_list("supplier_id", flat=True)))


def create_campaign(
    name: str,
    *,
    period: int,
    due_on: dt.date,
    actor: str,
    scope: StaffScope,
    group_company: GroupCompany | None = None,
    supplier_ids: list[int] | None = None,
    template_family: str = "CMRT",
    minimum_revision: str = "",
    declaration_scope: str = "",
    message: str = "",
    reminder_offsets: list[int] | None = None,
) -> Campaign:
    """A draft campaign with one request per supplier asked."""
    name = name.strip()
    if not name:
        raise CampaignError("a campaign needs a name")
    if Campaign.objects.filter(name=name).exists():
        raise CampaignError(f"a campaign named {name!r} exists already")
    if group_company is None and not scope.whole_group:
        raise CampaignError(
            "choose one of your group companies (whole-group campaigns are head office's)"
        )
    if (
        group_company is not None
        and not group_companies_for(scope).filter(pk=group_company.pk).exists()
    ):
        raise CampaignError(f"group company {group_company.name!r} is not one of yours")
    ids = supplier_ids if supplier_ids is not None else suppliers_of(group_company)
    in_scope = supplier_ids_for(scope)
    if in_scope is not None:
        allowed = set(in_scope)
        if any(pk not in allowed for pk in ids):
            raise CampaignError("some suppliers asked are not suppliers of your group companies")
    if not ids:
        raise CampaignError("no supplier to ask: import suppliers or give a list")
    offsets = sorted(
        {int(o) for o in (reminder_offsets if reminder_offsets is not None else [14, 7, 0, -7])},
        reverse=True,
    )
    countries = dict(Supplier.objects.filter(pk__in=ids).values_list("pk", "country"))
    with transaction.atomic():
        campaign = Campaign.objects.create(
            name=name,
            period=ReportingPeriod.for_year(period),
            group_company=group_company,
            template_family=template_family.strip().upper() or "CMRT",
            minimum_revision=minimum_revision.strip(),
            scope=declaration_scope.strip(),
            due_on=due_on,
            message=message,
            reminder_offsets=offsets,
            created_by=actor,
        )
        SupplierRequest.objects.bulk_create(
            SupplierRequest(
                campaign=campaign,
                supplier_id=pk,
                locale=campaign_mail.locale_for(countries.get(pk, "")),
            )
            for pk in ids
        )
        audit.record(
            actor,
            "campaign.created",
            campaign,
            name=name,
            period=period,
            group_company=group_company.name if group_company else None,
            due_on=due_on,
            suppliers=len(ids),
            template=campaign.template_family,
            minimum_revision=campaign.minimum_revision,
        )
    return campaign


# --- send -----------------------------------------------------------------------------------


@dataclass(slots=True)
class SendResult:
    queued: int = 0
    already: int = 0
    without_email: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {"queued": self.queued, "already": self.already, "without_email": self.without_email}


def _apply_recipient(request: SupplierRequest, recipient: Recipient) -> None:
    if recipient.email and recipient.email != request.email:
        request.bounced_at = None  # a new address has not bounced
    request.email = recipient.email or request.email
    request.contact_name = recipient.name or request.contact_name
    request.contact = recipient.contact or request.contact


#: Requests invited per transaction: a large campaign never holds the database's write lock
#: (SQLite) for long, and an interrupted send resumes where it stopped.
SEND_BATCH = 200


def send_campaign(campaign: Campaign, actor: str, batch: int = SEND_BATCH) -> SendResult:
    """Invite every supplier of ``campaign`` not yet invited. Per request, one transaction
    holds its portal link, its invitation in the outbox and their audit entries (requests are
    taken ``batch`` at a time). Suppliers without an e-mail address are reported in
    ``without_email`` (and invited by a later send once they have one); a send that was
    interrupted, or runs twice at once, never invites a request twice."""
    result = SendResult()
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().select_related("period").get(pk=campaign.pk)
        if locked.status == Campaign.Status.CLOSED:
            raise CampaignError(f"campaign {locked.name!r} is closed")
        first_send = locked.status == Campaign.Status.DRAFT
        if first_send:
            locked.status, locked.sent_at = Campaign.Status.SENT, timezone.now()
            locked.save(update_fields=["status", "sent_at"])
            audit.record(actor, "campaign.send_started", locked, requests=locked.requests.count())
    ids = list(locked.requests.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        _invite(locked, ids[start : start + batch], actor, result)
    with transaction.atomic():
        audit.record(
            actor,
            "campaign.sent",
            locked,
            first_send=first_send,
            queued=result.queued,
            already_invited=result.already,
            without_email=len(result.without_email),
        )
    campaign.status, campaign.sent_at = locked.status, locked.sent_at
    return result


def _invite(campaign: Campaign, ids: list[int], actor: str, result: SendResult) -> None:
    with transaction.atomic():
        requests = list(
            SupplierRequest.objects.select_for_update(of=("self",))
            .select_related("supplier")
            .filter(pk__in=ids)
            .order_by("pk")
        )
        invited = set(
            OutboxMessage.objects.filter(request_id__in=ids, purpose="invitation").values_list(
                "request_id", flat=True
            )
        )
        pending = [r for r in requests if r.pk not in invited]
        result.already += len(requests) - len(pending)
        recipients = recipients_for(r.supplier_id for r in pending)
        now = timezone.now()
        for request in pending:
            request.campaign = campaign
            _apply_recipient(request, recipients[request.supplier_id])
            if not request.email:
                request.save(update_fields=["email", "contact_name", "contact"])
                result.without_email.append(_label(request.supplier))
                continue
            raw = portal_tokens.issue_access(request, actor)
            text = campaign_mail.invitation(request, raw)
            outbox.queue_message(
                dedupe_key=f"invitation:{request.pk}",
                purpose="invitation",
                to=[request.email],
                subject=text.subject,
                body_text=text.body_text,
                locale=request.locale,
                campaign=campaign,
                request=request,
            )
            request.invited_at = now
            request.save(
                update_fields=["email", "contact_name", "contact", "invited_at", "bounced_at"]
            )
            result.queued += 1


def _label(supplier: Supplier) -> str:
    return f"{supplier.name} ({supplier.unique_id})" if supplier.unique_id else supplier.name


# --- follow-up ------------------------------------------------------------------------------


def _open_request(request: SupplierRequest) -> SupplierRequest:
    locked = (
        SupplierRequest.objects.select_for_update()
        .select_related("campaign__period", "supplier")
        .get(pk=request.pk)
    )
    if locked.campaign.status != Campaign.Status.SENT:
        raise CampaignError(
            f"campaign {locked.campaign.name!r} is {locked.campaign.status}, not sent"
        )
    return locked


def resend(request: SupplierRequest, actor: str) -> OutboxMessage:
    """A new portal link to the supplier's current contact (the old links keep working
    until revoked), queued as ``resend:<request>:<n>``."""
    with transaction.atomic():
        locked = _open_request(request)
        _apply_recipient(locked, recipients_for([locked.supplier_id])[locked.supplier_id])
        if not locked.email:
            raise CampaignError(f"{_label(locked.supplier)} has no e-mail address; import contacts")
        count = OutboxMessage.objects.filter(request=locked, purpose="resend").count()
        raw = portal_tokens.issue_access(locked, actor)
        text = campaign_mail.resend(locked, raw)
        message, _ = outbox.queue_message(
            dedupe_key=f"resend:{locked.pk}:{count + 1}",
            purpose="resend",
            to=[locked.email],
            subject=text.subject,
            body_text=text.body_text,
            locale=locked.locale,
            campaign=locked.campaign,
            request=locked,
        )
        locked.invited_at = locked.invited_at or timezone.now()
        locked.save(update_fields=["email", "contact_name", "contact", "invited_at", "bounced_at"])
        audit.record(actor, "campaign.resent", locked, to=locked.email, message=message.dedupe_key)
    return message


def extend(
    campaign: Campaign, due_on: dt.date, actor: str, request: SupplierRequest | None = None
) -> None:
    """Move the due date of the whole campaign, or of one request only."""
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status == Campaign.Status.CLOSED:
            raise CampaignError(f"campaign {locked.name!r} is closed")
        if request is None:
            before = locked.due_on
            locked.due_on = due_on
            locked.save(update_fields=["due_on"])
            audit.record(actor, "campaign.extended", locked, due_on=due_on, was=before)
            campaign.due_on = due_on
            return
        if request.campaign_id != locked.pk:
            raise CampaignError("that request belongs to another campaign")
        row = SupplierRequest.objects.select_for_update().get(pk=request.pk)
        before_request = row.due_on
        row.due_on = due_on
        row.save(update_fields=["due_on"])
        audit.record(
            actor,
            "campaign.request_extended",
            row,
            supplier=row.supplier_id,
            due_on=due_on,
            was=before_request,
        )
        request.due_on = due_on


def close(campaign: Campaign, actor: str) -> int:
    """Close ``campaign``: no more reminders; reminders still waiting are cancelled (their
    number is returned). The portal links keep working until they expire or are revoked."""
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status == Campaign.Status.CLOSED:
            return 0
        locked.status, locked.closed_at = Campaign.Status.CLOSED, timezone.now()
        locked.save(update_fields=["status", "closed_at"])
        cancelled = OutboxMessage.objects.filter(
            campaign=locked, purpose="reminder", status__in=outbox.DUE_STATUSES
        ).update(status=OutboxMessage.Status.CANCELLED)
        audit.record(actor, "campaign.closed", locked, reminders_cancelled=cancelled)
    campaign.status, campaign.closed_at = locked.status, locked.closed_at
    return cancelled


def revoke_links(request: SupplierRequest, actor: str, reason: str = "") -> int:
    """End every live portal link of ``request``; returns how many were ended."""
    now = timezone.now()
    live = SupplierAccess.objects.filter(request=request, revoked_at=None, expires_at__gt=now)
    ended = 0
    with transaction.atomic():
        for access in live:
            ended += portal_tokens.revoke_access(access, actor, reason)
    return ended
