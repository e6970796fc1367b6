"""Create, send, resend, extend, close: what the supplier receives and what staff see."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from oretrace.registry.models import (
    AuditEntry,
    Campaign,
    Declaration,
    OutboxMessage,
    ReportingPeriod,
    StoredFile,
    SupplierRequest,
)
from oretrace.registry.services import (
    campaign_mail,
    campaigns,
    outbox,
    portal_events,
    portal_tokens,
)
from oretrace.registry.services.campaign_progress import campaign_progress
from oretrace.registry.services.scope import StaffScope
from tests.campaigns.conftest import DUE, HEAD_OFFICE, Group
from tests.smtp_server import SmtpServer

pytestmark = pytest.mark.django_db


def _campaign(group: Group, **kwargs: object) -> Campaign:
    options: dict[str, object] = {
        "period": 2025,
        "due_on": DUE,
        "actor": "cli:test",
        "scope": HEAD_OFFICE,
        "group_company": group.company["a"],
        **kwargs,
    }
    return campaigns.create_campaign("2025 inquiry", **options)  # type: ignore[arg-type]


def test_invitation_arrives_with_a_working_portal_link(
    group: Group, smtp_server: SmtpServer
) -> None:
    campaign = _campaign(group, message="Please use revision 6.5.")
    assert campaign.status == "draft" and campaign.requests.count() == 3
    result = campaigns.send_campaign(campaign, "cli:test")
    assert (result.queued, result.already) == (2, 0)
    assert result.without_email == ["Ash Works (U-ASH)"]
    assert outbox.drain().sent == 2
    received = {r.rcpt_tos[0]: r for r in smtp_server.wait_for(2)}
    invitation = received["alpha@supplier.test"]
    assert "Dear Alpha Metals desk," in invitation.body
    assert "Please use revision 6.5." in invitation.body
    assert DUE.isoformat() in invitation.subject
    (token,) = invitation.portal_tokens
    access = portal_tokens.find_access(token)
    assert access is not None
    assert access.request.supplier == group.suppliers["alpha"]
    assert invitation.body.count("https://oretrace.example/portal/access/") == 1
    campaign.refresh_from_db()
    assert campaign.status == "sent" and campaign.sent_at is not None
    assert AuditEntry.objects.filter(action="campaign.sent", actor="cli:test").count() == 1
    assert AuditEntry.objects.filter(action="portal.link_issued").count() == 2


def test_sending_again_queues_nothing_new(group: Group) -> None:
    campaign = _campaign(group)
    campaigns.send_campaign(campaign, "cli:test")
    before = (
        OutboxMessage.objects.count(),
        AuditEntry.objects.filter(action="portal.link_issued").count(),
    )
    again = campaigns.send_campaign(campaign, "cli:test")
    assert (again.queued, again.already) == (0, 2)
    assert again.without_email == ["Ash Works (U-ASH)"]
    after = (
        OutboxMessage.objects.count(),
        AuditEntry.objects.filter(action="portal.link_issued").count(),
    )
    assert after == before


def test_a_supplier_without_a_contact_takes_the_one_of_its_latest_declaration(group: Group) -> None:
    ash = group.suppliers["ash"]
    period = ReportingPeriod.for_year(2024)
    for n, (email, effective) in enumerate(
        [("old@ash.test", dt.date(2024, 1, 1)), ("new@ash.test", dt.date(2024, 6, 1))]
    ):
        stored = StoredFile.objects.create(sha256=f"{n}" * 64, original_name="a.xlsx", size=1)
        Declaration.objects.create(
            period=period,
            supplier=ash,
            stored_file=stored,
            status="valid",
            effective_date=effective,
            content={
                "company": {
                    "contact_name": {"cell": "D14", "raw": "Aki", "value": f"Aki {n}"},
                    "contact_email": {"cell": "D15", "raw": email, "value": email},
                }
            },
        )
    campaign = _campaign(group)
    result = campaigns.send_campaign(campaign, "cli:test")
    assert result.without_email == []
    request = SupplierRequest.objects.get(campaign=campaign, supplier=ash)
    assert (request.email, request.contact_name) == ("new@ash.test", "Aki 1")


def test_suppliers_from_a_file_report_unknown_rows_by_number(group: Group, tmp_path: Path) -> None:
    listing = tmp_path / "suppliers.csv"
    listing.write_text("supplier\nU-ALPHA\nNobody Ltd\nBeta Smelting\nU-NOPE\n", "utf-8")
    with pytest.raises(campaigns.CampaignError) as refused:
        campaigns.suppliers_from_file(listing, HEAD_OFFICE)
    assert [e.split(":")[0] for e in refused.value.errors] == ["row 3", "row 5"]
    officer = StaffScope.for_group_companies(frozenset({group.company["a"].pk}), "officer_a")
    listing.write_text("unique_id\nU-ALPHA\nU-BETA\n", "utf-8")
    with pytest.raises(campaigns.CampaignError) as out_of_scope:
        campaigns.suppliers_from_file(listing, officer)
    assert out_of_scope.value.errors == [
        "row 3: supplier 'U-BETA' is not known in your group companies"
    ]
    listing.write_text("unique_id\nU-ALPHA\n", "utf-8")
    ids = campaigns.suppliers_from_file(listing, officer)
    campaign = _campaign(group, supplier_ids=ids, scope=officer)
    assert [r.supplier.name for r in campaign.requests.all()] == ["Alpha Metals"]
    assert Campaign.objects.count() == 1


def test_officers_create_and_see_only_their_group_companies_campaigns(group: Group) -> None:
    officer = StaffScope.for_group_companies(frozenset({group.company["a"].pk}), "officer_a")
    with pytest.raises(campaigns.CampaignError, match="not one of yours"):
        _campaign(group, group_company=group.company["b"], scope=officer)
    with pytest.raises(campaigns.CampaignError, match="head office"):
        _campaign(group, group_company=None, scope=officer)
    mine = _campaign(group, scope=officer)
    whole = campaigns.create_campaign(
        "whole group", period=2025, due_on=DUE, actor="x", scope=HEAD_OFFICE
    )
    assert whole.requests.count() == 4
    assert list(campaigns.campaigns_for(officer)) == [mine]
    assert set(campaigns.campaigns_for(HEAD_OFFICE)) == {mine, whole}


def test_progress_counts_opened_responded_overdue_and_bounced(
    group: Group, smtp_server: SmtpServer
) -> None:
    smtp_server.answer("amber@supplier.test", "550 5.1.1 unknown")
    campaign = _campaign(group)
    campaigns.send_campaign(campaign, "cli:test")
    outbox.drain()
    alpha = SupplierRequest.objects.get(campaign=campaign, supplier=group.suppliers["alpha"])
    access = alpha.accesses.get()
    portal_events.record_open(access)
    # a declaration for the period arrives by folder ingest after the campaign was sent
    stored = StoredFile.objects.create(sha256="f" * 64, original_name="alpha.xlsx", size=1)
    Declaration.objects.create(
        period=campaign.period,
        supplier=alpha.supplier,
        stored_file=stored,
        status="findings",
        template="CMRT",
        version="6.5",
    )
    progress = campaign_progress(campaign, today=DUE + dt.timedelta(days=1))
    assert progress.counts() == {
        "invited": 2,
        "opened": 1,
        "responded": 1,
        "valid": 0,
        "with_findings": 1,
        "overdue": 1,  # amber: invited, silent, past due (and bounced)
        "bounced": 1,
    }
    states = {row.request.supplier.name: row.state for row in progress.rows}
    assert states == {
        "Alpha Metals": "with findings",
        "Amber Tin": "bounced",
        "Ash Works": "not invited",
    }
    assert campaign_progress(campaign, today=DUE).overdue == 0


def test_resend_extend_close_and_revoke_are_audited(group: Group, smtp_server: SmtpServer) -> None:
    campaign = _campaign(group)
    campaigns.send_campaign(campaign, "cli:test")
    alpha = campaigns.find_request(campaign, "U-ALPHA")
    first = campaigns.resend(alpha, "user:officer_a")
    second = campaigns.resend(alpha, "user:officer_a")
    assert (first.dedupe_key, second.dedupe_key) == (f"resend:{alpha.pk}:1", f"resend:{alpha.pk}:2")
    outbox.drain()
    tokens = [t for r in smtp_server.to("alpha@supplier.test") for t in r.portal_tokens]
    assert len(set(tokens)) == 3
    assert campaigns.revoke_links(alpha, "user:officer_a", "leaked") == 3
    assert all(portal_tokens.find_access(t) is None for t in tokens)
    campaigns.extend(campaign, DUE + dt.timedelta(days=30), "user:officer_a", request=alpha)
    alpha.refresh_from_db()
    assert alpha.effective_due_on == DUE + dt.timedelta(days=30)
    campaigns.extend(campaign, DUE + dt.timedelta(days=10), "user:officer_a")
    campaign.refresh_from_db()
    assert campaign.due_on == DUE + dt.timedelta(days=10)
    campaigns.close(campaign, "user:officer_a")
    with pytest.raises(campaigns.CampaignError, match="closed"):
        campaigns.resend(alpha, "user:officer_a")
    actions = list(
        AuditEntry.objects.filter(actor="user:officer_a")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "portal.link_issued",
        "campaign.resent",
        "portal.link_issued",
        "campaign.resent",
        "portal.link_revoked",
        "portal.link_revoked",
        "portal.link_revoked",
        "campaign.request_extended",
        "campaign.extended",
        "campaign.closed",
    ]
    assert campaign.closed_at is not None and campaign.closed_at <= timezone.now()


def test_an_interrupted_send_resumes_without_inviting_anyone_twice(
    group: Group, monkeypatch: pytest.MonkeyPatch
) -> None:
    campaign = _campaign(group)
    real = campaign_mail.invitation
    calls: list[str] = []

    def failing_second(request: SupplierRequest, raw: str) -> campaign_mail.Rendered:
        calls.append(request.supplier.name)
        if len(calls) == 2:
            raise RuntimeError("the process died here")
        return real(request, raw)

    monkeypatch.setattr(campaign_mail, "invitation", failing_second)
    with pytest.raises(RuntimeError):
        campaigns.send_campaign(campaign, "cli:test", batch=1)
    assert OutboxMessage.objects.filter(purpose="invitation").count() == 1
    campaign.refresh_from_db()
    assert campaign.status == "sent"  # the first batch is kept
    monkeypatch.setattr(campaign_mail, "invitation", real)
    resumed = campaigns.send_campaign(campaign, "cli:test", batch=1)
    assert (resumed.queued, resumed.already) == (1, 1)
    assert OutboxMessage.objects.filter(purpose="invitation").count() == 2
    # the rolled-back batch left no link behind: one per invited request
    assert sum(r.accesses.count() for r in campaign.requests.all()) == 2
