"""Open a supplier file safely: sniff the bytes, decrypt, enforce limits, hand out sheets.

The extension is never trusted. A file is classified by its first bytes as an OOXML zip
(.xlsx/.xlsm), an OLE2 compound file (BIFF8 .xls or an encrypted workbook of either kind)
or something else, and every failure becomes a :class:`WorkbookError` with a stable code.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import msoffcrypto
import olefile
from msoffcrypto.exceptions import DecryptionError, FileFormatError, InvalidKeyError
from python_calamine import CalamineWorkbook

from oretrace.cmrt.errors import ErrorCode, WorkbookError
from oretrace.cmrt.limits import DEFAULT_LIMITS, Limits
from oretrace.cmrt.ooxml import OoxmlWorkbook, RowLimit, Unsupported
from oretrace.cmrt.workbook import CalamineSource, CellValue, Workbook

#: What Excel uses when a workbook is protected without a user password.
EXCEL_DEFAULT_PASSWORD = "VelvetSweatshop"

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_OTHER_FORMATS: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x05\x06", "an empty zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
)


@dataclass(frozen=True, slots=True)
class OpenedFile:
    """The decrypted workbook bytes plus what the container told us."""

    data: bytes
    container: str  # "xlsx", "xls"
    encrypted: bool


def open_bytes(
    data: bytes, password: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> OpenedFile:
    """Classify and, when needed, decrypt ``data``. Raises :class:`WorkbookError`."""
    if len(data) == 0:
        raise WorkbookError(ErrorCode.NOT_A_WORKBOOK, "The file is empty (0 bytes).")
    if len(data) > limits.max_file_bytes:
        raise WorkbookError(
            ErrorCode.TOO_LARGE,
            f"The file is {len(data):,} bytes; the limit is {limits.max_file_bytes:,}.",
        )
    if data.startswith(ZIP_MAGIC):
        _check_ooxml(data, limits)
        return OpenedFile(data, "xlsx", encrypted=False)
    if data.startswith(OLE_MAGIC):
        return _open_ole(data, password, limits)
    raise WorkbookError(
        ErrorCode.NOT_A_WORKBOOK, f"The file is {_describe(data)}, not an Excel workbook."
    )


def _describe(data: bytes) -> str:
    for magic, what in _OTHER_FORMATS:
        if data.startswith(magic):
            return what
    head = data[:4096]
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "not a known document format"
    lowered = text.lstrip().lower()
    if lowered.startswith(("<!doctype html", "<html")):
        return "an HTML page"
    if lowered.startswith("<?xml"):
        return "an XML document (perhaps an Excel 2003 XML spreadsheet)"
    if "," in text or ";" in text or "\t" in text:
        return "a text file (CSV or similar)"
    return "a text file"


def _check_ooxml(data: bytes, limits: Limits) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise WorkbookError(
            ErrorCode.CORRUPT, f"The zip container is damaged or truncated ({exc})."
        ) from exc
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
        if "word/document.xml" in names:
            raise WorkbookError(
                ErrorCode.NOT_A_WORKBOOK, "The file is a Word document, not a workbook."
            )
        raise WorkbookError(ErrorCode.NOT_A_WORKBOOK, "The zip archive holds no Excel workbook.")
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > limits.max_compression_ratio:
            raise WorkbookError(
                ErrorCode.TOO_LARGE,
                f"Member {member.filename} expands {ratio:,.0f}-fold "
                f"(limit {limits.max_compression_ratio:,.0f}): refusing a possible zip bomb.",
            )
    if total > limits.max_uncompressed_bytes:
        raise WorkbookError(
            ErrorCode.TOO_LARGE,
            f"The workbook unpacks to {total:,} bytes; "
            f"the limit is {limits.max_uncompressed_bytes:,}.",
        )


def _open_ole(data: bytes, password: str | None, limits: Limits) -> OpenedFile:
    streams = _ole_streams(data)
    if "encryptioninfo" in streams:
        plain = _decrypt(data, password)
        if not plain.startswith(ZIP_MAGIC):
            raise WorkbookError(
                ErrorCode.CORRUPT, "The decrypted content is not an Excel workbook."
            )
        _check_ooxml(plain, limits)
        return OpenedFile(plain, "xlsx", encrypted=True)
    if "workbook" in streams or "book" in streams:
        if _xls_is_encrypted(data):
            return OpenedFile(_decrypt(data, password), "xls", encrypted=True)
        return OpenedFile(data, "xls", encrypted=False)
    if "worddocument" in streams:
        raise WorkbookError(
            ErrorCode.NOT_A_WORKBOOK, "The file is a Word 97-2003 document, not a workbook."
        )
    raise WorkbookError(
        ErrorCode.NOT_A_WORKBOOK, "The file is an OLE2 container without a workbook stream."
    )


def _ole_streams(data: bytes) -> set[str]:
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            return {"/".join(entry).lower() for entry in ole.listdir()}
    except (OSError, ValueError, IndexError) as exc:  # olefile raises OSError for bad headers
        raise WorkbookError(ErrorCode.CORRUPT, f"The OLE2 container is damaged ({exc}).") from exc


def _xls_is_encrypted(data: bytes) -> bool:
    try:
        return bool(msoffcrypto.OfficeFile(io.BytesIO(data)).is_encrypted())
    except Exception as exc:  # msoffcrypto raises a variety of types on broken BIFF
        raise WorkbookError(
            ErrorCode.CORRUPT, f"The .xls workbook stream is damaged ({exc})."
        ) from exc


def _decrypt(data: bytes, password: str | None) -> bytes:
    candidates = [EXCEL_DEFAULT_PASSWORD] + ([password] if password else [])
    for candidate in candidates:
        try:
            office = msoffcrypto.OfficeFile(io.BytesIO(data))
            office.load_key(password=candidate)
            out = io.BytesIO()
            office.decrypt(out)
        except (InvalidKeyError, DecryptionError):
            continue
        except FileFormatError as exc:
            raise WorkbookError(ErrorCode.ENCRYPTED, f"Unsupported encryption ({exc}).") from exc
        except Exception as exc:  # msoffcrypto surfaces AssertionError/ValueError on bad input
            if "password" in str(exc).lower() or "key" in str(exc).lower():
                continue
            raise WorkbookError(ErrorCode.CORRUPT, f"Decryption failed: {exc}.") from exc
        return out.getvalue()
    message = (
        "The workbook is encrypted and opens neither with Excel's default password nor with "
        "the password given."
        if password
        else "The workbook is encrypted with a password; pass the supplier's password with "
        "--password."
    )
    raise WorkbookError(ErrorCode.ENCRYPTED, message)


def load_calamine(opened: OpenedFile) -> CalamineWorkbook:
    """Parse the workbook bytes with python-calamine; parser failures become ``corrupt``."""
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(opened.data))
    except Exception as exc:  # calamine raises its own error types for every parse failure
        raise WorkbookError(ErrorCode.CORRUPT, f"The workbook cannot be parsed ({exc}).") from exc


def load_workbook(opened: OpenedFile, limits: Limits = DEFAULT_LIMITS) -> Workbook:
    """The workbook's sheets, read on first use.

    OOXML files are read by the streaming reader (:mod:`oretrace.cmrt.ooxml`), sheet by
    sheet, with python-calamine for any part it cannot read exactly; .xls files, and OOXML
    files whose workbook part the streaming reader cannot read, by python-calamine alone.
    Errors are the same either way: ``corrupt`` when calamine cannot parse the file either.
    """
    if opened.container == "xlsx":
        try:
            return Workbook(StreamingSource(opened, OoxmlWorkbook(opened.data)), limits)
        except Unsupported:
            pass
    return Workbook(load_calamine(opened), limits)


class StreamingSource:
    """OOXML sheets from :class:`OoxmlWorkbook`, falling back to calamine per sheet."""

    def __init__(self, opened: OpenedFile, book: OoxmlWorkbook) -> None:
        self._opened = opened
        self._book = book
        self._calamine: CalamineSource | None = None
        self.sheet_names: list[str] = book.sheet_names
        self.fallbacks: list[str] = []  # sheets calamine read instead (for benchmarks, tests)

    def sheet_rows(self, name: str, max_rows: int) -> list[list[CellValue]]:
        try:
            return self._book.sheet_rows(name, max_rows)
        except RowLimit as exc:
            raise WorkbookError(
                ErrorCode.TOO_LARGE,
                f"Sheet {name!r} has a value in row {exc.row:,}; the limit is {max_rows:,}.",
            ) from exc
        except Unsupported:
            self.fallbacks.append(name)
        if self._calamine is None:
            self._calamine = CalamineSource(load_calamine(self._opened))
        return self._calamine.sheet_rows(name, max_rows)

    def sheet_head_rows(self, name: str, last_row: int, max_rows: int) -> list[list[CellValue]]:
        """Rows up to ``last_row`` (see :meth:`OoxmlWorkbook.sheet_head_rows`); a sheet the
        scanner cannot read is read whole, as :meth:`sheet_rows` reads it."""
        try:
            return self._book.sheet_head_rows(name, last_row, max_rows)
        except (RowLimit, Unsupported):
            return self.sheet_rows(name, max_rows)
