"""``oretrace smelters …``: reference data and smelter identification."""

from __future__ import annotations

import click


@click.group()
def smelters() -> None:
    """Smelter reference data and identification."""
