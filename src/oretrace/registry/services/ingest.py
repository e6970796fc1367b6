"""Ingest supplier files: check them, keep the original, store the declaration as a revision.

The same file twice is one declaration (sha256); a newer file from the same supplier and
scope supersedes the older, which is kept. A bad file is recorded with its error and never
stops the batch.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from oretrace.cmrt.answers import SCOPES, SCOPES_2X
from oretrace.cmrt.batch import check_files, collect_files
from oretrace.cmrt.check import FileCheck
from oretrace.cmrt.findings import Severity
from oretrace.cmrt.model import Declaration as ReadDeclaration
from oretrace.cmrt.model import SmelterRow
from oretrace.cmrt.normalise import canonical_metal
from oretrace.registry.models import (
    Declaration,
    DeclarationProduct,
    DeclarationSmelter,
    Finding,
    ReferenceSmelter,
    ReportingPeriod,
    StoredFile,
    Supplier,
)
from oretrace.registry.services.audit import record
from oretrace.registry.services.files import store_file
from oretrace.registry.services.reference import identifier
from oretrace.registry.services.suppliers import find_or_create_supplier
from oretrace.smelters import Identification, Identifier, SmelterQuery, query_from_row

_PRODUCT_SCOPES = {SCOPES[1], SCOPES_2X[3]}
_USER_SCOPES = {SCOPES[2], SCOPES_2X[1], SCOPES_2X[2]}


@dataclass(slots=True)
class IngestSummary:
    period: int
    files: int = 0
    new: int = 0
    already_known: int = 0
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
            "unreadable": self.unreadable,
            "with_findings": self.with_findings,
            "suppliers_created": self.suppliers_created,
            "superseded": self.superseded,
            "smelter_rows": self.smelter_rows,
            "identification": dict(self.decisions),
            "seconds": round(self.seconds, 2),
        }


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
    period = ReportingPeriod.for_year(year)
    files = collect_files(paths)
    summary = IngestSummary(period=year, files=len(files))
    fresh = _not_yet_ingested(files, period)
    summary.already_known = len(files) - len(fresh)
    recorder = _Recorder(period, identifier(), actor, summary)
    for result in check_files(fresh, password, workers, on_done=on_file):
        recorder.record(result)
    summary.seconds = time.perf_counter() - started
    record(actor, "ingest.finished", None, **summary.as_json())
    return summary


def _not_yet_ingested(files: list[Path], period: ReportingPeriod) -> list[Path]:
    """Skip files whose bytes this period already holds, without reading them as workbooks."""
    known = set(
        StoredFile.objects.filter(declarations__period=period).values_list("sha256", flat=True)
    )
    if not known:
        return files
    return [f for f in files if _sha256(f) not in known]


def _sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


class _Recorder:
    def __init__(
        self, period: ReportingPeriod, ident: Identifier, actor: str, summary: IngestSummary
    ) -> None:
        self.period, self.ident, self.actor, self.summary = period, ident, actor, summary
        self.smelter_pks: dict[str, int] = dict(
            ReferenceSmelter.objects.values_list("smelter_id", "pk")
        )

    def record(self, result: FileCheck) -> None:
        try:
            data = Path(result.file).read_bytes()
        except OSError:
            data = b""
        with transaction.atomic():
            stored, _ = store_file(data, Path(result.file).name)
            if Declaration.objects.filter(period=self.period, stored_file=stored).exists():
                self.summary.already_known += 1
                return
            declaration = self._declaration(result, stored)
            record(
                self.actor,
                "declaration.ingested",
                declaration,
                file=result.file,
                sha256=stored.sha256,
                status=declaration.status,
            )
        self.summary.new += 1

    def _declaration(self, result: FileCheck, stored: StoredFile) -> Declaration:
        base = {"period": self.period, "stored_file": stored, "source_path": result.file[:1000]}
        if result.error is not None or result.declaration is None:
            self.summary.unreadable += 1
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
        self.summary.suppliers_created += int(created)
        errors = any(f.severity is Severity.ERROR for f in result.findings)
        self.summary.with_findings += int(errors)
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
        self._children(declaration, result, supplier_created=created)
        if supplier is not None:
            self.summary.superseded += apply_revisions(self.period, supplier, scope_key)
        return declaration

    def _children(
        self, declaration: Declaration, result: FileCheck, supplier_created: bool
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
        identified = self.ident.identify_many(_query(r) for r in rows)
        DeclarationSmelter.objects.bulk_create(
            [self._smelter(declaration, r, i) for r, i in zip(rows, identified, strict=True)]
        )

    def _smelter(
        self, declaration: Declaration, row: SmelterRow, found: Identification
    ) -> DeclarationSmelter:
        self.summary.smelter_rows += 1
        self.summary.decisions[found.decision.value] += 1
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
    """Number the revisions of one supplier and scope; the newest is current, others kept."""
    revisions = list(
        Declaration.objects.filter(period=period, supplier=supplier, scope_key=scope_key).exclude(
            status=Declaration.Status.UNREADABLE
        )
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
