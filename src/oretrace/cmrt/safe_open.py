"""Read a file given to check or ingest without surprises.

Only regular files are read: a FIFO, device, socket or folder is refused before it is opened
(so ``oretrace check`` on a FIFO answers at once instead of waiting for a writer), and the
opened descriptor is checked again with ``fstat`` in case the path was swapped in between.
A symbolic link is followed only when it stays inside the folders (or files) given; a link
to ``/etc/passwd`` in a supplier folder is refused with ``outside_folder``. The size is
checked before a byte is read. Every refusal is a :class:`WorkbookError` with a stable code.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from oretrace.cmrt.errors import ErrorCode, WorkbookError

_KINDS = (
    (stat.S_ISDIR, "a folder (one that could not be listed, or named directly as a file)"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)
_CHUNK = 1 << 20


def resolve_roots(paths: Iterable[Path]) -> tuple[str, ...]:
    """The real locations of the files and folders given, inside which links may point."""
    return tuple(os.path.realpath(p) for p in paths)


def read_file(path: Path, roots: tuple[str, ...] | None, max_bytes: int) -> bytes:
    """The bytes of the regular file at ``path``; raises :class:`WorkbookError` otherwise.

    ``roots`` (from :func:`resolve_roots`): where the file, once links are resolved, must be.
    None means anywhere (a single file named by the caller).
    """
    real = os.path.realpath(path)
    if roots is not None and not any(_inside(real, root) for root in roots):
        raise WorkbookError(
            ErrorCode.OUTSIDE_FOLDER,
            f"{path} is a symbolic link to {real}, outside the folders given; not read.",
        )
    try:
        before = os.lstat(real)
    except OSError as exc:
        raise _unreadable(path, real, exc) from exc
    _require_regular(before.st_mode)
    _require_size(before.st_size, max_bytes)
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(real, flags)
    except OSError as exc:
        raise _unreadable(path, real, exc) from exc
    try:
        opened = os.fstat(fd)
        _require_regular(opened.st_mode)
        if (opened.st_dev, opened.st_ino) != (before.st_dev, before.st_ino):
            raise WorkbookError(
                ErrorCode.UNREADABLE_FILE, "The file was replaced while it was being opened."
            )
        _require_size(opened.st_size, max_bytes)
        return _read_bounded(fd, max_bytes)
    except OSError as exc:
        raise _unreadable(path, real, exc) from exc
    finally:
        os.close(fd)


def _inside(real: str, root: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def _require_regular(mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    what = next((label for test, label in _KINDS if test(mode)), "not a regular file")
    raise WorkbookError(ErrorCode.UNREADABLE_FILE, f"Not a regular file: {what}.")


def _require_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise WorkbookError(
            ErrorCode.TOO_LARGE, f"The file is {size:,} bytes; the limit is {max_bytes:,}."
        )


def _read_bounded(fd: int, max_bytes: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while chunk := os.read(fd, _CHUNK):
        total += len(chunk)
        if total > max_bytes:
            _require_size(total, max_bytes)  # the file grew while being read
        chunks.append(chunk)
    return b"".join(chunks)


def _unreadable(path: Path, real: str, exc: OSError) -> WorkbookError:
    if exc.errno == errno.ENOENT and os.path.islink(path):
        reason = f"it is a symbolic link to {real}, which does not exist"
    elif exc.errno == errno.ENOENT:
        reason = "it does not exist (removed or renamed meanwhile?)"
    elif exc.errno in (errno.EACCES, errno.EPERM):
        reason = "permission denied"
    elif exc.errno == errno.ELOOP:
        reason = "it was replaced by a symbolic link while being opened"
    else:
        reason = exc.strerror or str(exc)
    return WorkbookError(ErrorCode.UNREADABLE_FILE, f"Cannot read {path}: {reason}.")
