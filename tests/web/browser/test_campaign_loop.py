"""The whole campaign loop in a real browser (issue #9, "Done when").

Head office sends a campaign from its campaign page; the worker delivers the invitations to a
real SMTP server (aiosmtpd) started by the test; Chromium opens the link in the e-mail,
uploads a file with mistakes and sees its findings in plain language, uploads a corrected
file and sees it accepted; the staff campaign page shows the supplier as responded and
valid; the reminder scan, run past the first reminder date, reminds the silent supplier and
not the one that answered. The worker runs in the test's thread (``work(burst=True)``),
through the same queue and outbox as ``oretrace worker``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from oretrace.cmrt.writer import write_draft
from oretrace.demo import cmrt_draft
from oretrace.registry.models import Campaign, Contact, SupplierRequest
from oretrace.registry.services import campaigns, outbox, reminders
from oretrace.registry.services.scope import StaffScope
from oretrace.registry.worker import work
from tests.smtp_server import SmtpServer
from tests.web.world import PASSWORD, YEAR, World

ANSWERING = "answering@supplier.test"
SILENT = "silent@supplier.test"


def _template(folder: Path, company: str, *, mistakes: bool) -> Path:
    draft = cmrt_draft(company, "6.5", ("Tin",))
    draft.company["effective_date"] = dt.date(YEAR, 4, 30)
    if mistakes:
        draft.company["contact_email"] = "not an address"
        draft.company["authorizer"] = ""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ("draft.xlsx" if mistakes else "corrected.xlsx")
    write_draft(draft, path)
    return path


def _staff(browser: Browser, base: str, username: str) -> Page:
    """A staff member's own browser context (the supplier's portal session stays apart)."""
    page = browser.new_context().new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboard/**")
    return page


def test_the_whole_campaign_loop(
    live_world: World,
    live_server: Any,
    smtp_server: SmtpServer,
    browser: Browser,
    page: Page,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.ORETRACE_BASE_URL = live_server.url
    settings.ORETRACE_UPLOAD_DIR = tmp_path / "uploads"
    settings.ORETRACE_JOB_HEARTBEAT_SECONDS = 3600
    answering, silent = live_world.supplier["a"], live_world.supplier["b"]
    Contact.objects.create(supplier=answering, name="Hanako Sato", email=ANSWERING, role="CMRT")
    Contact.objects.create(supplier=silent, name="Li Wei", email=SILENT, role="CMRT")
    due = timezone.localdate() + dt.timedelta(days=30)
    campaign = campaigns.create_campaign(
        f"{YEAR} conflict minerals inquiry",
        period=YEAR,
        due_on=due,
        actor="user:admin",
        scope=StaffScope.everything("admin"),
        supplier_ids=[answering.pk, silent.pk],
        message="Please send your CMRT for the year.",
    )

    # head office sends it from the campaign page; the worker delivers the invitations
    staff = _staff(browser, live_server.url, "admin")
    staff.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
    staff.get_by_role("button", name="Send the invitations").click()
    expect(staff.locator("h1")).to_contain_text("sent")
    work(burst=True)
    received = smtp_server.wait_for(2)
    [invitation] = smtp_server.to(ANSWERING)
    assert len(smtp_server.to(SILENT)) == 1 and len(received) == 2
    [token] = invitation.portal_tokens
    link = next(line for line in invitation.body.split() if token in line)
    assert link.startswith(live_server.url)

    # the supplier opens the link in Chromium and uploads a file with mistakes
    page.goto(link)
    page.wait_for_url("**/portal/requests/*/")
    page.set_input_files("#files", [str(_template(tmp_path / "1", answering.name, mistakes=True))])
    page.click("#upload-submit")
    page.wait_for_url("**/answers/")
    expect(page.locator("[data-state=queued]")).to_have_count(1)
    work(burst=True)
    first = page.locator(".submission-card").first
    expect(first).to_have_attribute("data-state", "done", timeout=15_000)
    email = first.locator("[data-code=invalid_email]")
    expect(email).to_contain_text("The e-mail address is not a valid address.")
    expect(email.locator(".where")).to_contain_text("Declaration sheet, cell")
    expect(email.locator(".fix")).to_contain_text("name@example.com")
    expect(first.locator(".summary")).to_contain_text("to correct")

    # ... then a corrected file, which is a new revision; the first stays listed
    page.goto(link)
    page.wait_for_url("**/portal/requests/*/")
    page.set_input_files("#files", [str(_template(tmp_path / "2", answering.name, mistakes=False))])
    page.click("#upload-submit")
    page.wait_for_url("**/answers/")
    work(burst=True)
    latest = page.locator(".submission-card").first
    expect(latest).to_have_attribute("data-state", "done", timeout=15_000)
    expect(latest).to_contain_text("No problems found")
    expect(latest).to_contain_text("corrected.xlsx")
    expect(page.locator(".submission-card")).to_have_count(2)

    # staff see the supplier as responded and valid, the other one not
    request = SupplierRequest.objects.get(campaign=campaign, supplier=answering)
    other = SupplierRequest.objects.get(campaign=campaign, supplier=silent)
    staff.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
    row = staff.locator(f"#request-{request.pk}")
    expect(row.locator(".badge.state-valid")).to_have_text("valid")
    expect(row.locator("td").nth(4)).to_contain_text("yes")
    expect(staff.locator(f"#request-{other.pk}")).not_to_contain_text("valid")

    # past the first reminder date, the silent supplier is reminded; the one that answered not
    first_reminder = max(int(o) for o in Campaign.objects.get(pk=campaign.pk).reminder_offsets)
    later = timezone.now() + dt.timedelta(days=30 - first_reminder + 1)
    scan = reminders.queue_due_reminders(later)
    assert [key for key in scan.queued if f":{request.pk}:" in key] == []
    assert any(f":{other.pk}:" in key for key in scan.queued)
    outbox.drain(later)
    smtp_server.wait_for(3)
    assert len(smtp_server.to(SILENT)) == 2
    assert smtp_server.to(ANSWERING) == [invitation]
