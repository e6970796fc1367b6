"""Why a file could not be read: stable error codes shown to users and in JSON output."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    NOT_A_WORKBOOK = "not_a_workbook"
    CORRUPT = "corrupt"
    ENCRYPTED = "encrypted"
    TOO_LARGE = "too_large"
    NOT_A_TEMPLATE = "not_a_template"


class WorkbookError(Exception):
    """A file that cannot be read as an RMI template. Carries a stable ``code``."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __reduce__(self) -> tuple[type[WorkbookError], tuple[ErrorCode, str]]:
        return (WorkbookError, (self.code, self.message))  # picklable across worker processes

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code.value, "message": self.message}
