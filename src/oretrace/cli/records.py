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
