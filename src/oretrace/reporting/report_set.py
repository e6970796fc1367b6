"""The report set on disk: the frozen snapshot plus every document built from it."""

from __future__ import annotations

from pathlib import Path

from oretrace.reporting.build import build_report
from oretrace.reporting.data import ReportData

SNAPSHOT_FILE = "snapshot.json"


def write_report_set(data: ReportData, out: Path, mode: str) -> tuple[Path, ...]:
    """Write ``snapshot.json`` and the documents for ``mode`` into ``out``; return the paths."""
    out.mkdir(parents=True, exist_ok=True)
    snapshot = out / SNAPSHOT_FILE
    with snapshot.open("wb") as stream:
        data.write_json(stream)  # and its fingerprint, for the exports and the audit entry
    return (snapshot, *build_report(data, out, mode))


def read_snapshot(path: Path) -> ReportData:
    return ReportData.from_json(path.read_text(encoding="utf-8"))
