"""Ingest supplier files: check them, keep the original, store the declaration as a revision.

The same file twice is one declaration (sha256); a newer file from the same supplier and
scope supersedes the older, which is kept. A bad file is recorded with its error and never
stops the batch. Every file given ends as exactly one of: a new declaration, already known
(same bytes), or a :class:`RejectedFile` with a code (it could not be read at all, so nothing
was stored). Each file is stored in one transaction, retried when it loses a race with
another ingest running at once (docs/adr/0006-one-writer-per-database.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from oretrace.cmrt.answers import SCOPES, SCOPES_2X
from oretrace.cmrt.batch import check_files, collect_files
from oretrace.cmrt.check import FileCheck
from oretrace.cmrt.errors import ErrorCode, WorkbookError
from oretrace.cmrt.findings import Severity
from oretrace.cmrt.limits import Limits
from oretrace.cmrt.model import Declaration as ReadDeclaration
from oretrace.cmrt.model import SmelterRow
from oretrace.cmrt.normalise import canonical_metal
from oretrace.cmrt.safe_open import read_file, resolve_roots
from oretrace.registry.models import (
    Declaration,
    DeclarationProduct,
    DeclarationSmelter,
    Finding,
    ReferenceSmelter,
    RejectedFile,
    ReportingPeriod,
    StoredFile,
    Supplier,
)
from oretrace.registry.services.audit import record
from oretrace.registry.services.files import store_file, sweep_partial_files
from oretrace.registry.services.locking import retried, serialise
from oretrace.registry.services.reference import identifier
from oretrace.registry.services.suppliers import find_or_create_supplier
from oretrace.smelters import Identification, Identifier, SmelterQuery, query_from_row

_PRODUCT_SCOPES = {SCOPES[1], SCOPES_2X[3]}
_USER_SCOPES = {SCOPES[2], SCOPES_2X[1], SCOPES_2X[2]}


@dataclass(slots=True)
class IngestSummary:
    """What one ingest did. ``files == new + already_known + errors`` always holds."""

    period: int
    files: int = 0
    new: int = 0
    already_known: int = 0
    errors: int = 0
    error_codes: Counter[str] = field(default_factory=Counter)
    unreadable: int = 0
    with_findings: int = 0
    suppliers_created: int = 0
    superseded: int = 0
    smelter_rows: int = 0
    decisions: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "files": self.files,
            "new": self.new,
            "already_known": self.already_known,
            "errors": self.errors,
            "error_codes": dict(self.error_codes),
            "unreadable": self.unreadable,
            "with_findings": self.with_findings,
            "suppliers_created": self.suppliers_created,
            "superseded": self.superseded,
            "smelter_rows": self.smelter_rows,
            "identification": dict(self.decisions),
            "seconds": round(self.seconds, 2),
        }

    def add(self, other: IngestSummary) -> None:
        """Count one stored file's figures (kept apart until its transaction committed)."""
        self.unreadable += other.unreadable
        self.with_findings += other.with_findings
        self.suppliers_created += other.suppliers_created
        self.superseded += other.superseded
        self.smelter_rows += other.smelter_rows
        self.decisions.update(other.decisions)


def ingest(
    paths: Iterable[Path],
    year: int,
    actor: str,
    password: str | None = None,
    workers: int | None = None,
    on_file: Callable[[FileCheck], None] | None = None,
) -> IngestSummary:
    """Check and store every workbook under ``paths`` for reporting period ``year``."""
    started = time.perf_counter()
    paths = list(paths)
    sweep_partial_files()
    period = ReportingPeriod.for_year(year)
    roots = resolve_roots(paths)
    limits = Limits(max_file_bytes=settings.ORETRACE_MAX_FILE_BYTES)
    files = collect_files(paths)
    summary = IngestSummary(period=year, files=len(files))
    recorder = _Recorder(period, identifier(), actor, summary, roots, limits)
    fresh = recorder.skip_known(files, on_file)
    for result in check_files(fresh, password, workers, on_file, roots=roots, limits=limits):
        recorder.record(result)
    summary.seconds = time.perf_counter() - started
    record(actor, "ingest.finished", None, **summary.as_json())
    return summary


