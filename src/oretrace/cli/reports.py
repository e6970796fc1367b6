"""``oretrace report`` and ``oretrace rollup``: the filing, and our answer to customers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from oretrace.cli.database import open_registry
from oretrace.cli.registry import default_actor


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from exc


@click.command()
@click.option("--period", type=int, help="Reporting year, e.g. 2025.")
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option(
    "--mode",
    type=click.Choice(["rcoi", "cmr"]),
    default="cmr",
    show_default=True,
    help="rcoi: Form SD Item 1.01(a)–(b) only; cmr: Form SD + Exhibit 1.01.",
)
@click.option("--as-of", "as_of", help="Freeze the registry as of this date (default today).")
@click.option(
    "--draft",
    is_flag=True,
    help="Build even when filer facts or data are missing or --as-of is inside the period; "
    "every page is stamped DRAFT.",
)
@click.option(
    "--from-snapshot",
    "snapshot",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Rebuild from a saved snapshot.json (no database).",
)
def report(
    period: int | None,
    out: Path,
    mode: str,
    as_of: str | None,
    draft: bool,
    snapshot: Path | None,
) -> None:
    """Write Form SD and the Conflict Minerals Report (EDGAR HTML and DOCX), the Excel
    exports, the charts and snapshot.json into OUT.

    The report is built from a snapshot of the registry as of a date (the signature date);
    the audit log records its fingerprint and the hash of every file. Building again from
    the same snapshot.json (--from-snapshot) gives identical files. A final report needs
    the filer facts of the profile, a period with declarations and an as-of date after the
    period ends; otherwise the command lists what is missing and exits 1 (--draft builds
    anyway, stamped DRAFT).
    """
    from oretrace.reporting.report_set import read_snapshot, write_report_set

    if snapshot is not None:  # pure: no database
        data = read_snapshot(snapshot)
        files = write_report_set(data, out, mode)
    else:
        if period is None:
            raise click.UsageError("--period is required unless --from-snapshot is given")
        open_registry()
        from oretrace.registry.services.reports import issue_report
        from oretrace.reporting.readiness import NotReady

        try:
            issued = issue_report(period, out, mode, default_actor(), _date(as_of), draft=draft)
        except NotReady as exc:
            raise click.ClickException(str(exc)) from exc
        data, files = issued.snapshot, issued.files
    for path in files:
        click.echo(str(path))
    click.echo(_appendix_2(data))


def _appendix_2(data: object) -> str:
    """One line of Appendix 2 counts: conformant and known-not-conformant smelters per metal."""
    from oretrace.reporting.data import ReportData
    from oretrace.reporting.figures import conformant_smelters, not_conformant_smelters

    assert isinstance(data, ReportData)
    parts = []
    for metal in ("Tantalum", "Tin", "Gold", "Tungsten"):
        good = sum(1 for s in conformant_smelters(data) if s.metal == metal)
        other = sum(1 for s in not_conformant_smelters(data) if s.metal == metal)
        parts.append(f"{metal} {good}/{other}")
    total = f"{len(conformant_smelters(data))}/{len(not_conformant_smelters(data))}"
    return f"Appendix 2 (conformant/known not conformant): {', '.join(parts)}; all {total}"


@click.command()
@click.option("--period", type=int, required=True, help="Reporting year, e.g. 2025.")
@click.option(
    "--template",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The official RMI CMRT (6.x .xlsx) to fill; default: the newest CMRT kept by "
    "`oretrace templates import`, else oretrace's own layout.",
)
@click.option("--scope", type=click.Choice(["company"]), default="company", show_default=True)
@click.option("--products", help="Comma-separated product numbers: declare for these only.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--as-of", "as_of", help="Freeze the registry as of this date (default today).")
@click.option(
    "--draft", is_flag=True, help="Build even when facts are missing; DRAFT in the company name."
)
def rollup(
    period: int,
    template: Path | None,
    scope: str,
    products: str | None,
    output: Path,
    as_of: str | None,
    draft: bool,
) -> None:
    """Fill our own CMRT for customers: company block and company questions from the profile,
    per-metal answers derived from suppliers' declarations (docs/rollup.md), the
    consolidated smelter list and, with --products, the product list. Only input cells of the
    official template are written; formulas, validations and formatting stay as RMI made them.
    """
    open_registry()
    from oretrace.registry.models import Product
    from oretrace.registry.services.reports import issue_rollup

    chosen = None
    if products:
        numbers = [n.strip() for n in products.split(",") if n.strip()]
        known = dict(Product.objects.filter(number__in=numbers).values_list("number", "name"))
        missing = [n for n in numbers if n not in known]
        if missing:
            raise click.ClickException(f"unknown product number(s): {', '.join(missing)}")
        chosen = [(n, known[n]) for n in numbers]
    data = template.read_bytes() if template else None
    try:
        issue_rollup(period, output, default_actor(), data, chosen, _date(as_of), draft=draft)
    except ValueError as exc:  # NotReady included: it lists what is missing
        raise click.ClickException(str(exc)) from exc
    click.echo(str(output))
