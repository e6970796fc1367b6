"""``oretrace profile``: the organisation facts and due-diligence texts reports use."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import click

from oretrace.cli.database import open_registry
from oretrace.cli.registry import default_actor


@click.group()
def profile() -> None:
    """The organisation profile: filer facts, policy, letter of agreement, team, …"""


@profile.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def profile_load(file: Path) -> None:
    """Merge a TOML file into the profile (keys as in `oretrace profile show --json`)."""
    open_registry()
    from oretrace.registry.services.profile import ProfileError, read_profile_file, update_profile

    try:
        values = read_profile_file(file)
        update_profile(values, default_actor())
    except ProfileError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"profile updated: {', '.join(sorted(values))}")


@profile.command("show")
@click.option("--json", "as_json", is_flag=True)
def profile_show(as_json: bool) -> None:
    """Print the profile (every field, empty ones included)."""
    open_registry()
    from oretrace.registry.services.profile import load_letter_fields, load_profile

    values = dataclasses.asdict(load_profile()) | load_letter_fields()
    if as_json:
        click.echo(json.dumps(values, ensure_ascii=False, indent=2))
        return
    for name, value in values.items():
        click.echo(f"{name:24} {value if value not in ('', (), {}, []) else '—'}")
