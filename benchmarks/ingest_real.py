"""Ingest N distinct variants of real CMRT 6.x files: files/s, CPU, peak memory, baselines.

    .venv/bin/python benchmarks/ingest_real.py --real ../shared/corpus/cmrt [-n 1000]
        [--workers 2] [--keep DIR] [--sample 40]

Every CMRT 6.x workbook in ``--real`` is a template. Variant *i* copies template
*i mod T* and writes a new company name (and a new unique ID where the file gives one)
into its Declaration sheet; every other zip member is copied byte for byte, so making
4,100 variants takes seconds and each has its own sha256. The variants are ingested into a
fresh database — SQLite in a temporary data folder, or a new database created on the
PostgreSQL server of ``ORETRACE_DATABASE_URL`` — by ``oretrace ingest`` in a subprocess.
It prints:

* wall time and files/s;
* CPU seconds (user + sys) of the whole process tree, from ``getrusage(RUSAGE_CHILDREN)``,
  and the average number of cores busy;
* peak memory of the whole tree: the sum of the RSS of ``oretrace`` and all its
  descendants, sampled from /proc every 100 ms (a sampled peak, so a lower bound); and the
  largest single process (``ru_maxrss``);
* in the same run, on ``--sample`` variants: python-calamine's bare load of the same three
  sheets (Declaration, Smelter List, Product List) and the unzip of the same three sheet
  parts with zipfile — per file, then scaled to N files divided over the cores — and
  oretrace's own reader of the three sheets, for comparison.

The machine is shared: report CPU seconds as well as wall time.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from copy import copy
from dataclasses import dataclass
from pathlib import Path

SHEETS = ("Declaration", "Smelter List", "Product List")
DEFAULT_REAL = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "cmrt"


@dataclass
class Template:
    path: Path
    data: bytes
    declaration_part: str
    declaration_xml: bytes
    name_ref: str
    id_ref: str | None  # only when the file gives a unique ID


def _templates(folder: Path) -> list[Template]:
    from oretrace.cmrt.check import check_path
    from oretrace.cmrt.layouts import layout_for
    from oretrace.cmrt.ooxml import OoxmlWorkbook

    found = []
    for path in sorted(folder.glob("*.xls*")):
        result = check_path(path)
        info = result.info
        if result.error is not None or info is None or result.declaration is None:
            continue
        if info.family.value != "CMRT" or info.revision.major != 6 or path.suffix == ".xls":
            continue
        data = path.read_bytes()
        if not data.startswith(b"PK"):
            continue  # encrypted: would need re-encrypting per copy
        book = OoxmlWorkbook(data)
        part = next(s.path for s in book.sheets if s.name == "Declaration")
        layout = layout_for(info.family, info.revision, info.layout_revision)
        unique = result.declaration.company.get("unique_id")
        has_id = unique is not None and unique.value is not None
        xml = zipfile.ZipFile(io.BytesIO(data)).read(part)
        if _cell(xml, layout.company["company_name"]) is None:
            continue
        id_ref = layout.company.get("unique_id") if has_id else None
        found.append(Template(path, data, part, xml, layout.company["company_name"], id_ref))
    return found


def _cell(xml: bytes, ref: str) -> re.Match[bytes] | None:
    return re.search(rb'<c r="%s"([^>]*?)(/>|>.*?</c>)' % ref.encode(), xml, re.DOTALL)


def _set_text(xml: bytes, ref: str, text: str) -> bytes:
    """Write ``text`` into cell ``ref`` as a text value, keeping the cell's style."""
    match = _cell(xml, ref)
    assert match is not None
    style = re.search(rb'\ss="(\d+)"', match.group(1))
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").encode()
    s_attr = b' s="%s"' % style.group(1) if style else b""
    new = b'<c r="%s"%s t="str"><v>%s</v></c>' % (ref.encode(), s_attr, escaped)
    return xml[: match.start()] + new + xml[match.end() :]


