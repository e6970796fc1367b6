"""``oretrace smelters …``: reference data and smelter identification."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import click

from oretrace.cli.terminal import printable
from oretrace.cmrt.errors import WorkbookError
from oretrace.smelters import (
    BatchError,
    Identification,
    Identifier,
    ReferenceImportError,
    SmelterQuery,
    import_file,
    load_reference,
    queries_from_csv,
    save_import,
    smelter_report,
    user_reference_dir,
)

_DIR_HELP = "Folder of imported snapshots (default: $ORETRACE_REFERENCE_DIR or ~/.local/share)."


def _directory(value: Path | None) -> Path:
    return value if value is not None else user_reference_dir()


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
    identifier = Identifier(load_reference(_directory(reference_dir)))
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
    """Add the smelter reference of FILE (template, RMI list xlsx or csv) to the history."""
    try:
        snapshots = import_file(file, as_of.date() if as_of else None)
    except (ReferenceImportError, WorkbookError) as exc:
        raise click.ClickException(f"{file.name}: {exc}") from exc
    stored = save_import(snapshots, _directory(reference_dir))
    for snapshot in snapshots:
        info = snapshot.info
        when = info.as_of.isoformat() if info.as_of else "undated"
        click.echo(f"{info.label}: {len(snapshot.rows)} rows, as of {when} ({info.as_of_basis})")
        for note in snapshot.notes[:10]:
            click.echo(printable(f"  note: {note}"))
        if len(snapshot.notes) > 10:
            click.echo(f"  … and {len(snapshot.notes) - 10} more notes")
    click.echo(f"stored in {stored}")


@smelters.command()
@click.argument("smelter_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--reference-dir", type=click.Path(path_type=Path), help=_DIR_HELP)
def show(smelter_id: str, as_json: bool, reference_dir: Path | None) -> None:
    """Names, aliases, metal, country, snapshots and status history of SMELTER_ID."""
    report = smelter_report(load_reference(_directory(reference_dir)), smelter_id)
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
