"""A declaration's original file: its bytes (checked against the sha256) and the cells a
finding points at, read from the stored workbook."""

from __future__ import annotations

from oretrace.cmrt.errors import WorkbookError
from oretrace.cmrt.excerpt import Excerpt, excerpt
from oretrace.registry.models import Declaration
from oretrace.registry.services.files import read_stored


def original_bytes(declaration: Declaration) -> bytes:
    """The file as received; ValueError when the stored copy no longer matches its sha256."""
    return read_stored(declaration.stored_file)


def cells_around(declaration: Declaration, address: str) -> Excerpt | str:
    """The stored sheet around ``address``, or a sentence saying why it cannot be shown."""
    try:
        found = excerpt(original_bytes(declaration), address)
    except WorkbookError as problem:
        return f"The original file cannot be opened: {problem}"
    except (OSError, ValueError) as problem:
        return f"The stored file cannot be read: {problem}"
    if found is None:
        return f"{address} names no single cell in a sheet of this file."
    return found
