"""Issue reports and roll-up CMRTs from a frozen snapshot, and put them in the audit log."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from oretrace.cmrt.revisions import Family
from oretrace.registry.services.audit import record
from oretrace.registry.services.official_templates import newest_official
from oretrace.registry.services.snapshot import report_snapshot
from oretrace.reporting.data import ReportData
from oretrace.reporting.readiness import NotReady, missing_for_report, missing_for_rollup
from oretrace.reporting.report_set import write_report_set


@dataclass(frozen=True, slots=True)
class Issued:
    snapshot: ReportData
    files: tuple[Path, ...]


def final_snapshot(year: int, as_of: dt.date | None, draft: bool) -> ReportData:
    """The snapshot to build from; ``draft`` marks it so every document is stamped DRAFT."""
    data = report_snapshot(year, as_of)
    return dataclasses.replace(data, draft=True) if draft else data


def issue_report(
    year: int,
    out: Path,
    mode: str,
    actor: str,
    as_of: dt.date | None = None,
    *,
    draft: bool = False,
) -> Issued:
    """Freeze the period, write the snapshot and every document into ``out``, audit it.

    A final report (not ``draft``) needs every filer fact, a period with data and an as-of
    date after the period; otherwise :class:`NotReady` lists what is missing and nothing is
    written.
    """
    data = final_snapshot(year, as_of, draft)
    if not draft:
        missing = missing_for_report(data, mode, dt.date.today())
        if missing:
            raise NotReady(f"report for {year}", missing)
    files = write_report_set(data, out, mode)
    record(
        actor,
        "report.issued",
        None,
        period=year,
        mode=mode,
        draft=draft,
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
    *,
    draft: bool = False,
) -> Issued:
    """Our own CMRT for customers: the official template filled, or oretrace's own layout.

    Final (not ``draft``) only with the company block's facts and a period with data."""
    data = final_snapshot(year, as_of, draft)
    if not draft:
        missing = missing_for_rollup(data, dt.date.today())
        if missing:
            raise NotReady(f"roll-up for {year}", missing)
    if template is None:  # the newest official CMRT kept by `oretrace templates import`
        template = newest_official(Family.CMRT)
    target.write_bytes(rollup_bytes(data, template, products))
    record(
        actor,
        "rollup.issued",
        None,
        period=year,
        draft=draft,
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
    """sha256 of each file, read in blocks (snapshot.json is ~15 MB at 4,000 suppliers)."""
    hashes = {}
    for f in files:
        with f.open("rb") as stream:
            hashes[f.name] = hashlib.file_digest(stream, "sha256").hexdigest()
    return hashes
