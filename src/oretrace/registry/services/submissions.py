"""Files that arrive for a supplier request, and whether the request has been answered.

:func:`submit_files` takes the files a supplier uploads through its portal link (or a staff
member uploads on its behalf): it keeps them with the upload service's own scratch folder
and limits (``uploads.keep_files``), sniffs every file by its bytes (``cmrt.container``) and
refuses the whole upload, naming the file, when one is no workbook, is damaged, too large
or protected by a password, so nothing is stored by halves. Otherwise it stores each
original (byte for byte, outside the served folders), writes one :class:`PortalSubmission`
per file with who sent it, on whose behalf and from where, audits it, and queues one ingest
job for the batch. The job (:func:`run_submission_job`, in the worker) ingests the files as
the supplier's own, whatever company they name, links each submission to its declaration
and sets the request's ``responded_at`` the first time it is answered. A resubmission is a
new declaration revision; the old one and its submission are kept.

:func:`answer_state` / :func:`answer_states` is the one predicate for "has this request
been answered, and how well": the campaign progress, the reminders and the portal all ask it
(ADR 0017).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from oretrace.cmrt.container import open_bytes
from oretrace.cmrt.errors import WorkbookError
from oretrace.cmrt.limits import Limits
from oretrace.cmrt.revisions import parse_revision
from oretrace.registry.models import (
    Campaign,
    Declaration,
    Finding,
    Job,
    PortalSubmission,
    SupplierRequest,
)
from oretrace.registry.services import jobs, uploads
from oretrace.registry.services.audit import record
from oretrace.registry.services.files import store_file
from oretrace.registry.services.findings_text import PlainFinding, explain, explain_error
from oretrace.registry.services.uploads import UploadedFile, UploadError

#: The job kind whose handler is :func:`run_submission_job`.
JOB_KIND = "submission"
#: Above this many requests, :func:`answer_states` selects by campaign rather than by id.
_BY_ID_LIMIT = 500

SubmissionState = Literal["queued", "processing", "done", "unreadable"]
Answer = Literal["waiting", "valid", "with_findings", "unreadable"]


class SubmissionRefused(UploadError):
    """The upload was refused as a whole; ``file_name`` and ``code`` say which file and why."""

    def __init__(self, message: str, *, file_name: str = "", code: str = "") -> None:
        super().__init__(message)
        self.file_name = file_name
        self.code = code


# ---------------------------------------------------------------------------------------
# Submitting


def submit_files(
    request: SupplierRequest,
    files: Iterable[UploadedFile],
    actor: str,
    *,
    on_behalf: bool,
    ip: str | None,
) -> Job:
    """Keep, sniff and store ``files`` for ``request`` and queue their ingest (one job).

    Raises :class:`UploadError` (:class:`SubmissionRefused`) with a message for the person
    uploading when the request takes no files, or when any file is refused; then nothing of
    the upload is kept.
    """
    campaign = Campaign.objects.select_related("period").get(pk=request.campaign_id)
    _check_open(campaign)
    kept = uploads.keep_files(files)
    try:
        contents = [_sniffed(path.read_bytes(), name) for path, name in _named(kept)]
        with transaction.atomic():
            job = uploads.queue_ingest(
                kept,
                campaign.period.year,
                actor,
                campaign.group_company,
                kind=JOB_KIND,
                extra={"request": request.pk, "supplier": request.supplier_id},
            )
            for data, name in zip(contents, kept.originals, strict=True):
                stored, _ = store_file(data, name)
                submission = PortalSubmission.objects.create(
                    request=request,
                    stored_file=stored,
                    job=job,
                    original_name=name[:500],
                    submitted_by=actor[:150],
                    on_behalf=on_behalf,
                    ip_address=ip or None,
                )
                record(
                    actor,
                    "portal.file_submitted",
                    submission,
                    request=request.pk,
                    campaign=campaign.pk,
                    supplier=request.supplier_id,
                    file=name,
                    sha256=stored.sha256,
                    size=stored.size,
                    on_behalf=on_behalf,
                    ip=ip,
                    job=job.pk,
                )
    except BaseException:
        kept.discard()
        raise
    return job


def _check_open(campaign: Campaign) -> None:
    if campaign.status == Campaign.Status.SENT:
        return
    code = "campaign_closed" if campaign.status == Campaign.Status.CLOSED else "campaign_not_sent"
    plain = explain_error(code)
    raise SubmissionRefused(f"{plain.what} {plain.how_to_fix}", code=code)


def _named(kept: uploads.KeptBatch) -> list[tuple[Any, str]]:
    return list(zip(kept.paths(), kept.originals, strict=True))


def _sniffed(data: bytes, name: str) -> bytes:
    """``data`` when it is a workbook we can open; otherwise refuse, naming the file."""
    limits = Limits(
        max_file_bytes=min(
            settings.ORETRACE_UPLOAD_MAX_FILE_BYTES, settings.ORETRACE_MAX_FILE_BYTES
        )
    )
    try:
        open_bytes(data, limits=limits)
    except WorkbookError as exc:
        plain = explain_error(exc.code.value, exc.message)
        raise SubmissionRefused(
            gettext("%(file)s: %(what)s %(fix)s Nothing was uploaded.")
            % {"file": name, "what": plain.what, "fix": plain.how_to_fix},
            file_name=name,
            code=exc.code.value,
        ) from exc
    return data


# ---------------------------------------------------------------------------------------
# The worker's half


def run_submission_job(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    """Ingest the batch as the request's supplier, then link each submission."""
    result = uploads.run_ingest_job(job, progress)
    result["submissions"] = link_submissions(job)
    return result


