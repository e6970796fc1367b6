"""The dashboard's extended-minerals section states ``oretrace status --json``'s
``extended_minerals`` for the same scope, each supplier figure links to a supplier list of
that many rows, and the status-change alerts of the newest RMI list are shown, scoped."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from oretrace.cli import main
from oretrace.cmrt.writer import write_draft
from oretrace.demo import emrt_draft
from oretrace.registry.models import AssessmentCache
from oretrace.registry.services.ingest import ingest
from oretrace.registry.services.reference import import_snapshots
from oretrace.registry.services.status import period_status
from oretrace.smelters import import_bytes
from tests.web.world import YEAR, World, supplier_in

pytestmark = pytest.mark.django_db

HEADER = "Metal,Smelter ID,Smelter Name,Country,RMI Status,Last Audit Date,Audit Cycle\n"
DRC = '"CONGO, DEMOCRATIC REPUBLIC OF THE"'


def _rmi_list(day: str, rows: list[str]) -> list:  # type: ignore[type-arg]
    text = HEADER + "\n".join(rows) + "\n"
    return import_bytes(text.encode(), f"rmi-list-{day}.csv", dt.date.fromisoformat(day))


def _add_emrt(folder: Path, world: World, side: str, name: str, minerals: tuple[str, ...]) -> None:
    supplier_in(world.company[side], name)
    draft = emrt_draft(name, "2.1", minerals)
    if "Nickel" in minerals:
        draft.answers[("Q3", "Nickel")] = "Yes"  # smelters source nickel from CAHRAs
    write_draft(draft, folder / f"{name.split()[0].lower()}.xlsx")


@pytest.fixture(scope="module")
def minerals_world(module_world: World, module_folder: Path, django_db_blocker: Any) -> World:
    """The web world plus EMRT suppliers: a cobalt and mica one in GA, a mica and nickel one
    in GB; two RMI lists, the newer one changing both cobalt refiners' status."""
    with django_db_blocker.unblock():
        import_snapshots(
            _rmi_list("2025-01-01", [
                f"Cobalt,CID003264,Chemaf Etoile,{DRC},Conformant,,",
                "Cobalt,CID003927,Anhui Hanrui New Material Co. Ltd.,CHINA,Active,,",
            ]),
            "test",
        )  # fmt: skip
        import_snapshots(
            _rmi_list("2025-06-01", [
                f"Cobalt,CID003264,Chemaf Etoile,{DRC},Active,,",
                "Cobalt,CID003927,Anhui Hanrui New Material Co. Ltd.,CHINA,Conformant,,",
            ]),
            "test",
        )  # fmt: skip
        inbox = module_folder / "emrt"
        inbox.mkdir()
        _add_emrt(inbox, module_world, "a", "Gamma Cobalt Parts", ("Cobalt", "Mica"))
        _add_emrt(inbox, module_world, "b", "Delta Nickel Works", ("Mica", "Nickel"))
        ingest([inbox], YEAR, "test", workers=1)
    return module_world


@pytest.fixture
def mworld(minerals_world: World, db: None) -> Iterator[World]:
    yield minerals_world


