"""``oretrace correct``: correct a declaration's status with a reason, keeping the original."""

from __future__ import annotations

import click

from oretrace.cli.database import open_registry
from oretrace.cli.registry import default_actor, warm_figures


@click.command()
@click.argument("declaration_id", type=int)
@click.option(
    "--status",
    type=click.Choice(["withdrawn", "follow_up", "reinstated"]),
    required=True,
    help="withdrawn: no longer counts; follow_up: needs follow-up; reinstated: undo.",
)
@click.option("--reason", required=True, help="Why (kept with the correction and audited).")
def correct(declaration_id: int, status: str, reason: str) -> None:
    """Correct declaration DECLARATION_ID's status. The declaration as ingested is kept; the
    correction points at it, says why, and is audited. A withdrawn declaration no longer
    counts for its period (the revision before it does)."""
    open_registry()
    from oretrace.registry.services.corrections import CorrectionError, correct_status
    from oretrace.registry.services.warming import years_of_declarations

    try:
        correction = correct_status(declaration_id, status, reason, default_actor())
    except CorrectionError as exc:
        raise click.ClickException(str(exc)) from exc
    warm_figures(sorted(years_of_declarations([declaration_id])))
    click.echo(f"declaration {declaration_id}: {correction.previous_status} → {correction.status}")
