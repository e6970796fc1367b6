"""Opening files safely: every kind of bad input gets a stable error code, nothing crashes."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from msoffcrypto.format.ooxml import OOXMLFile

from oretrace.cmrt.check import check_bytes, check_path
from oretrace.cmrt.container import open_bytes
from oretrace.cmrt.errors import ErrorCode, WorkbookError
from oretrace.cmrt.limits import Limits
from oretrace.cmrt.revisions import Family
from oretrace.cmrt.writer import Draft, draft_bytes

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + bytes(200)


def _template() -> bytes:
    return draft_bytes(Draft(Family.CMRT, "6.4", company={"company_name": "Acme Metals"}))


def _encrypt(data: bytes, password: str) -> bytes:
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    return out.getvalue()


def _error(data: bytes, password: str | None = None, limits: Limits | None = None) -> ErrorCode:
    result = check_bytes(data, "supplier.xls", password, limits or Limits())
    assert result.error is not None, "expected the file to be refused"
    assert result.declaration is None
    return result.error.code


def test_jpeg_renamed_xls_is_not_a_workbook() -> None:
    assert _error(JPEG) is ErrorCode.NOT_A_WORKBOOK
    with pytest.raises(WorkbookError, match="JPEG"):
        open_bytes(JPEG)


def test_empty_file() -> None:
    assert _error(b"") is ErrorCode.NOT_A_WORKBOOK


def test_csv_is_not_a_workbook() -> None:
    with pytest.raises(WorkbookError, match="CSV") as caught:
        open_bytes(b"metal,name,country\nTin,Minsur,PERU\n")
    assert caught.value.code is ErrorCode.NOT_A_WORKBOOK


def test_truncated_zip_is_corrupt() -> None:
    data = _template()
    assert _error(data[: len(data) // 2]) is ErrorCode.CORRUPT


def test_zip_bomb_is_refused_before_unpacking() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    assert _error(buffer.getvalue()) is ErrorCode.TOO_LARGE


def test_file_size_limit_is_a_setting() -> None:
    data = _template()
    assert _error(data, limits=Limits(max_file_bytes=len(data) - 1)) is ErrorCode.TOO_LARGE
    assert check_bytes(data, "ok.xlsx", limits=Limits(max_file_bytes=len(data))).ok


def test_row_limit_is_a_setting() -> None:
    assert _error(_template(), limits=Limits(max_rows=3)) is ErrorCode.TOO_LARGE


def test_unknown_password_then_the_right_one() -> None:
    locked = _encrypt(_template(), "s3cret")
    assert _error(locked) is ErrorCode.ENCRYPTED
    assert _error(locked, password="wrong") is ErrorCode.ENCRYPTED
    opened = check_bytes(locked, "locked.xlsx", password="s3cret")
    assert opened.error is None
    assert opened.declaration is not None
    assert opened.declaration.company_value("company_name") == "Acme Metals"


def test_excel_default_password_needs_no_password() -> None:
    locked = _encrypt(_template(), "VelvetSweatshop")
    opened = open_bytes(locked)
    assert opened.encrypted and opened.container == "xlsx"


def test_workbook_that_is_no_template() -> None:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.add_worksheet("Sheet1").write_string(0, 0, "purchase orders")
    book.close()
    assert _error(buffer.getvalue()) is ErrorCode.NOT_A_TEMPLATE


def test_word_document_in_a_zip_is_not_a_workbook() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(WorkbookError, match="Word"):
        open_bytes(buffer.getvalue())


def test_missing_file_is_reported_not_raised(tmp_path: Path) -> None:
    result = check_path(tmp_path / "gone.xlsx")
    assert result.error is not None and result.error.code is ErrorCode.UNREADABLE_FILE
    assert result.as_json()["error"]["code"] == "unreadable_file"
    assert result.sha256 is None
