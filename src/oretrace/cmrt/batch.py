"""Check many files: walk folders, spread the work over the cores, keep input order."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

from oretrace.cmrt.check import FileCheck, check_path

WORKBOOK_SUFFIXES = {".xls", ".xlsx", ".xlsm", ".xlsb", ".xlt", ".xltx", ".xltm"}
#: Below this many files a process pool costs more than it saves.
PARALLEL_FROM = 8


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """Files named directly, plus workbook-named files found by walking folders (sorted)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in WORKBOOK_SUFFIXES
                and not p.name.startswith("~$")
            )
        else:
            found.append(path)
    return found


def check_files(
    files: list[Path],
    password: str | None = None,
    workers: int | None = None,
    on_done: Callable[[FileCheck], None] | None = None,
) -> Iterator[FileCheck]:
    """Yield one :class:`FileCheck` per file, in the order given."""
    workers = workers or min(len(files), os.cpu_count() or 1)
    run = partial(_check_one, password=password)
    if workers <= 1 or len(files) < PARALLEL_FROM:
        results: Iterable[FileCheck] = map(run, files)
        for result in results:
            if on_done:
                on_done(result)
            yield result
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for result in pool.map(run, files, chunksize=4):
            if on_done:
                on_done(result)
            yield result


def _check_one(path: Path, password: str | None) -> FileCheck:
    return check_path(path, password=password)
