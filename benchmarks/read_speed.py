"""Read + check speed against python-calamine alone and openpyxl, measured in the same run.

    .venv/bin/python benchmarks/read_speed.py [--corpus DIR] [--repeat 5] [--all]

For every CMRT 6.x workbook in the corpus (``--all``: every workbook) it times, as the
median of ``--repeat`` runs on bytes already in memory:

* baseline: python-calamine opening the workbook and loading Declaration, Smelter List and
  Product List (``to_python``), nothing else;
* oretrace: ``check_bytes`` — sniff, decrypt, identify, read every field, run the Checker and
  all data-quality checks;
* openpyxl: ``load_workbook(data_only=True)`` (its default, full load) and iterating the same
  three sheets — once per file, it is slow.

It prints per-file times and ratios and the medians. Goals: oretrace ÷ calamine ≤ 1.2 and
openpyxl ÷ oretrace ≥ 20 on CMRT 6.x.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import openpyxl
from python_calamine import CalamineWorkbook

from oretrace.cmrt.check import check_bytes
from oretrace.cmrt.container import open_bytes

SHEETS = ("Declaration", "Smelter List", "Product List")
DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "cmrt"


def calamine_only(data: bytes) -> None:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    for name in SHEETS:
        if name in book.sheet_names:
            book.get_sheet_by_name(name).to_python(skip_empty_area=False)


def oretrace_check(data: bytes) -> None:
    result = check_bytes(data, "bench.xlsx")
    assert result.error is None, result.error


def openpyxl_default(data: bytes) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    for name in SHEETS:
        if name in book.sheetnames:
            for _row in book[name].iter_rows(values_only=True):
                pass


def median_time(func: Callable[[bytes], None], data: bytes, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func(data)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--all", action="store_true", help="every workbook, not only CMRT 6.x")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"corpus not found at {args.corpus}; nothing to measure")
        return 0
    rows = []
    for path in sorted(args.corpus.glob("*.xls*")):
        raw = path.read_bytes()
        first = check_bytes(raw, path.name)
        if first.error is not None or first.info is None:
            continue
        is_6x = first.info.family.value == "CMRT" and first.info.revision.major == 6
        if not (is_6x or args.all):
            continue
        plain = open_bytes(raw).data  # calamine and openpyxl cannot decrypt; give them plain bytes
        base = median_time(calamine_only, plain, args.repeat)
        ours = median_time(oretrace_check, raw, args.repeat)
        slow = (
            median_time(openpyxl_default, plain, 1)
            if first.info.revision.major >= 3
            and first.info.family.value == "CMRT"
            and path.suffix != ".xls"
            else float("nan")
        )
        rows.append((path.name, base, ours, slow))
        print(
            f"{path.name[:58]:58} calamine {base * 1000:7.1f} ms  oretrace {ours * 1000:7.1f} ms"
            f"  ratio {ours / base:5.2f}×  openpyxl {slow * 1000:8.0f} ms"
            f"  openpyxl÷oretrace {slow / ours:5.1f}×"
        )
    if not rows:
        print("no matching workbooks")
        return 0
    ratios = [r[2] / r[1] for r in rows]
    speedups = [r[3] / r[2] for r in rows if r[3] == r[3]]
    base_median = statistics.median(r[1] for r in rows) * 1000
    ours_median = statistics.median(r[2] for r in rows) * 1000
    print(
        f"\n{len(rows)} files · median calamine {base_median:.1f} ms · "
        f"median oretrace {ours_median:.1f} ms"
    )
    print(
        f"median oretrace÷calamine {statistics.median(ratios):.2f}× (goal ≤ 1.2×), "
        f"max {max(ratios):.2f}×"
    )
    if speedups:
        print(f"median openpyxl÷oretrace {statistics.median(speedups):.1f}× (goal ≥ 20×)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
