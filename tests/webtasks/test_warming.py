"""After every write path the period's figures are computed ahead of the next page — by the
worker after an upload or a review decision, by the command itself after a CLI ingest, a
correction or an import — so the next dashboard reads them back, and they are the figures
of the data the write left."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oretrace.cli import main
from oretrace.registry.models import AssessmentCache, Declaration, Job, ReportingPeriod
from oretrace.registry.services import jobs
from oretrace.registry.services.assessment_cache import data_version, forget
from oretrace.registry.services.status import period_status
from oretrace.registry.services.warming import warm_periods
from tests.web.world import YEAR
from tests.webtasks.conftest import Group
from tests.webtasks.files import supplier_file

pytestmark = pytest.mark.django_db


def test_an_ingest_job_leaves_the_figures_computed(
    group: Group, login: Any, tmp_path: Path
) -> None:
    admin = login("admin")
    forget()
    path = supplier_file(tmp_path / "up", "Gamma Tin Works")
    admin.post(
        "/upload/", {"period": YEAR, "files": [SimpleUploadedFile(path.name, path.read_bytes())]}
    )
    job = Job.objects.get(kind="ingest")
    assert jobs.run(job.pk, "test") == "done"
    version = data_version()
    kinds = set(AssessmentCache.objects.filter(version=version).values_list("kind", flat=True))
    assert {"period_status", "assessment"} <= kinds
    with CaptureQueriesContext(connection) as read_back:
        response = admin.get("/dashboard/", {"period": YEAR})
    assert response.context["data"] == period_status(YEAR).as_json()
    assert response.context["data"]["suppliers_responded"] >= 1
    assert not any("registry_declarationsmelter" in q["sql"] for q in read_back.captured_queries)


def _kinds_at_current_version() -> list[str]:
    """The kinds remembered at the data version as it is now (what the next page reads)."""
    version = data_version()
    return list(AssessmentCache.objects.filter(version=version).values_list("kind", flat=True))


def _cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_a_cli_ingest_leaves_the_figures_of_every_scope_computed(
    group: Group, login: Any, tmp_path: Path
) -> None:
    ReportingPeriod.for_year(YEAR - 1)  # year over year needs the period before
    forget()
    path = supplier_file(tmp_path / "cli", "Gamma Tin Works")
    summary = json.loads(_cli("ingest", str(path), "--period", str(YEAR), "--json"))
    assert summary["new"] == 1  # stdout is still the summary alone
    kinds = Counter(_kinds_at_current_version())
    # the whole group, GA's officer, GB's officer: one of each per scope
    assert kinds["period_status"] == kinds["assessment"] == kinds["smelter_rows"] == 3
    assert kinds["status_alerts"] == 3  # the dashboard's alerts, per scope
    assert kinds["year_over_year"] == 1
    stored = AssessmentCache.objects.count()
    for who in ("admin", "officer_a"):
        client = login(who)
        for url in ("/dashboard/", "/suppliers/", "/smelters/"):
            with CaptureQueriesContext(connection) as read_back:
                assert client.get(url, {"period": YEAR}).status_code == 200
            sql = " ".join(q["sql"] for q in read_back.captured_queries)
            assert "registry_declarationsmelter" not in sql, (who, url)
    assert AssessmentCache.objects.count() == stored  # nothing computed on request
    data = login("admin").get("/dashboard/", {"period": YEAR}).context["data"]
    assert data == period_status(YEAR).as_json()
    assert data["suppliers_responded"] == 3


def test_no_warm_leaves_the_figures_to_the_first_page(group: Group, tmp_path: Path) -> None:
    path = supplier_file(tmp_path / "cli", "Gamma Tin Works")
    _cli("ingest", str(path), "--period", str(YEAR), "--no-warm")
    assert _kinds_at_current_version() == []


def test_a_correction_and_a_master_data_import_warm_the_figures(
    group: Group, tmp_path: Path
) -> None:
    declaration = group.declaration["b"]
    _cli("correct", str(declaration.pk), "--status", "withdrawn", "--reason", "sent in error")
    assert "period_status" in _kinds_at_current_version()
    assert period_status(YEAR).as_json()["suppliers_responded"] == 1  # the figures moved
    suppliers = tmp_path / "suppliers.csv"
    suppliers.write_text("name,group_company\nDelta Alloys,GA\n", encoding="utf-8")
    _cli("import", "suppliers", str(suppliers))
    assert Counter(_kinds_at_current_version())["period_status"] == 3


def test_a_review_decision_queues_one_warm_job_for_the_worker(group: Group, login: Any) -> None:
    row = group.odd_row
    assert row is not None
    reviewer = login("reviewer")
    forget()
    response = reviewer.post(f"/review/{row.pk}/accept/", {"smelter_id": "CID001182"})
    assert response.status_code == 302
    assert _kinds_at_current_version() == []  # the request did not compute them
    job = Job.objects.get(kind="warm")
    assert (job.params, job.owner, job.status) == ({"years": [YEAR]}, "user:reviewer", "queued")
    reviewer.post(f"/review/{row.pk}/undo/")
    assert Job.objects.filter(kind="warm").count() == 1  # still waiting: the same job
    assert jobs.run(job.pk, "test") == "done"
    assert Counter(_kinds_at_current_version())["period_status"] == 3
    shown = login("admin").get(f"/jobs/{job.pk}/").content.decode()
    assert "Figures computed ahead" in shown and f"period {YEAR}" in shown
    # from the CLI too, once the earlier job has run
    said = _cli("review", "accept", str(row.pk), "CID001182", "--reason", "the plant's name")
    assert "confirmed" in said
    assert Job.objects.filter(kind="warm", status="queued").count() == 1


def test_warming_that_fails_never_fails_the_command(
    group: Group, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the assessment broke")

    monkeypatch.setattr("oretrace.registry.services.status.period_status", broken)
    assert warm_periods([YEAR]) == 0
    path = supplier_file(tmp_path / "cli", "Gamma Tin Works")
    result = CliRunner().invoke(main, ["ingest", str(path), "--period", str(YEAR)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert Declaration.objects.filter(supplier__name="Gamma Tin Works").count() == 1


def test_an_rmi_list_import_warms_the_newest_period(
    group: Group, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ORETRACE_REFERENCE_DIR")  # into the registry, not a folder
    monkeypatch.setenv("ORETRACE_DATA_DIR", str(tmp_path / "data"))
    listed = tmp_path / "list.csv"
    listed.write_text(
        "Metal,Smelter ID,Smelter Name,Country,RMI Status\nTin,CID001182,Minsur,PERU,Active\n",
        encoding="utf-8",
    )
    forget()
    before = data_version()
    assert "the registry" in _cli("smelters", "import", str(listed), "--as-of", "2025-06-01")
    assert data_version() != before  # the statuses are data: the figures moved
    assert Counter(_kinds_at_current_version())["period_status"] == 3
