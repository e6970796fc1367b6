"""``oretrace check``: read and check supplier templates."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from oretrace.cli.terminal import markup_safe
from oretrace.cmrt.batch import check_files, collect_files
from oretrace.cmrt.check import FileCheck
from oretrace.cmrt.findings import Severity
from oretrace.cmrt.safe_open import resolve_roots

_STYLE = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array, one object per file.")
@click.option("--password", help="Password to try after Excel's default one (encrypted files).")
@click.option("--workers", type=int, default=None, help="Processes to use (default: all cores).")
def check(
    paths: tuple[Path, ...], as_json: bool, password: str | None, workers: int | None
) -> None:
    """Read and check RMI templates (CMRT/EMRT/CRT/AMRT) in FILES or folders.

    Prints, per file, the template and revision, the company, what was read, the count of
    required fields missing as the template's own Checker counts them, and every finding
    with its cell address. Exit status 1 when any file could not be read.
    """
    files = collect_files(paths)
    if not files:
        raise click.UsageError("No workbook files found in the paths given.")
    err = Console(stderr=True)
    results = _run(files, password, workers, err, resolve_roots(paths))
    if as_json:
        click.echo(json.dumps([r.as_json() for r in results], ensure_ascii=False, indent=2))
    else:
        out = Console(highlight=False, soft_wrap=True)
        for result in results:
            _print_summary(out, result)
        _print_totals(out, results)
    sys.exit(0 if all(r.ok for r in results) else 1)


def _run(
    files: list[Path],
    password: str | None,
    workers: int | None,
    err: Console,
    roots: tuple[str, ...],
) -> list[FileCheck]:
    if len(files) == 1 or not err.is_terminal:
        return list(check_files(files, password, workers, roots=roots))
    columns = (TextColumn("checking"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task("check", total=len(files))
        return list(
            check_files(files, password, workers, lambda _r: progress.advance(task), roots=roots)
        )


def _print_summary(out: Console, result: FileCheck) -> None:
    """One file's summary; everything read from the file goes through :func:`markup_safe`."""
    out.print(f"[bold]{markup_safe(result.file)}[/bold]")
    if result.error is not None:
        out.print(f"  [red]error {result.error.code}[/red]: {markup_safe(result.error.message)}")
        return
    data = result.as_json()
    out.print(
        markup_safe(
            f"  {data['template']} {data['version']} · "
            f"{data['company_name'] or '(no company name)'} · scope {data['scope'] or '—'} · "
            f"effective {data['effective_date'] or '—'}"
        )
    )
    cached = "" if result.checker_cached is None else f" (file's Checker: {result.checker_cached})"
    missing = (
        "no Checker" if result.checker_missing is None else f"{result.checker_missing} missing"
    )
    out.print(
        f"  {len(data['smelters'])} smelter rows · {len(data['products'])} products · "
        f"Checker: {missing}{cached}"
    )
    for item in result.findings:
        style = _STYLE[item.severity]
        out.print(
            f"  [{style}]{item.severity.value:7}[/{style}] {item.code} "
            f"{markup_safe(item.cell or '')}: {markup_safe(item.message)}"
        )


def _print_totals(out: Console, results: list[FileCheck]) -> None:
    unreadable = sum(1 for r in results if not r.ok)
    counts = {s: sum(1 for r in results for f in r.findings if f.severity is s) for s in Severity}
    out.print(
        f"\n{len(results)} file(s): {len(results) - unreadable} read, {unreadable} unreadable; "
        f"findings: {counts[Severity.ERROR]} errors, {counts[Severity.WARNING]} warnings, "
        f"{counts[Severity.INFO]} info"
    )
