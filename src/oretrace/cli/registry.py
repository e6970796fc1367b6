"""Registry commands: ``ingest``, ``import``, ``manage``."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from oretrace.cli.database import open_registry


def default_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--period", type=int, required=True, help="Reporting year, e.g. 2025.")
@click.option("--password", help="Password to try after Excel's default one.")
@click.option("--workers", type=int, default=None, help="Processes for reading (default: all).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def ingest(
    paths: tuple[Path, ...], period: int, password: str | None, workers: int | None, as_json: bool
) -> None:
    """Ingest supplier templates (files or folders) into the registry for a period.

    Every file is kept byte for byte (once per sha256), checked, its supplier found by unique
    ID or company name (unknown ones are created and flagged), every smelter row identified.
    A newer file from the same supplier and scope supersedes the older one, which is kept.
    Unreadable files are recorded with their error and never stop the batch.
    """
    open_registry()
    from oretrace.cmrt.batch import collect_files
    from oretrace.registry.services.ingest import ingest as run

    err = Console(stderr=True)
    total = len(collect_files(paths))
    columns = (TextColumn("ingesting"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task("ingest", total=total)
        summary = run(
            paths,
            period,
            default_actor(),
            password,
            workers,
            on_file=lambda _r: progress.advance(task),
        )
    if as_json:
        click.echo(json.dumps(summary.as_json(), indent=2))
        return
    decisions = ", ".join(f"{n} {k}" for k, n in sorted(summary.decisions.items())) or "none"
    click.echo(
        f"period {period}: {summary.files} files · {summary.new} new declarations · "
        f"{summary.already_known} already known · {summary.unreadable} unreadable · "
        f"{summary.with_findings} with errors · {summary.suppliers_created} new suppliers "
        f"(flagged) · {summary.smelter_rows} smelter rows ({decisions}) · "
        f"{summary.seconds:.1f} s"
    )


@click.command("import")
@click.argument("kind", type=click.Choice(["suppliers", "parts", "products", "bom"]))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_(kind: str, file: Path) -> None:
    """Import master data from CSV or XLSX: suppliers, parts, products or bom.

    Columns (header row, any case): suppliers — name*, unique_id, country, group_company,
    vendor_code, contact_name, contact_email, contact_phone; parts — number*, name, supplier,
    supplier_part_number; products — number*, name, category, business_unit, group_company;
    bom — product*, part*, quantity. Rows are upserted; bad rows are listed and skipped.
    """
    open_registry()
    from oretrace.registry.services.masterdata import MasterDataError, import_master_data

    try:
        result = import_master_data(kind, file, default_actor())
    except MasterDataError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"{kind}: {result.created} created, {result.updated} updated, {len(result.errors)} rejected"
    )
    for error in result.errors:
        click.echo(f"  row {error.row}: {error.message}", err=True)
    if result.errors:
        sys.exit(1)


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Run a Django management command (createsuperuser, runserver, migrate, …)."""
    open_registry(migrate=False)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["oretrace manage", *args])


@click.command()
@click.option("--period", type=int, required=True, help="Reporting year, e.g. 2025.")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@click.option("--as-of", "as_of", help="As the registry stood on this date (default today).")
def status(period: int, as_json: bool, as_of: str | None) -> None:
    """Where a reporting period stands: response rate; declarations valid, with findings or
    unreadable; smelter rows identified; smelters conformant or not at period end; the RCOI
    conclusion per metal; suppliers by risk level. The same figures, counted by the same
    rules, as the report built for the same date (docs/reporting.md)."""
    open_registry()
    from oretrace.registry.services.status import period_status
    from oretrace.reporting.figures import percent

    try:
        day = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError as exc:
        raise click.BadParameter(f"{as_of!r} is not a date (YYYY-MM-DD)") from exc
    result = period_status(period, as_of=day)
    if as_json:
        click.echo(json.dumps(result.as_json(), indent=2))
        return
    data = result.as_json()

    def pairs(values: dict[str, object]) -> str:
        return ", ".join(f"{k} {v}" for k, v in sorted(values.items())) or "none"

    click.echo(f"Reporting period {period}")
    click.echo(
        f"  response rate   {result.suppliers_responded}/{result.suppliers_surveyed} "
        f"suppliers ({percent(result.response_rate)})"
    )
    click.echo(
        f"  declarations    {pairs(data['declarations'])}; "
        f"{data['declarations_needing_follow_up']} need follow-up"
    )
    click.echo(f"  smelter rows    {pairs(data['smelter_rows'])}")
    click.echo(
        f"  smelters        {result.smelters_identified} identified: "
        f"{pairs(data['smelters_by_status'])}"
    )
    click.echo(f"  RCOI            {pairs(data['rcoi'])}")
    click.echo(f"  supplier risk   {pairs(data['suppliers_by_risk'])}")
    click.echo(
        f"  corrective actions {data['corrective_actions']} to "
        f"{data['suppliers_with_corrective_actions']} suppliers"
    )
