"""Check many files: walk folders, spread the work over the cores, keep input order."""

from __future__ import annotations

import ctypes
import hashlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from oretrace.cmrt.check import FileCheck, check_bytes
from oretrace.cmrt.errors import WorkbookError
from oretrace.cmrt.limits import DEFAULT_LIMITS, Limits
from oretrace.cmrt.safe_open import read_file

WORKBOOK_SUFFIXES = {".xls", ".xlsx", ".xlsm", ".xlsb", ".xlt", ".xltx", ".xltm"}
#: Below this many files a process pool costs more than it saves.
PARALLEL_FROM = 8
#: prctl(2) option: the signal a process gets when its parent dies (Linux).
_PR_SET_PDEATHSIG = 1

T = TypeVar("T")


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """Files named directly, plus workbook-named entries found by walking folders (sorted).

    Inside folders, every entry with a workbook suffix is listed whatever it is — a regular
    file, a symbolic link (followed or not, dangling or not), a FIFO — so that reading it
    accounts for it (:mod:`oretrace.cmrt.safe_open` refuses what it must). Links to folders
    are not walked. A folder that cannot be listed is listed itself, to be reported.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += _walk(path)
        else:
            found.append(path)
    return found


def _walk(folder: Path) -> list[Path]:
    entries: list[Path] = []
    unlisted: list[Path] = []

    def note(error: OSError) -> None:
        unlisted.append(Path(error.filename or folder))

    for top, _dirs, names in os.walk(folder, onerror=note):
        entries += (
            Path(top, name)
            for name in names
            if Path(name).suffix.lower() in WORKBOOK_SUFFIXES and not name.startswith("~$")
        )
    return sorted(entries + unlisted)


def check_files(
    files: list[Path],
    password: str | None = None,
    workers: int | None = None,
    on_done: Callable[[FileCheck], None] | None = None,
    roots: tuple[str, ...] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[FileCheck]:
    """Yield one :class:`FileCheck` per file, in the order given.

    ``roots``: the folders and files the caller was given (see
    :func:`oretrace.cmrt.safe_open.resolve_roots`); links out of them are refused. None:
    links are followed anywhere (the caller named the files itself).
    """
    return map_checked(files, _unchanged, password, workers, on_done, roots, limits)


def map_checked(
    files: list[Path],
    then: Callable[[FileCheck, bytes | None], T],
    password: str | None = None,
    workers: int | None = None,
    on_done: Callable[[T], None] | None = None,
    roots: tuple[str, ...] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    known: frozenset[str] = frozenset(),
) -> Iterator[T]:
    """Check every file and pass the result to ``then`` in the same worker process, with the
    bytes checked (None when the file could not be read); yield what ``then`` returns, in
    the order given.

    A file whose sha256 is in ``known`` is read and hashed but not checked: its result
    holds only the file and the sha256 (an ingest counts it as already known).

    ``then`` is handed to each worker once, when it starts (inherited, not pickled, where
    processes fork), so it may hold heavy state built once in the parent — a smelter
    reference, say — and use it for every file that worker reads.
    """
    workers = workers or min(len(files), os.cpu_count() or 1)
    run = partial(_check_one, password=password, roots=roots, limits=limits, known=known)
    if workers <= 1 or len(files) < PARALLEL_FROM:
        for path in files:
            result = then(*run(path))
            if on_done:
                on_done(result)
            yield result
        return
    with ProcessPoolExecutor(
        max_workers=workers, initializer=_start_worker, initargs=(os.getpid(), then)
    ) as pool:
        for result in pool.map(partial(_check_in_worker, run=run), files, chunksize=4):
            if on_done:
                on_done(result)
            yield result


def _unchanged(result: FileCheck, data: bytes | None) -> FileCheck:
    return result


#: What a worker process does with each result (installed by :func:`_start_worker`).
_then: Callable[[FileCheck, bytes | None], Any] = _unchanged


def _start_worker(parent: int, then: Callable[[FileCheck, bytes | None], Any]) -> None:
    global _then
    die_with_parent(parent)
    _then = then


def _check_in_worker(path: Path, run: Callable[[Path], tuple[FileCheck, bytes | None]]) -> Any:
    return _then(*run(path))


def _check_one(
    path: Path,
    password: str | None,
    roots: tuple[str, ...] | None,
    limits: Limits,
    known: frozenset[str] = frozenset(),
) -> tuple[FileCheck, bytes | None]:
    """:func:`oretrace.cmrt.check.check_path`, and the bytes it checked (None: unreadable);
    a file whose sha256 is ``known`` is not checked (its result: the file and sha256)."""
    try:
        data = read_file(path, roots, limits.max_file_bytes)
    except WorkbookError as exc:
        return FileCheck(str(path), error=exc), None
    digest = hashlib.sha256(data).hexdigest()
    if digest in known:
        return FileCheck(str(path), sha256=digest), data
    return check_bytes(data, str(path), password=password, limits=limits, sha256=digest), data


def die_with_parent(parent: int) -> None:
    """Worker initializer: end this process when ``parent`` dies, even by ``kill -9``.

    On Linux the kernel sends SIGKILL (prctl PR_SET_PDEATHSIG); elsewhere a thread polls the
    parent id. Either way a pool never outlives the command that started it.
    """
    armed = False
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
    if not armed:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)
