"""The e-mail outbox: every message is a row first, sent by the worker later (ADR 0015).

- :func:`queue_message` stores a message, already rendered, under a unique ``dedupe_key``:
  the same logical message (one invitation per request, one reminder per request and offset)
  is queued once, however often it is asked for.
- :func:`drain` sends what is due. It claims rows in a short committed transaction (``SELECT
  … FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite's immediate transactions take the write lock
  first) and marks them ``sending`` before any SMTP traffic, so two workers never send the same
  row. Connection trouble and 4xx answers are retried with exponential back-off; a recipient
  refused with a 5xx is ``bounced`` (and its request marked so); anything else, or the last
  attempt, is ``failed``. Bounces and failures are audited.
- A row left ``sending`` longer than ``ORETRACE_MAIL_STUCK_SECONDS`` (its worker died between
  claiming and finishing) is queued again: delivery is at-least-once, and the Message-ID kept
  on the row lets a rare duplicate be traced.
- Without ``ORETRACE_SMTP_URL`` nothing is sent: messages wait as ``queued`` and
  :func:`drain` says how many are waiting.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import make_msgid
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from oretrace.registry.models import Campaign, OutboxMessage, SupplierRequest
from oretrace.registry.services import audit

log = logging.getLogger(__name__)

WORKER = "worker:outbox"
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
Status = OutboxMessage.Status
DUE_STATUSES = (Status.QUEUED, Status.RETRY)


class OutboxError(Exception):
    """A change to a message that its state does not allow (say, retrying a sent one)."""


def queue_message(
    *,
    dedupe_key: str,
    purpose: str,
    to: Iterable[str],
    subject: str,
    body_text: str,
    body_html: str = "",
    cc: Iterable[str] = (),
    locale: str = "",
    campaign: Campaign | None = None,
    request: SupplierRequest | None = None,
) -> tuple[OutboxMessage, bool]:
    """Queue a rendered message; ``(message, False)`` when ``dedupe_key`` is already queued
    (or sent), in which case nothing changes. Call it inside the transaction of the change
    that asks for the message, so both commit or neither."""
    existing = OutboxMessage.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing, False
    recipients = [address for address in to if address]
    if not recipients:
        raise OutboxError(f"{dedupe_key}: a message needs a recipient")
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                dedupe_key=dedupe_key,
                purpose=purpose,
                campaign=campaign,
                request=request,
                sender=str(settings.ORETRACE_MAIL_FROM),
                to=recipients,
                cc=[address for address in cc if address and address not in recipients],
                subject=subject[:500],
                body_text=body_text,
                body_html=body_html,
                locale=locale,
            )
    except IntegrityError:  # queued by someone else meanwhile
        return OutboxMessage.objects.get(dedupe_key=dedupe_key), False
    return message, True


def delivery_configured() -> bool:
    """True when messages can leave: an SMTP URL is set, or a non-SMTP backend (tests)."""
    return bool(getattr(settings, "ORETRACE_SMTP_URL", "")) or settings.EMAIL_BACKEND != (
        SMTP_BACKEND
    )


@dataclass(slots=True)
class DrainResult:
    sent: int = 0
    retried: int = 0
    bounced: int = 0
    failed: int = 0
    requeued_stuck: int = 0
    waiting: int = 0
    configured: bool = True
    errors: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "retried": self.retried,
            "bounced": self.bounced,
            "failed": self.failed,
            "requeued_stuck": self.requeued_stuck,
            "waiting": self.waiting,
            "configured": self.configured,
        }


def due(now: dt.datetime) -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(status__in=DUE_STATUSES).filter(
        Q(retry_after__isnull=True) | Q(retry_after__lte=now)
    )


def drain(now: dt.datetime | None = None, limit: int = 500, batch: int = 20) -> DrainResult:
    """Send up to ``limit`` due messages, ``batch`` claimed at a time."""
    now = now or timezone.now()
    result = DrainResult(requeued_stuck=requeue_stuck(now))
    if not delivery_configured():
        result.configured = False
        result.waiting = due(now).count()
        return result
    while result.sent + result.retried + result.bounced + result.failed < limit:
        claimed = _claim(now, min(batch, limit))
        if not claimed:
            break
        _send(claimed, now, result)
    result.waiting = due(now).count()
    return result


def requeue_stuck(now: dt.datetime) -> int:
    """Queue again the rows whose worker died while sending them."""
    limit = now - dt.timedelta(seconds=int(settings.ORETRACE_MAIL_STUCK_SECONDS))
    with transaction.atomic():
        stuck = list(
            OutboxMessage.objects.filter(status=Status.SENDING, inflight_since__lt=limit)
            .select_for_update(skip_locked=_skip_locked())
            .values_list("pk", flat=True)
        )
        if stuck:
            OutboxMessage.objects.filter(pk__in=stuck, status=Status.SENDING).update(
                status=Status.RETRY, retry_after=now, inflight_since=None
            )
            audit.record(WORKER, "outbox.requeued_stuck", None, messages=stuck)
    return len(stuck)


def _skip_locked() -> bool:
    """SKIP LOCKED where the database has it (PostgreSQL); SQLite's immediate transactions
    serialise the claims instead."""
    return bool(connection.features.has_select_for_update_skip_locked)


def _claim(now: dt.datetime, count: int) -> list[OutboxMessage]:
    """Mark up to ``count`` due rows ``sending`` and commit, before any SMTP traffic."""
    with transaction.atomic():
        ids = list(
            due(now)
            .order_by("created_at", "pk")
            .select_for_update(skip_locked=_skip_locked())
            .values_list("pk", flat=True)[:count]
        )
        if not ids:
            return []
        claimed = list(OutboxMessage.objects.filter(pk__in=ids, status__in=DUE_STATUSES))
        for message in claimed:
            message.status = Status.SENDING
            message.inflight_since = now
            message.attempts += 1
            message.message_id = message.message_id or make_msgid(domain=_domain(message.sender))
        OutboxMessage.objects.bulk_update(
            claimed, ["status", "inflight_since", "attempts", "message_id"]
        )
    return claimed


def _domain(sender: str) -> str:
    return sender.rpartition("@")[2].strip("> ") or "oretrace.invalid"


def _send(messages: list[OutboxMessage], now: dt.datetime, result: DrainResult) -> None:
    smtp = get_connection(fail_silently=False)
    try:
        for message in messages:
            try:
                smtp.send_messages([_email(message)])
            except Exception as exc:  # every failure is classified and recorded on the row
                _close_quietly(smtp)
                _failed(message, exc, now, result)
            else:
                _sent(message, result)
    finally:
        _close_quietly(smtp)


def _email(message: OutboxMessage) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=message.sender,
        to=list(message.to),
        cc=list(message.cc),
        headers={"Message-ID": message.message_id, "X-Oretrace-Key": message.dedupe_key},
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    return email


def _close_quietly(smtp: Any) -> None:
    try:
        smtp.close()
    except (smtplib.SMTPException, OSError):
        smtp.connection = None


def _sent(message: OutboxMessage, result: DrainResult) -> None:
    OutboxMessage.objects.filter(pk=message.pk, status=Status.SENDING).update(
        status=Status.SENT, sent_at=timezone.now(), inflight_since=None, error=""
    )
    result.sent += 1


def classify(exc: Exception) -> tuple[str, str]:
    """(``"retry"`` | ``"bounce"`` | ``"fail"``, a short description) for a sending error."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        text = "; ".join(
            f"{rcpt}: {code} {_text(reply)}" for rcpt, (code, reply) in exc.recipients.items()
        )
        if codes and all(code >= 500 for code in codes):
            return "bounce", f"recipient refused: {text}"
        return "retry", f"recipient deferred: {text}"
    if isinstance(exc, smtplib.SMTPResponseException):
        reply = f"{exc.smtp_code} {_text(exc.smtp_error)}"
        if 400 <= exc.smtp_code < 500:
            return "retry", f"server deferred: {reply}"
        return "fail", f"server refused: {reply}"
    if isinstance(exc, smtplib.SMTPServerDisconnected | ConnectionError | socket.timeout):
        return "retry", f"connection: {exc or type(exc).__name__}"
    if isinstance(exc, OSError):
        return "retry", f"connection: {exc.strerror or exc}"
    return "fail", f"{type(exc).__name__}: {exc}"


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def retry_delay(attempts: int) -> dt.timedelta:
    """Back-off after ``attempts`` tries: the base delay, doubled each time, capped."""
    base = int(settings.ORETRACE_MAIL_RETRY_SECONDS)
    cap = int(settings.ORETRACE_MAIL_RETRY_MAX_SECONDS)
    return dt.timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def _failed(message: OutboxMessage, exc: Exception, now: dt.datetime, result: DrainResult) -> None:
    outcome, why = classify(exc)
    why = why[:2000]
    log.warning("outbox message %s (%s): %s", message.pk, message.dedupe_key, why)
    result.errors.append(f"{message.dedupe_key}: {why}")
    if outcome == "retry" and message.attempts < int(settings.ORETRACE_MAIL_MAX_ATTEMPTS):
        OutboxMessage.objects.filter(pk=message.pk, status=Status.SENDING).update(
            status=Status.RETRY,
            retry_after=now + retry_delay(message.attempts),
            inflight_since=None,
            error=why,
        )
        result.retried += 1
        return
    final = Status.BOUNCED if outcome == "bounce" else Status.FAILED
    with transaction.atomic():
        OutboxMessage.objects.filter(pk=message.pk, status=Status.SENDING).update(
            status=final, inflight_since=None, error=why
        )
        if final == Status.BOUNCED and message.request_id is not None:
            SupplierRequest.objects.filter(pk=message.request_id, bounced_at=None).update(
                bounced_at=timezone.now()
            )
        audit.record(
            WORKER,
            f"outbox.{final}",
            message,
            key=message.dedupe_key,
            to=message.to,
            attempts=message.attempts,
            error=why,
        )
    if final == Status.BOUNCED:
        result.bounced += 1
    else:
        result.failed += 1


