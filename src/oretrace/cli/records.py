"""Records kept five years: ``oretrace evidence`` (the auditor's package), ``backup``,
``restore``, ``hold`` (legal holds) and ``retention``."""

from __future__ import annotations

from pathlib import Path

import click

from oretrace.cli.database import open_registry


@click.command()
@click.option("--period", type=int, required=True, help="Reporting year, e.g. 2025.")
@click.option("--supplier", "supplier_id", type=int, help="Only this supplier (its id).")
@click.option(
    "--reports",
    "report_dirs",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A folder holding issued report documents (repeatable); matched by audited sha256.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def evidence(
    period: int, supplier_id: int | None, report_dirs: tuple[Path, ...], output: Path
) -> None:
    """Write the auditor's evidence package for a period (or one supplier in it) as a zip:
    the originals as received, the declarations as read (JSON) with findings, identification
    decisions, reviews and corrections, the report sets issued for the period (found or
    rebuilt byte-identically), the audit entries of that scope, a README and a SHA256SUMS
    file that `sha256sum -c` checks. The same registry gives the same zip."""
    open_registry()
    from oretrace.registry.services.evidence import EvidenceError, write_evidence

    try:
        package = write_evidence(output, period, supplier_id, report_dirs)
    except EvidenceError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"{output}: {package.declarations} declarations, {package.originals} originals, "
        f"{package.audit_entries} audit entries, {package.reports} issued reports"
    )
    for missing in package.missing:
        click.echo(f"  not included: {missing}", err=True)


@click.command()
@click.argument("out", type=click.Path(path_type=Path))
def backup(out: Path) -> None:
    """Back up the registry into the new folder OUT while it is in use: the database (SQLite's
    online backup, or pg_dump in custom format on PostgreSQL), every stored original, a
    manifest.json with the audit chain head and the sha256 of every file, and SHA256SUMS."""
    open_registry()
    from oretrace.registry.services.backup import BackupError
    from oretrace.registry.services.backup import backup as run

    try:
        result = run(out)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"{out}: {result.vendor} database and {result.stored_files} originals, "
        f"{result.bytes / 1e6:.1f} MB, audit head #{result.audit_seq} {result.audit_hash}, "
        f"{result.seconds:.1f} s"
    )


@click.command()
@click.argument(
    "source", metavar="IN", type=click.Path(exists=True, file_okay=False, path_type=Path)
)
def restore(source: Path) -> None:
    """Restore the backup in folder IN into the configured database and data folder, which
    must be empty (a new ORETRACE_DATA_DIR, or a new PostgreSQL database). Every file is
    checked against the manifest first; afterwards every original is re-read and the audit
    chain verified, its head compared with the backup's. Exit 1 when anything differs."""
    open_registry(migrate=False)
    from oretrace.registry.services.backup import BackupError
    from oretrace.registry.services.backup import restore as run

    try:
        result = run(source)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    for problem in result.problems:
        click.echo(f"restore check failed: {problem}", err=True)
    if not result.ok:
        raise SystemExit(1)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    click.echo(
        f"restored {result.vendor} database and {result.stored_files} originals; audit chain "
        f"intact, head #{result.audit_seq} {result.audit_hash} as backed up; "
        f"{result.seconds:.1f} s"
    )
