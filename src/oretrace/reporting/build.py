"""Build every report document of a period from one frozen snapshot.

``build_report(data, out, mode)`` writes into ``out`` (and nowhere else):

- ``form-sd.htm`` and ``form-sd.docx`` — Form SD (EDGAR HTML; editable DOCX);
- ``ex-1.01.htm`` and ``ex-1.01.docx`` — Exhibit 1.01, the Conflict Minerals Report (mode
  ``cmr`` only);
- ``report.html`` — the internal management report, charts embedded;
- ``exports.xlsx`` — smelter rows, smelters, suppliers, corrective actions, product risk;
- ``charts/<name>.svg`` and ``charts/<name>.png`` — the four charts.

Everything is a function of the snapshot alone, so two builds are byte-identical.

The exports are written first and matplotlib and python-docx are imported only after them:
the workbook's transient memory then comes and goes before those libraries (~40 MB) are
loaded, which keeps a 4,000-supplier report's peak low (ADR 0024). The order of writing
changes no file.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from oretrace.reporting.cmr import conflict_minerals_report
from oretrace.reporting.data import ReportData
from oretrace.reporting.exports import write_exports
from oretrace.reporting.figures import charts
from oretrace.reporting.form_sd import MODES, form_sd
from oretrace.reporting.html import edgar_html, edgar_violations, internal_html
from oretrace.reporting.management import management_report
from oretrace.reporting.sections import Document

FORM_SD = "form-sd"
EXHIBIT = "ex-1.01"
CHARTS = "charts"


class EdgarError(ValueError):
    """A document meant for EDGAR breaks EDGAR's HTML rules (a bug, never filed)."""


def build_report(data: ReportData, out: Path, mode: str = "cmr") -> list[Path]:
    """Write the period's report documents into ``out``; return their paths, sorted."""
    if mode not in MODES:
        raise ValueError(f"unknown report mode {mode!r}: expected one of {', '.join(MODES)}")
    (out / CHARTS).mkdir(parents=True, exist_ok=True)
    written = [write_exports(data, out / "exports.xlsx")]
    from oretrace.reporting.charts import render  # after the exports: see the module

    author = data.organisation.legal_name
    written += _write_filing(_stamped(form_sd(data, mode), data), out / FORM_SD, data, author)
    if mode == "cmr":
        exhibit = _stamped(conflict_minerals_report(data), data)
        written += _write_filing(exhibit, out / EXHIBIT, data, author)
    else:
        _remove_stale(out, EXHIBIT)
    png: dict[str, bytes] = {}
    for chart in charts(data):
        rendered = render(chart)
        png[chart.name] = rendered.png
        written += [
            _write(out / CHARTS / f"{chart.name}.svg", rendered.svg),
            _write(out / CHARTS / f"{chart.name}.png", rendered.png),
        ]
    management = _stamped(management_report(data), data)
    written.append(_write(out / "report.html", internal_html(management, png)))
    return sorted(written)


def _stamped(document: Document, data: ReportData) -> Document:
    """A draft snapshot's documents carry DRAFT in their title and on every page."""
    if not data.draft:
        return document
    return dataclasses.replace(document, title=f"DRAFT - {document.title}", draft=True)


def _write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def _write_filing(document: Document, stem: Path, data: ReportData, author: str) -> list[Path]:
    from oretrace.reporting.docx_report import write_docx  # after the exports: see the module

    html = edgar_html(document)
    problems = edgar_violations(html)
    if problems:
        raise EdgarError(f"{stem.name}.htm breaks EDGAR rules: {'; '.join(problems[:5])}")
    return [
        _write(stem.with_name(stem.name + ".htm"), html),
        write_docx(document, stem.with_name(stem.name + ".docx"), data.as_of, author),
    ]


def _remove_stale(out: Path, stem: str) -> None:
    """A previous ``cmr`` build's exhibit must not sit beside an ``rcoi`` Form SD."""
    for suffix in (".htm", ".docx"):
        (out / f"{stem}{suffix}").unlink(missing_ok=True)
