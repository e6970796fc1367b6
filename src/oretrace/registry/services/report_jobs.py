"""Report sets built in the background: queue a build, list the issued sets, find a document.

Each build writes into its own folder, ``<data dir>/reports/<job id>/``, through
:func:`~oretrace.registry.services.reports.issue_report`. A build that finished once is not
issued again when its job runs a second time: the folder's ``issued.json`` says it is done.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from oretrace.registry.models import Job
from oretrace.registry.services import jobs
from oretrace.registry.services.reports import issue_report

MODES = ("cmr", "rcoi")
_MARKER = "issued.json"


def queue_report(
    year: int, as_of: dt.date | None, mode: str, owner: str, draft: bool = False
) -> Job:
    """Queue one report-set build; every request is a build of its own. A final build that
    is not ready fails with the list of what is missing (``NotReady``), as the CLI does."""
    if mode not in MODES:
        raise jobs.JobError(f"unknown report mode {mode!r}")
    params = {
        "year": year,
        "as_of": as_of.isoformat() if as_of else None,
        "mode": mode,
        "draft": draft,
    }
    key = f"report:{year}:{params['as_of'] or 'today'}:{mode}:{uuid.uuid4().hex}"
    return jobs.queue("report", key, owner, params, total=1)


def reports_dir() -> Path:
    return Path(settings.DATA_DIR) / "reports"


def run_report_job(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    out = reports_dir() / str(job.pk)
    marker = out / _MARKER
    if marker.is_file():
        issued: dict[str, Any] = json.loads(marker.read_text(encoding="utf-8"))
        return issued
    progress.update(done=0, total=1, stage="building")
    params = job.params
    as_of = dt.date.fromisoformat(params["as_of"]) if params.get("as_of") else None
    result = issue_report(
        int(params["year"]),
        out,
        params["mode"],
        job.owner,
        as_of,
        draft=bool(params.get("draft", False)),
    )
    summary = {
        "period": int(params["year"]),
        "mode": params["mode"],
        "draft": bool(params.get("draft", False)),
        "as_of": result.snapshot.as_of.isoformat(),
        "fingerprint": result.snapshot.fingerprint(),
        "files": {
            str(path.relative_to(out)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in result.files
        },
    }
    marker.write_text(json.dumps(summary, indent=2), encoding="utf-8")
    progress.update(done=1, stage="done")
    return summary


@dataclass(frozen=True, slots=True)
class Document:
    name: str
    path: Path
    size: int
    sha256: str


def report_builds() -> QuerySet[Job]:
    """Every report build, newest first (the web narrows it to what a person may see)."""
    return Job.objects.filter(kind="report").order_by("-created_at", "-pk")


def documents(job: Job) -> list[Document]:
    """The files a finished build wrote, by the names its result lists (nothing else)."""
    if job.kind != "report" or job.status != Job.Status.DONE:
        return []
    folder = reports_dir() / str(job.pk)
    found = []
    for name in sorted(job.result.get("files", {})):
        path = (folder / name).resolve()
        if path.is_file() and path.is_relative_to(folder.resolve()):
            found.append(Document(name, path, path.stat().st_size, job.result["files"][name]))
    return found


def document(job: Job, name: str) -> Document | None:
    """One document of a build by exact name, or None (never a path outside its folder)."""
    return next((d for d in documents(job) if d.name == name), None)
