"""Answering on the portal: upload files, watch them being checked (htmx polling that stops),
read the findings with sheet and cell, resubmit (old files kept); never another supplier's."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from oretrace.cmrt.writer import write_draft
from oretrace.demo import cmrt_draft
from oretrace.registry.models import PortalSubmission, SupplierRequest
from oretrace.registry.services import jobs, submissions
from oretrace.registry.services.uploads import UploadedFile
from tests.web.portal_world import Portal, build_portal, enter
from tests.web.world import World


@pytest.fixture
def portal(world: World, settings: Any, tmp_path: Path) -> Portal:
    settings.ORETRACE_UPLOAD_DIR = tmp_path / "uploads"
    settings.ORETRACE_JOB_HEARTBEAT_SECONDS = 3600
    return build_portal(world)


def workbook(folder: Path, company: str, *, mistakes: bool) -> Path:
    draft = cmrt_draft(company, "6.4", ("Tin",))
    draft.company["effective_date"] = dt.date(2025, 4, 30)
    if mistakes:
        draft.company["authorizer"] = ""
        draft.company["contact_email"] = "not an address"
    path = folder / f"{company.split()[0].lower()}-{int(mistakes)}.xlsx"
    folder.mkdir(parents=True, exist_ok=True)
    write_draft(draft, path)
    return path


def upload(client: Client, request: SupplierRequest, *paths: Path) -> Any:
    files = [SimpleUploadedFile(p.name, p.read_bytes()) for p in paths]
    return client.post(f"/portal/requests/{request.pk}/upload/", {"files": files})


def run_jobs_of(request: SupplierRequest) -> None:
    for job_id in set(
        PortalSubmission.objects.filter(request=request).values_list("job_id", flat=True)
    ):
        assert job_id is not None
        jobs.run(job_id, "test-worker")


def test_the_blank_template_downloads_as_an_attachment(portal: Portal) -> None:
    client = enter(portal, "a")
    request = portal.request["a"]
    page = client.get(f"/portal/requests/{request.pk}/").content.decode()
    assert f'href="/portal/requests/{request.pk}/template/"' in page
    response = client.get(f"/portal/requests/{request.pk}/template/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".xlsx" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    assert response.content[:2] == b"PK"  # a workbook (zip), never rendered inline
    assert Client().get(f"/portal/requests/{request.pk}/template/").status_code == 404


def test_a_file_with_mistakes_shows_plain_findings_with_sheet_and_cell(
    portal: Portal, tmp_path: Path
) -> None:
    client = enter(portal, "a")
    request = portal.request["a"]
    response = upload(
        client, request, workbook(tmp_path, "Alpha Metals Corporation", mistakes=True)
    )
    assert response.status_code == 302
    assert response["Location"] == f"/portal/requests/{request.pk}/answers/"
    waiting = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert waiting.status_code == 200  # still polling
    assert 'data-pending="true"' in waiting.content.decode()
    submission = PortalSubmission.objects.get(request=request)
    assert submission.submitted_by == f"supplier:{request.pk}" and not submission.on_behalf
    assert submission.ip_address == "127.0.0.1"
    run_jobs_of(request)
    done = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert done.status_code == 286  # htmx stops polling
    html = done.content.decode()
    assert 'data-pending="false"' in html
    assert "Declaration sheet, cell" in html
    assert "How to fix it:" in html
    assert 'data-answer="with_findings"' in html
    full = client.get(response["Location"])
    assert full.status_code == 200 and "<html" in full.content.decode()
    assert "up to 20 MB each" in full.content.decode()
    sheet_link = re.search(r'hx-get="([^"]+/sheet/\?[^"]+)"', full.content.decode())
    assert sheet_link is not None
    excerpt = client.get(sheet_link.group(1).replace("&amp;", "&"), HTTP_HX_REQUEST="true")
    assert excerpt.status_code == 200 and 'class="target"' in excerpt.content.decode()


def test_a_corrected_file_is_a_new_revision_and_the_old_one_stays_listed(
    portal: Portal, tmp_path: Path
) -> None:
    client = enter(portal, "a")
    request = portal.request["a"]
    upload(client, request, workbook(tmp_path / "1", "Alpha Metals Corporation", mistakes=True))
    run_jobs_of(request)
    upload(client, request, workbook(tmp_path / "2", "Alpha Metals Corporation", mistakes=False))
    run_jobs_of(request)
    html = client.get(f"/portal/requests/{request.pk}/answers/").content.decode()
    assert html.count('class="panel submission-card"') == 2
    assert "alpha-1.xlsx" in html and "alpha-0.xlsx" in html
    assert 'data-answer="valid"' in html and "No problems found" in html
    views = submissions.for_request(request)
    assert [v.revision_number for v in views][0] > [v.revision_number for v in views][1]
    page = client.get(f"/portal/requests/{request.pk}/").content.decode()
    assert "2 files sent" in page and "Received, no problems found" in page


def test_several_files_at_once_and_a_refused_file_keeps_nothing(
    portal: Portal, tmp_path: Path
) -> None:
    client = enter(portal, "a")
    request = portal.request["a"]
    good = workbook(tmp_path, "Alpha Metals Corporation", mistakes=False)
    picture = tmp_path / "photo.xlsx"
    picture.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200)
    refused = upload(client, request, good, picture)
    assert refused.status_code == 400
    assert "photo.xlsx" in refused.content.decode()
    assert not PortalSubmission.objects.filter(request=request).exists()
    nothing = client.post(f"/portal/requests/{request.pk}/upload/", {})
    assert nothing.status_code == 400 and "Choose at least one file" in nothing.content.decode()
    twice = workbook(tmp_path / "x", "Alpha Metals Corporation", mistakes=True)
    assert upload(client, request, good, twice).status_code == 302
    assert PortalSubmission.objects.filter(request=request).count() == 2


@override_settings(ORETRACE_UPLOAD_MAX_FILE_BYTES=2048, ORETRACE_PORTAL_MAX_REQUEST_BYTES=10**6)
def test_a_file_over_the_limit_is_dropped_while_it_streams_in(
    portal: Portal, tmp_path: Path
) -> None:
    client = enter(portal, "a")
    request = portal.request["a"]
    response = upload(
        client, request, workbook(tmp_path, "Alpha Metals Corporation", mistakes=False)
    )
    assert response.status_code == 400
    assert "larger than the limit" in response.content.decode()
    assert not PortalSubmission.objects.exists()


@override_settings(ORETRACE_PORTAL_MAX_REQUEST_BYTES=1024)
def test_an_upload_over_the_request_limit_is_refused_before_its_body_is_read(
    portal: Portal, tmp_path: Path
) -> None:
    client = enter(portal, "a")
    request = portal.request["a"]
    response = upload(
        client, request, workbook(tmp_path, "Alpha Metals Corporation", mistakes=False)
    )
    assert response.status_code == 413
    assert response["Cache-Control"] == "no-store"
    assert not PortalSubmission.objects.exists()


def test_a_closed_request_offers_no_upload_and_refuses_files(
    portal: Portal, tmp_path: Path
) -> None:
    client = enter(portal, "a")
    request = portal.request["a"]
    request.campaign.status = "closed"
    request.campaign.save(update_fields=["status"])
    page = client.get(f"/portal/requests/{request.pk}/").content.decode()
    assert 'id="upload-form"' not in page and 'id="upload-closed"' in page
    refused = upload(
        client, request, workbook(tmp_path, "Alpha Metals Corporation", mistakes=False)
    )
    assert refused.status_code == 400 and "closed" in refused.content.decode()
    assert not PortalSubmission.objects.exists()


def test_the_upload_form_needs_the_csrf_token(portal: Portal, tmp_path: Path) -> None:
    client = enter(portal, "a", Client(enforce_csrf_checks=True))
    assert (
        upload(client, portal.request["a"], workbook(tmp_path, "A Co", mistakes=False)).status_code
        == 403
    )
    assert not PortalSubmission.objects.exists()


def test_another_suppliers_files_are_never_reachable(portal: Portal, tmp_path: Path) -> None:
    theirs = portal.request["b"]
    job = submissions.submit_files(
        theirs,
        [
            UploadedFile(
                "beta.xlsx", [workbook(tmp_path / "b", "Beta Smelting", mistakes=True).read_bytes()]
            )
        ],
        f"supplier:{theirs.pk}",
        on_behalf=False,
        ip=None,
    )
    jobs.run(job.pk, "test-worker")
    their_submission = PortalSubmission.objects.get(request=theirs)
    assert their_submission.declaration_id is not None
    client = enter(portal, "a")
    mine = portal.request["a"]
    for url in (
        f"/portal/requests/{theirs.pk}/answers/",
        f"/portal/requests/{theirs.pk}/answers/{their_submission.pk}/sheet/?cell=D8&sheet=Declaration",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "beta.xlsx" not in response.content.decode()
    # their submission id under my request shows nothing of theirs
    crossed = client.get(
        f"/portal/requests/{mine.pk}/answers/{their_submission.pk}/sheet/?cell=D8&sheet=Declaration"
    )
    assert 'class="target"' not in crossed.content.decode()
    assert "Beta" not in crossed.content.decode()
    # nor their declaration id, nor uploading to their request
    crossed_declaration = client.get(
        f"/portal/requests/{mine.pk}/answers/{their_submission.declaration_id}/sheet/?cell=D8"
    )
    assert "Beta" not in crossed_declaration.content.decode()
    before = PortalSubmission.objects.count()
    pushed = upload(client, theirs, workbook(tmp_path / "m", "Mallory", mistakes=False))
    assert pushed.status_code == 404
    assert PortalSubmission.objects.count() == before
    assert "beta.xlsx" not in client.get(f"/portal/requests/{mine.pk}/answers/").content.decode()
    # the staff pages of declarations stay closed to a portal session
    staff = client.get(f"/declarations/{their_submission.declaration_id}/")
    assert staff.status_code == 302 and staff["Location"].startswith("/accounts/login/")