def link_submissions(job: Job) -> list[dict[str, Any]]:
    """Link the job's submissions to the declarations their files became; the first time
    the request counts as answered, set ``responded_at``. Idempotent."""
    actor = f"worker:{job.kind}"
    rows: list[dict[str, Any]] = []
    with transaction.atomic():
        request = SupplierRequest.objects.select_for_update().get(pk=job.params["request"])
        campaign = Campaign.objects.get(pk=request.campaign_id)
        submissions = list(PortalSubmission.objects.filter(job=job).order_by("pk"))
        found = {
            d.stored_file_id: d
            for d in Declaration.objects.filter(
                period_id=campaign.period_id,
                stored_file_id__in=[s.stored_file_id for s in submissions],
            )
        }
        for submission in submissions:
            declaration = found.get(submission.stored_file_id)
            if declaration is not None and submission.declaration_id != declaration.pk:
                submission.declaration = declaration
                submission.save(update_fields=["declaration"])
                record(
                    actor,
                    "portal.submission_filed",
                    submission,
                    request=request.pk,
                    declaration=declaration.pk,
                    status=declaration.status,
                )
            rows.append(
                {
                    "submission": submission.pk,
                    "declaration": declaration.pk if declaration else None,
                    "status": declaration.status if declaration else "missing",
                }
            )
        state = answer_state(request)
        if request.responded_at is None and state.responded:
            request.responded_at = timezone.now()
            request.save(update_fields=["responded_at"])
            record(
                actor,
                "portal.request_answered",
                request,
                declaration=state.declaration_id,
                answer=state.answer,
            )
    return rows


# ---------------------------------------------------------------------------------------
# The one answer predicate


@dataclass(frozen=True, slots=True)
class AnswerState:
    """How far a request has been answered.

    ``responded``: the supplier has a current declaration of the template family asked for,
    for the campaign's period, that arrived after the campaign was sent (through the portal,
    uploaded on its behalf, or ingested from a folder) or was submitted for this request.
    Then ``valid`` or ``with_findings`` (findings of severity error, or a revision or scope
    other than asked for). ``unreadable``: not answered, and the latest file submitted for
    the request could not be read.
    """

    responded: bool = False
    valid: bool = False
    with_findings: bool = False
    unreadable: bool = False
    declaration_id: int | None = None
    answered_at: dt.datetime | None = None
    problems: tuple[str, ...] = ()

    @property
    def answer(self) -> Answer:
        if self.valid:
            return "valid"
        if self.with_findings:
            return "with_findings"
        if self.unreadable:
            return "unreadable"
        return "waiting"


def answer_state(request: SupplierRequest) -> AnswerState:
    """The answer state of one request (see :class:`AnswerState`)."""
    return answer_states([request])[request.pk]


