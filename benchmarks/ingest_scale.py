"""Ingest a large synthetic group into a fresh SQLite registry: files/s and peak memory.

    .venv/bin/python benchmarks/ingest_scale.py [--suppliers 4100] [--workers 2] [--keep DIR]

With ``--keep DIR`` the generated files are kept, and a later run with the same DIR reuses
them (into a fresh database), so two versions of the code can be compared on the same files.

Generates a group (``oretrace.synthetic``; 4,100 responding suppliers, the size of a large
electronics group), imports its suppliers, then times ``oretrace ingest`` of every
declaration. In the same run it measures the baseline — python-calamine alone opening every
file and loading its three sheets on one core — and, when the corpus is present, how much
heavier a real CMRT 6.4 file is to read than a synthetic one, to project the time for real
files. Target: 4,100 declarations in under 5 minutes on 2 cores, under 1 GB.
Real supplier files are measured by ``benchmarks/ingest_real.py``.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "cmrt"
REAL_FILE = CORPUS / "msys__RMI_CMRT_6.4_20240426_CG20240510_基佳giga.xlsx"


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def _calamine_baseline(files: list[Path]) -> float:
    from python_calamine import CalamineWorkbook

    from oretrace.cmrt.container import open_bytes

    start = time.perf_counter()
    for path in files:
        try:
            data = open_bytes(path.read_bytes()).data
        except Exception:  # unreadable demo files: the baseline skips them
            continue
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        for name in ("Declaration", "Smelter List", "Product List"):
            if name in book.sheet_names:
                book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    return time.perf_counter() - start


def _read_costs(sample: Path) -> tuple[float, float] | None:
    """Median seconds to read and check (a real CMRT 6.4 file, a synthetic one)."""
    from oretrace.cmrt.check import check_path

    if not REAL_FILE.exists():
        return None
    real = statistics.median(_timed(check_path, REAL_FILE) for _ in range(5))
    synthetic = statistics.median(_timed(check_path, sample) for _ in range(5))
    return real, synthetic


def _timed(func: object, arg: Path) -> float:
    start = time.perf_counter()
    func(arg)  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suppliers", type=int, default=4100)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", type=Path, help="generate into (and keep) this folder")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="oretrace-scale-"))
    os.environ["ORETRACE_DATA_DIR"] = str(work / "data")
    os.environ.pop("ORETRACE_DATABASE_URL", None)

    from oretrace.synthetic import GroupSpec, MistakeRates, generate

    started = time.perf_counter()
    rates = MistakeRates(non_responder=0.0, resubmitted=0.0)
    spec = GroupSpec(
        suppliers=args.suppliers, group_companies=59, parts=20000, products=500, rates=rates
    )
    if args.keep and (work / "group" / "declarations").is_dir():  # reuse, into a fresh db
        shutil.rmtree(work / "data", ignore_errors=True)
        files = sorted(p for p in (work / "group" / "declarations").rglob("*") if p.is_file())
        print(f"reusing {len(files)} declaration files in {work / 'group'}")
    else:
        files = generate(work / "group", spec).declarations
        print(
            f"generated {len(files)} declaration files in {time.perf_counter() - started:.0f} s "
            f"({work / 'group'})"
        )

    from oretrace.cli.database import open_registry

    open_registry()
    from oretrace.registry.services.ingest import ingest
    from oretrace.registry.services.masterdata import import_master_data

    import_master_data("suppliers", work / "group" / "suppliers.csv", "benchmark")
    start = time.perf_counter()
    summary = ingest(
        [work / "group" / "declarations"], spec.period, "benchmark", workers=args.workers
    )
    seconds = time.perf_counter() - start
    peak = _peak_mb()
    baseline = _calamine_baseline(files)
    costs = _read_costs(files[0])

    print(
        f"ingested {summary.new} declarations ({summary.unreadable} unreadable, "
        f"{summary.smelter_rows} smelter rows: {dict(summary.decisions)}) with "
        f"{args.workers} worker(s)"
    )
    print(
        f"ingest: {seconds:.1f} s = {summary.new / seconds:.1f} files/s · peak memory "
        f"{peak:.0f} MB (largest process)"
    )
    print(
        f"baseline, calamine alone on one core: {baseline:.1f} s = "
        f"{len(files) / baseline:.1f} files/s · ingest ÷ baseline {seconds / baseline:.2f}×"
    )
    if costs is not None:
        real, synthetic = costs
        extra = (real - synthetic) * summary.new / args.workers
        print(
            f"reading a real CMRT 6.4 file takes {real * 1000:.0f} ms, a synthetic one "
            f"{synthetic * 1000:.0f} ms; with real files this ingest would take about "
            f"{seconds + extra:.0f} s"
        )
    goal = "met" if seconds < 300 and peak < 1024 else "NOT met"
    print(f"goal (< 300 s, < 1024 MB for {args.suppliers} declarations): {goal}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
