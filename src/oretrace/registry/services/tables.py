"""Read a master-data table row by row: a CSV in any common encoding and separator, or the
first sheet of a workbook. Memory stays bounded for CSV of any size (one row at a time).

The format comes from the file's first bytes (a ZIP or OLE container is a workbook), never
from its name. Pure Python, no Django.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from oretrace.cmrt.normalise import clean_text
from oretrace.registry.services.encodings import (
    Detected,
    EncodingProblem,
    EncodingUnclear,
    check_encoding_name,
    detect,
)

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
DELIMITER_NAMES = {"comma": ",", "semicolon": ";", "tab": "\t", "\\t": "\t"}
CSV_CELL_LIMIT = 1 << 20  # characters; longer cells make the file unreadable (1 MiB)
_WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


class TableError(Exception):
    """The file as a whole cannot be read as a table."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(slots=True)
class Table:
    path: Path
    format: str  # "csv" or "workbook"
    header: list[str]
    encoding: str | None = None  # the label, e.g. "Shift-JIS (cp932)"
    delimiter: str | None = None  # "comma", "semicolon", "tab"
    _rows: Iterator[list[Any]] = field(default_factory=lambda: iter(()))

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(row number as a spreadsheet shows it, header = 1; cleaned cell texts); blank rows
        are skipped but counted."""
        number = 1
        try:
            for values in self._rows:
                number += 1
                cells = [_cell(v) for v in values]
                if any(cells):
                    yield number, cells
        except UnicodeDecodeError as exc:
            raise TableError("encoding", _not_valid(self.path, exc, self.encoding)) from exc
        except csv.Error as exc:
            raise TableError("csv", f"row {number + 1}: {exc}") from exc


def _cell(value: Any) -> str:
    """clean_text, with a fast path for the common cell that is already clean (printable,
    trimmed, single-spaced: clean_text would return it as it is)."""
    if type(value) is not str or not value:
        return clean_text(value) or ""
    if value.isprintable() and "  " not in value and value[0] != " " and value[-1] != " ":
        return value
    return clean_text(value) or ""


def column_key(raw: Any) -> str:
    """Header text as a column name: ``Unique ID`` → ``unique_id``."""
    return (clean_text(raw) or "").casefold().replace(" ", "_")


def delimiter_from_option(option: str) -> str:
    value = DELIMITER_NAMES.get(option.lower(), option)
    if len(value) != 1:
        names = ", ".join(DELIMITER_NAMES)
        raise TableError("delimiter", f"--delimiter takes one character or one of {names}")
    return value


def open_table(
    path: Path,
    known_columns: set[str],
    encoding: str | None = None,
    delimiter: str | None = None,
) -> Table:
    """The table in ``path`` with its header read; its rows stream from :meth:`Table.rows`."""
    if not path.is_file():
        raise TableError("unreadable", f"{path.name} is not a regular file")
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise TableError("unreadable", f"cannot read {path.name}: {exc.strerror}") from exc
    if not head:
        raise TableError("empty", f"{path.name} is empty")
    if head.startswith(_WORKBOOK_MAGIC):
        return _workbook(path)
    return _csv(path, known_columns, encoding, delimiter)


def _workbook(path: Path) -> Table:
    try:
        book = CalamineWorkbook.from_path(str(path))
        rows: Iterator[list[Any]] = iter(book.get_sheet_by_index(0).iter_rows())
    except Exception as exc:  # calamine raises its own types for unreadable workbooks
        raise TableError(
            "not_a_workbook", f"{path.name} cannot be read as a workbook: {exc}"
        ) from exc
    header = next(rows, None)
    if header is None:
        raise TableError("empty", f"{path.name}: the first sheet is empty")
    return Table(path, "workbook", [column_key(h) for h in header], _rows=rows)


def _csv(path: Path, known: set[str], encoding: str | None, delimiter: str | None) -> Table:
    try:
        detected = Detected(check_encoding_name(encoding), "given") if encoding else detect(path)
    except EncodingUnclear as exc:
        raise TableError("encoding_unclear", f"{path.name}: {exc}") from exc
    except EncodingProblem as exc:
        raise TableError("not_text", f"{path.name}: {exc}") from exc
    handle = path.open(encoding=detected.encoding, errors="strict", newline="")
    try:
        first = handle.readline()
    except UnicodeDecodeError as exc:
        handle.close()
        raise TableError("encoding", _not_valid(path, exc, detected.label)) from exc
    if not first.strip():
        handle.close()
        raise TableError("empty", f"{path.name}: the first line (the header) is empty")
    chosen = delimiter or _sniff_delimiter(first, known)
    handle.seek(0)
    rows = _csv_rows(handle, chosen)
    try:
        header = next(rows, [])
    except csv.Error as exc:
        raise TableError("csv", f"{path.name}: the header cannot be read: {exc}") from exc
    return Table(
        path,
        "csv",
        [column_key(h) for h in header],
        encoding=detected.label,
        delimiter=DELIMITERS.get(chosen, repr(chosen)),
        _rows=rows,
    )


def _sniff_delimiter(line: str, known: set[str]) -> str:
    """The separator under which the header names the most known columns (then the most
    cells): a header is short and its words are known, which beats csv.Sniffer's guesses."""

    def score(candidate: str) -> tuple[int, int]:
        cells = next(csv.reader([line], delimiter=candidate), [])
        return sum(column_key(c) in known for c in cells), len(cells)

    return max(DELIMITERS, key=score)


def _csv_rows(handle: Any, delimiter: str) -> Iterator[list[str]]:
    previous = csv.field_size_limit()
    csv.field_size_limit(CSV_CELL_LIMIT)
    try:
        yield from csv.reader(handle, delimiter=delimiter)
    finally:
        csv.field_size_limit(previous)
        handle.close()


def _not_valid(path: Path, exc: UnicodeDecodeError, label: str | None) -> str:
    """Where the bytes stop being valid: the first line that does not decode (text is read in
    blocks, so the row being parsed is not where the decoder stumbled)."""
    where = ""
    if not exc.encoding.replace("_", "-").startswith("utf-16"):
        with path.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                try:
                    line.decode(exc.encoding)
                except UnicodeDecodeError:
                    where = f"line {number}: "
                    break
    return f"{path.name}: {where}bytes that are not valid {label} ({exc.reason}); pass --encoding"
