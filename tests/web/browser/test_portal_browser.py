"""The supplier portal in a real browser: a supplier opens its link, switches to Japanese,
uploads a workbook with mistakes, sees its findings with sheet and cell once the worker has
run (without reloading), and acknowledges the sourcing policy.

Screenshots of the pages (English and Japanese) go to the test's temporary folder, or to
``ORETRACE_PORTAL_SCREENSHOTS`` when set (how docs/images/portal-*.png are made)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from oretrace.registry.models import PolicyAcknowledgement, PortalSubmission, SupplierRequest
from oretrace.registry.worker import work
from tests.web.portal_world import build_portal
from tests.web.test_portal_answers import workbook
from tests.web.test_portal_i18n import compiled
from tests.web.world import World


def shoot(page: Page, folder: Path, name: str) -> None:
    path = folder / f"portal-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000


def test_a_supplier_answers_in_japanese_and_reads_its_findings(
    live_world: World, live_server: Any, page: Page, tmp_path: Path, settings: Any
) -> None:
    compiled()
    settings.ORETRACE_UPLOAD_DIR = tmp_path / "uploads"
    shots = Path(os.environ.get("ORETRACE_PORTAL_SCREENSHOTS") or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    portal = build_portal(live_world)
    request = portal.request["a"]
    page.set_viewport_size({"width": 1100, "height": 900})

    page.goto(f"{live_server.url}/portal/access/{portal.token['a']}/")
    page.wait_for_url(f"**/portal/requests/{request.pk}/")
    assert portal.token["a"] not in page.url
    expect(page.locator("#request-title")).to_have_text("2025 conflict minerals inquiry")
    expect(page.locator("#answer-state")).to_have_attribute("data-answer", "waiting")
    with page.expect_download() as download:
        page.click("#blank-template")
    assert download.value.suggested_filename.endswith(".xlsx")
    shoot(page, shots, "request-en")

    page.select_option("#language-select", "ja")
    page.wait_for_load_state("load")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.locator("#asked h2")).to_have_text("ご依頼内容")
    assert SupplierRequest.objects.get(pk=request.pk).locale == "ja"
    shoot(page, shots, "request-ja")

    wrong = workbook(tmp_path / "files", "Alpha Metals Corporation", mistakes=True)
    page.set_input_files("#files", [str(wrong)])
    page.click("#upload-submit")
    page.wait_for_url(f"**/portal/requests/{request.pk}/answers/")
    expect(page.locator("#answers")).to_have_attribute("data-pending", "true")
    page.evaluate("window.notReloaded = true")

    work(burst=True)  # the worker, in this test's thread, through django-tasks-db's queue

    expect(page.locator("#answers")).to_have_attribute("data-pending", "false", timeout=15_000)
    assert page.evaluate("window.notReloaded") is True
    card = page.locator(".submission-card").first
    expect(card).to_have_attribute("data-state", "done")
    expect(card.locator(".findings .where").first).to_contain_text("シート、セル")
    expect(card.locator(".findings")).to_contain_text("修正方法：")
    expect(page.locator("#answer-state")).to_have_attribute("data-answer", "with_findings")
    card.locator("details summary").first.click()
    expect(card.locator(".sheet-excerpt td.target").first).to_be_visible(timeout=10_000)
    shoot(page, shots, "findings-ja")
    assert PortalSubmission.objects.get(request=request).submitted_by == f"supplier:{request.pk}"

    page.select_option("#language-select", "en")
    page.wait_for_load_state("load")
    expect(page.locator("#answers-title")).to_have_text("Your files and what we found")
    shoot(page, shots, "findings-en")

    page.click("#back-to-request")
    page.click("#acknowledge-policy-link")
    page.fill("#id_name", "Taro Yamada")
    page.fill("#id_email", "taro@alpha.example")
    page.check("#id_agree")
    page.click("#policy-submit")
    page.wait_for_url(f"**/portal/requests/{request.pk}/#policy")
    expect(page.locator("#policy-acknowledged")).to_be_visible()
    ack = PolicyAcknowledgement.objects.get()
    assert (ack.name, ack.email, ack.ip_address) == (
        "Taro Yamada",
        "taro@alpha.example",
        "127.0.0.1",
    )
    assert "Chrome" in ack.user_agent
