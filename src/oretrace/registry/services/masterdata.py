"""Import master data (suppliers, parts, products, bill of materials, supplier contacts) from
CSV or XLSX.

One file is one transaction: every row is stored or none is (``partial=True`` stores the
good rows and reports the bad ones). Every cell is checked against the model field it fills
before the database sees it; every rejected row is reported with its row number and column.
Rows stream from the file and are written in batches, so memory stays bounded on any size.
Each import, stored or rejected, leaves one audit entry with its counts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from django.db import DatabaseError, transaction

from oretrace.registry.services.audit import record
from oretrace.registry.services.masterdata_batches import BomRows, PartRows
from oretrace.registry.services.masterdata_checks import (
    COLUMNS,
    Problems,
    Rejections,
    Row,
    RowCheck,
    RowError,
    quantity_limits,
)
from oretrace.registry.services.masterdata_contacts import ContactRows
from oretrace.registry.services.masterdata_records import Counts, ProductRows, SupplierRows
from oretrace.registry.services.tables import Table, TableError, delimiter_from_option, open_table

KINDS = tuple(COLUMNS)

__all__ = [
    "COLUMNS",
    "KINDS",
    "ImportResult",
    "MasterDataError",
    "RowError",
    "import_master_data",
    "iter_errors",
    "quantity_limits",
]


class MasterDataError(Exception):
    """The file as a whole cannot be imported (unreadable, unclear encoding, missing columns);
    nothing was stored."""

    def __init__(self, message: str, code: str = "unreadable") -> None:
        super().__init__(message)
        self.code = code


class _Writer(Protocol):
    def add(self, number: int, row: Row, problems: Problems) -> None: ...
    def flush(self) -> None: ...


@dataclass(slots=True)
class ImportResult:
    kind: str
    file: str
    partial: bool = False
    sha256: str = ""
    format: str = ""
    encoding: str | None = None
    delimiter: str | None = None
    rows: int = 0
    counts: Counts = field(default_factory=Counts)
    rejections: Rejections = field(default_factory=Rejections)
    stored: bool = False

    @property
    def created(self) -> int:
        return self.counts.created if self.stored else 0

    @property
    def updated(self) -> int:
        return self.counts.updated if self.stored else 0

    @property
    def unchanged(self) -> int:
        return self.counts.unchanged if self.stored else 0

    @property
    def rejected(self) -> int:
        return self.rejections.rows

    @property
    def errors(self) -> list[RowError]:
        return list(self.rejections)

    def summary(self) -> dict[str, object]:
        """The counts, as the audit entry and ``--json`` show them."""
        return {
            "kind": self.kind,
            "file": self.file,
            "sha256": self.sha256,
            "format": self.format,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "partial": self.partial,
            "stored": self.stored,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
        }

    def as_json(self) -> dict[str, object]:
        return {**self.summary(), "errors": [e.as_json() for e in self.rejections], "error": None}


def import_master_data(
    kind: str,
    path: Path,
    actor: str,
    *,
    partial: bool = False,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> ImportResult:
    """Import one file of ``kind``; raises MasterDataError when the file cannot be read at
    all (then nothing is stored and the refusal is audited)."""
    if kind not in COLUMNS:
        raise MasterDataError(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}", "kind")
    result = ImportResult(kind, str(path), partial)
    try:
        if not path.is_file():  # a FIFO would block the hash below; a folder is no table
            raise MasterDataError(f"{path.name} is not a regular file", "unreadable")
        result.sha256 = _sha256(path)
        table = open_table(
            path,
            {c.name for c in COLUMNS[kind]},
            encoding,
            delimiter_from_option(delimiter) if delimiter else None,
        )
        result.format, result.encoding, result.delimiter = (
            table.format,
            table.encoding,
            table.delimiter,
        )
        index = _column_index(kind, table)
        _store(kind, table, index, result, actor)
    except (TableError, MasterDataError, DatabaseError, OSError) as exc:
        failure = _failure(exc)
        _audit_refusal(actor, result, failure)
        result.rejections.close()
        raise failure from exc
    if not result.stored:
        _audit_refusal(actor, result, None)
    return result


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _failure(exc: Exception) -> MasterDataError:
    if isinstance(exc, MasterDataError):
        return exc
    if isinstance(exc, TableError):
        return MasterDataError(str(exc), exc.code)
    if isinstance(exc, DatabaseError):
        return MasterDataError(
            f"the database refused the import, nothing stored: {exc}", "database"
        )
    assert isinstance(exc, OSError)
    return MasterDataError(f"cannot read the file: {exc.strerror or exc}", "unreadable")


def _column_index(kind: str, table: Table) -> dict[str, int]:
    name = Path(table.path).name
    index: dict[str, int] = {}
    for position, column in enumerate(table.header):
        if not column:
            continue
        if column in index:
            raise MasterDataError(
                f"{name}: column {column!r} appears twice (columns {index[column] + 1} "
                f"and {position + 1})",
                "header",
            )
        index[column] = position
    missing = [c.name for c in COLUMNS[kind] if c.required and c.name not in index]
    if missing:
        found = ", ".join(c for c in table.header if c) or "nothing"
        raise MasterDataError(
            f"{name} lacks required column(s) {', '.join(missing)} (header has: {found[:200]})",
            "missing_columns",
        )
    return index


def _store(
    kind: str, table: Table, index: dict[str, int], result: ImportResult, actor: str
) -> None:
    check = RowCheck(COLUMNS[kind], index)
    with transaction.atomic():
        writer = _writer(kind, result)
        for number, cells in table.rows():
            result.rows += 1
            writer.add(number, *check(cells))
        writer.flush()
        result.stored = result.partial or result.rejected == 0
        if not result.stored:
            transaction.set_rollback(True)
            return
        record(actor, f"masterdata.{kind}.imported", None, **result.summary())


def _writer(kind: str, result: ImportResult) -> _Writer:
    if kind == "suppliers":
        return SupplierRows(result.rejections, result.counts)
    if kind == "products":
        return ProductRows(result.rejections, result.counts)
    if kind == "parts":
        return PartRows(result.rejections, result.counts)
    if kind == "contacts":
        return ContactRows(result.rejections, result.counts)
    return BomRows(result.rejections, result.counts)


def _audit_refusal(actor: str, result: ImportResult, failure: MasterDataError | None) -> None:
    """A refused file changes nothing, but the attempt is evidence too: its own entry."""
    data = result.summary()
    if failure is not None:
        data["error"] = {"code": failure.code, "message": str(failure)[:500]}
    with transaction.atomic():
        record(actor, f"masterdata.{result.kind}.rejected", None, **data)


def iter_errors(result: ImportResult) -> Iterator[str]:
    for error in result.rejections:
        yield f"row {error.row}, column {error.column}: {error.message}"
