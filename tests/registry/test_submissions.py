"""Portal submissions: kept, sniffed, stored, ingested as the request's supplier, linked;
and the one answer predicate. Real files, real database (SQLite or PostgreSQL), jobs run."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import msoffcrypto
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from oretrace.cmrt.writer import write_draft
from oretrace.demo import cmrt_draft
from oretrace.registry.models import (
    AuditEntry,
    Campaign,
    Declaration,
    Job,
    PortalSubmission,
    ReportingPeriod,
    StoredFile,
    Supplier,
    SupplierRequest,
)
from oretrace.registry.services import jobs, submissions
from oretrace.registry.services.ingest import ingest
from oretrace.registry.services.submissions import SubmissionRefused
from oretrace.registry.services.uploads import UploadedFile, UploadError

pytestmark = pytest.mark.django_db

PNG_HEADER = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200


@pytest.fixture(autouse=True)
def _upload_dir(settings: Any, tmp_path: Path) -> None:
    settings.ORETRACE_UPLOAD_DIR = tmp_path / "uploads"
    settings.ORETRACE_JOB_HEARTBEAT_SECONDS = 3600


def _campaign(
    name: str = "2025 inquiry", status: str = Campaign.Status.SENT, **extra: Any
) -> Campaign:
    return Campaign.objects.create(
        name=name,
        period=ReportingPeriod.for_year(2025),
        due_on=dt.date(2026, 3, 31),
        created_by="test",
        status=status,
        sent_at=timezone.now() if status != Campaign.Status.DRAFT else None,
        **extra,
    )


def _request(campaign: Campaign, name: str) -> SupplierRequest:
    supplier = Supplier.objects.create(name=name, normalised_name=name.lower())
    return SupplierRequest.objects.create(campaign=campaign, supplier=supplier)


def _workbook(
    folder: Path,
    company: str,
    *,
    mistakes: bool = False,
    effective: dt.date = dt.date(2025, 4, 30),
    revision: str = "6.4",
) -> Path:
    draft = cmrt_draft(company, revision, ("Tin",))
    draft.company["effective_date"] = effective
    if mistakes:
        draft.company["authorizer"] = ""
        draft.company["contact_email"] = "not an address"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{company.split()[0].lower()}-{effective:%Y%m%d}-{int(mistakes)}.xlsx"
    write_draft(draft, path)
    return path


def _files(*paths: Path) -> list[UploadedFile]:
    return [UploadedFile(p.name, [p.read_bytes()]) for p in paths]


def _submit(
    request: SupplierRequest,
    *paths: Path,
    actor: str | None = None,
    on_behalf: bool = False,
) -> Job:
    job = submissions.submit_files(
        request,
        _files(*paths),
        actor or f"supplier:{request.pk}",
        on_behalf=on_behalf,
        ip="192.0.2.7",
    )
    assert jobs.run(job.pk, "test-worker") == "done"
    return job


def test_a_good_file_is_stored_ingested_as_the_requests_supplier_and_answers_it(
    tmp_path: Path,
) -> None:
    request = _request(_campaign(), "Acme Metals")
    path = _workbook(tmp_path, "Acme Metals")
    job = submissions.submit_files(
        request, _files(path), f"supplier:{request.pk}", on_behalf=False, ip="192.0.2.7"
    )
    assert [v.state for v in submissions.for_request(request)] == ["queued"]
    assert submissions.answer_state(request).answer == "waiting"
    assert jobs.run(job.pk, "w") == "done"
    [view] = submissions.for_request(request)
    assert view.state == "done" and view.declaration_status == "valid"
    assert view.file_name == path.name and view.findings == ()
    submission = PortalSubmission.objects.get()
    assert submission.ip_address == "192.0.2.7" and not submission.on_behalf
    assert submission.submitted_by == f"supplier:{request.pk}"
    assert submission.stored_file.sha256 == submission.declaration.stored_file.sha256
    assert submission.declaration.supplier_id == request.supplier_id
    state = submissions.answer_state(request)
    assert state.responded and state.valid and not state.with_findings
    request.refresh_from_db()
    assert request.responded_at is not None
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"portal.file_submitted", "portal.submission_filed", "portal.request_answered"} <= (
        actions
    )
    assert not any((Path(tmp_path) / "uploads").iterdir())  # scratch folder cleaned


def test_a_file_naming_another_company_is_filed_under_the_request_with_a_warning(
    tmp_path: Path,
) -> None:
    request = _request(_campaign(), "Acme Metals")
    _submit(request, _workbook(tmp_path, "Someone Else Ltd"))
    declaration = Declaration.objects.get()
    assert declaration.supplier_id == request.supplier_id
    assert declaration.findings.filter(code="supplier_name_differs").exists()
    assert not Supplier.objects.filter(name="Someone Else Ltd").exists()
    [view] = submissions.for_request(request)
    assert [f.code for f in view.findings] == ["supplier_name_differs"]
    assert submissions.answer_state(request).valid  # a warning does not make it invalid


def test_mistakes_give_plain_findings_then_a_resubmission_is_a_new_revision(
    tmp_path: Path,
) -> None:
    request = _request(_campaign(), "Acme Metals")
    _submit(request, _workbook(tmp_path, "Acme Metals", mistakes=True))
    [first] = submissions.for_request(request)
    assert first.declaration_status == "findings" and first.errors >= 1
    assert first.findings[0].severity == "error"
    email = next(f for f in first.findings if f.code == "invalid_email")
    assert email.sheet == "Declaration" and email.cell and email.how_to_fix
    state = submissions.answer_state(request)
    assert state.responded and state.with_findings and not state.valid
    responded_at = SupplierRequest.objects.get(pk=request.pk).responded_at
    assert responded_at is not None

    _submit(request, _workbook(tmp_path, "Acme Metals", effective=dt.date(2025, 5, 2)))
    second, old = submissions.for_request(request)
    assert second.declaration_status == "valid" and second.is_current
    assert second.revision_number == 2 and old.revision_number == 1 and not old.is_current
    assert Declaration.objects.count() == 2 and PortalSubmission.objects.count() == 2
    assert submissions.answer_state(request).valid
    # responded_at is the first answer's time
    assert SupplierRequest.objects.get(pk=request.pk).responded_at == responded_at


def test_another_requests_submissions_are_never_visible(tmp_path: Path) -> None:
    campaign = _campaign()
    mine, theirs = _request(campaign, "Acme Metals"), _request(campaign, "Beta Tin")
    _submit(theirs, _workbook(tmp_path, "Beta Tin"))
    assert submissions.for_request(mine) == []
    assert submissions.answer_state(mine).answer == "waiting"
    assert len(submissions.for_request(theirs)) == 1
    # the same supplier asked in another campaign sees nothing of this one's files either
    other = SupplierRequest.objects.create(
        campaign=_campaign("2025 follow-up"), supplier=theirs.supplier
    )
    assert submissions.for_request(other) == []


def test_on_behalf_is_recorded_as_such(tmp_path: Path) -> None:
    request = _request(_campaign(), "Acme Metals")
    _submit(request, _workbook(tmp_path, "Acme Metals"), actor="user:olivia", on_behalf=True)
    [view] = submissions.for_request(request)
    assert view.on_behalf and view.submitted_by == "user:olivia"
    entry = AuditEntry.objects.get(action="portal.file_submitted")
    assert entry.actor == "user:olivia" and entry.data["on_behalf"] is True
    assert submissions.answer_state(request).valid


def _encrypted(path: Path, password: str) -> bytes:
    office = msoffcrypto.OfficeFile(io.BytesIO(path.read_bytes()))
    out = io.BytesIO()
    office.encrypt(password, out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "code", "words"),
    [
        ("photo.xls", PNG_HEADER, "not_a_workbook", "not an Excel workbook"),
        ("empty.xlsx", b"", "not_a_workbook", "not an Excel workbook"),
        ("broken.xlsx", b"PK\x03\x04" + b"\x00" * 50, "corrupt", "damaged"),
        ("locked.xlsx", None, "encrypted", "password"),
    ],
)
def test_bad_files_are_refused_by_name_and_nothing_is_kept(
    tmp_path: Path, settings: Any, name: str, content: bytes | None, code: str, words: str
) -> None:
    request = _request(_campaign(), "Acme Metals")
    good = _workbook(tmp_path, "Acme Metals")
    if content is None:
        content = _encrypted(good, "s3cret")
    files = [*_files(good), UploadedFile(name, [content])]
    with pytest.raises(SubmissionRefused) as refused:
        submissions.submit_files(request, files, "supplier:1", on_behalf=False, ip=None)
    assert refused.value.code == code and refused.value.file_name == name
    assert str(refused.value).startswith(f"{name}: ") and words in str(refused.value)
    assert not PortalSubmission.objects.exists() and not StoredFile.objects.exists()
    assert not Job.objects.exists()
    assert list(Path(settings.ORETRACE_UPLOAD_DIR).iterdir()) == []


def test_a_too_large_file_is_refused(tmp_path: Path, settings: Any) -> None:
    request = _request(_campaign(), "Acme Metals")
    good = _workbook(tmp_path, "Acme Metals")
    settings.ORETRACE_UPLOAD_MAX_FILE_BYTES = good.stat().st_size - 1
    with pytest.raises(UploadError, match=f"{good.name}: larger than the upload limit"):
        submissions.submit_files(request, _files(good), "supplier:1", on_behalf=False, ip=None)
    assert not PortalSubmission.objects.exists() and not StoredFile.objects.exists()
    assert list(Path(settings.ORETRACE_UPLOAD_DIR).iterdir()) == []


@pytest.mark.parametrize(
    ("status", "code"),
    [(Campaign.Status.CLOSED, "campaign_closed"), (Campaign.Status.DRAFT, "campaign_not_sent")],
)
def test_a_closed_or_unsent_campaign_takes_no_files(tmp_path: Path, status: str, code: str) -> None:
    request = _request(_campaign(status=status), "Acme Metals")
    with pytest.raises(SubmissionRefused) as refused:
        submissions.submit_files(
            request, _files(_workbook(tmp_path, "Acme")), "supplier:1", on_behalf=False, ip=None
        )
    assert refused.value.code == code
    assert not PortalSubmission.objects.exists()


def test_a_workbook_that_is_no_template_is_unreadable(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active["A1"] = "my own list of smelters"
    path = tmp_path / "own.xlsx"
    book.save(path)
    request = _request(_campaign(), "Acme Metals")
    _submit(request, path)
    [view] = submissions.for_request(request)
    assert view.state == "unreadable" and view.problems[0].code == "not_a_template"
    assert view.problems[0].how_to_fix
    state = submissions.answer_state(request)
    assert state.unreadable and not state.responded and state.answer == "unreadable"


def test_a_template_of_another_family_or_revision_does_not_answer_as_asked(
    tmp_path: Path,
) -> None:
    campaign = _campaign(template_family="EMRT")
    request = _request(campaign, "Acme Metals")
    _submit(request, _workbook(tmp_path, "Acme Metals"))
    [view] = submissions.for_request(request)
    assert [p.code for p in view.problems] == ["template_family_not_asked"]
    assert not submissions.answer_state(request).responded

    newer = _campaign("2025 modern", minimum_revision="6.5")
    old = SupplierRequest.objects.create(campaign=newer, supplier=request.supplier)
    _submit(old, _workbook(tmp_path, "Acme Metals", revision="6.4", effective=dt.date(2025, 6, 1)))
    state = submissions.answer_state(old)
    assert state.responded and state.with_findings
    assert state.problems == ("revision_below_campaign_minimum",)


def test_a_folder_ingest_after_sending_answers_the_request(tmp_path: Path) -> None:
    request = _request(_campaign(), "Acme Metals")
    ingest([_workbook(tmp_path / "folder", "Acme Metals")], 2025, "cli:test")
    state = submissions.answer_state(request)
    assert state.responded and state.valid


def test_a_declaration_from_before_the_campaign_does_not_answer_it(tmp_path: Path) -> None:
    supplier = Supplier.objects.create(name="Acme Metals", normalised_name="acme metals")
    ingest([_workbook(tmp_path / "folder", "Acme Metals")], 2025, "cli:test")
    campaign = _campaign()
    request = SupplierRequest.objects.create(campaign=campaign, supplier=supplier)
    assert Declaration.objects.get().supplier_id == supplier.pk
    assert not submissions.answer_state(request).responded


def test_answer_states_take_a_fixed_number_of_queries(tmp_path: Path) -> None:
    campaign = _campaign()
    few = [_request(campaign, f"Supplier {i}") for i in range(2)]
    _submit(few[0], _workbook(tmp_path, "Supplier 0"))
    with CaptureQueriesContext(connection) as small:
        states = submissions.answer_states(
            SupplierRequest.objects.filter(pk__in=[r.pk for r in few])
        )
    many = few + [_request(campaign, f"Supplier {i}") for i in range(2, 12)]
    _submit(many[5], _workbook(tmp_path, "Supplier 5", mistakes=True))
    with CaptureQueriesContext(connection) as large:
        states = submissions.answer_states(SupplierRequest.objects.all())
    assert len(small.captured_queries) == len(large.captured_queries) == 4
    assert states[many[0].pk].valid and states[many[5].pk].with_findings
    assert sum(s.responded for s in states.values()) == 2


def test_retention_removes_a_portal_submission_with_its_expired_declaration(
    tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    from oretrace.registry.services.retention import apply_retention

    old = Campaign.objects.create(
        name="2019 inquiry",
        period=ReportingPeriod.for_year(2019),
        due_on=dt.date(2020, 3, 31),
        created_by="test",
        status=Campaign.Status.SENT,
        sent_at=timezone.now(),
    )
    request = _request(old, "Acme Metals")
    _submit(request, _workbook(tmp_path, "Acme Metals", effective=dt.date(2019, 4, 1)))
    kept = _request(_campaign(), "Beta Tin")
    _submit(kept, _workbook(tmp_path, "Beta Tin"))
    with django_capture_on_commit_callbacks(execute=True):
        plan = apply_retention("cli:test", dt.date(2026, 6, 1))
    assert [i.kind for i in plan.expired] == ["declaration", "original"]
    assert list(PortalSubmission.objects.values_list("request_id", flat=True)) == [kept.pk]
    assert submissions.for_request(request) == []
    assert len(submissions.for_request(kept)) == 1
