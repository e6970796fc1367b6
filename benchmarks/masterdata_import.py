"""Import a large parts CSV into a fresh registry: rows/s and peak memory, against a baseline.

    .venv/bin/python benchmarks/masterdata_import.py [--mb 50] [--keep DIR]
    .venv/bin/python benchmarks/masterdata_import.py --mb 200          # the issue's size
    ORETRACE_PG_PORT=54333 scripts/with-postgres.sh \\
        .venv/bin/python benchmarks/masterdata_import.py --mb 200      # SQLite, then PostgreSQL

Generates ``parts.csv`` of about ``--mb`` megabytes (number, name, supplier unique ID,
supplier part number; 1,000 suppliers), imports the suppliers, then times
``oretrace import parts`` in its own process — into a fresh SQLite database, and into a
fresh PostgreSQL database when ORETRACE_DATABASE_URL is set — and reads that process's peak
RSS. The baseline, measured in the same run, is Python's csv.reader alone over the same
file; the ratio says what checking and storing cost on top of reading. The import is run
twice: the first creates every part, the second finds every part unchanged.
Target: a 200 MB file in minutes, peak memory well under 1 GB.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

SUPPLIERS = 1000


def _generate(folder: Path, megabytes: float) -> tuple[Path, Path, int]:
    suppliers = folder / "suppliers.csv"
    with suppliers.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "unique_id", "country"])
        for n in range(SUPPLIERS):
            writer.writerow([f"Supplier {n:04d} Metals Co., Ltd.", f"DUNS{700000000 + n}", "JP"])
    parts = folder / "parts.csv"
    target = int(megabytes * 1_000_000)
    rows = 0
    with parts.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["number", "name", "supplier", "supplier_part_number"])
        while handle.tell() < target:
            for _ in range(10_000):
                rows += 1
                writer.writerow(
                    [
                        f"P{rows:09d}",
                        f"Part {rows} tin-silver solder alloy, lead-free",
                        f"DUNS{700000000 + rows % SUPPLIERS}",
                        f"SPN-{rows * 7919 % 10_000_000:07d}",
                    ]
                )
    return suppliers, parts, rows


def _baseline(path: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of csv.reader alone over the file."""
    start, cpu = time.perf_counter(), time.process_time()
    with path.open(newline="", encoding="utf-8") as handle:
        for _ in csv.reader(handle):
            pass
    return time.perf_counter() - start, time.process_time() - cpu


def _cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _import(env: dict[str, str], kind: str, path: Path) -> tuple[float, float, float, str]:
    """(wall seconds, CPU seconds, peak RSS of the import process in MB, its summary line)."""
    command = [str(Path(sys.executable).parent / "oretrace"), "import", kind, str(path)]
    start, cpu = time.perf_counter(), _cpu_children()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds, cpu = time.perf_counter() - start, _cpu_children() - cpu
    # the largest child so far: the parts imports are the largest children of this run
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if done.returncode != 0:
        sys.exit(f"import failed ({done.returncode}): {done.stdout}{done.stderr[-2000:]}")
    return seconds, cpu, peak, done.stdout.strip()


def _fresh_postgres(url: str) -> str:
    import psycopg

    name = f"oretrace_bench_{os.getpid()}"
    parsed = urlparse(url)
    with psycopg.connect(urlunparse(parsed._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return urlunparse(parsed._replace(path=f"/{name}"))


def _migrate(env: dict[str, str]) -> None:
    code = "from oretrace.cli.database import open_registry; open_registry()"
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50.0, help="size of parts.csv (MB)")
    parser.add_argument("--keep", type=Path, help="generate into (and keep) this folder")
    parser.add_argument(
        "--no-sqlite", action="store_true", help="PostgreSQL only (ORETRACE_DATABASE_URL)"
    )
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="oretrace-masterdata-"))
    work.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    suppliers, parts, rows = _generate(work, args.mb)
    size, took = parts.stat().st_size / 1e6, time.perf_counter() - start
    print(f"parts.csv: {rows:,} rows, {size:.1f} MB (generated in {took:.0f} s)")
    baseline, baseline_cpu = _baseline(parts)
    print(
        f"baseline   csv.reader alone: {baseline:.1f} s = {rows / baseline:,.0f} rows/s "
        f"(CPU {baseline_cpu:.1f} s)"
    )
    targets = [] if args.no_sqlite else [("SQLite", {"ORETRACE_DATA_DIR": str(work / "data")})]
    if os.environ.get("ORETRACE_DATABASE_URL"):
        url = _fresh_postgres(os.environ["ORETRACE_DATABASE_URL"])
        targets.append(("PostgreSQL", {"ORETRACE_DATABASE_URL": url}))
    for label, extra in targets:
        env = {k: v for k, v in os.environ.items() if k != "ORETRACE_DATABASE_URL"} | extra
        env["ORETRACE_DATA_DIR"] = str(work / "data")
        _migrate(env)
        _import(env, "suppliers", suppliers)
        for run in ("first import (all created)", "second import (all unchanged)"):
            seconds, cpu, peak, line = _import(env, "parts", parts)
            print(
                f"{label:10} {run}: {seconds:.1f} s = {rows / seconds:,.0f} rows/s, "
                f"CPU {cpu:.1f} s = {cpu / baseline_cpu:.0f}× the baseline's CPU, "
                f"peak RSS {peak:.0f} MB\n           {line}"
            )
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; files in {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
