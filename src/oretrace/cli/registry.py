"""Registry commands: ``ingest``, ``import``, ``manage``."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import pwd
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from oretrace.cli.database import open_registry

if TYPE_CHECKING:
    from oretrace.registry.services.masterdata import ImportResult


def default_actor() -> str:
    """``cli:<os user>@<host>``: the account the process runs as (from the password database,
    by uid, so LOGNAME or USER cannot change it) and the machine's name."""
    uid = os.getuid()
    try:
        user = pwd.getpwuid(uid).pw_name
    except KeyError:
        user = f"uid{uid}"
    return f"cli:{user}@{socket.gethostname()}"


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--period", type=int, required=True, help="Reporting year, e.g. 2025.")
@click.option("--password", help="Password to try after Excel's default one.")
@click.option("--workers", type=int, default=None, help="Processes for reading (default: all).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option(
    "--no-warm",
    is_flag=True,
    help="Do not compute the period's figures for the web pages at the end (the first page "
    "opened computes them instead).",
)
def ingest(
    paths: tuple[Path, ...],
    period: int,
    password: str | None,
    workers: int | None,
    as_json: bool,
    no_warm: bool,
) -> None:
    """Ingest supplier templates (files or folders) into the registry for a period.

    Every file is kept byte for byte (once per sha256), checked, its supplier found by unique
    ID or company name (unknown ones are created and flagged), every smelter row identified.
    A newer file from the same supplier and scope supersedes the older one, which is kept.
    Unreadable files are recorded with their error and never stop the batch. Each file
    ends as a new declaration, already known (same bytes) or an error with a code: a file
    that cannot be read at all (permission denied, vanished, not a regular file, a link out
    of the folders given, over the size limit) is recorded and nothing of it is stored.
    Several ingests may run at once against one database. At the end the period's figures
    are computed for the web pages (the whole group and each officer's group companies), so
    the next dashboard reads them back; --no-warm skips that.
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
    if not no_warm:
        warm_figures([period])
    if as_json:
        click.echo(json.dumps(summary.as_json(), indent=2))
        return
    decisions = ", ".join(f"{n} {k}" for k, n in sorted(summary.decisions.items())) or "none"
    errors = ", ".join(f"{n} {k}" for k, n in sorted(summary.error_codes.items())) or "none"
    click.echo(
        f"period {period}: {summary.files} files · {summary.new} new declarations · "
        f"{summary.already_known} already known · {summary.errors} not readable "
        f"({errors}) · {summary.unreadable} unreadable workbooks · "
        f"{summary.with_findings} with errors · {summary.suppliers_created} new suppliers "
        f"(flagged) · {summary.smelter_rows} smelter rows ({decisions}) · "
        f"{summary.seconds:.1f} s"
    )


@click.command("import")
@click.argument("kind", type=click.Choice(["suppliers", "parts", "products", "bom", "contacts"]))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--partial",
    is_flag=True,
    help="Store the good rows and report the bad ones (default: all rows or none).",
)
@click.option(
    "--encoding",
    help="The CSV's encoding (utf-8, cp932/shift_jis, gb18030, cp1252/latin-1…); "
    "default: detected, refused when unclear.",
)
@click.option(
    "--delimiter",
    help="The CSV's separator: comma, semicolon, tab or one character (default: "
    "detected from the header).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def import_(
    kind: str,
    file: Path,
    partial: bool,
    encoding: str | None,
    delimiter: str | None,
    as_json: bool,
) -> None:
    """Import master data from CSV or XLSX: suppliers, parts, products, bom or contacts.

    \b
    Columns (header row, any case; * = required):
      suppliers  name*, unique_id, country, group_company, vendor_code,
                 contact_name, contact_email, contact_phone
      parts      number*, name, supplier (name or unique ID), supplier_part_number
      products   number*, name, category, business_unit, group_company
      bom        product*, part*, quantity (default 1)
      contacts   supplier* (unique ID or name), email*, name, role, phone

    A file is imported whole or not at all: one bad row and nothing is stored, unless
    --partial. Every rejected row is listed with its row number and column. A supplier
    row whose unique ID and name point at two different suppliers is rejected, never
    merged. Empty cells leave stored values as they are.

    Exit status: 0 when every row was accepted; 1 when any row was rejected or the file
    could not be read (binary, unclear encoding, missing required columns).
    """
    open_registry()
    from oretrace.registry.services.masterdata import MasterDataError, import_master_data

    try:
        result = import_master_data(
            kind,
            file,
            default_actor(),
            partial=partial,
            encoding=encoding,
            delimiter=delimiter,
        )
    except MasterDataError as exc:
        if as_json:
            failure = {"code": exc.code, "message": str(exc)}
            click.echo(json.dumps({"kind": kind, "file": str(file), "error": failure}, indent=2))
            sys.exit(1)
        raise click.ClickException(str(exc)) from exc
    if result.stored:
        from oretrace.registry.services.periods import default_year

        warm_figures([default_year()])
    if as_json:
        click.echo(json.dumps(result.as_json(), indent=2, ensure_ascii=False))
    else:
        _print_import(result)
    if result.rejected:
        sys.exit(1)


def warm_figures(years: list[int]) -> None:
    """Compute the figures the pages open with now, so the next person reads them back
    (never fails the command: the pages compute on demand anyway)."""
    from oretrace.registry.services.warming import warm_periods

    err = Console(stderr=True)
    shown = err.status("computing the figures for the web pages") if err.is_terminal else None
    with shown or contextlib.nullcontext():
        warm_periods(years)


def _print_import(result: ImportResult) -> None:
    read = f"{result.format}" + (
        f", {result.encoding}, {result.delimiter}-separated" if result.format == "csv" else ""
    )
    if result.stored:
        click.echo(
            f"{result.kind}: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged, {result.rejected} rejected ({read})"
        )
    else:
        click.echo(
            f"{result.kind}: {result.rejected} of {result.rows} rows rejected; nothing stored "
            f"(all rows or none; --partial stores the good rows) ({read})"
        )
    for error in result.rejections:
        click.echo(f"  row {error.row}, {error.column}: {error.message}", err=True)


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Run a Django management command (createsuperuser, runserver, migrate, …)."""
    open_registry(migrate=False)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["oretrace manage", *args])


