"""The campaign pages as each role uses them: an officer creates, sends and follows up a
campaign of its group company (every change audited as user:<name>), the auditor reads, the
reviewer is refused, and another company's campaign answers 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from oretrace.registry.models import (
    AuditEntry,
    Campaign,
    Contact,
    OutboxMessage,
    PortalSubmission,
)
from oretrace.registry.services import campaigns, jobs
from oretrace.registry.services.campaign_progress import campaign_progress
from oretrace.registry.services.scope import StaffScope
from tests.registry.conftest import write_supplier
from tests.web.world import World

pytestmark = pytest.mark.django_db
DUE = dt.date.today() + dt.timedelta(days=40)


def _create(officer: Any, world: World, name: str = "Spring 2025", **extra: Any) -> Any:
    return officer.post(
        reverse("campaign-create"),
        {
            "name": name,
            "period": "2025",
            "due_on": DUE.isoformat(),
            "group_company": str(world.company["a"].pk),
            "template_family": "CMRT",
            "minimum_revision": "6.31",
            "reminders": "14,7,0,-7",
            "message": "Thank you for your help.",
            **extra,
        },
    )


def test_officer_creates_sends_and_follows_up(login: Any, world: World) -> None:
    Contact.objects.create(supplier=world.supplier["a"], name="Ann", email="ann@alpha.test")
    officer = login("officer_a")
    assert officer.get(reverse("campaign-create")).status_code == 200
    created = _create(officer, world)
    campaign = Campaign.objects.get(name="Spring 2025")
    assert created.status_code == 302 and created["Location"] == reverse(
        "campaign", args=[campaign.pk]
    )
    assert campaign.requests.count() == 2  # the two suppliers of group company A
    sent = officer.post(reverse("campaign-send", args=[campaign.pk]), follow=True)
    assert b"1 invitation(s) queued" in sent.content
    assert b"Silent Supplier GA" in sent.content  # reported: no e-mail address
    page = officer.get(reverse("campaign", args=[campaign.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "ann@alpha.test" in text and "no e-mail address" in text
    assert "Beta Smelting" not in text
    request = campaign.requests.get(supplier=world.supplier["a"])
    officer.post(reverse("campaign-request-resend", args=[campaign.pk, request.pk]))
    officer.post(
        reverse("campaign-request-extend", args=[campaign.pk, request.pk]),
        {"due_on": (DUE + dt.timedelta(days=14)).isoformat()},
    )
    officer.post(
        reverse("campaign-request-revoke", args=[campaign.pk, request.pk]), {"reason": "x"}
    )
    officer.post(reverse("campaign-close", args=[campaign.pk]))
    actions = set(
        AuditEntry.objects.filter(actor="user:officer_a").values_list("action", flat=True)
    )
    assert {
        "campaign.created",
        "campaign.sent",
        "campaign.resent",
        "campaign.request_extended",
        "portal.link_revoked",
        "campaign.closed",
    } <= actions
    request.refresh_from_db()
    assert request.effective_due_on == DUE + dt.timedelta(days=14)
    assert OutboxMessage.objects.filter(request=request).count() == 2


def test_a_supplier_list_with_unknown_rows_is_refused_row_by_row(login: Any, world: World) -> None:
    officer = login("officer_a")
    listing = SimpleUploadedFile(
        "suppliers.csv", b"supplier\nAlpha Metals Corporation\nBeta Smelting Industries\n"
    )
    refused = _create(officer, world, "Listed", suppliers=listing)
    assert refused.status_code == 200
    assert b"row 3: supplier &#x27;Beta Smelting Industries&#x27; is not known" in refused.content
    assert not Campaign.objects.filter(name="Listed").exists()
    listing = SimpleUploadedFile("suppliers.csv", b"supplier\nAlpha Metals Corporation\n")
    assert _create(officer, world, "Listed", suppliers=listing).status_code == 302
    assert Campaign.objects.get(name="Listed").requests.count() == 1


def test_auditor_reads_reviewer_is_refused_other_company_is_404(login: Any, world: World) -> None:
    head = StaffScope.everything("head")
    mine = campaigns.create_campaign(
        "A only", period=2025, due_on=DUE, actor="x", scope=head, group_company=world.company["a"]
    )
    theirs = campaigns.create_campaign(
        "B only", period=2025, due_on=DUE, actor="x", scope=head, group_company=world.company["b"]
    )
    officer = login("officer_a")
    listing = officer.get(reverse("campaigns")).content
    assert b"A only" in listing and b"B only" not in listing
    assert officer.get(reverse("campaign", args=[theirs.pk])).status_code == 404
    assert officer.post(reverse("campaign-send", args=[theirs.pk])).status_code == 404
    auditor = login("auditor")
    assert auditor.get(reverse("campaign", args=[theirs.pk])).status_code == 200
    page = auditor.get(reverse("campaign", args=[mine.pk])).content
    assert b"Send the invitations" not in page
    assert auditor.post(reverse("campaign-send", args=[mine.pk])).status_code == 403
    fragment = auditor.get(
        reverse("campaign", args=[mine.pk]) + "?fragment=figures", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert fragment.startswith('<section class="figures"') and "<html" not in fragment
    assert "invited" in fragment and "bounced" in fragment
    assert (
        officer.get(
            reverse("campaign", args=[theirs.pk]) + "?fragment=figures", HTTP_HX_REQUEST="true"
        ).status_code
        == 404
    )
    reviewer = login("reviewer")
    assert reviewer.get(reverse("campaigns")).status_code == 403
    assert reviewer.get(reverse("outbox")).status_code == 403
    assert b"Campaigns" not in reviewer.get(reverse("dashboard")).content


def test_outbox_page_filters_and_retries_a_failed_message(login: Any, world: World) -> None:
    Contact.objects.create(supplier=world.supplier["a"], name="Ann", email="ann@alpha.test")
    head = StaffScope.everything("head")
    campaign = campaigns.create_campaign(
        "Outbox", period=2025, due_on=DUE, actor="x", scope=head, group_company=world.company["a"]
    )
    campaigns.send_campaign(campaign, "x")
    message = OutboxMessage.objects.get(campaign=campaign)
    OutboxMessage.objects.filter(pk=message.pk).update(status="failed", error="550 gone")
    officer = login("officer_a")
    failed = officer.get(reverse("outbox") + "?status=failed").content
    assert b"ann@alpha.test" in failed and b"550 gone" in failed
    assert b"ann@alpha.test" not in officer.get(reverse("outbox") + "?status=sent").content
    assert b"ann@alpha.test" not in login("officer_b").get(reverse("outbox")).content
    officer.post(reverse("outbox-retry", args=[message.pk]))
    message.refresh_from_db()
    assert message.status == "queued"
    assert AuditEntry.objects.get(action="outbox.retried").actor == "user:officer_a"
    assert b"No mail server is set" not in officer.get(reverse("outbox")).content


def test_outbox_page_says_when_no_mail_server_is_set(
    login: Any, world: World, settings: Any
) -> None:
    settings.ORETRACE_SMTP_URL = ""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert b"No mail server is set" in login("auditor").get(reverse("outbox")).content


def test_upload_on_behalf_is_recorded_as_such_and_answers_the_request(
    login: Any, world: World, tmp_path: Any
) -> None:
    Contact.objects.create(supplier=world.supplier["a"], name="Ann", email="ann@alpha.test")
    head = StaffScope.everything("head")
    campaign = campaigns.create_campaign(
        "On behalf",
        period=2025,
        due_on=DUE,
        actor="x",
        scope=head,
        group_company=world.company["a"],
    )
    campaigns.send_campaign(campaign, "x")
    request = campaign.requests.get(supplier=world.supplier["a"])
    workbook = write_supplier(tmp_path, "Alpha Metals Corporation", dt.date(2025, 11, 1))
    officer = login("officer_a")
    upload = SimpleUploadedFile(workbook.name, workbook.read_bytes())
    response = officer.post(
        reverse("campaign-request-upload", args=[campaign.pk, request.pk]), {"files": upload}
    )
    submission = PortalSubmission.objects.get(request=request)
    assert response.status_code == 302
    assert response["Location"] == reverse("job", args=[submission.job_id])
    assert (submission.on_behalf, submission.submitted_by) == (True, "user:officer_a")
    assert jobs.run(submission.job_id, "test-worker") == "done"
    row = {r.request.pk: r for r in campaign_progress(campaign).rows}[request.pk]
    assert row.answer.responded and row.state in ("valid", "with findings")
    page = officer.get(reverse("campaign", args=[campaign.pk])).content.decode()
    assert f'id="request-{request.pk}"' in page
    other = campaigns.create_campaign(
        "Theirs", period=2025, due_on=DUE, actor="x", scope=head, group_company=world.company["b"]
    )
    campaigns.send_campaign(other, "x")
    theirs = other.requests.get(supplier=world.supplier["b"])
    refused = officer.post(
        reverse("campaign-request-upload", args=[other.pk, theirs.pk]),
        {"files": SimpleUploadedFile(workbook.name, workbook.read_bytes())},
    )
    assert refused.status_code == 404