def _status_json(*scope: str) -> dict[str, Any]:
    args = ["status", "--period", str(YEAR), *scope, "--json"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def _shown(body: str, mineral: str) -> str:
    """The dashboard's table row of one mineral."""
    section = body.split('id="extended-minerals"')[1].split("</section>")[0]
    return section.split(f'id="mineral-{mineral.lower()}"')[1].split("</tr>")[0]


@pytest.mark.parametrize(
    ("user", "scope"), [("admin", ()), ("officer_b", ("--group-company", "GB"))]
)
def test_dashboard_minerals_equal_status_json(
    login: Any, mworld: World, user: str, scope: tuple[str, ...]
) -> None:
    response = login(user).get(reverse("dashboard"), {"period": YEAR})
    assert response.status_code == 200
    expected = _status_json(*scope)["extended_minerals"]
    assert response.context["data"]["extended_minerals"] == expected
    lines = {line.mineral: line for line in response.context["status"].extended_minerals}
    assert {m: line.as_json() for m, line in lines.items()} == expected
    body = response.content.decode()
    for mineral, figures in expected.items():
        row = _shown(body, mineral)
        assert f">{figures['declarations']}</a>" in row
        assert f">{figures['suppliers_using']}</a>" in row
        assert f"{figures['coverage'] * 100:.1f}%" in row
        assert f'<td class="num">{figures["mines_listed"]}</td>' in row
        for label, count in figures["smelters_by_status"].items():
            assert f"{count} {label}" in row
        for decision, count in figures["smelter_rows"].items():
            assert f"{count} {decision}" in row
    if user == "admin":
        assert list(expected) == ["Cobalt", "Mica", "Nickel"]
        assert expected["Mica"]["declarations"] == 2
        assert expected["Cobalt"]["smelters_by_status"] == {"active": 1, "conformant": 1}
    else:
        assert list(expected) == ["Mica", "Nickel"]  # GB's supplier only
        assert expected["Nickel"]["suppliers_by_risk"] == {"high": 1}


def test_each_mineral_supplier_figure_lists_that_many_suppliers(login: Any, mworld: World) -> None:
    for user, scope in (("admin", None), ("officer_a", "GA")):
        client = login(user)
        minerals = _status_json(*(("--group-company", scope) if scope else ()))
        checks = []
        for mineral, figures in minerals["extended_minerals"].items():
            checks.append(({"mineral": mineral}, figures["declarations"]))
            checks.append(
                ({"mineral": mineral, "mineral_use": "using"}, figures["suppliers_using"])
            )
            for level, count in figures["suppliers_by_risk"].items():
                checks.append(({"mineral": mineral, "mineral_risk": level}, count))
        assert len(checks) >= 6
        body = client.get(reverse("dashboard"), {"period": YEAR}).content.decode()
        for query, count in checks:
            response = client.get(reverse("suppliers"), {"period": YEAR, **query})
            assert response.context["page"].paginator.count == count, (user, query)
            assert "mineral=" + query["mineral"] in body
    admin = login("admin")
    nickel = admin.get(reverse("suppliers"), {"period": YEAR, "mineral": "Nickel"})
    assert [s.name for s, _ in nickel.context["lines"]] == ["Delta Nickel Works"]
    graphite = admin.get(reverse("suppliers"), {"period": YEAR, "mineral": "Graphite"})
    assert graphite.context["page"].paginator.count == 0  # nobody declares it
    officer = login("officer_a").get(reverse("suppliers"), {"period": YEAR, "mineral": "Nickel"})
    assert officer.context["page"].paginator.count == 0  # GB's supplier is out of scope


def test_status_change_alerts_show_on_the_dashboard_in_scope(login: Any, mworld: World) -> None:
    admin = login("admin").get(reverse("dashboard"), {"period": YEAR})
    alerts = admin.context["alerts"]
    assert (alerts["since"], alerts["until"]) == ("2025-01-01", "2025-06-01")
    kinds = {c["smelter_id"]: c["change"] for c in alerts["touching"]}
    assert kinds == {"CID003264": "lost_conformance", "CID003927": "became_conformant"}
    body = admin.content.decode()
    section = body.split('id="status-alerts"')[1].split("</section>")[0]
    assert "RMI status changes 2025-01-01 → 2025-06-01" in body
    assert "lost conformance" in section and "Gamma Cobalt Parts" in section
    assert "Conformant → Active" in section
    officer_a = login("officer_a").get(reverse("dashboard"), {"period": YEAR})
    touching = officer_a.context["alerts"]["touching"]
    assert {c["smelter_id"] for c in touching} == {"CID003264", "CID003927"}
    officer_b = login("officer_b").get(reverse("dashboard"), {"period": YEAR})
    assert officer_b.context["alerts"]["touching"] == []  # no GB declaration names them
    section = officer_b.content.decode().split('id="status-alerts"')[1].split("</section>")[0]
    assert "None touches a smelter" in section and "Gamma Cobalt Parts" not in section


def test_dashboard_queries_do_not_grow_with_minerals_or_alerts(
    login: Any, mworld: World, tmp_path: Path
) -> None:
    client = login("admin")

    def queries() -> tuple[int, int]:
        counts = []
        for _ in range(2):
            AssessmentCache.objects.all().delete()
            with CaptureQueriesContext(connection) as captured:
                assert client.get(reverse("dashboard"), {"period": YEAR}).status_code == 200
            counts.append(len(captured))
        return counts[0], counts[1]

    queries()  # one-time work
    before = queries()
    _add_emrt(tmp_path, mworld, "a", "Epsilon Cobalt Mining", ("Cobalt", "Lithium", "Copper"))
    _add_emrt(tmp_path, mworld, "b", "Zeta Graphite Co", ("Graphite", "Nickel"))
    ingest([tmp_path], YEAR, "test", workers=1)
    minerals = period_status(YEAR).extended_minerals
    assert len(minerals) == 6
    queries()
    assert queries() == before


def test_the_dashboard_lists_the_first_alerts_and_says_how_many_more(
    login: Any, mworld: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("oretrace.web.views.dashboard.ALERTS_SHOWN", 1)
    response = login("admin").get(reverse("dashboard"), {"period": YEAR})
    alerts = response.context["alerts"]
    assert (len(alerts["shown"]), alerts["more"]) == (1, 1)
    section = response.content.decode().split('id="status-alerts"')[1].split("</section>")[0]
    assert section.count("<tr>") == 2  # the header and one change
    assert "… and 1 more" in section