@click.command()
@click.option("--period", type=int, required=True, help="Reporting year, e.g. 2025.")
@click.option(
    "--group-company",
    "group_companies",
    multiple=True,
    metavar="CODE",
    help="Only the suppliers of this group company (code or name); repeat for several. "
    "Equals the dashboard of an officer of these companies.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@click.option("--as-of", "as_of", help="As the registry stood on this date (default today).")
def status(period: int, group_companies: tuple[str, ...], as_json: bool, as_of: str | None) -> None:
    """Where a reporting period stands: response rate; declarations valid, with findings or
    unreadable; smelter rows identified; smelters conformant or not at period end; the RCOI
    conclusion per metal; suppliers by risk level. The same figures, counted by the same
    rules, as the report built for the same date (docs/reporting.md). Below them, apart:
    extended minerals from EMRT, CRT and AMRT declarations, per mineral (docs/cli.md)."""
    open_registry()
    from oretrace.cli.minerals import echo_extended_minerals
    from oretrace.registry.services.people import StaffAccountError, group_companies_by_code
    from oretrace.registry.services.scope import StaffScope
    from oretrace.registry.services.status import period_status
    from oretrace.reporting.figures import percent

    scope = None
    if group_companies:
        try:
            ids = frozenset(c.pk for c in group_companies_by_code(group_companies))
        except StaffAccountError as problem:
            raise click.ClickException(str(problem)) from problem
        scope = StaffScope.for_group_companies(ids)
    try:
        day = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError as exc:
        raise click.BadParameter(f"{as_of!r} is not a date (YYYY-MM-DD)") from exc
    result = period_status(period, scope, as_of=day)
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
    echo_extended_minerals(data["extended_minerals"])
