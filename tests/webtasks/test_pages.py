"""Upload → job → per-file results; review queue decisions; smelters, products, reports; who
may do what; and query counts that do not grow with the rows on a page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from oretrace.registry.models import (
    AuditEntry,
    Declaration,
    DeclarationSmelter,
    Job,
    LearnedAlias,
)
from oretrace.registry.services import jobs
from oretrace.registry.services.assessment_cache import forget
from oretrace.registry.services.ingest import ingest
from tests.webtasks.conftest import YEAR, Group
from tests.webtasks.files import NICKNAME, supplier_file

HTMX = {"HTTP_HX_REQUEST": "true"}


def _upload(client: Client, paths: list[Path], **extra: Any) -> Any:
    files = [SimpleUploadedFile(p.name, p.read_bytes()) for p in paths]
    return client.post("/upload/", {"period": YEAR, "files": files, **extra})


def test_upload_queues_a_job_whose_results_appear_in_the_polled_fragment(
    group: Group, login: Any, tmp_path: Path
) -> None:
    officer = login("officer_a")
    new = supplier_file(tmp_path / "up", "Gamma Tin Works")
    response = _upload(officer, [new, tmp_path / "inbox" / "alpha.xlsx"])
    job = Job.objects.get(kind="ingest")
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.group_company == group.company["a"] and job.owner == "user:officer_a"

    page = officer.get(f"/jobs/{job.pk}/")
    assert page.status_code == 200
    assert 'hx-trigger="load delay:500ms, every 2s"' in page.content.decode()
    queued = officer.get(f"/jobs/{job.pk}/", **HTMX)
    assert queued.status_code == 200 and b"queued" in queued.content  # keeps polling

    assert jobs.run(job.pk, "test-worker") == "done"
    done = officer.get(f"/jobs/{job.pk}/", **HTMX)
    body = done.content.decode()
    assert done.status_code == 286  # htmx stops polling
    assert "hx-trigger" not in body
    gamma = Declaration.objects.get(company_name="Gamma Tin Works")
    assert f'href="/declarations/{gamma.pk}/"' in body
    assert 'data-outcome="new"' in body and 'data-outcome="already_known"' in body
    assert "gamma.xlsx" in body and "alpha.xlsx" in body

    assert login("officer_b").get(f"/jobs/{job.pk}/").status_code == 404
    assert login("admin").get(f"/jobs/{job.pk}/").status_code == 200


def test_upload_refusals(group: Group, login: Any, settings: Any, tmp_path: Path) -> None:
    settings.ORETRACE_UPLOAD_MAX_FILE_BYTES = 100
    path = supplier_file(tmp_path / "up", "Gamma Tin Works")
    response = _upload(login("admin"), [path])
    assert response.status_code == 200 and b"larger than the upload limit" in response.content
    assert login("admin").post("/upload/", {"period": YEAR}).status_code == 200
    assert _upload(login("auditor"), [path]).status_code == 403
    assert login("reviewer").get("/upload/").status_code == 403
    other = group.company["b"].pk
    response = _upload(login("officer_a"), [path], group_company=other)
    assert response.status_code == 200 and b"Select a valid choice" in response.content
    assert not Job.objects.exists()


def test_review_accept_teaches_an_alias_used_by_the_next_ingest(
    group: Group, login: Any, tmp_path: Path
) -> None:
    row = group.odd_row
    assert row is not None and row.decision in ("review", "none")
    reviewer = login("reviewer")
    queue = reviewer.get(f"/review/?period={YEAR}").content.decode()
    assert NICKNAME in queue and f'id="row-{row.pk}"' in queue
    response = reviewer.post(
        f"/review/{row.pk}/accept/", {"smelter_id": "CID001182", "note": "plant"}, **HTMX
    )
    assert response.status_code == 200 and b'data-decision="confirmed"' in response.content
    assert LearnedAlias.objects.get().smelter.smelter_id == "CID001182"
    assert AuditEntry.objects.filter(actor="user:reviewer", action="smelter.review.accepted")
    assert NICKNAME not in reviewer.get(f"/review/?period={YEAR}").content.decode()

    later = supplier_file(tmp_path / "later", "Delta Solder Co", nickname=NICKNAME)
    ingest([later], YEAR, "test", workers=1)
    learned = DeclarationSmelter.objects.exclude(pk=row.pk).get(name=NICKNAME)
    assert (learned.decision, learned.method) == ("auto", "learned_alias")

    history = reviewer.get(f"/review/{row.pk}/").content.decode()
    assert "user:reviewer" in history and "CID001182" in history
    undone = reviewer.post(f"/review/{row.pk}/undo/", **HTMX)
    assert undone.status_code == 200
    row.refresh_from_db()
    assert row.decision != "confirmed" and row.reviews.count() == 2


def test_review_reject_bulk_and_permissions(group: Group, login: Any) -> None:
    row = group.odd_row
    assert row is not None
    assert login("officer_a").get("/review/").status_code == 403
    assert login("auditor").post(f"/review/{row.pk}/reject/").status_code == 403
    reviewer = login("reviewer")
    assert reviewer.post(f"/review/{row.pk}/reject/", {"note": "a trader"}).status_code == 302
    row.refresh_from_db()
    assert row.reviews.get().accepted is False
    assert reviewer.post("/review/999999/accept/", {"smelter_id": "X"}).status_code == 404
    # bulk: a row whose only candidate is offered is accepted; others are left alone
    DeclarationSmelter.objects.filter(pk=row.pk).update(
        decision="review", candidates=[{"smelter_id": "CID001182", "score": 88.0}]
    )
    response = reviewer.post("/review/bulk-accept/", {"period": YEAR, "row": [row.pk]})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.decision == "confirmed" and row.smelter is not None


def test_smelter_and_product_pages_follow_the_scope(group: Group, login: Any) -> None:
    row = DeclarationSmelter.objects.filter(
        declaration=group.declaration["b"], smelter__isnull=False
    ).first()
    assert row is not None and row.smelter is not None
    pk = row.smelter.pk
    admin = login("admin").get(f"/smelters/{pk}/?period={YEAR}").content.decode()
    assert "Beta Smelting Industries" in admin and "PRD-GB" in admin
    officer = login("officer_a").get(f"/smelters/{pk}/?period={YEAR}").content.decode()
    assert "Beta Smelting Industries" not in officer and "PRD-GB" not in officer
    listing = login("admin").get(f"/smelters/?period={YEAR}&reported=on").content.decode()
    assert row.smelter.smelter_id in listing

    product = group.product["a"]
    page = login("officer_a").get(f"/products/{product.pk}/?period={YEAR}").content.decode()
    assert "P-GA" in page and "Alpha Metals Corporation" in page
    assert login("officer_a").get(f"/products/{group.product['b'].pk}/").status_code == 404
    products = login("officer_a").get("/products/").content.decode()
    assert "PRD-GA" in products and "PRD-GB" not in products


def test_report_build_as_a_job_and_download_as_attachment(group: Group, login: Any) -> None:
    admin = login("admin")
    # a final build without the filer facts fails, saying what is missing
    admin.post("/reports/", {"period": YEAR, "as_of": "2026-01-31", "mode": "rcoi"})
    final = Job.objects.get(kind="report")
    assert jobs.run(final.pk, "test") == "failed"
    final.refresh_from_db()
    assert "not ready" in final.error and "legal_name" in final.error
    response = admin.post(
        "/reports/", {"period": YEAR, "as_of": "2026-01-31", "mode": "rcoi", "draft": "on"}
    )
    job = Job.objects.filter(kind="report").exclude(pk=final.pk).get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert login("auditor").post("/reports/", {"period": YEAR, "mode": "rcoi"}).status_code == 403
    assert login("officer_a").get("/reports/").status_code == 403
    assert jobs.run(job.pk, "test") == "done"
    job.refresh_from_db()
    assert job.result["as_of"] == "2026-01-31" and "snapshot.json" in job.result["files"]
    page = login("auditor").get(f"/reports/{job.pk}/").content.decode()
    assert f"/reports/{job.pk}/files/snapshot.json" in page
    download = login("auditor").get(f"/reports/{job.pk}/files/snapshot.json")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert login("auditor").get(f"/reports/{job.pk}/files/../../secret_key").status_code == 404
    assert AuditEntry.objects.filter(action="report.issued", actor="user:admin").exists()


@pytest.mark.parametrize(
    "url",
    ["/review/?period=2025", "/smelters/?period=2025", "/products/?period=2025", "/upload/"],
)
def test_query_count_does_not_grow_with_rows(
    group: Group, login: Any, tmp_path: Path, url: str
) -> None:
    admin = login("admin")
    admin.get(url)  # warm caches (sessions, reference identifier)

    def count() -> int:
        forget()  # both counts compute the period assessment afresh (ADR 0018)
        with CaptureQueriesContext(connection) as queries:
            assert admin.get(url).status_code == 200
        return len(queries)

    before = count()
    more = [
        supplier_file(tmp_path / "more", f"Extra{i} Metals Ltd", nickname=f"Odd plant {i}")
        for i in range(4)
    ]
    ingest(more, YEAR, "test", workers=1)
    for i in range(3):
        jobs.queue("ingest", f"ingest:upload:extra{i}", "user:admin", {"year": YEAR})
    assert count() == before


def test_job_page_query_count_is_fixed(group: Group, login: Any, tmp_path: Path) -> None:
    paths = [supplier_file(tmp_path / "up", f"Gamma{i} Tin Works") for i in range(3)]
    admin = login("admin")
    _upload(admin, paths[:1])
    _upload(admin, paths)
    small, large = Job.objects.order_by("pk")
    for job in (small, large):
        jobs.run(job.pk, "test")
    counts = []
    for job in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert admin.get(f"/jobs/{job.pk}/", **HTMX).status_code == 286
        counts.append(len(queries))
    assert counts[0] == counts[1]
