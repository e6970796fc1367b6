"""``oretrace check``: read and check supplier templates."""

from __future__ import annotations

import click


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
def check(paths: tuple[str, ...]) -> None:
    """Read and check RMI templates (files or folders)."""
    raise click.ClickException("not wired yet")
