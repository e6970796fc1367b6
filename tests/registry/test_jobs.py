"""Jobs in one process: queued once per key, in the caller's transaction, run once, swept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from oretrace.registry.models import AuditEntry, Declaration, Job
from oretrace.registry.services import jobs
from oretrace.registry.services.uploads import UploadedFile, UploadError, receive_upload
from tests.registry.conftest import write_supplier

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _upload_dir(settings: Any, tmp_path: Path) -> None:
    settings.ORETRACE_UPLOAD_DIR = tmp_path / "uploads"
    settings.ORETRACE_JOB_HEARTBEAT_SECONDS = 3600  # no heartbeat thread writes in these tests


def _upload(path: Path, year: int = 2025) -> Job:
    return receive_upload([UploadedFile(path.name, [path.read_bytes()])], year, "user:alice")


def test_queue_twice_with_one_key_gives_one_job_and_one_task() -> None:
    first = jobs.queue("ingest", "ingest:upload:x", "user:a", {"batch": "x", "year": 2025})
    again = jobs.queue("ingest", "ingest:upload:x", "user:b", {"batch": "x", "year": 2025})
    assert first.pk == again.pk and again.owner == "user:a"
    assert DBTaskResult.objects.count() == 1
    assert DBTaskResult.objects.get().args_kwargs["args"] == [first.pk]
    assert str(DBTaskResult.objects.get().id) == first.task_id


def test_queue_rolls_back_with_the_callers_transaction() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        jobs.queue("ingest", "ingest:upload:y", "user:a", {"batch": "y", "year": 2025})
        raise RuntimeError("the caller failed after queuing")
    assert not Job.objects.exists() and not DBTaskResult.objects.exists()


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(jobs.JobError):
        jobs.queue("launch-rockets", "k", "user:a", {})


def test_ingest_job_runs_once_and_describes_every_file(tmp_path: Path) -> None:
    good = write_supplier(tmp_path / "in", "Acme Metals", dt.date(2025, 4, 30))
    job = receive_upload(
        [
            UploadedFile(good.name, [good.read_bytes()]),
            UploadedFile("../../notes.txt", [b"not a workbook"]),
        ],
        2025,
        "user:alice",
    )
    assert job.progress_total == 2 and job.status == Job.Status.QUEUED
    assert jobs.run(job.pk, "w1") == "done"
    assert jobs.run(job.pk, "w2") == "skipped"
    job.refresh_from_db()
    assert (job.status, job.attempts, job.progress_done, job.stage) == ("done", 1, 2, "done")
    files = {f["name"]: f for f in job.result["files"]}
    assert set(files) == {good.name, "notes.txt"}
    assert files[good.name]["outcome"] == "new" and files[good.name]["status"] == "valid"
    declaration = Declaration.objects.get(pk=files[good.name]["declaration"])
    assert declaration.company_name == "Acme Metals"
    assert files["notes.txt"]["outcome"] == "error" and files["notes.txt"]["error_code"]
    assert AuditEntry.objects.filter(action="job.started").count() == 1
    assert AuditEntry.objects.filter(action="declaration.ingested", actor="user:alice").exists()
    assert not (tmp_path / "uploads" / job.params["batch"]).exists()  # scratch removed

    again = _upload(good)
    assert jobs.run(again.pk, "w1") == "done"
    again.refresh_from_db()
    assert again.result["files"][0]["outcome"] == "already_known"
    assert again.result["files"][0]["declaration"] == declaration.pk
    assert Declaration.objects.count() == 2  # the good file and the unreadable one, once each


def test_rerun_after_a_lost_worker_keeps_the_first_attempts_outcome(tmp_path: Path) -> None:
    good = write_supplier(tmp_path / "in", "Acme Metals", dt.date(2025, 4, 30))
    job = _upload(good)
    # The first attempt recorded what was known, ingested, then its worker died.
    assert jobs.run(job.pk, "w1") == "done"
    Job.objects.filter(pk=job.pk).update(status=Job.Status.QUEUED)
    job.refresh_from_db()
    (tmp_path / "uploads" / job.params["batch"]).mkdir(parents=True)
    (tmp_path / "uploads" / job.params["batch"] / job.params["files"][0]).write_bytes(
        good.read_bytes()
    )
    assert jobs.run(job.pk, "w2") == "done"
    job.refresh_from_db()
    assert job.attempts == 2 and job.result["files"][0]["outcome"] == "new"
    assert job.result["summary"]["already_known"] == 1 and Declaration.objects.count() == 1


def test_a_failing_handler_marks_the_job_failed(settings: Any) -> None:
    job = jobs.queue("ingest", "ingest:upload:z", "user:a", {"year": 2025})  # no batch
    assert jobs.run(job.pk, "w1") == "failed"
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "KeyError" in job.error
    assert AuditEntry.objects.filter(action="job.failed", object_id=str(job.pk)).exists()


def test_sweeper_requeues_silent_jobs_then_gives_up(settings: Any) -> None:
    settings.ORETRACE_JOB_STALE_SECONDS = 60
    settings.ORETRACE_JOB_MAX_ATTEMPTS = 2
    now = timezone.now()
    job = jobs.queue("ingest", "ingest:upload:s", "user:a", {"batch": "s", "year": 2025})
    fresh = jobs.queue("ingest", "ingest:upload:f", "user:a", {"batch": "f", "year": 2025})
    DBTaskResult.objects.update(status="RUNNING")
    Job.objects.filter(pk=job.pk).update(
        status="running", attempts=1, heartbeat_at=now - dt.timedelta(seconds=61)
    )
    Job.objects.filter(pk=fresh.pk).update(
        status="running", attempts=1, heartbeat_at=now - dt.timedelta(seconds=5)
    )
    swept = jobs.sweep(now)
    assert swept.requeued == (job.pk,) and swept.failed == ()
    job.refresh_from_db()
    assert job.status == "queued" and job.stage == "requeued"
    assert DBTaskResult.objects.filter(status="READY", args_kwargs__args=[job.pk]).count() == 1
    assert DBTaskResult.objects.filter(status="FAILED").count() == 1  # the dead worker's row
    assert Job.objects.get(pk=fresh.pk).status == "running"

    Job.objects.filter(pk=job.pk).update(
        status="running", attempts=2, heartbeat_at=now - dt.timedelta(seconds=61)
    )
    swept = jobs.sweep(now)
    assert swept.failed == (job.pk,)
    job.refresh_from_db()
    assert job.status == "failed" and "stopped responding" in job.error
    assert AuditEntry.objects.filter(action="job.abandoned").count() == 1


def test_upload_limits(settings: Any) -> None:
    settings.ORETRACE_UPLOAD_MAX_FILE_BYTES = 10
    with pytest.raises(UploadError, match="big.xlsx: larger than the upload limit"):
        receive_upload([UploadedFile("big.xlsx", [b"x" * 11])], 2025, "user:a")
    with pytest.raises(UploadError, match="no file"):
        receive_upload([], 2025, "user:a")
    assert not Job.objects.exists()
    assert list((Path(settings.ORETRACE_UPLOAD_DIR)).iterdir()) == []
