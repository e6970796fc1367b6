"""The dashboard's extended-minerals section in a real browser: an officer's rows equal its
`oretrace status --json` figures, and a figure opens the supplier list of that many rows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from playwright.sync_api import expect

from oretrace.cli import main
from oretrace.registry.services.ingest import ingest
from tests.web.test_dashboard_minerals import _add_emrt
from tests.web.world import YEAR, World


def test_officer_sees_its_minerals_and_follows_a_figure(
    live_world: World, sign_in: Any, tmp_path: Path
) -> None:
    inbox = tmp_path / "emrt"
    inbox.mkdir()
    _add_emrt(inbox, live_world, "a", "Gamma Cobalt Parts", ("Cobalt", "Mica"))
    _add_emrt(inbox, live_world, "b", "Delta Nickel Works", ("Mica", "Nickel"))
    ingest([inbox], YEAR, "test", workers=1)
    result = CliRunner().invoke(
        main, ["status", "--period", str(YEAR), "--group-company", "GB", "--json"]
    )
    assert result.exit_code == 0, result.output
    minerals = json.loads(result.output)["extended_minerals"]
    assert list(minerals) == ["Mica", "Nickel"]
    page = sign_in("officer_b")
    section = page.locator("#extended-minerals")
    expect(section).not_to_contain_text("Cobalt")  # GA's supplier declares it
    for mineral, figures in minerals.items():
        cells = section.locator(f"#mineral-{mineral.lower()} td")
        assert cells.nth(1).inner_text() == str(figures["declarations"])
        assert cells.nth(2).inner_text() == str(figures["suppliers_using"])
        assert cells.nth(9).inner_text() == str(figures["mines_listed"])
    section.locator("#mineral-nickel td").nth(1).locator("a").click()
    expect(page.locator("#supplier-table")).to_contain_text(
        f"{minerals['Nickel']['declarations']} supplier"
    )
    expect(page.locator("#supplier-table")).to_contain_text("Delta Nickel Works")
