"""Upload batches: files people drop in the web app, ingested by a background job.

:func:`receive_upload` writes the files to a scratch folder of their own inside the data
folder (``ORETRACE_UPLOAD_DIR``, never served) and queues one ingest job keyed by the batch.
:func:`run_ingest_job` (in the worker) calls :func:`~oretrace.registry.services.ingest.ingest`
and reports per file: new, already known or unreadable, findings, and the declaration.
Running it again never doubles anything: ingest skips files whose bytes the period holds, and
the job remembers which files were known before its first attempt.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Count, Q

from oretrace.registry.models import Declaration, GroupCompany, Job, ReportingPeriod, Supplier
from oretrace.registry.services import jobs
from oretrace.registry.services.ingest import ingest

_UNSAFE = re.compile(r"[^\w.\- ]+")


class UploadError(ValueError):
    """The upload was refused (too large, too many files, no files)."""


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A file as the web layer hands it over: its name and its bytes, in chunks."""

    name: str
    chunks: Iterable[bytes]


def receive_upload(
    files: Iterable[UploadedFile],
    year: int,
    owner: str,
    group_company: GroupCompany | None = None,
) -> Job:
    """Keep ``files`` in a fresh scratch folder and queue their ingest for period ``year``."""
    batch = keep_files(files)
    try:
        return queue_ingest(batch, year, owner, group_company)
    except BaseException:
        batch.discard()
        raise


@dataclass(frozen=True, slots=True)
class KeptBatch:
    """Files kept in a scratch folder of their own, waiting for their ingest job."""

    batch: str
    folder: Path
    names: list[str]
    originals: list[str]

    def paths(self) -> list[Path]:
        return [self.folder / name for name in self.names]

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def keep_files(files: Iterable[UploadedFile]) -> KeptBatch:
    """Write ``files`` to a fresh scratch folder (size and count limited; nothing is left
    behind when one is refused)."""
    batch = uuid.uuid4().hex
    folder = upload_dir() / batch
    folder.mkdir(parents=True)
    names: list[str] = []
    originals: list[str] = []
    try:
        for number, item in enumerate(files, start=1):
            if number > settings.ORETRACE_UPLOAD_MAX_BATCH_FILES:
                raise UploadError(
                    f"at most {settings.ORETRACE_UPLOAD_MAX_BATCH_FILES} files per upload"
                )
            names.append(_write(folder, number, item))
            originals.append(original_name(item.name))
        if not names:
            raise UploadError("no file was uploaded")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return KeptBatch(batch, folder, names, originals)


def queue_ingest(
    batch: KeptBatch,
    year: int,
    owner: str,
    group_company: GroupCompany | None = None,
    *,
    kind: str = "ingest",
    extra: dict[str, Any] | None = None,
) -> Job:
    """Queue the ingest job of a kept batch (``kind`` names a handler that calls
    :func:`run_ingest_job`; ``extra`` parameters are kept with the job)."""
    ReportingPeriod.for_year(year)
    return jobs.queue(
        kind,
        f"{kind}:upload:{batch.batch}",
        owner,
        {"batch": batch.batch, "year": year, "files": batch.names, **(extra or {})},
        group_company=group_company,
        total=len(batch.names),
    )


def upload_dir() -> Path:
    return Path(settings.ORETRACE_UPLOAD_DIR)


def original_name(name: str) -> str:
    """The file's own name, without any folder a browser may send."""
    return Path(name.replace("\\", "/")).name


def _write(folder: Path, number: int, item: UploadedFile) -> str:
    limit = settings.ORETRACE_UPLOAD_MAX_FILE_BYTES
    original = original_name(item.name)
    safe = _UNSAFE.sub("_", original).strip(" .")[:150] or "file"
    name = f"{number:04d}-{safe}"
    size = 0
    with (folder / name).open("wb") as handle:
        for chunk in item.chunks:
            size += len(chunk)
            if size > limit:
                raise UploadError(
                    f"{original}: larger than the upload limit of {limit // (1024 * 1024)} MB"
                )
            handle.write(chunk)
    return name


def run_ingest_job(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    """The worker's half: ingest the batch, then describe what became of every file."""
    params = job.params
    folder = upload_dir() / params["batch"]
    year = int(params["year"])
    period = ReportingPeriod.for_year(year)
    paths = [folder / n for n in params["files"] if (folder / n).is_file()]
    digests = {p.name: _sha256(p) for p in paths}
    if "known_before" not in params:
        params["known_before"] = sorted(_known(period, set(digests.values())))
        Job.objects.filter(pk=job.pk).update(params=params)
    known_before = set(params["known_before"])
    known_files = sum(1 for d in digests.values() if d in known_before)
    progress.update(done=known_files, total=len(params["files"]), stage="reading")
    supplier = Supplier.objects.filter(pk=params.get("supplier") or 0).first()
    summary = ingest(
        paths,
        year,
        job.owner,
        workers=1,
        on_file=lambda _r: progress.advance(),
        supplier=supplier,
    )
    progress.update(done=len(paths), stage="summarising")
    files = describe_files(period, params["files"], digests, known_before)
    shutil.rmtree(folder, ignore_errors=True)
    return {"summary": summary.as_json(), "files": files}


def describe_files(
    period: ReportingPeriod,
    names: list[str],
    digests: dict[str, str],
    known_before: set[str],
) -> list[dict[str, Any]]:
    """One row per uploaded file: outcome, status, error, findings, declaration."""
    declarations = {
        d.stored_file.sha256: d
        for d in Declaration.objects.filter(
            period=period, stored_file__sha256__in=set(digests.values())
        )
        .select_related("stored_file")
        .annotate(
            errors=Count("findings", filter=Q(findings__severity="error")),
            warnings=Count("findings", filter=Q(findings__severity="warning")),
        )
    }
    rows = []
    for name in names:
        digest = digests.get(name, "")
        declaration = declarations.get(digest)
        row: dict[str, Any] = {
            "name": name[5:],
            "sha256": digest,
            "outcome": "already_known" if digest in known_before else "new",
            "declaration": declaration.pk if declaration else None,
            "status": declaration.status if declaration else "missing",
            "error_code": declaration.error_code if declaration else "not_ingested",
            "company": declaration.company_name if declaration else "",
            "errors": getattr(declaration, "errors", 0),
            "warnings": getattr(declaration, "warnings", 0),
        }
        if declaration is not None and declaration.status == Declaration.Status.UNREADABLE:
            row["outcome"] = "error"
        rows.append(row)
    return rows


def _known(period: ReportingPeriod, digests: set[str]) -> set[str]:
    return set(
        Declaration.objects.filter(period=period, stored_file__sha256__in=digests).values_list(
            "stored_file__sha256", flat=True
        )
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
