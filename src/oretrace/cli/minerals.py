"""`oretrace status`'s extended-minerals section as text (the figures come from
``oretrace.registry.services.minerals`` through the status)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click


def echo_extended_minerals(section: Mapping[str, Mapping[str, Any]]) -> None:
    """One line per extended mineral declared, below the 3TG figures."""
    click.echo("Extended minerals (EMRT, CRT, AMRT declarations in force; not part of Form SD)")
    if not section:
        click.echo("  none declared")
        return
    width = max(len(name) for name in section)
    for mineral, line in section.items():
        click.echo(
            f"  {mineral:<{width}}  {line['declarations']} declaring, "
            f"{line['suppliers_using']} using; {line['conclusion'].replace('_', ' ')}; "
            f"smelters {line['smelters_identified']} identified: "
            f"{_pairs(line['smelters_by_status'])}; rows {_pairs(line['smelter_rows'])}; "
            f"mines {line['mines_listed']}; supplier risk {_pairs(line['suppliers_by_risk'])}; "
            f"product risk {_pairs(line['products_by_risk'])}"
        )


def _pairs(values: Mapping[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(values.items())) or "none"
