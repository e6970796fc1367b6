"""``oretrace smelters …``: reference data and smelter identification."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import click

from oretrace.cli.database import describe_registry, open_registry, registry_configured
from oretrace.cli.terminal import printable
from oretrace.cmrt.errors import WorkbookError
from oretrace.smelters import (
    BatchError,
    Identification,
    Identifier,
    Reference,
    ReferenceImportError,
    SmelterQuery,
    import_file,
    load_reference,
    queries_from_csv,
    save_import,
    smelter_report,
    user_reference_dir,
)

_DIR_HELP = (
    "Keep the reference in this folder instead of the registry "
    "(default: $ORETRACE_REFERENCE_DIR; without either and without a registry, "
    "~/.local/share/oretrace/reference)."
)


def _folder(value: Path | None) -> Path | None:
    """The folder store to use, or None for the registry's database.

    An explicit folder (option or ``$ORETRACE_REFERENCE_DIR``) wins; otherwise a configured
    registry (see :func:`registry_configured`) holds the reference; registry-less use falls
    back to the per-user folder.
    """
    if value is not None:
        return value
    if os.environ.get("ORETRACE_REFERENCE_DIR"):
        return user_reference_dir()
    return None if registry_configured() else user_reference_dir()


def _identifier(folder: Path | None) -> Identifier:
    if folder is not None:
        return Identifier(load_reference(folder))
    open_registry()
    from oretrace.registry.services.reference import identifier

    return identifier()


def _reference(folder: Path | None) -> Reference:
    if folder is not None:
        return load_reference(folder)
    open_registry()
    from oretrace.registry.services.reference import current_reference

    return current_reference()


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group()
def smelters() -> None:
    """Smelter reference data and identification."""


@smelters.command()
@click.argument("name", required=False)
@click.option("--metal", help="Metal of the row (Gold, Tin, Tantalum, Tungsten, Cobalt, …).")
@click.option("--country", help="Country as written (any template spelling or ISO code).")
@click.option("--id", "smelter_id", help="Smelter ID as written (CID or legacy ID).")
@click.option("--csv", "csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Batch: CSV with columns metal,name[,country][,smelter_id].")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--reference-dir", type=click.Path(path_type=Path), help=_DIR_HELP)
def match(
    name: str | None,
    metal: str | None,
    country: str | None,
    smelter_id: str | None,
    csv_file: Path | None,
    as_json: bool,
    reference_dir: Path | None,
) -> None:
    """Identify smelter NAME (or every row of --csv) against the RMI reference."""
    if csv_file is None and name is None and smelter_id is None:
        raise click.UsageError("give a NAME, --id or --csv FILE")
    try:
        queries = (
            queries_from_csv(csv_file.read_text(encoding="utf-8-sig", errors="replace"))
            if csv_file
            else [SmelterQuery(metal, name, country, smelter_id)]
        )
    except BatchError as exc:
        raise click.ClickException(str(exc)) from exc
    identifier = _identifier(_folder(reference_dir))
    results = list(identifier.identify_many(queries))
    if as_json:
        _echo_json([r.to_json() for r in results] if csv_file else results[0].to_json())
        return
    for result in results:
        click.echo(printable(_line(result)))


def _line(result: Identification) -> str:
    found = f"{result.smelter_id} {result.standard_name}" if result.smelter_id else "-"
    return f"{result.decision.value:6} {result.method.value:15} {found}  | {result.reason}"


@smelters.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Date the list shows.")
@click.option("--reference-dir", type=click.Path(path_type=Path), help=_DIR_HELP)
def import_(file: Path, as_of: dt.datetime | None, reference_dir: Path | None) -> None:
    """Add the smelter reference of FILE (template, RMI list xlsx or csv) to the history.

    With a registry (ORETRACE_DATABASE_URL or ORETRACE_DATA_DIR set, or ./oretrace-data)
    the snapshots go into its database, where ingest, match, show and the web read them;
    without one, or with --reference-dir, into a folder for registry-less `smelters match`.
    """
    try:
        snapshots = import_file(file, as_of.date() if as_of else None)
    except (ReferenceImportError, WorkbookError) as exc:
        raise click.ClickException(f"{file.name}: {exc}") from exc
    folder = _folder(reference_dir)
    if folder is not None:
        where = str(save_import(snapshots, folder))
    else:
        open_registry()
        from oretrace.cli.registry import default_actor, warm_figures
        from oretrace.registry.services.periods import default_year
        from oretrace.registry.services.reference import import_snapshots

        alerts = import_snapshots(snapshots, default_actor())
        warm_figures([default_year()])  # statuses count in the period the pages open with
        where = f"the registry ({describe_registry()})"
        if alerts["changes"]:
            click.echo(
                f"{len(alerts['changes'])} status changes since {alerts['since']}: "
                "see `oretrace smelters changes`"
            )
    for snapshot in snapshots:
        info = snapshot.info
        when = info.as_of.isoformat() if info.as_of else "undated"
        click.echo(f"{info.label}: {len(snapshot.rows)} rows, as of {when} ({info.as_of_basis})")
        for note in snapshot.notes[:10]:
            click.echo(printable(f"  note: {note}"))
        if len(snapshot.notes) > 10:
            click.echo(f"  … and {len(snapshot.notes) - 10} more notes")
    click.echo(f"stored in {where}")


@smelters.command()
@click.argument("smelter_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--reference-dir", type=click.Path(path_type=Path), help=_DIR_HELP)
def show(smelter_id: str, as_json: bool, reference_dir: Path | None) -> None:
    """Names, aliases, metal, country, snapshots and status history of SMELTER_ID."""
    report = smelter_report(_reference(_folder(reference_dir)), smelter_id)
    if report is None:
        raise click.ClickException(f"{smelter_id} is in no reference snapshot")
    if as_json:
        _echo_json(report)
        return
    click.echo(f"{report['smelter_id']}  {report['standard_name']}")
    click.echo(f"  metal {report['metal']}, {report['country']} ({report['country_code']})")
    if report["legacy_ids"]:
        click.echo(f"  legacy IDs: {', '.join(report['legacy_ids'])}")
    state = "dropped from the newest look-up" if report["dropped"] else "listed"
    click.echo(f"  first seen {report['first_seen']}, last seen {report['last_seen']}; {state}")
    click.echo("  names:")
    for item in report["names"]:
        click.echo(printable(f"    {item['name']}  [{len(item['snapshots'])} snapshot(s)]"))
    for status in report["status_history"]:
        click.echo(f"  status {status['as_of']}: {status['status']} ({status['list']})")


@smelters.command()
@click.option("--since", help="Snapshot key or date (YYYY-MM-DD) to compare from "
              "(default: the RMI list before the newest).")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def changes(since: str | None, as_json: bool) -> None:
    """What the newest RMI list changed: smelters that became conformant, lost conformance,
    were suspended, are due for re-assessment, were removed or merged — with the current
    declarations, suppliers and products that name them. Needs a registry."""
    if not registry_configured():
        raise click.ClickException(
            "status changes are kept in a registry: set ORETRACE_DATA_DIR or "
            "ORETRACE_DATABASE_URL (or run where ./oretrace-data is)"
        )
    open_registry()
    from oretrace.registry.services.reference import current_status_alerts
    from oretrace.registry.services.status_alerts import UnknownSnapshot

    try:
        alerts = current_status_alerts(since)
    except UnknownSnapshot as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        _echo_json(alerts)
        return
    if alerts["until"] is None or alerts["since"] is None:
        click.echo("fewer than two dated RMI lists in the registry: nothing to compare")
        return
    found = alerts["changes"]
    click.echo(f"{alerts['since']} → {alerts['until']}: {len(found)} status changes")
    for item in found:
        touched = item["affected"]
        merged = f" → {item['merged_into']}" if item["merged_into"] else ""
        click.echo(
            f"  {item['change']:18} {item['smelter_id']}{merged} {item['standard_name']} "
            f"({item['metal']}): {item['before'] or '-'} → {item['after'] or '-'}; "
            f"{len(touched['declarations'])} declarations, {len(touched['suppliers'])} "
            f"suppliers, {len(touched['products'])} products"
        )
