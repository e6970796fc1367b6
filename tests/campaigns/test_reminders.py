"""Reminders: due on the schedule, never twice, not after a response, not for closed
campaigns or bounced addresses; after the due date the officer gets a copy."""

from __future__ import annotations

import datetime as dt

import pytest

from oretrace.registry.models import (
    Campaign,
    Declaration,
    OutboxMessage,
    StoredFile,
    SupplierRequest,
)
from oretrace.registry.services import campaigns, outbox, reminders
from tests.campaigns.conftest import DUE, HEAD_OFFICE, Group
from tests.smtp_server import SmtpServer

pytestmark = pytest.mark.django_db


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)


def _sent(group: Group, invited_on: dt.date) -> Campaign:
    campaign = campaigns.create_campaign(
        "2025 inquiry",
        period=2025,
        due_on=DUE,
        actor="cli:test",
        scope=HEAD_OFFICE,
        group_company=group.company["a"],
    )
    campaigns.send_campaign(campaign, "cli:test")
    campaign.requests.update(invited_at=at(invited_on))
    return campaign


def _keys() -> list[str]:
    return sorted(
        OutboxMessage.objects.filter(purpose="reminder").values_list("dedupe_key", flat=True)
    )


def test_reminders_follow_the_schedule_once_each(group: Group) -> None:
    campaign = _sent(group, DUE - dt.timedelta(days=30))
    ids = dict(campaign.requests.values_list("supplier__name", "pk"))
    alpha, amber = ids["Alpha Metals"], ids["Amber Tin"]
    assert reminders.queue_due_reminders(at(DUE - dt.timedelta(days=15))).queued == []
    day14 = reminders.queue_due_reminders(at(DUE - dt.timedelta(days=14)))
    assert sorted(day14.queued) == [f"reminder:{alpha}:14", f"reminder:{amber}:14"]
    assert reminders.queue_due_reminders(at(DUE - dt.timedelta(days=12))).queued == []
    # a worker that was down from day 14 to the due date sends one reminder, not two
    reminders.queue_due_reminders(at(DUE))
    assert _keys() == sorted(
        f"reminder:{pk}:{offset}" for pk in (alpha, amber) for offset in (14, 0)
    )


def test_no_reminder_once_responded_bounced_or_closed(group: Group) -> None:
    campaign = _sent(group, DUE - dt.timedelta(days=30))
    alpha = SupplierRequest.objects.get(campaign=campaign, supplier=group.suppliers["alpha"])
    amber = SupplierRequest.objects.get(campaign=campaign, supplier=group.suppliers["amber"])
    stored = StoredFile.objects.create(sha256="a" * 64, original_name="alpha.xlsx", size=1)
    Declaration.objects.create(
        period=campaign.period,
        supplier=alpha.supplier,
        stored_file=stored,
        status="valid",
        template="CMRT",
    )
    SupplierRequest.objects.filter(pk=amber.pk).update(bounced_at=at(DUE))
    assert reminders.queue_due_reminders(at(DUE - dt.timedelta(days=7))).queued == []
    SupplierRequest.objects.filter(pk=amber.pk).update(bounced_at=None)
    campaigns.close(campaign, "cli:test")
    assert reminders.queue_due_reminders(at(DUE - dt.timedelta(days=7))).queued == []


def test_invited_late_gets_no_backlog_of_reminders(group: Group) -> None:
    _sent(group, DUE - dt.timedelta(days=5))
    assert reminders.queue_due_reminders(at(DUE - dt.timedelta(days=4))).queued == []
    assert len(reminders.queue_due_reminders(at(DUE)).queued) == 2


def test_after_due_reminder_copies_the_officer(group: Group, smtp_server: SmtpServer) -> None:
    campaign = _sent(group, DUE - dt.timedelta(days=30))
    outbox.drain()
    before = len(smtp_server.received)
    result = reminders.queue_due_reminders(at(DUE + dt.timedelta(days=7)))
    assert len(result.queued) == 2
    assert outbox.drain().sent == 2
    received = smtp_server.wait_for(before + 2)[before:]
    for message in received:
        assert "officer.a@group.test" in message.rcpt_tos
        assert message.message["Cc"] == "officer.a@group.test"
        # each e-mail speaks its recipient's language (Amber Tin is in Japan)
        japanese = "amber@supplier.test" in message.rcpt_tos
        assert message.subject.strip().startswith("【期限超過】" if japanese else "Overdue:")
        assert len(message.portal_tokens) == 1
    extended = SupplierRequest.objects.get(campaign=campaign, supplier=group.suppliers["alpha"])
    assert extended.accesses.count() == 2  # invitation link + the reminder's new link
