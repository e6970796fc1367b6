"""Why a file could not be read: stable error codes shown to users and in JSON output."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    NOT_A_WORKBOOK = "not_a_workbook"
    CORRUPT = "corrupt"
    ENCRYPTED = "encrypted"
    TOO_LARGE = "too_large"
    NOT_A_TEMPLATE = "not_a_template"
    #: The file could not be opened or read at all: permission denied, vanished, a dangling
    #: symbolic link, not a regular file (FIFO, device, socket, folder that cannot be listed).
    UNREADABLE_FILE = "unreadable_file"
    #: A symbolic link inside a folder given that points out of the folders given.
    OUTSIDE_FOLDER = "outside_folder"


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
