"""The staff pages in a real browser: sign-in per role, the dashboard against the status
JSON, an officer fenced into its group company, an auditor who can change nothing."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from click.testing import CliRunner
from django.urls import reverse
from playwright.sync_api import Page, expect

from oretrace.cli import main
from oretrace.registry.models import AuditEntry, CorrectiveAction, Finding
from tests.web.world import YEAR, World

MENU = {
    "admin": {"Dashboard", "Suppliers", "Declarations", "Audit log"},
    "officer_a": {"Dashboard", "Suppliers", "Declarations"},
    "reviewer": {"Dashboard", "Suppliers", "Declarations"},
    "auditor": {"Dashboard", "Suppliers", "Declarations", "Audit log"},
}


def _menu(page: Page) -> set[str]:
    return {t.strip() for t in page.locator("header nav a").all_inner_texts()}


@pytest.mark.parametrize("username", sorted(MENU))
def test_each_role_signs_in_and_sees_its_menu(
    live_world: World, sign_in: Any, username: str
) -> None:
    page = sign_in(username)
    expect(page.locator("header .who")).to_contain_text(username)
    assert MENU[username] <= _menu(page)
    assert ("Audit log" in _menu(page)) == (username in ("admin", "auditor"))


def _status_json(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(main, ["status", "--period", str(YEAR), *args, "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


def _figures(page: Page) -> dict[str, str]:
    figures = page.locator("#responses .figure")
    return {
        figures.nth(i).locator(".label").inner_text(): figures.nth(i).locator(".value").inner_text()
        for i in range(figures.count())
    }


@pytest.mark.parametrize(
    ("username", "args"), [("admin", ()), ("officer_a", ("--group-company", "GA"))]
)
def test_dashboard_numbers_equal_the_status_json(
    live_world: World, sign_in: Any, username: str, args: tuple[str, ...]
) -> None:
    page = sign_in(username)
    shown = _figures(page)
    status = _status_json(*args)
    assert shown["suppliers surveyed"] == str(status["suppliers_surveyed"])
    assert shown["responded"] == str(status["suppliers_responded"])
    assert shown["response rate"] == f"{status['response_rate'] * 100:.1f}%"
    assert shown["overdue: surveyed, no response"] == str(status["suppliers_without_response"])
    for state, label in (("valid", "valid"), ("findings", "with findings")):
        assert shown[f"declarations {label}"] == str(status["declarations"].get(state, 0))
    for metal, conclusion in status["rcoi"].items():
        expect(page.locator("#rcoi")).to_contain_text(f"{metal}")
        expect(page.locator("#rcoi")).to_contain_text(conclusion.replace("_", " "))
    page.click("#responses a:has-text('{}')".format(status["suppliers_without_response"]))
    expect(page.locator("#supplier-table")).to_contain_text(
        f"{status['suppliers_without_response']} supplier"
    )


def test_officer_cannot_reach_another_companys_supplier(
    live_world: World, sign_in: Any, live_server: Any
) -> None:
    page = sign_in("officer_a")
    page.click("header nav >> text=Suppliers")
    table = page.locator("#supplier-table")
    expect(table).to_contain_text(live_world.supplier["a"].name)
    expect(table).not_to_contain_text(live_world.supplier["b"].name)
    page.fill("input[name=q]", "Beta")  # htmx swaps the table as one types
    expect(table).to_contain_text("No supplier matches these filters.")
    other = f"{live_server.url}{reverse('supplier', args=[live_world.supplier['b'].pk])}"
    response = page.goto(other)
    assert response is not None and response.status == 404
    declaration = reverse("declaration-original", args=[live_world.declaration["b"].pk])
    assert page.request.get(f"{live_server.url}{declaration}").status == 404


def test_auditor_sees_no_change_buttons_and_a_forged_post_is_refused(
    live_world: World, sign_in: Any, live_server: Any
) -> None:
    page = sign_in("auditor")
    supplier = live_world.supplier["a"]
    page.goto(f"{live_server.url}{reverse('supplier', args=[supplier.pk])}")
    expect(page.locator("h1")).to_contain_text(supplier.name)
    expect(page.locator("#actions")).to_contain_text(live_world.action["a"].title)
    assert page.locator("main button, main form[method=post]").count() == 0
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    before = AuditEntry.objects.count()
    forged = page.request.post(
        f"{live_server.url}{reverse('supplier-action-open', args=[supplier.pk])}",
        form={"title": "forged", "csrfmiddlewaretoken": token},
        headers={"X-CSRFToken": token, "Referer": page.url},
    )
    assert forged.status == 403
    assert not CorrectiveAction.objects.filter(title="forged").exists()
    assert AuditEntry.objects.count() == before


def test_officer_opens_and_closes_a_corrective_action(
    live_world: World, sign_in: Any, live_server: Any
) -> None:
    page = sign_in("officer_a")
    page.goto(f"{live_server.url}{reverse('supplier', args=[live_world.supplier['a'].pk])}")
    form = page.locator("#open-action")
    form.locator("input[name=title]").fill("Send a CMRT with smelter IDs")
    form.locator("input[name=due_on]").fill(f"{YEAR + 1}-03-31")
    form.locator("button").click()
    row = page.locator("#actions tr", has_text="Send a CMRT with smelter IDs")
    expect(row).to_contain_text(f"{YEAR + 1}-03-31")
    expect(row).to_contain_text("open")
    row.locator("input[name=note]").fill("received")
    row.locator("button", has_text="Close").click()
    expect(page.locator("#actions tr", has_text="Send a CMRT with smelter IDs")).to_contain_text(
        "closed"
    )
    actors = set(
        AuditEntry.objects.filter(action__startswith="corrective_action.").values_list(
            "actor", flat=True
        )
    )
    assert actors == {"user:officer_a"}


def test_a_finding_opens_the_stored_sheet_around_its_cell(
    live_world: World, sign_in: Any, live_server: Any
) -> None:
    declaration = live_world.declaration["a"]
    Finding.objects.create(
        declaration=declaration,
        code="browser_check",
        severity="warning",
        cell="'Declaration'!D8",
        message="Look at the company name",
    )
    page = sign_in("reviewer")
    page.goto(f"{live_server.url}{reverse('declaration', args=[declaration.pk])}")
    page.locator("#findings summary", has_text="show in the sheet").click()
    target = page.locator("#findings td.target")
    expect(target).to_have_text(re.compile(re.escape(live_world.supplier["a"].name)))
