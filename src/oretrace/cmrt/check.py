"""Check one supplier file end to end: open, identify, read, run the Checker and our checks."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from oretrace.cmrt.checker import cached_checker_count, run_checker
from oretrace.cmrt.checks import CheckSettings, check_declaration
from oretrace.cmrt.container import OpenedFile, load_workbook, open_bytes
from oretrace.cmrt.errors import WorkbookError
from oretrace.cmrt.export import file_check_json
from oretrace.cmrt.findings import Finding, finding
from oretrace.cmrt.formulas import cells_without_formula
from oretrace.cmrt.identify import TemplateInfo, identify
from oretrace.cmrt.layouts import Layout, layout_for
from oretrace.cmrt.limits import DEFAULT_LIMITS, Limits
from oretrace.cmrt.model import Declaration
from oretrace.cmrt.reader import read_declaration
from oretrace.cmrt.rule_catalog import catalogue_for
from oretrace.cmrt.safe_open import read_file
from oretrace.cmrt.template_rules import run_rules
from oretrace.cmrt.workbook import Workbook


@dataclass(slots=True)
class FileCheck:
    """The outcome for one file: the declaration read, the Checker count, the findings."""

    file: str
    sha256: str | None = None
    info: TemplateInfo | None = None
    declaration: Declaration | None = None
    checker_missing: int | None = None
    checker_cached: int | None = None
    findings: list[Finding] = field(default_factory=list)
    error: WorkbookError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def as_json(self) -> dict[str, Any]:
        return file_check_json(self)


def check_path(
    path: Path,
    password: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    settings: CheckSettings | None = None,
    roots: tuple[str, ...] | None = None,
) -> FileCheck:
    """Check a file on disk. Never raises for bad input: errors land in ``FileCheck.error``.

    The file is read with :func:`oretrace.cmrt.safe_open.read_file` (regular files only; links
    must stay inside ``roots``). When it cannot be read at all, ``sha256`` stays None.
    """
    try:
        data = read_file(path, roots, limits.max_file_bytes)
    except WorkbookError as exc:
        return FileCheck(str(path), error=exc)
    return check_bytes(data, str(path), password, limits, settings)


def check_bytes(
    data: bytes,
    name: str,
    password: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    settings: CheckSettings | None = None,
    sha256: str | None = None,
) -> FileCheck:
    """Check a workbook's bytes; ``sha256``: theirs, when the caller has computed it."""
    result = FileCheck(name, sha256=sha256 or hashlib.sha256(data).hexdigest())
    try:
        opened = open_bytes(data, password, limits)
        book = load_workbook(opened, limits)
        result.info = identify(book)
        layout = layout_for(result.info.family, result.info.revision, result.info.layout_revision)
        result.declaration = read_declaration(book, result.info)
        _run_checks(result, book, opened, layout, settings or CheckSettings())
    except WorkbookError as exc:
        result.error = exc
    return result


def _run_checks(
    result: FileCheck, book: Workbook, opened: OpenedFile, layout: Layout, settings: CheckSettings
) -> None:
    assert result.info is not None and result.declaration is not None
    findings = result.findings
    findings += _revision_findings(result.info, layout, settings)
    checker = run_checker(book, result.info)
    if checker is not None:
        result.checker_missing = checker.missing
        findings += [
            finding("required_missing", f"'{m.sheet}'!{m.ref}", f"Required: {m.label}.")
            for m in checker.fields
        ]
    result.checker_cached = cached_checker_count(book)
    if result.checker_cached is not None and result.checker_cached != result.checker_missing:
        findings.append(
            finding(
                "checker_mismatch",
                "'Checker'!D2",
                f"The file's Checker shows {result.checker_cached} missing field(s); "
                f"oretrace counts "
                f"{result.checker_missing}. The file may have been saved without recalculation.",
            )
        )
    findings += check_declaration(result.declaration, layout, settings)
    findings += _pasted_values(result.declaration, opened, layout)
    findings += _template_rules(book, result.info, findings)


def _template_rules(book: Workbook, info: TemplateInfo, findings: list[Finding]) -> list[Finding]:
    """The template's own validations and coloured-cell rules, where oretrace says nothing yet."""
    catalogue = catalogue_for(info.family, info.revision)
    if catalogue is None:
        return []
    return run_rules(book, catalogue, taken={f.cell for f in findings if f.cell}).findings


def _revision_findings(
    info: TemplateInfo, layout: Layout, settings: CheckSettings
) -> list[Finding]:
    found: list[Finding] = []
    where = "'Declaration'!J3"
    if not info.exact:
        found.append(
            finding(
                "revision_unknown",
                where,
                f"{info.family} {info.revision} has no cell map of its own; read with the "
                f"{layout.name} layout.",
            )
        )
    if layout.inferred:
        found.append(
            finding(
                "layout_inferred",
                where,
                f"The {layout.name} layout is inferred from neighbouring revisions; "
                "check the values read.",
            )
        )
    minimum = settings.minimum_revision.get(info.family)
    if minimum is not None and info.revision < minimum:
        found.append(
            finding(
                "revision_outdated",
                where,
                f"{info.family} {info.revision} is older than the minimum accepted "
                f"revision {minimum}; "
                "ask for the current template.",
            )
        )
    return found


def _pasted_values(declaration: Declaration, opened: OpenedFile, layout: Layout) -> list[Finding]:
    table = layout.smelters
    rows = [r.row for r in declaration.smelters if r.get("lookup") or r.get("metal")]
    if opened.container != "xlsx" or not rows or not table.formula_columns:
        return []
    missing = cells_without_formula(opened.data, table.sheet, rows, table.formula_columns)
    if not missing:
        return []
    affected = sorted({int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) for ref in missing})
    first = min(missing, key=lambda ref: (int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")), ref))
    shown = ", ".join(str(r) for r in affected[:8]) + (" …" if len(affected) > 8 else "")
    return [
        finding(
            "formula_overwritten",
            f"'{table.sheet}'!{first}",
            f"Columns {', '.join(table.formula_columns)} of {len(affected)} Smelter List row(s) "
            f"({shown}) hold typed or pasted values instead of the template's look-up formulas; "
            "IDs and names there may not match RMI's list.",
        )
    ]