def make_variants(templates: list[Template], count: int, folder: Path) -> list[Path]:
    """``count`` files, each a template with its own company name (and unique ID)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        template = templates[i % len(templates)]
        xml = _set_text(
            template.declaration_xml, template.name_ref, f"Variant Supplier {i:05d} Ltd"
        )
        if template.id_ref is not None:
            xml = _set_text(xml, template.id_ref, f"DUNS-{i:09d}")
        path = folder / f"variant-{i:05d}.xlsx"
        path.write_bytes(_patched_zip(template.data, {template.declaration_part: xml}))
        paths.append(path)
    return paths


def _patched_zip(data: bytes, replacements: dict[str, bytes]) -> bytes:
    """The zip with some members replaced; the others' compressed bytes copied as they are."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    target = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED)
    for info in source.infolist():
        if info.filename in replacements:
            fresh = zipfile.ZipInfo(info.filename, info.date_time)
            fresh.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fresh, replacements[info.filename])
            continue
        start = info.header_offset
        name_len, extra_len = (
            int.from_bytes(data[start + 26 : start + 28], "little"),
            int.from_bytes(data[start + 28 : start + 30], "little"),
        )
        end = start + 30 + name_len + extra_len + info.compress_size
        if info.flag_bits & 0x08:  # a data descriptor follows the data
            end += 16 if data[end : end + 4] == b"PK\x07\x08" else 12
        raw = copy(info)
        raw.header_offset = out.tell()
        out.write(data[start:end])
        target.filelist.append(raw)
        target.NameToInfo[raw.filename] = raw
        target.start_dir = out.tell()
    target.close()
    return out.getvalue()


# ── baselines ───────────────────────────────────────────────────────────────────────


def _calamine_bare(data: bytes) -> None:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    for name in SHEETS:
        if name in book.sheet_names:
            book.get_sheet_by_name(name).to_python(skip_empty_area=False)


def _sheet_parts(data: bytes) -> list[str]:
    from oretrace.cmrt.ooxml import OoxmlWorkbook

    return [s.path for s in OoxmlWorkbook(data).sheets if s.name in SHEETS]


def _unzip(data: bytes, parts: list[str]) -> None:
    archive = zipfile.ZipFile(io.BytesIO(data))
    for part in parts:
        archive.read(part)


def _ours(data: bytes) -> None:
    from oretrace.cmrt.container import OpenedFile, load_workbook

    book = load_workbook(OpenedFile(data, "xlsx", encrypted=False))
    for name in SHEETS:
        book.sheet(name)


def _per_file(func: object, files: list[bytes], extra: list[list[str]] | None = None) -> float:
    """Median CPU seconds per file (process time: less disturbed by a busy machine)."""
    times = []
    for i, data in enumerate(files):
        start = time.process_time()
        if extra is None:
            func(data)  # type: ignore[operator]
        else:
            func(data, extra[i])  # type: ignore[operator]
        times.append(time.process_time() - start)
    return statistics.median(times)


# ── the ingest run ──────────────────────────────────────────────────────────────────


def _tree_rss_mb(root: int) -> float:
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21])
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, ()))
    return total * os.sysconf("SC_PAGE_SIZE") / 1e6


def run_ingest(folder: Path, period: int, workers: int, env: dict[str, str]) -> dict[str, float]:
    command = [
        sys.executable,
        "-c",
        "from oretrace.cli import main; main()",
        "ingest",
        str(folder),
        "--period",
        str(period),
        "--workers",
        str(workers),
        "--no-warm",  # the ingest alone: the figures for the web pages are not its work
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    peak = 0.0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_mb(process.pid))
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        raise SystemExit(f"oretrace ingest failed ({process.returncode}): {output}")
    print(output.strip())
    return {
        "seconds": seconds,
        "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "user": after.ru_utime - before.ru_utime,
        "peak_tree_mb": peak,
        "largest_mb": after.ru_maxrss / 1024,
    }