@dataclass(slots=True)
class _Stored:
    stored: StoredFile
    declaration: Declaration | None  # None: these bytes were already a declaration
    tally: IngestSummary


class _Recorder:
    def __init__(
        self,
        period: ReportingPeriod,
        ident: Identifier,
        actor: str,
        summary: IngestSummary,
        roots: tuple[str, ...],
        limits: Limits,
    ) -> None:
        self.period, self.ident, self.actor, self.summary = period, ident, actor, summary
        self.roots, self.limits = roots, limits
        self.smelter_pks: dict[str, int] = dict(
            ReferenceSmelter.objects.values_list("smelter_id", "pk")
        )
        self.open_rejections = set(
            RejectedFile.objects.filter(period=period, resolved_by=None).values_list(
                "path_key", flat=True
            )
        )

    def skip_known(
        self, files: list[Path], on_file: Callable[[FileCheck], None] | None
    ) -> list[Path]:
        """The files to check: those whose bytes this period already holds are counted as
        already known without being parsed again. A file that cannot be read stays in the
        list, to be recorded with its error."""
        known = set(
            StoredFile.objects.filter(declarations__period=self.period).values_list(
                "sha256", flat=True
            )
        )
        if not known:
            return files
        fresh: list[Path] = []
        for path in files:
            try:
                data = read_file(path, self.roots, self.limits.max_file_bytes)
            except WorkbookError:
                fresh.append(path)
                continue
            digest = hashlib.sha256(data).hexdigest()
            if digest not in known:
                fresh.append(path)
                continue
            self.summary.already_known += 1
            if _path_key(path) in self.open_rejections:
                self._resolve_known(path, digest)
            if on_file:
                on_file(FileCheck(str(path), sha256=digest))
        return fresh

    def record(self, result: FileCheck) -> None:
        path = Path(result.file)
        if result.sha256 is None:  # never read: there are no bytes to keep
            self._reject(path, result.error or _unreadable("The file could not be read."))
            return
        try:
            data = read_file(path, self.roots, self.limits.max_file_bytes)
        except WorkbookError as exc:
            self._reject(path, exc)
            return
        if hashlib.sha256(data).hexdigest() != result.sha256:
            self._reject(path, _unreadable("The file changed while it was read; ingest it again."))
            return
        identified = self._identify(result)
        outcome = retried(lambda: self._store(result, data, identified))
        if outcome.declaration is None:
            self.summary.already_known += 1
            return
        declaration, stored = outcome.declaration, outcome.stored
        self.summary.add(outcome.tally)
        self.summary.new += 1
        record(
            self.actor,
            "declaration.ingested",
            declaration,
            file=result.file,
            sha256=stored.sha256,
            status=declaration.status,
        )

    def _identify(self, result: FileCheck) -> list[Identification]:
        """Identify the smelter rows before the transaction, so it holds the lock briefly."""
        if result.declaration is None or result.error is not None:
            return []
        return list(self.ident.identify_many(_query(r) for r in result.declaration.smelters))

    def _store(self, result: FileCheck, data: bytes, identified: list[Identification]) -> _Stored:
        """One file in one transaction: the stored bytes, the declaration and all its rows."""
        path = Path(result.file)
        tally = IngestSummary(period=self.summary.period)
        with transaction.atomic():
            serialise(f"file:{result.sha256}")
            stored, _ = store_file(data, path.name)
            existing = Declaration.objects.filter(period=self.period, stored_file=stored).first()
            if existing is not None:
                self._resolve(path, existing)
                return _Stored(stored, None, tally)
            declaration = self._declaration(result, stored, identified, tally)
            self._resolve(path, declaration)
        return _Stored(stored, declaration, tally)

    def _reject(self, path: Path, error: WorkbookError) -> None:
        """Record a file that could not be read; nothing of it is stored."""
        self.summary.errors += 1
        self.summary.error_codes[error.code.value] += 1
        retried(lambda: self._save_rejection(path, error))

    def _save_rejection(self, path: Path, error: WorkbookError) -> None:
        where = os.path.abspath(path)
        with transaction.atomic():
            row = RejectedFile.objects.filter(period=self.period, path_key=_path_key(path)).first()
            if row is None:
                RejectedFile.objects.create(
                    period=self.period,
                    path=where[:1000],
                    path_key=_path_key(path),
                    code=error.code.value,
                    message=error.message,
                )
                return
            row.code, row.message, row.resolved_by = error.code.value, error.message, None
            row.attempts += 1
            row.save()

    def _resolve(self, path: Path, declaration: Declaration) -> None:
        if _path_key(path) in self.open_rejections:
            RejectedFile.objects.filter(
                period=self.period, path_key=_path_key(path), resolved_by=None
            ).update(resolved_by=declaration)

    def _resolve_known(self, path: Path, sha256: str) -> None:
        found = Declaration.objects.filter(period=self.period, stored_file__sha256=sha256).first()
        if found is not None:
            self._resolve(path, found)

    def _declaration(
        self,
        result: FileCheck,
        stored: StoredFile,
        identified: list[Identification],
        tally: IngestSummary,
    ) -> Declaration:
        base = {"period": self.period, "stored_file": stored, "source_path": result.file[:1000]}
        if result.error is not None or result.declaration is None:
            tally.unreadable += 1
            error = result.error
            return Declaration.objects.create(
                **base,
                status=Declaration.Status.UNREADABLE,
                error_code=error.code.value if error else "corrupt",
                error_message=error.message if error else "",
            )
        read = result.declaration
        supplier, created = find_or_create_supplier(
            read.company_value("company_name"), read.company_value("unique_id")
        )
        tally.suppliers_created += int(created)
        errors = any(f.severity is Severity.ERROR for f in result.findings)
        tally.with_findings += int(errors)
        scope, scope_key = _scope(read)
        declaration = Declaration.objects.create(
            **base,
            supplier=supplier,
            scope=scope,
            scope_key=scope_key,
            scope_text=read.company_value("scope_description") or "",
            status=Declaration.Status.FINDINGS if errors else Declaration.Status.VALID,
            template=read.template,
            version=read.revision,
            company_name=(read.company_value("company_name") or "")[:255],
            effective_date=_date(read.company_value("effective_date")),
            checker_missing=result.checker_missing,
            answers=_answers(read),
            company_answers=_company_answers(read),
            content=_content(read),
        )
        self._children(declaration, result, identified, tally, supplier_created=created)
        if supplier is not None:
            tally.superseded += apply_revisions(self.period, supplier, scope_key)
        return declaration

    def _children(
        self,
        declaration: Declaration,
        result: FileCheck,
        identified: list[Identification],
        tally: IngestSummary,
        supplier_created: bool,
    ) -> None:
        read = result.declaration
        assert read is not None
        findings = [
            Finding(
                declaration=declaration,
                code=f.code,
                severity=f.severity.value,
                cell=f.cell or "",
                message=f.message,
            )
            for f in result.findings
        ]
        if supplier_created:
            findings.append(
                Finding(
                    declaration=declaration,
                    code="supplier_created",
                    severity="warning",
                    cell="'Declaration'!D8",
                    message=f"No known supplier matches {declaration.company_name!r}; one was "
                    "created and flagged unverified.",
                )
            )
        Finding.objects.bulk_create(findings)
        DeclarationProduct.objects.bulk_create(
            [
                DeclarationProduct(
                    declaration=declaration,
                    row=p.row,
                    number=(p.get("number") or "")[:255],
                    name=(p.get("name") or "")[:500],
                )
                for p in read.products
            ]
        )
        rows = read.smelters
        DeclarationSmelter.objects.bulk_create(
            [self._smelter(declaration, r, i, tally) for r, i in zip(rows, identified, strict=True)]
        )

    def _smelter(
        self,
        declaration: Declaration,
        row: SmelterRow,
        found: Identification,
        tally: IngestSummary,
    ) -> DeclarationSmelter:
        tally.smelter_rows += 1
        tally.decisions[found.decision.value] += 1
        return DeclarationSmelter(
            declaration=declaration,
            row=row.row,
            metal=canonical_metal(row.metal) or "",
            reported_id=(row.smelter_id or "")[:50],
            name=(row.name or "")[:500],
            country=(row.country or "")[:100],
            smelter_id=self.smelter_pks.get(found.smelter_id or ""),
            method=found.method.value,
            score=found.score,
            decision=found.decision.value,
            reason=found.reason,
            candidates=found.to_json()["candidates"],
            conflicts=[f.value for f in found.flags],
        )


