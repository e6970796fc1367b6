"""Background jobs: queue one per piece of work, run it once, show its progress, recover it.

django-tasks (database backend) moves a job id from whoever queued it to a worker process.
Everything else lives in our own :class:`~oretrace.registry.models.Job` row (ADR 0009):

- **Queue** with :func:`queue`: the Job row and the django-tasks row are written in one
  transaction, keyed by what the job does, so queuing the same work twice gives one job.
- **Run** with :func:`run`: a worker claims the job by a conditional update (queued →
  running), so two workers, or two queue rows for one job, never run it twice.
- **Progress** through :class:`Progress`: each write is its own short transaction, so a page
  polling the row sees it at once; a thread keeps the heartbeat fresh while the job runs.
- **Recover** with :func:`sweep`: a running job whose heartbeat is older than
  ``ORETRACE_JOB_STALE_SECONDS`` was left by a dead worker; it is queued again (job handlers
  are idempotent) or, after ``ORETRACE_JOB_MAX_ATTEMPTS`` attempts, marked failed.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from oretrace.registry.models import GroupCompany, Job
from oretrace.registry.services.audit import record
from oretrace.registry.services.scope import ScopeError, StaffScope

log = logging.getLogger(__name__)

#: Job kinds and the function that does each (imported when a worker first runs one).
HANDLERS: dict[str, str] = {
    "ingest": "oretrace.registry.services.uploads.run_ingest_job",
    "report": "oretrace.registry.services.report_jobs.run_report_job",
    "submission": "oretrace.registry.services.submissions.run_submission_job",
    "warm": "oretrace.registry.services.warming.run_warm_job",
}

Handler = Callable[[Job, "Progress"], dict[str, Any]]


class JobError(ValueError):
    """A job cannot be queued (unknown kind, bad parameters)."""


def queue(
    kind: str,
    key: str,
    owner: str,
    params: dict[str, Any],
    group_company: GroupCompany | None = None,
    total: int = 0,
) -> Job:
    """The job for ``key``: queued now, or the one already queued for the same work."""
    if kind not in HANDLERS:
        raise JobError(f"unknown job kind {kind!r}")
    from oretrace.registry.tasks import run_job

    with transaction.atomic():
        job, created = Job.objects.get_or_create(
            key=key,
            defaults={
                "kind": kind,
                "owner": owner,
                "params": params,
                "group_company": group_company,
                "progress_total": total,
                "stage": "queued",
            },
        )
        if created:
            result = run_job.enqueue(job.pk)
            job.task_id = str(result.id)
            job.save(update_fields=["task_id"])
            record(owner, "job.queued", job, kind=kind, key=key)
    return job


def run(job_id: int, worker: str) -> str:
    """Run job ``job_id`` if it is still queued; return "done", "failed" or "skipped"."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING,
        started_at=now,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
        worker=worker[:100],
        error="",
        stage="started",
    )
    if not claimed:
        return "skipped"
    job = Job.objects.get(pk=job_id)
    mine = Job.objects.filter(pk=job_id, status=Job.Status.RUNNING, attempts=job.attempts)
    actor = f"worker:{job.kind}"
    record(actor, "job.started", job, attempt=job.attempts, worker=worker)
    handler: Handler = import_string(HANDLERS[job.kind])
    with _heartbeat(job_id, job.attempts):
        try:
            result = handler(job, Progress(job_id))
        except Exception as exc:
            log.exception("job %s failed", job_id)
            message = f"{type(exc).__name__}: {exc}"[:2000]
            mine.update(
                status=Job.Status.FAILED, error=message, finished_at=timezone.now(), stage="failed"
            )
            record(actor, "job.failed", job, attempt=job.attempts, error=message)
            return "failed"
    mine.update(
        status=Job.Status.DONE,
        result=result,
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
        stage="done",
    )
    record(actor, "job.finished", job, attempt=job.attempts)
    if job.kind == "ingest" and "year" in job.params:
        from oretrace.registry.services.warming import warm_periods

        warm_periods([int(job.params["year"])])  # the next dashboard reads the figures back
    return "done"