def _fresh_postgres(url: str) -> str:
    """A new, empty database on the server of ``url``; its URL."""
    import psycopg

    name = f"oretrace_bench_{os.getpid()}_{int(time.time())}"
    server, _, _database = url.rpartition("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", type=Path, default=DEFAULT_REAL, help="folder of real files")
    parser.add_argument("-n", type=int, default=1000, help="number of variants to ingest")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--period", type=int, default=2025)
    parser.add_argument("--sample", type=int, default=40, help="variants timed for baselines")
    parser.add_argument("--keep", type=Path, help="make the variants in (and keep) this folder")
    parser.add_argument("--code", type=Path, help="run the ingest with oretrace from this src/")
    args = parser.parse_args()
    if not args.real.is_dir():
        print(f"no real files at {args.real}; nothing to measure")
        return 0
    templates = _templates(args.real)
    if not templates:
        print(f"no CMRT 6.x OOXML files in {args.real}")
        return 0
    work = args.keep or Path(tempfile.mkdtemp(prefix="oretrace-real-"))
    started = time.perf_counter()
    files = make_variants(templates, args.n, work / "variants")
    size = sum(p.stat().st_size for p in files) / len(files) / 1e6
    print(
        f"{len(files)} variants of {len(templates)} real CMRT 6.x files "
        f"({', '.join(t.path.name for t in templates)}), {size:.2f} MB each on average, "
        f"made in {time.perf_counter() - started:.1f} s in {work}"
    )

    env = dict(os.environ, ORETRACE_DATA_DIR=str(work / "data"))  # fresh SQLite, stored files
    if args.code is not None:  # e.g. an older checkout's src/, to measure "before"
        env["PYTHONPATH"] = str(args.code)
    database = "SQLite"
    if "ORETRACE_DATABASE_URL" in os.environ:
        database = "PostgreSQL"
        env["ORETRACE_DATABASE_URL"] = _fresh_postgres(os.environ["ORETRACE_DATABASE_URL"])
    run = run_ingest(work / "variants", args.period, args.workers, env)

    sample = [p.read_bytes() for p in files[: args.sample]]
    parts = [_sheet_parts(d) for d in sample]
    calamine = _per_file(_calamine_bare, sample)
    unzip = _per_file(_unzip, sample, parts)
    ours = _per_file(_ours, sample)
    cores = args.workers
    n = len(files)
    calamine_wall = calamine * n / cores
    unzip_wall = unzip * n / cores
    seconds, cpu = run["seconds"], run["cpu"]
    print(
        f"\ningest into {database}, {cores} worker(s): {seconds:.1f} s = {n / seconds:.1f} files/s"
        f" · CPU {cpu:.0f} s (user {run['user']:.0f} s) = {cpu / seconds:.2f} cores busy"
        f" · {cpu / n * 1000:.0f} CPU-ms per file"
    )
    print(
        f"peak memory: whole process tree {run['peak_tree_mb']:.0f} MB (sampled every 100 ms), "
        f"largest single process {run['largest_mb']:.0f} MB"
    )
    print(
        f"per file (CPU, median of {len(sample)}): calamine bare load of the three sheets "
        f"{calamine * 1000:.1f} ms · unzip of the three sheet parts {unzip * 1000:.1f} ms · "
        f"oretrace reader of the three sheets {ours * 1000:.1f} ms"
    )
    print(
        f"baselines for {n} files over {cores} core(s): calamine {calamine_wall:.1f} s · "
        f"unzip {unzip_wall:.1f} s"
    )
    print(
        f"ingest ÷ calamine baseline {seconds / calamine_wall:.2f}× (wall) · "
        f"{cpu / (calamine * n):.2f}× (CPU) · ingest ÷ unzip floor {seconds / unzip_wall:.2f}×"
    )
    print(
        f"reader ÷ calamine {ours / calamine:.2f}× · reader ÷ unzip {ours / unzip:.2f}× · "
        f"files/s goal 34 (4,100 in 120 s): {'met' if n / seconds >= 34 else 'not met'}"
    )
    print("the machine is shared with other work: compare CPU seconds as well as wall time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
