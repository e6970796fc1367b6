"""Read speed against python-calamine and the unzip floor, measured in the same run.

    .venv/bin/python benchmarks/read_speed.py [--corpus DIR] [--repeat 5] [--all] [--openpyxl]

For every CMRT 6.x workbook in the corpus (``--all``: every workbook) it times, as the
median of ``--repeat`` runs on bytes already in memory, in CPU time (the machine may be
shared; process time is what one core spends):

* reader: oretrace's reader (``load_workbook``: the streaming OOXML reader, calamine for
  .xls) loading Declaration, Smelter List and Product List;
* calamine: python-calamine opening the workbook and loading the same three sheets
  (``to_python``), nothing else;
* unzip: zipfile reading the same three sheets' XML parts, nothing else (.xlsx only);
* check: ``check_bytes`` — sniff, decrypt, identify, read every field, run the Checker and
  all data-quality checks;
* openpyxl (``--openpyxl``): ``load_workbook(data_only=True)`` and iterating the three sheets.

It prints per-file times, ratios and medians. Goals: check ÷ calamine ≤ 1.2; the reader
as close to the unzip floor as it gets.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
import warnings
import zipfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

import openpyxl
from python_calamine import CalamineWorkbook

from oretrace.cmrt.check import check_bytes
from oretrace.cmrt.container import OLE_MAGIC, OpenedFile, load_workbook, open_bytes
from oretrace.cmrt.ooxml import OoxmlWorkbook

SHEETS = ("Declaration", "Smelter List", "Product List")
DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "cmrt"


def calamine_only(data: bytes) -> None:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    for name in SHEETS:
        if name in book.sheet_names:
            book.get_sheet_by_name(name).to_python(skip_empty_area=False)


def oretrace_reader(data: bytes) -> None:
    opened = OpenedFile(data, "xls" if data.startswith(OLE_MAGIC) else "xlsx", encrypted=False)
    book = load_workbook(opened)
    for name in SHEETS:
        book.sheet(name)


def unzip_only(data: bytes) -> None:
    archive = zipfile.ZipFile(io.BytesIO(data))
    for part in _sheet_parts(data):
        archive.read(part)


@cache
def _sheet_parts(data: bytes) -> tuple[str, ...]:
    return tuple(s.path for s in OoxmlWorkbook(data).sheets if s.name in SHEETS)


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
        start = time.process_time()
        func(data)
        times.append(time.process_time() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--all", action="store_true", help="every workbook, not only CMRT 6.x")
    parser.add_argument("--openpyxl", action="store_true", help="also time openpyxl (slow)")
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
        xlsx = not plain.startswith(OLE_MAGIC)
        base = median_time(calamine_only, plain, args.repeat)
        reader = median_time(oretrace_reader, plain, args.repeat)
        floor = median_time(unzip_only, plain, args.repeat) if xlsx else float("nan")
        check = median_time(oretrace_check, raw, args.repeat)
        slow = median_time(openpyxl_default, plain, 1) if args.openpyxl and xlsx else float("nan")
        rows.append((path.name, base, reader, floor, check, slow))
        print(
            f"{path.name[:52]:52} reader {reader * 1000:6.1f} ms · calamine {base * 1000:6.1f}"
            f" · unzip {floor * 1000:5.1f} · check {check * 1000:6.1f} ms · reader÷calamine "
            f"{reader / base:4.2f}× · reader÷unzip {reader / floor:4.2f}× · check÷calamine "
            f"{check / base:4.2f}×" + (f" · openpyxl {slow * 1000:6.0f} ms" if slow == slow else "")
        )
    if not rows:
        print("no matching workbooks")
        return 0

    def median(index: int) -> float:
        values = [r[index] for r in rows if r[index] == r[index]]
        return statistics.median(values) if values else float("nan")

    def ratio(top: int, bottom: int) -> float:
        values = [r[top] / r[bottom] for r in rows if r[top] == r[top] and r[bottom] == r[bottom]]
        return statistics.median(values) if values else float("nan")

    print(
        f"\n{len(rows)} files · median reader {median(2) * 1000:.1f} ms · calamine "
        f"{median(1) * 1000:.1f} ms · unzip {median(3) * 1000:.1f} ms · check "
        f"{median(4) * 1000:.1f} ms (CPU time)"
    )
    print(
        f"median reader÷calamine {ratio(2, 1):.2f}× · reader÷unzip {ratio(2, 3):.2f}× · "
        f"check÷calamine {ratio(4, 1):.2f}× (goal ≤ 1.2×)"
    )
    if args.openpyxl:
        print(f"median openpyxl÷check {ratio(5, 4):.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