def _query(row: SmelterRow) -> SmelterQuery:
    return query_from_row(
        row.metal,
        row.get("lookup"),
        row.get("name"),
        row.country,
        row.get("smelter_id"),
        row.get("id_input"),
    )


def apply_revisions(period: ReportingPeriod, supplier: Supplier, scope_key: str) -> int:
    """Number the revisions of one supplier and scope; the newest is current, others kept.

    The supplier's row is locked first (PostgreSQL), so two ingests adding revisions of the
    same supplier at once number them one after the other, each seeing the other's.
    """
    with transaction.atomic():
        Supplier.objects.select_for_update(no_key=True).filter(pk=supplier.pk).first()
        revisions = list(
            Declaration.objects.filter(
                period=period, supplier=supplier, scope_key=scope_key
            ).exclude(status=Declaration.Status.UNREADABLE)
        )
        revisions.sort(key=lambda d: (d.effective_date or dt.date.min, d.pk))
        previous: Declaration | None = None
        for number, item in enumerate(revisions, start=1):
            item.revision_number = number
            item.supersedes = previous
            item.is_current = number == len(revisions)
            previous = item
        Declaration.objects.bulk_update(revisions, ["revision_number", "supersedes", "is_current"])
    return 1 if len(revisions) > 1 else 0


