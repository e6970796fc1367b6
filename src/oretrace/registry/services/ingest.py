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
from oretrace.cmrt.batch import collect_files, map_checked
from oretrace.cmrt.check import FileCheck
from oretrace.cmrt.errors import ErrorCode, WorkbookError
from oretrace.cmrt.export import product_json
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
from oretrace.registry.services.audit import record, record_many
from oretrace.registry.services.files import (
    Original,
    store_files,
    sweep_partial_files,
    write_partial,
)
from oretrace.registry.services.locking import retried, serialise
from oretrace.registry.services.reference import identifier
from oretrace.registry.services.rows import insert_rows
from oretrace.registry.services.suppliers import (
    find_or_create_suppliers,
    find_supplier,
    supplier_lock_keys,
)
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


#: Files written per transaction: their rows go in with one bulk insert per table.
BATCH_FILES = 16
#: ... or fewer, when their smelter rows reach this many.
BATCH_ROWS = 2000


def ingest(
    paths: Iterable[Path],
    year: int,
    actor: str,
    password: str | None = None,
    workers: int | None = None,
    on_file: Callable[[FileCheck], None] | None = None,
    supplier: Supplier | None = None,
) -> IngestSummary:
    """Check and store every workbook under ``paths`` for reporting period ``year``.

    ``supplier``, when given, is who the files come from (a portal link says so): their
    declarations are filed under it whatever company the files name, and a file naming
    another company gets the warning ``supplier_name_differs``.

    Reading, checking and identifying run in worker processes on every core (the smelter
    reference is built once, here, and handed to each worker); this process writes, a batch
    of files per transaction, so a database has one writer per ingest.
    """
    started = time.perf_counter()
    paths = list(paths)
    sweep_partial_files()
    period = ReportingPeriod.for_year(year)
    roots = resolve_roots(paths)
    limits = Limits(max_file_bytes=settings.ORETRACE_MAX_FILE_BYTES)
    files = collect_files(paths)
    summary = IngestSummary(period=year, files=len(files))
    ident = identifier()  # loads the shipped reference on first use: before the recorder
    recorder = _Recorder(period, actor, summary, roots, limits, supplier)
    known = recorder.known_files()
    identify = _Identify(ident, known)
    done = (lambda c: on_file(c.result)) if on_file else None
    batch: list[_Checked] = []
    for checked in map_checked(files, identify, password, workers, done, roots, limits, known):
        if checked.known:
            recorder.already_known(checked.result)
            continue
        batch.append(checked)
        if len(batch) >= BATCH_FILES or sum(len(c.identified) for c in batch) >= BATCH_ROWS:
            recorder.record(batch)
            batch = []
    recorder.record(batch)
    summary.seconds = time.perf_counter() - started
    record(actor, "ingest.finished", None, **summary.as_json())
    return summary


@dataclass(slots=True)
class _Checked:
    """A file as a worker leaves it: checked, its smelter rows identified and, when
    ``written``, its bytes written beside their stored name (see :func:`write_partial`)."""

    result: FileCheck
    identified: list[Identification]
    size: int = 0
    written: str | None = None  # where the worker wrote the bytes (see write_partial)
    known: bool = False  # this period holds these bytes already: not checked, not kept


class _Identify:
    """In a worker: write a checked file's bytes beside storage (see :func:`write_partial`)
    and identify its smelter rows (with the reference built once).

    Suppliers repeat the same smelter rows thousands of times: answers are kept per process
    by the row as written.
    """

    def __init__(self, ident: Identifier, files: frozenset[str] = frozenset()) -> None:
        self.ident = ident
        self.known: dict[SmelterQuery, Identification] = {}
        self.files = files  # sha256 of the files the period holds
        self.writer = os.getpid()  # built in the writer: it renames what the workers write

    def __call__(self, result: FileCheck, data: bytes | None) -> _Checked:
        if result.sha256 is not None and result.sha256 in self.files:
            return _Checked(result, [], known=True)
        size, written = 0, None
        if data is not None and result.sha256 is not None:
            size, written = len(data), write_partial(result.sha256, data, self.writer)
        if result.declaration is None or result.error is not None:
            return _Checked(result, [], size, written)
        identified = self._rows([_query(r) for r in result.declaration.smelters])
        return _Checked(result, identified, size, written)

    def _rows(self, queries: list[SmelterQuery]) -> list[Identification]:
        """The file's rows, the ones not seen before in this process identified together
        (:meth:`Identifier.identify_distinct`, the same answers as one by one)."""
        known = self.known
        fresh: dict[SmelterQuery, None] = {}
        for query in queries:
            try:
                if query not in known:
                    fresh[query] = None
            except TypeError:  # a cell value that cannot be a key: identified alone below
                pass
        if fresh:
            known.update(zip(fresh, self.ident.identify_distinct(list(fresh)), strict=True))
        return [self._one(query) for query in queries]

    def _one(self, query: SmelterQuery) -> Identification:
        try:
            found = self.known.get(query)
        except TypeError:  # a cell value that cannot be a key
            return self.ident.identify(query)
        if found is None:
            found = self.known[query] = self.ident.identify(query)
        return found


