"""Issue reports and roll-up CMRTs from a frozen snapshot, and put them in the audit log."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from oretrace.registry.services.audit import record
from oretrace.registry.services.snapshot import report_snapshot
from oretrace.reporting.data import ReportData
from oretrace.reporting.report_set import write_report_set


@dataclass(frozen=True, slots=True)
class Issued:
    snapshot: ReportData
    files: tuple[Path, ...]


def issue_report(
    year: int, out: Path, mode: str, actor: str, as_of: dt.date | None = None
) -> Issued:
    """Freeze the period, write the snapshot and every document into ``out``, audit it."""
    data = report_snapshot(year, as_of)
    files = write_report_set(data, out, mode)
    record(
        actor,
        "report.issued",
        None,
        period=year,
        mode=mode,
        as_of=data.as_of.isoformat(),
        snapshot_sha256=data.fingerprint(),
        files=file_hashes(files),
    )
    return Issued(data, files)


def issue_rollup(
    year: int,
    target: Path,
    actor: str,
    template: bytes | None = None,
    products: list[tuple[str, str]] | None = None,
    as_of: dt.date | None = None,
) -> Issued:
    """Our own CMRT for customers: the official template filled, or oretrace's own layout."""
    data = report_snapshot(year, as_of)
    target.write_bytes(rollup_bytes(data, template, products))
    record(
        actor,
        "rollup.issued",
        None,
        period=year,
        as_of=data.as_of.isoformat(),
        snapshot_sha256=data.fingerprint(),
        scope="products" if products else "company",
        template_sha256=hashlib.sha256(template).hexdigest() if template else None,
        files=file_hashes([target]),
    )
    return Issued(data, (target,))


def rollup_bytes(
    data: ReportData, template: bytes | None, products: list[tuple[str, str]] | None
) -> bytes:
    from oretrace.reporting.rollup_content import rollup_content
    from oretrace.reporting.template_fill import fill_template, write_own_layout

    content = rollup_content(data, products)
    return fill_template(template, content) if template else write_own_layout(content)


def file_hashes(files: list[Path] | tuple[Path, ...]) -> dict[str, str]:
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}