def _scope(read: ReadDeclaration) -> tuple[str, str]:
    value = read.company_value("scope")
    if value in _PRODUCT_SCOPES:
        numbers = sorted({(p.get("number") or "").casefold() for p in read.products})
        return Declaration.Scope.PRODUCT, "product:" + _digest("|".join(numbers))
    if value in _USER_SCOPES:
        text = " ".join((read.company_value("scope_description") or "").casefold().split())
        return Declaration.Scope.USER_DEFINED, "user:" + _digest(text)
    if value is None:
        return Declaration.Scope.UNKNOWN, "company"
    return Declaration.Scope.COMPANY, "company"


def _path_key(path: Path) -> str:
    return hashlib.sha256(os.path.abspath(path).encode("utf-8", "surrogateescape")).hexdigest()


def _unreadable(message: str) -> WorkbookError:
    return WorkbookError(ErrorCode.UNREADABLE_FILE, message)


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:16]


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _answers(read: ReadDeclaration) -> dict[str, dict[str, str | None]]:
    answers: dict[str, dict[str, str | None]] = {}
    for item in read.answers:
        answers.setdefault(item.question, {})[item.mineral] = item.value or item.answer.value
    return answers


def _company_answers(read: ReadDeclaration) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for item in read.company_answers:
        key = item.question if item.mineral is None else f"{item.question}:{item.mineral}"
        result[key] = {"answer": item.value or item.answer.value, "comment": item.comment.value}
    return result


def _content(read: ReadDeclaration) -> dict[str, Any]:
    return {
        "layout": read.layout,
        "language": read.language,
        "minerals": read.minerals,
        "company": {
            name: {"cell": f.address, "raw": _jsonable(f.raw), "value": f.value}
            for name, f in read.company.items()
        },
        "answers": [
            {
                "question": a.question,
                "mineral": a.mineral,
                "cell": a.answer.address,
                "raw": _jsonable(a.answer.raw),
                "value": a.value,
                "comment": a.comment.value,
            }
            for a in read.answers
        ],
    }


def _jsonable(value: object) -> object:
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        return str(value)
    return value