def answer_states(requests: Iterable[SupplierRequest]) -> dict[int, AnswerState]:
    """Answer states by request id, in three queries however many requests are given."""
    wanted = list(requests)
    if not wanted:
        return {}
    ids = [r.pk for r in wanted]
    campaign_ids = sorted({r.campaign_id for r in wanted})
    campaigns = Campaign.objects.in_bulk(campaign_ids)
    by_id = len(ids) <= _BY_ID_LIMIT
    submissions = PortalSubmission.objects.filter(
        Q(request_id__in=ids) if by_id else Q(request__campaign_id__in=campaign_ids)
    ).values_list("request_id", "declaration_id", "declaration__status", "job__status", "pk")
    linked: dict[int, set[int]] = defaultdict(set)
    latest: dict[int, tuple[int, int | None, str | None, str | None]] = {}
    for request_id, declaration_id, status, job_status, pk in submissions:
        if declaration_id is not None:
            linked[request_id].add(declaration_id)
        if pk > latest.get(request_id, (0,))[0]:
            latest[request_id] = (pk, declaration_id, status, job_status)
    sent = [c.sent_at for c in campaigns.values() if c.sent_at is not None]
    suppliers = (
        Q(supplier_id__in={r.supplier_id for r in wanted})
        if by_id
        else Q(supplier__requests__campaign_id__in=campaign_ids)
    )
    arrived = (
        suppliers
        & Q(period_id__in={c.period_id for c in campaigns.values()})
        & Q(ingested_at__gte=min(sent))
        if sent
        else Q(pk__in=[])
    )
    every_linked = {pk for pks in linked.values() for pk in pks}
    candidates = (
        Declaration.objects.filter(arrived | Q(pk__in=every_linked), is_current=True)
        .exclude(status=Declaration.Status.UNREADABLE)
        .values_list(
            "pk",
            "supplier_id",
            "period_id",
            "ingested_at",
            "status",
            "template",
            "version",
            "scope",
        )
        .distinct()
    )
    by_supplier: dict[tuple[int | None, int], list[_Candidate]] = defaultdict(list)
    by_pk: dict[int, _Candidate] = {}
    for row in candidates:
        item = _Candidate(*row)
        by_supplier[item.supplier_id, item.period_id].append(item)
        by_pk[item.pk] = item
    states: dict[int, AnswerState] = {}
    for request in wanted:
        campaign = campaigns[request.campaign_id]
        own = [by_pk[pk] for pk in linked.get(request.pk, ()) if pk in by_pk]
        if campaign.sent_at is not None:
            own += [
                c
                for c in by_supplier.get((request.supplier_id, campaign.period_id), [])
                if c.ingested_at >= campaign.sent_at
            ]
        states[request.pk] = _state(campaign, own, latest.get(request.pk))
    return states


@dataclass(frozen=True, slots=True)
class _Candidate:
    pk: int
    supplier_id: int | None
    period_id: int
    ingested_at: dt.datetime
    status: str
    template: str
    version: str
    scope: str


def _state(
    campaign: Campaign,
    candidates: list[_Candidate],
    latest: tuple[int, int | None, str | None, str | None] | None,
) -> AnswerState:
    asked = [c for c in candidates if _family_asked(campaign, c.template)]
    if asked:
        answer = max(asked, key=lambda c: (c.ingested_at, c.pk))
        problems = answer_problems(campaign, answer.template, answer.version, answer.scope)
        valid = answer.status == Declaration.Status.VALID and not problems
        return AnswerState(
            responded=True,
            valid=valid,
            with_findings=not valid,
            declaration_id=answer.pk,
            answered_at=answer.ingested_at,
            problems=tuple(problems),
        )
    unreadable = latest is not None and _unreadable(latest[2], latest[3])
    return AnswerState(unreadable=unreadable)


def _unreadable(declaration_status: str | None, job_status: str | None) -> bool:
    if declaration_status == Declaration.Status.UNREADABLE:
        return True
    return declaration_status is None and job_status in (Job.Status.DONE, Job.Status.FAILED)


def _family_asked(campaign: Campaign, template: str) -> bool:
    return not campaign.template_family or template.upper() == campaign.template_family.upper()