class Progress:
    """Writes how far a job got, each write committed at once (pollers see it)."""

    def __init__(self, job_id: int, min_interval: float = 0.2) -> None:
        self.job_id = job_id
        self.done = 0
        self.min_interval = min_interval
        self._written = 0.0

    def update(
        self, done: int | None = None, total: int | None = None, stage: str | None = None
    ) -> None:
        fields: dict[str, Any] = {"heartbeat_at": timezone.now()}
        if done is not None:
            self.done = done
            fields["progress_done"] = done
        if total is not None:
            fields["progress_total"] = total
        if stage is not None:
            fields["stage"] = stage[:40]
        self._write(fields)

    def advance(self, step: int = 1) -> None:
        """Count ``step`` more items done; written at most every ``min_interval`` seconds."""
        self.done += step
        if time.monotonic() - self._written >= self.min_interval:
            self._write({"progress_done": self.done, "heartbeat_at": timezone.now()})

    def flush(self) -> None:
        self._write({"progress_done": self.done, "heartbeat_at": timezone.now()})

    def _write(self, fields: dict[str, Any]) -> None:
        with transaction.atomic():
            Job.objects.filter(pk=self.job_id, status=Job.Status.RUNNING).update(**fields)
        self._written = time.monotonic()


@contextmanager
def _heartbeat(job_id: int, attempt: int) -> Iterator[None]:
    """Keep the job's heartbeat fresh from a thread while its handler runs."""
    interval = float(settings.ORETRACE_JOB_HEARTBEAT_SECONDS)
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(interval):
                try:
                    Job.objects.filter(
                        pk=job_id, status=Job.Status.RUNNING, attempts=attempt
                    ).update(heartbeat_at=timezone.now())
                except DatabaseError:
                    log.warning("job %s: heartbeat not written", job_id, exc_info=True)
        finally:
            connections.close_all()

    thread = threading.Thread(target=beat, name=f"job-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


@dataclass(frozen=True, slots=True)
class Swept:
    requeued: tuple[int, ...]
    failed: tuple[int, ...]


def sweep(now: dt.datetime | None = None) -> Swept:
    """Queue again (or fail, after the last attempt) running jobs whose worker went silent."""
    from oretrace.registry.tasks import run_job

    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.ORETRACE_JOB_STALE_SECONDS)
    requeued: list[int] = []
    failed: list[int] = []
    stale = Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__lt=cutoff)
    for job in stale.order_by("pk"):
        same = Job.objects.filter(
            pk=job.pk, status=Job.Status.RUNNING, attempts=job.attempts, heartbeat_at__lt=cutoff
        )
        silent = (now - job.heartbeat_at).total_seconds() if job.heartbeat_at else None
        with transaction.atomic():
            _abandon_task(job.task_id, now)
            if job.attempts < settings.ORETRACE_JOB_MAX_ATTEMPTS:
                if not same.update(status=Job.Status.QUEUED, worker="", stage="requeued"):
                    continue
                job.task_id = str(run_job.enqueue(job.pk).id)
                Job.objects.filter(pk=job.pk).update(task_id=job.task_id)
                record("worker:sweeper", "job.requeued", job, attempt=job.attempts, silent=silent)
                requeued.append(job.pk)
            else:
                message = (
                    f"the worker stopped responding during attempt {job.attempts}; no attempts left"
                )
                if not same.update(
                    status=Job.Status.FAILED, error=message, finished_at=now, stage="failed"
                ):
                    continue
                record("worker:sweeper", "job.abandoned", job, attempt=job.attempts)
                failed.append(job.pk)
    return Swept(tuple(requeued), tuple(failed))


def _abandon_task(task_id: str, now: dt.datetime) -> None:
    """Close the queue row a dead worker left running, so the queue shows it truthfully."""
    if not task_id:
        return
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(id=task_id, status="RUNNING").update(
        status="FAILED",
        finished_at=now,
        exception_class_path="oretrace.registry.services.jobs.WorkerLost",
        traceback="the worker stopped responding; the job was swept",
    )


def jobs_for(scope: StaffScope) -> QuerySet[Job]:
    """Jobs a person may see: all for the whole group; for officers, their group companies'
    jobs and the ones they queued themselves. Fails closed without a scope."""
    if not isinstance(scope, StaffScope):
        raise ScopeError(f"a scoped query needs a StaffScope, got {scope!r}")
    if scope.group_company_ids is None:
        return Job.objects.all()
    return Job.objects.filter(
        Q(group_company_id__in=scope.group_company_ids) | Q(owner=scope.actor)
    )