@dataclass(slots=True)
class _Ready:
    """A file whose bytes are kept (by the worker) or were read again here and match what
    the worker checked."""

    checked: _Checked
    original: Original
    path: Path
    sha256: str


@dataclass(slots=True)
class _Written:
    declarations: list[tuple[_Ready, Declaration]] = field(default_factory=list)
    already_known: int = 0
    tally: IngestSummary = field(default_factory=lambda: IngestSummary(period=0))


class _Recorder:
    def __init__(
        self,
        period: ReportingPeriod,
        actor: str,
        summary: IngestSummary,
        roots: tuple[str, ...],
        limits: Limits,
        supplier: Supplier | None = None,
    ) -> None:
        self.period, self.actor, self.summary = period, actor, summary
        self.supplier = supplier
        self.roots, self.limits = roots, limits
        self.smelter_pks: dict[str, int] = dict(
            ReferenceSmelter.objects.values_list("smelter_id", "pk")
        )
        self.open_rejections = set(
            RejectedFile.objects.filter(period=period, resolved_by=None).values_list(
                "path_key", flat=True
            )
        )

    def known_files(self) -> frozenset[str]:
        """The sha256 of every file this period already holds: the workers read and hash
        such a file but do not check it again, and it is counted as already known."""
        return frozenset(
            StoredFile.objects.filter(declarations__period=self.period).values_list(
                "sha256", flat=True
            )
        )

    def already_known(self, result: FileCheck) -> None:
        """Count a file whose bytes this period holds; it resolves its path's rejection."""
        self.summary.already_known += 1
        path = Path(result.file)
        if result.sha256 is not None and _path_key(path) in self.open_rejections:
            self._resolve_known(path, result.sha256)

    def record(self, batch: list[_Checked]) -> None:
        """Store a batch of checked files in one transaction; record those unreadable."""
        ready: list[_Ready] = []
        for checked in batch:
            item = self._reread(checked)
            if item is not None:
                ready.append(item)
        if not ready:
            return
        written = retried(lambda: self._write(ready))
        self.summary.already_known += written.already_known
        self.summary.new += len(written.declarations)
        self.summary.add(written.tally)

    def _reread(self, checked: _Checked) -> _Ready | None:
        """The bytes to store: already kept by the worker, else read again here and the
        same as the worker checked."""
        result = checked.result
        path = Path(result.file)
        if result.sha256 is None:  # never read: there are no bytes to keep
            self._reject(path, result.error or _unreadable("The file could not be read."))
            return None
        if checked.written is not None:
            original = Original(result.sha256, path.name, checked.size, written=checked.written)
            return _Ready(checked, original, path, result.sha256)
        try:
            data = read_file(path, self.roots, self.limits.max_file_bytes)
        except WorkbookError as exc:
            self._reject(path, exc)
            return None
        if hashlib.sha256(data).hexdigest() != result.sha256:
            self._reject(path, _unreadable("The file changed while it was read; ingest it again."))
            return None
        return _Ready(
            checked, Original(result.sha256, path.name, len(data), data), path, result.sha256
        )

    def _write(self, ready: list[_Ready]) -> _Written:
        """Several files in one transaction: their stored bytes (written and flushed to disk
        side by side, all before the transaction commits), their declarations and all their
        rows (one bulk insert per table), revisions renumbered once per supplier and scope
        that has more than its first revision, one audit entry per declaration (the chain
        head moved once)."""
        written = _Written(tally=IngestSummary(period=self.summary.period))
        children = _Children()
        with transaction.atomic():
            serialise(
                *(f"file:{item.sha256}" for item in ready),
                *_supplier_keys(ready, self.supplier),
            )
            stored = store_files([item.original for item in ready])
            existing = {
                d.stored_file_id: d
                for d in Declaration.objects.filter(
                    period=self.period, stored_file__in=[s.pk for s in stored.values()]
                ).only("pk", "stored_file_id")
            }
            taken: set[str] = set()
            fresh: list[_Ready] = []
            for item in ready:
                found = existing.get(stored[item.sha256].pk)
                if found is not None or item.sha256 in taken:
                    written.already_known += 1
                    if found is not None:
                        self._resolve(item.path, found)
                    continue
                taken.add(item.sha256)
                fresh.append(item)
            suppliers = self._suppliers(fresh)
            for item in fresh:
                declaration = self._declaration(
                    item.checked,
                    stored[item.sha256],
                    children,
                    written.tally,
                    suppliers.get(id(item), (None, False)),
                )
                written.declarations.append((item, declaration))
            Declaration.objects.bulk_create([d for _, d in written.declarations])
            for item, declaration in written.declarations:
                self._resolve(item.path, declaration)
            children.insert()
            for supplier, scope_key, added in children.revision_groups():
                written.tally.superseded += _renumber(self.period, supplier, scope_key, added)
            record_many(
                self.actor,
                "declaration.ingested",
                [
                    (
                        declaration,
                        {
                            "file": item.checked.result.file,
                            "sha256": item.sha256,
                            "status": declaration.status,
                        },
                    )
                    for item, declaration in written.declarations
                ],
            )
        return written

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

    def _suppliers(self, fresh: list[_Ready]) -> dict[int, tuple[Supplier | None, bool]]:
        """The supplier of each readable new file (by ``id`` of the item) and whether it was
        created: looked up and created together, in file order (no supplier given)."""
        if self.supplier is not None:
            return {}
        readable = [
            (item, read)
            for item in fresh
            if (read := item.checked.result.declaration) is not None
            and item.checked.result.error is None
        ]
        found = find_or_create_suppliers(
            [(r.company_value("company_name"), r.company_value("unique_id")) for _, r in readable]
        )
        return {id(item): answer for (item, _), answer in zip(readable, found, strict=True)}

    def _declaration(
        self,
        checked: _Checked,
        stored: StoredFile,
        children: _Children,
        tally: IngestSummary,
        found: tuple[Supplier | None, bool],
    ) -> Declaration:
        result = checked.result
        base = {"period": self.period, "stored_file": stored, "source_path": result.file[:1000]}
        if result.error is not None or result.declaration is None:
            tally.unreadable += 1
            error = result.error
            return Declaration(
                **base,
                status=Declaration.Status.UNREADABLE,
                error_code=error.code.value if error else "corrupt",
                error_message=error.message if error else "",
            )
        read = result.declaration
        named, named_id = read.company_value("company_name"), read.company_value("unique_id")
        differs = False
        supplier: Supplier | None
        if self.supplier is not None:
            supplier, created = self.supplier, False
            differs = find_supplier(named, named_id) != supplier
        else:
            supplier, created = found
        tally.suppliers_created += int(created)
        errors = any(f.severity is Severity.ERROR for f in result.findings)
        tally.with_findings += int(errors)
        scope, scope_key = _scope(read)
        declaration = Declaration(
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
        self._children(declaration, checked, children, tally, supplier_created=created)
        if differs and supplier is not None:
            children.findings.append(
                _warning(
                    declaration,
                    code="supplier_name_differs",
                    message=f"The file names {declaration.company_name or 'no company'!r}; "
                    f"it was sent for {supplier.name!r} and filed under that supplier.",
                )
            )
        if supplier is not None:
            children.revised(supplier, scope_key, created)
        return declaration

    def _children(
        self,
        declaration: Declaration,
        checked: _Checked,
        children: _Children,
        tally: IngestSummary,
        supplier_created: bool,
    ) -> None:
        read = checked.result.declaration
        assert read is not None
        children.findings += [
            (declaration, f.code, f.severity.value, f.cell or "", f.message)
            for f in checked.result.findings
        ]
        if supplier_created:
            children.findings.append(
                _warning(
                    declaration,
                    code="supplier_created",
                    message=f"No known supplier matches {declaration.company_name!r}; one "
                    "was created and flagged unverified.",
                )
            )
        children.products += [
            (
                declaration,
                p.row,
                (p.get("number") or "")[:255],
                (p.get("name") or "")[:500],
            )
            for p in read.products
        ]
        children.smelters += [
            self._smelter(declaration, r, i, tally)
            for r, i in zip(read.smelters, checked.identified, strict=True)
        ]

    def _smelter(
        self,
        declaration: Declaration,
        row: SmelterRow,
        found: Identification,
        tally: IngestSummary,
    ) -> tuple[Any, ...]:
        tally.smelter_rows += 1
        tally.decisions[found.decision.value] += 1
        return (
            declaration,
            row.row,
            canonical_metal(row.metal) or "",
            (row.smelter_id or "")[:50],
            (row.name or "")[:500],
            (row.country or "")[:100],
            self.smelter_pks.get(found.smelter_id or ""),
            found.method.value,
            found.score,
            found.decision.value,
            found.reason,
            found.to_json()["candidates"],
            [f.value for f in found.flags],
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


def _warning(declaration: Declaration, *, code: str, message: str) -> tuple[Any, ...]:
    """A warning the registry adds about the file's company (cell D8), as a finding row of
    :class:`_Children` (its ``code=`` literal is how tests find the registry's own codes)."""
    return (declaration, code, "warning", "'Declaration'!D8", message)


class _Children:
    """The rows of a batch's declarations, inserted together, and the revision groups.

    Rows are tuples in the order of :data:`FINDING_COLUMNS`, :data:`PRODUCT_COLUMNS` and
    :data:`SMELTER_COLUMNS`, their declaration first (its key is known once inserted)."""

    def __init__(self) -> None:
        self.findings: list[tuple[Any, ...]] = []
        self.products: list[tuple[Any, ...]] = []
        self.smelters: list[tuple[Any, ...]] = []
        self.groups: Counter[tuple[int, str]] = Counter()
        self.suppliers: dict[int, Supplier] = {}
        self.created: set[int] = set()  # suppliers created in this batch

    def revised(self, supplier: Supplier, scope_key: str, created: bool) -> None:
        self.groups[supplier.pk, scope_key] += 1
        self.suppliers[supplier.pk] = supplier
        if created:
            self.created.add(supplier.pk)

    def revision_groups(self) -> list[tuple[Supplier, str, int]]:
        """The groups to renumber, sorted by supplier, so two writers lock supplier rows in
        the same order. A supplier created in this batch with one declaration in a scope has
        nothing to renumber there: that declaration is its first revision, current and
        superseding nothing, as it was created (the supplier is new, so no other
        declaration of it exists)."""
        return [
            (self.suppliers[pk], key, n)
            for (pk, key), n in sorted(self.groups.items())
            if n > 1 or pk not in self.created
        ]

    def insert(self) -> None:
        """Insert the rows, in the order they were added (the declarations have keys now)."""
        for model, columns, rows in (
            (Finding, FINDING_COLUMNS, self.findings),
            (DeclarationProduct, PRODUCT_COLUMNS, self.products),
            (DeclarationSmelter, SMELTER_COLUMNS, self.smelters),
        ):
            insert_rows(model, columns, [(row[0].pk, *row[1:]) for row in rows])


FINDING_COLUMNS = ("declaration_id", "code", "severity", "cell", "message")
PRODUCT_COLUMNS = ("declaration_id", "row", "number", "name")
SMELTER_COLUMNS = (
    "declaration_id",
    "row",
    "metal",
    "reported_id",
    "name",
    "country",
    "smelter_id",
    "method",
    "score",
    "decision",
    "reason",
    "candidates",
    "conflicts",
)


def _supplier_keys(ready: list[_Ready], supplier: Supplier | None = None) -> list[str]:
    """The supplier lock keys a batch may need, taken up front with its files' keys."""
    if supplier is not None:
        return [f"supplier:{supplier.pk}"]
    keys: list[str] = []
    for item in ready:
        read = item.checked.result.declaration
        if read is None or item.checked.result.error is not None:
            continue
        keys += supplier_lock_keys(
            read.company_value("company_name"), read.company_value("unique_id")
        )
    return keys


def apply_revisions(period: ReportingPeriod, supplier: Supplier, scope_key: str) -> int:
    """Number the revisions of one supplier and scope; the newest is current, others kept.

    The supplier's row is locked first (PostgreSQL), so two ingests adding revisions of the
    same supplier at once number them one after the other, each seeing the other's.
    Returns 1 when the newest revision supersedes another.
    """
    return 1 if _renumber(period, supplier, scope_key, added=1) else 0


def _renumber(period: ReportingPeriod, supplier: Supplier, scope_key: str, added: int) -> int:
    """Renumber; how many of the ``added`` newest-arrived revisions superseded another."""
    with transaction.atomic():
        Supplier.objects.select_for_update(no_key=True).filter(pk=supplier.pk).first()
        revisions = list(
            Declaration.objects.filter(period=period, supplier=supplier, scope_key=scope_key)
            .exclude(status=Declaration.Status.UNREADABLE)
            # what the numbering reads and writes, not the declarations' JSON documents
            .only("pk", "effective_date", "revision_number", "supersedes_id", "is_current")
        )
        revisions.sort(key=lambda d: (d.effective_date or dt.date.min, d.pk))
        previous: Declaration | None = None
        for number, item in enumerate(revisions, start=1):
            item.revision_number = number
            item.supersedes = previous
            item.is_current = number == len(revisions)
            previous = item
        Declaration.objects.bulk_update(revisions, ["revision_number", "supersedes", "is_current"])
    return min(added, len(revisions) - 1)


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
    content = _declaration_content(read)
    extras = [item for item in map(product_json, read.products) if len(item) > 3]
    if extras:  # requester's numbers and names, newer revisions' columns: kept, not lost
        content["product_extras"] = extras
        content["extra_columns"] = read.extra_columns
    if read.mines:  # EMRT 2.x / AMRT Mine List
        content["mines"] = [
            {"row": m.row, **{k: f.value for k, f in m.fields.items() if f.value is not None}}
            for m in read.mines
        ]
    return content


def _declaration_content(read: ReadDeclaration) -> dict[str, Any]:
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
