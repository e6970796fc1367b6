"""Profile an ingest: the writer (this process) and every worker process, CPU time.

    ORETRACE_DATA_DIR=DIR .venv/bin/python benchmarks/ingest_profile.py FOLDER \
        [--period 2025] [--workers 2] [--out PREFIX] [--top 30] [--writer-only]

Ingests FOLDER (e.g. the variants ``ingest_real.py --keep DIR`` made) into the registry of
``ORETRACE_DATA_DIR`` / ``ORETRACE_DATABASE_URL`` — empty or already holding declarations,
to see what grows with the registry — with ``cProfile`` on the CPU clock in the writer and
in each worker (the worker's per-file call is wrapped; workers are forked, so the wrapper
is inherited). Prints the writer's and the workers' top entries by own time and by
cumulative time, and writes ``PREFIX-writer.prof`` and ``PREFIX-worker-PID.prof`` for
``python -m pstats``. cProfile slows pure-Python code about 1.5-2×: compare entries with
each other, not with the unprofiled figures of ``ingest_real.py``.
"""

from __future__ import annotations

import argparse
import cProfile
import glob
import os
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

_worker_profile: cProfile.Profile | None = None
_worker_calls = 0
_prefix = "/tmp/oretrace-ingest"


def _profiled_check(path: Path, run: Callable[[Path], tuple[Any, bytes | None]]) -> Any:
    """The worker's per-file call under a per-process profile, dumped every 20 files."""
    global _worker_profile, _worker_calls
    from oretrace.cmrt import batch

    if _worker_profile is None:
        _worker_profile = cProfile.Profile(time.process_time)
    result = _worker_profile.runcall(lambda: batch._then(*run(path)))
    _worker_calls += 1
    if _worker_calls % 20 == 0:
        _worker_profile.dump_stats(f"{_prefix}-worker-{os.getpid()}.prof")
    return result


def main() -> int:
    global _prefix
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--period", type=int, default=2025)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", default="/tmp/oretrace-ingest", help="prefix of .prof files")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument(
        "--writer-only", action="store_true", help="profile the writer only (workers run free)"
    )
    args = parser.parse_args()
    _prefix = args.out
    for old in glob.glob(f"{_prefix}-worker-*.prof"):
        os.unlink(old)

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oretrace.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from oretrace.cmrt import batch
    from oretrace.registry.services.ingest import ingest

    if not args.writer_only:
        batch._check_in_worker = _profiled_check
    writer = cProfile.Profile(time.process_time)
    started, cpu = time.perf_counter(), time.process_time()
    summary = writer.runcall(ingest, [args.folder], args.period, "bench", None, args.workers)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    writer.dump_stats(f"{_prefix}-writer.prof")
    n = max(summary.files, 1)
    print(
        f"{summary.files} files, {summary.new} new: {seconds:.1f} s wall; writer process "
        f"{cpu:.1f} CPU-s = {cpu / n * 1000:.1f} CPU-ms per file (profiled)"
    )
    for sort in ("tottime", "cumulative"):
        print(f"\n== writer, by {sort} ==")
        pstats.Stats(f"{_prefix}-writer.prof").sort_stats(sort).print_stats(args.top)
    workers = sorted(glob.glob(f"{_prefix}-worker-*.prof"))
    if workers:
        merged = pstats.Stats(*workers)
        for sort in ("tottime", "cumulative"):
            print(f"\n== workers ({len(workers)} processes merged), by {sort} ==")
            merged.sort_stats(sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