def answer_problems(campaign: Campaign, template: str, version: str, scope: str) -> list[str]:
    """What keeps a readable declaration from answering ``campaign`` as asked: codes
    explained in ``findings_text.SUBMISSION_PROBLEMS``."""
    if not _family_asked(campaign, template):
        return ["template_family_not_asked"]
    problems: list[str] = []
    minimum = parse_revision(campaign.minimum_revision) if campaign.minimum_revision else None
    found = parse_revision(version) if version else None
    if minimum is not None and (found is None or found < minimum):
        problems.append("revision_below_campaign_minimum")
    if campaign.scope and scope != campaign.scope:
        problems.append("scope_not_asked")
    return problems


# ---------------------------------------------------------------------------------------
# What the supplier sees


@dataclass(frozen=True, slots=True)
class SubmissionView:
    """One submitted file as the portal and the staff pages show it."""

    id: int
    request_id: int
    file_name: str
    size: int
    sha256: str
    submitted_at: dt.datetime
    submitted_by: str
    on_behalf: bool
    state: SubmissionState
    job_id: int | None
    declaration_id: int | None
    declaration_status: str | None
    template: str = ""
    version: str = ""
    company_name: str = ""
    revision_number: int | None = None
    is_current: bool = False
    #: Why the file could not be read, or why it does not answer the request as asked.
    problems: tuple[PlainFinding, ...] = ()
    findings: tuple[PlainFinding, ...] = field(default_factory=tuple)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")


_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def for_request(request: SupplierRequest) -> list[SubmissionView]:
    """The files submitted for ``request`` (and no other), newest first, with their state,
    the declaration's status and its findings in plain language."""
    campaign = Campaign.objects.get(pk=request.campaign_id)
    submissions = list(
        PortalSubmission.objects.filter(request_id=request.pk)
        .select_related("stored_file", "declaration", "job")
        .order_by("-submitted_at", "-pk")
    )
    declaration_ids = {s.declaration_id for s in submissions if s.declaration_id}
    findings: dict[int, list[Finding]] = defaultdict(list)
    for item in Finding.objects.filter(declaration_id__in=declaration_ids).order_by("pk"):
        findings[item.declaration_id].append(item)
    return [_view(campaign, s, findings) for s in submissions]


def _view(
    campaign: Campaign, submission: PortalSubmission, findings: dict[int, list[Finding]]
) -> SubmissionView:
    declaration = submission.declaration
    job = submission.job
    problems: list[PlainFinding] = []
    plain: list[PlainFinding] = []
    state: SubmissionState
    if declaration is not None:
        if declaration.status == Declaration.Status.UNREADABLE:
            state = "unreadable"
            problems.append(explain_error(declaration.error_code, declaration.error_message))
        else:
            state = "done"
            problems += [
                explain_error(code)
                for code in answer_problems(
                    campaign, declaration.template, declaration.version, declaration.scope
                )
            ]
            plain = sorted(
                (explain(f, f.severity) for f in findings.get(declaration.pk, [])),
                key=lambda p: _SEVERITY_ORDER.get(p.severity, 3),
            )
    elif job is None or job.status in (Job.Status.DONE, Job.Status.FAILED):
        state = "unreadable"
        failed = job is None or job.status == Job.Status.FAILED
        problems.append(explain_error("processing_failed" if failed else "not_ingested"))
    else:
        state = "queued" if job.status == Job.Status.QUEUED else "processing"
    stored = submission.stored_file
    return SubmissionView(
        id=submission.pk,
        request_id=submission.request_id,
        file_name=submission.original_name,
        size=stored.size,
        sha256=stored.sha256,
        submitted_at=submission.submitted_at,
        submitted_by=submission.submitted_by,
        on_behalf=submission.on_behalf,
        state=state,
        job_id=submission.job_id,
        declaration_id=submission.declaration_id,
        declaration_status=declaration.status if declaration else None,
        template=declaration.template if declaration else "",
        version=declaration.version if declaration else "",
        company_name=declaration.company_name if declaration else "",
        revision_number=declaration.revision_number if declaration else None,
        is_current=bool(declaration and declaration.is_current),
        problems=tuple(problems),
        findings=tuple(plain),
    )