def messages(
    campaigns: QuerySet[Campaign] | None = None, status: str | None = None
) -> QuerySet[OutboxMessage]:
    """Messages, newest first: of the given (already scoped) campaigns, or all (the command
    line, head office); only those of ``status`` when given."""
    found = OutboxMessage.objects.select_related("campaign", "request__supplier")
    if campaigns is not None:
        found = found.filter(campaign__in=campaigns)
    if status:
        found = found.filter(status=status)
    return found.order_by("-created_at", "-pk")


def retry(message: OutboxMessage, actor: str) -> None:
    """Send a failed, bounced or cancelled message again (a person decided so)."""
    with transaction.atomic():
        locked = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        if locked.status not in (Status.FAILED, Status.BOUNCED, Status.CANCELLED):
            raise OutboxError(f"a {locked.get_status_display()} message cannot be retried")
        before = locked.status
        locked.status, locked.retry_after, locked.attempts = Status.QUEUED, None, 0
        locked.save(update_fields=["status", "retry_after", "attempts"])
        if before == Status.BOUNCED and locked.request_id is not None:
            SupplierRequest.objects.filter(pk=locked.request_id).update(bounced_at=None)
        audit.record(actor, "outbox.retried", locked, key=locked.dedupe_key, was=before)
    message.status = locked.status


def cancel(message: OutboxMessage, actor: str) -> None:
    """Give up on a message that has not been sent."""
    with transaction.atomic():
        locked = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        if locked.status not in (Status.QUEUED, Status.RETRY, Status.FAILED):
            raise OutboxError(f"a {locked.get_status_display()} message cannot be cancelled")
        before = locked.status
        locked.status = Status.CANCELLED
        locked.save(update_fields=["status"])
        audit.record(actor, "outbox.cancelled", locked, key=locked.dedupe_key, was=before)
    message.status = locked.status
