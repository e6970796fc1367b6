"""Upload and review in a real browser: a dropped file's results appear without a reload once
a worker has run; a smelter row reviewed with the keyboard teaches the next ingest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from oretrace.registry.models import Declaration, DeclarationSmelter, Job
from oretrace.registry.services.ingest import ingest
from oretrace.registry.worker import work
from tests.web.world import YEAR, World
from tests.webtasks.files import NICKNAME, supplier_file


def test_upload_shows_each_files_results_without_reloading(
    live_world: World, sign_in: Any, live_server: Any, tmp_path: Path, settings: Any
) -> None:
    settings.ORETRACE_UPLOAD_DIR = tmp_path / "uploads"
    new = supplier_file(tmp_path / "up", "Gamma Tin Works")
    page: Page = sign_in("admin")
    page.goto(f"{live_server.url}/upload/")
    page.set_input_files("#files", [str(new)])
    expect(page.locator("#chosen")).to_contain_text("gamma.xlsx")
    page.click("#upload-form button[type=submit]")
    page.wait_for_url("**/jobs/*/")
    expect(page.locator("#job-progress")).to_have_attribute("data-status", "queued")
    page.evaluate("window.notReloaded = true")

    work(burst=True)  # the worker, in this test's thread, through django-tasks-db's queue

    results = page.locator("#file-results")
    expect(results).to_be_visible(timeout=15_000)
    expect(results.locator("tr[data-outcome=new]")).to_contain_text("gamma.xlsx")
    expect(page.locator("#job-progress")).to_have_attribute("data-status", "done")
    assert page.evaluate("window.notReloaded") is True
    job = Job.objects.get(kind="ingest")
    assert job.status == "done" and job.owner == "user:admin"
    results.get_by_role("link", name="open").click()
    gamma = Declaration.objects.get(company_name="Gamma Tin Works")
    page.wait_for_url(f"**/declarations/{gamma.pk}/")


def test_a_row_reviewed_with_the_keyboard_teaches_the_next_ingest(
    live_world: World, sign_in: Any, live_server: Any, tmp_path: Path
) -> None:
    ingest([supplier_file(tmp_path / "a", "Alpha Odd Metals", NICKNAME)], YEAR, "test")
    row = DeclarationSmelter.objects.get(name=NICKNAME)
    page: Page = sign_in("reviewer")
    page.goto(f"{live_server.url}/review/?period={YEAR}")
    line = page.locator(f"#row-{row.pk}")
    expect(line).to_have_class("review-row current")
    choice = line.locator("input[name=smelter_id][value=CID001182]")
    if choice.count():
        choice.check()
    else:
        line.locator("input[name=smelter_id]").fill("CID001182")
    page.locator("body").click(position={"x": 5, "y": 5})  # focus off the inputs
    page.keyboard.press("a")
    expect(page.locator(f"#row-{row.pk}")).to_have_attribute("data-decision", "confirmed")
    expect(page.locator(f"#row-{row.pk}")).to_contain_text("CID001182")

    ingest([supplier_file(tmp_path / "b", "Beta Odd Solder", NICKNAME)], YEAR, "test")
    later = DeclarationSmelter.objects.exclude(pk=row.pk).get(name=NICKNAME)
    assert (later.decision, later.method) == ("auto", "learned_alias")
    page.goto(f"{live_server.url}/review/?period={YEAR}")
    expect(page.locator("#review-queue")).not_to_contain_text(NICKNAME)
    page.goto(f"{live_server.url}/declarations/{later.declaration_id}/")
    expect(page.locator("body")).to_contain_text("CID001182")
