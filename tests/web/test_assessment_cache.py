"""The period assessment is remembered per data version, and every kind of change shows at
once on the dashboard and in ``oretrace status --json`` — still the same numbers, from
``period_status``, whether computed or read back."""

from __future__ import annotations

import datetime as dt
import gc
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from oretrace.cli import main
from oretrace.registry.models import AssessmentCache, DeclarationSmelter
from oretrace.registry.services.assessment_cache import data_version, forget, remembered
from oretrace.registry.services.corrections import correct_status
from oretrace.registry.services.ingest import ingest
from oretrace.registry.services.reference import add_snapshots
from oretrace.registry.services.review import reject
from oretrace.registry.services.status import period_status
from oretrace.smelters import import_file
from tests.registry.conftest import write_supplier
from tests.web.world import YEAR, World, supplier_in

pytestmark = pytest.mark.django_db


def _dashboard(client: Client) -> dict[str, Any]:
    response = client.get(reverse("dashboard"), {"period": YEAR})
    assert response.status_code == 200
    data: dict[str, Any] = response.context["data"]
    return data


def _status_json() -> dict[str, Any]:
    cli = CliRunner().invoke(main, ["status", "--period", str(YEAR), "--json"])
    assert cli.exit_code == 0, cli.output
    data: dict[str, Any] = json.loads(cli.output)
    return data


def _remembered(client: Client) -> dict[str, Any]:
    """The dashboard's figures, after making sure they come from the cache."""
    _dashboard(client)
    version = data_version()
    assert AssessmentCache.objects.filter(kind="period_status", version=version).exists()
    return _dashboard(client)


def _same_everywhere(client: Client) -> dict[str, Any]:
    shown = _dashboard(client)
    assert shown == period_status(YEAR).as_json() == _status_json()
    return shown


def test_a_remembered_dashboard_reads_back_the_same_figures(login: Any, world: World) -> None:
    admin = login("admin")
    AssessmentCache.objects.all().delete()
    with CaptureQueriesContext(connection) as cold:
        first = _dashboard(admin)
    with CaptureQueriesContext(connection) as warm:
        second = _dashboard(admin)
    assert first == second == _status_json()
    assert len(warm) < len(cold) - 5  # the snapshot's queries are not run again
    [row] = AssessmentCache.objects.filter(kind="period_status")
    assert row.version == data_version()


def test_kept_results_are_out_of_the_cyclic_collectors_sight(world: World) -> None:
    """A full collection no longer scans the kept assessment on every few requests."""
    forget()
    assert gc.get_freeze_count() == 0
    value = remembered("test_kept", (YEAR,), lambda: [{"row": n} for n in range(5_000)])
    assert gc.get_freeze_count() >= 5_000  # the kept rows are frozen with the rest
    assert remembered("test_kept", (YEAR,), lambda: []) is value  # read back, the same
    forget()
    assert gc.get_freeze_count() == 0  # and the collector's again once forgotten


def test_officer_and_group_figures_are_remembered_apart(login: Any, world: World) -> None:
    group = _remembered(login("admin"))
    officer = _remembered(login("officer_a"))
    assert (group["suppliers_surveyed"], officer["suppliers_surveyed"]) == (4, 2)


def test_a_new_declaration_shows_at_once(login: Any, world: World, tmp_path: Path) -> None:
    admin = login("admin")
    before = _remembered(admin)
    silent = world.silent["a"]
    write_supplier(tmp_path / "in", silent.name, dt.date(2025, 6, 1), metals=("Tin",))
    ingest([tmp_path / "in"], YEAR, "test", workers=1)
    after = _same_everywhere(admin)
    assert after["suppliers_responded"] == before["suppliers_responded"] + 1


def test_a_correction_shows_at_once(login: Any, world: World) -> None:
    admin = login("admin")
    before = _remembered(admin)
    correct_status(world.declaration["a"].pk, "withdrawn", "sent by mistake", "test")
    after = _same_everywhere(admin)
    assert after["suppliers_responded"] == before["suppliers_responded"] - 1


def test_a_review_decision_shows_at_once(login: Any, world: World) -> None:
    admin = login("admin")
    before = _remembered(admin)
    row = DeclarationSmelter.objects.filter(declaration=world.declaration["a"]).first()
    assert row is not None and row.decision == "auto"
    reject(row.pk, "test", reason="a trader, not a smelter")
    after = _same_everywhere(admin)
    assert after["smelter_rows"].get("rejected", 0) == before["smelter_rows"].get("rejected", 0) + 1
    assert after["smelter_rows"]["auto"] == before["smelter_rows"]["auto"] - 1


def test_a_new_rmi_status_shows_at_once(login: Any, world: World, tmp_path: Path) -> None:
    admin = login("admin")
    before = _remembered(admin)
    assert "conformant" not in before["smelters_by_status"]
    listed = tmp_path / "conformant.csv"
    listed.write_text(
        "Metal,Smelter ID,Standard Smelter Name,Country,RMI Status\n"
        "Tin,CID001182,Minsur,PERU,Conformant\n",
        encoding="utf-8",
    )
    add_snapshots(import_file(listed, as_of=dt.date(2025, 6, 1)), actor="test")
    after = _same_everywhere(admin)
    assert after["smelters_by_status"]["conformant"] == 1


def test_a_new_supplier_shows_at_once_on_dashboard_and_supplier_list(
    login: Any, world: World
) -> None:
    admin = login("admin")
    before = _remembered(admin)
    admin.get(reverse("suppliers"), {"period": YEAR, "risk": "high"})  # remember the risks
    added = supplier_in(world.company["b"], "Newly Listed Supplier")
    after = _same_everywhere(admin)
    assert after["suppliers_surveyed"] == before["suppliers_surveyed"] + 1
    high = admin.get(reverse("suppliers"), {"period": YEAR, "risk": "high"})
    assert added in [s for s, _ in high.context["lines"]]  # no response: high risk
