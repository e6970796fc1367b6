"""The outbox against a real SMTP server: delivery, retry after 451, bounce on 550, no
double sends, messages kept when no SMTP server is configured."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from oretrace.registry.models import AuditEntry, OutboxMessage
from oretrace.registry.services import outbox
from tests.smtp_server import SmtpServer

pytestmark = pytest.mark.django_db


def _queue(key: str, to: str = "someone@supplier.test") -> OutboxMessage:
    message, created = outbox.queue_message(
        dedupe_key=key, purpose="test", to=[to], subject=f"subject {key}", body_text="hello"
    )
    assert created
    return message


def test_a_queued_message_arrives_once_with_its_message_id(smtp_server: SmtpServer) -> None:
    message = _queue("k1")
    again, created = outbox.queue_message(
        dedupe_key="k1", purpose="test", to=["x@y.test"], subject="other", body_text="other"
    )
    assert (again.pk, created) == (message.pk, False)
    result = outbox.drain()
    assert (result.sent, result.waiting) == (1, 0)
    assert outbox.drain().sent == 0
    received = smtp_server.wait_for(1)
    assert len(received) == 1 and received[0].subject == "subject k1"
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 1
    assert received[0].message["Message-ID"] == message.message_id


def test_451_then_250_is_delivered_once_after_a_retry(smtp_server: SmtpServer) -> None:
    smtp_server.answer("slow@supplier.test", "451 4.7.1 try again later")
    message = _queue("k2", "slow@supplier.test")
    now = timezone.now()
    first = outbox.drain(now=now)
    assert (first.sent, first.retried) == (0, 1)
    message.refresh_from_db()
    assert message.status == "retry" and "451" in message.error
    assert message.retry_after == now + outbox.retry_delay(1)
    assert outbox.drain(now=now).sent == 0  # not due yet
    second = outbox.drain(now=message.retry_after)
    assert second.sent == 1
    assert len(smtp_server.to("slow@supplier.test")) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)


def test_550_recipient_is_bounced_and_audited(smtp_server: SmtpServer) -> None:
    smtp_server.answer("gone@supplier.test", "550 5.1.1 no such user")
    message = _queue("k3", "gone@supplier.test")
    result = outbox.drain()
    assert result.bounced == 1
    message.refresh_from_db()
    assert message.status == "bounced" and "550" in message.error
    assert smtp_server.received == []
    entry = AuditEntry.objects.get(action="outbox.bounced")
    assert entry.actor == "worker:outbox" and entry.data["to"] == ["gone@supplier.test"]


def test_unreachable_server_retries_then_fails_after_max_attempts(settings: Any) -> None:
    settings.ORETRACE_SMTP_URL = "smtp://127.0.0.1:9"
    settings.EMAIL_BACKEND = outbox.SMTP_BACKEND
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    settings.ORETRACE_MAIL_MAX_ATTEMPTS = 2
    message = _queue("k4")
    now = timezone.now()
    assert outbox.drain(now=now).retried == 1
    message.refresh_from_db()
    assert outbox.drain(now=message.retry_after).failed == 1
    message.refresh_from_db()
    assert message.status == "failed" and message.attempts == 2
    assert AuditEntry.objects.filter(action="outbox.failed").count() == 1


def test_without_smtp_url_messages_wait_queued(settings: Any) -> None:
    settings.ORETRACE_SMTP_URL = ""
    settings.EMAIL_BACKEND = outbox.SMTP_BACKEND
    message = _queue("k5")
    result = outbox.drain()
    assert (result.configured, result.waiting, result.sent) == (False, 1, 0)
    message.refresh_from_db()
    assert message.status == "queued" and message.attempts == 0


def test_a_message_stuck_sending_is_queued_again(smtp_server: SmtpServer, settings: Any) -> None:
    message = _queue("k6")
    long_ago = timezone.now() - dt.timedelta(seconds=settings.ORETRACE_MAIL_STUCK_SECONDS + 5)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status="sending", inflight_since=long_ago, attempts=1
    )
    result = outbox.drain()
    assert (result.requeued_stuck, result.sent) == (1, 1)
    assert len(smtp_server.received) == 1


def test_retry_and_cancel_by_a_person_are_audited(smtp_server: SmtpServer) -> None:
    smtp_server.answer("gone@supplier.test", "550 5.1.1 no such user")
    message = _queue("k7", "gone@supplier.test")
    outbox.drain()
    with pytest.raises(outbox.OutboxError):
        outbox.cancel(OutboxMessage.objects.get(pk=message.pk), "user:x")
    outbox.retry(message, "user:x")
    assert OutboxMessage.objects.get(pk=message.pk).status == "queued"
    outbox.cancel(message, "user:x")
    assert OutboxMessage.objects.get(pk=message.pk).status == "cancelled"
    assert list(
        AuditEntry.objects.filter(actor="user:x").order_by("seq").values_list("action", flat=True)
    ) == ["outbox.retried", "outbox.cancelled"]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_drains_never_send_a_message_twice(smtp_server: SmtpServer) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("threads share no in-memory SQLite database; run with PostgreSQL")
    for n in range(40):
        _queue(f"c{n}", f"r{n}@supplier.test")
    results: list[outbox.DrainResult] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        try:
            barrier.wait()
            results.append(outbox.drain(batch=3))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.sent for r in results) == 40
    received = smtp_server.wait_for(40)
    keys = [r.message["X-Oretrace-Key"] for r in received]
    assert sorted(keys) == sorted(f"c{n}" for n in range(40))
    assert OutboxMessage.objects.filter(status="sent").count() == 40
