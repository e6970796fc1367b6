"""Regenerate the shipped reference ``data/reference.json`` from template workbooks.

    python -m oretrace.smelters.build_reference ../shared/corpus/cmrt

Reads the look-up of every template revision found (CMRT 2.00 … 6.5, EMRT, CRT, AMRT),
one file per revision, and writes them as dated snapshots. Older revisions are kept so
that IDs and names dropped from the newest look-up still resolve, and legacy IDs map to
CIDs (through CMRT 3.01, and the crosswalk snapshot built from every revision: a legacy ID
3.01 does not map joins the one CID with its metal, country and name).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from oretrace.cmrt.container import load_calamine, open_bytes
from oretrace.cmrt.errors import WorkbookError
from oretrace.cmrt.workbook import Workbook
from oretrace.smelters.crosswalk import build_crosswalk
from oretrace.smelters.model import Snapshot, SnapshotKind
from oretrace.smelters.storage import SHIPPED, dump_snapshots
from oretrace.smelters.templates import (
    NoReferenceInWorkbook,
    has_reference,
    read_template_reference,
)

_OUT = Path(__file__).resolve().parent / "data" / SHIPPED


def _preference(path: Path) -> tuple[int, int, str]:
    """Blank official templates first, .xlsx before .xls (the 2.02 copies differ)."""
    blank = 0 if ("empty" in path.name or path.name.startswith("cmr__")) else 1
    return blank, 0 if path.suffix.lower() == ".xlsx" else 1, path.name


def template_snapshots(directory: Path) -> list[Snapshot]:
    """One look-up snapshot per template revision found in ``directory``."""
    found: dict[str, Snapshot] = {}
    for path in sorted(directory.glob("*.xls*"), key=_preference):
        data = path.read_bytes()
        try:
            book = Workbook(load_calamine(open_bytes(data)))
            if not book.has("Declaration") or not has_reference(book):
                continue
            snapshot = read_template_reference(book, path.name, data)
        except (WorkbookError, NoReferenceInWorkbook):
            continue
        found.setdefault(snapshot.info.key, snapshot)
    return sorted(found.values(), key=lambda s: s.info.order)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("templates", type=Path, help="folder with template workbooks")
    parser.add_argument("--out", type=Path, default=_OUT)
    args = parser.parse_args(argv)
    snapshots = template_snapshots(args.templates)
    if not snapshots:
        print(f"no template look-ups found in {args.templates}", file=sys.stderr)  # noqa: T201
        return 1
    snapshots = [*snapshots, build_crosswalk(snapshots)]  # last: keeps diffs small
    text = dump_snapshots(snapshots, "python -m oretrace.smelters.build_reference")
    args.out.write_text(text, encoding="utf-8")
    for snapshot in snapshots:
        info = snapshot.info
        print(f"{info.key:24} {info.as_of} {len(snapshot.rows):5} rows  {info.source}")  # noqa: T201
        for note in snapshot.notes if info.kind is SnapshotKind.CROSSWALK else ():
            print(f"  note: {note}")  # noqa: T201
    print(f"wrote {args.out} ({len(text):,} bytes)")  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
