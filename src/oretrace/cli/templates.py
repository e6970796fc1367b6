"""``oretrace templates …``: the official templates' own rules, as oretrace evaluates them."""

from __future__ import annotations

import json

import click

from oretrace.cmrt.rule_catalog import available, load_catalogue
from oretrace.cmrt.rule_coverage import coverage


@click.group()
def templates() -> None:
    """The official RMI templates: their own validation and formatting rules."""


@templates.command("rules")
@click.option("--family", default="CMRT", show_default=True, help="CMRT, EMRT, CRT or AMRT.")
@click.option("--revision", required=True, help="Template revision, e.g. 6.5.")
@click.option("--unsupported", is_flag=True, help="List only rules oretrace cannot evaluate.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def rules(family: str, revision: str, unsupported: bool, as_json: bool) -> None:
    """List the data validations and conditional formats of a template's input sheets, and
    whether each is evaluated on supplier files (with the reason when it is not).

    Exit status 1 when there is no catalogue for that revision.
    """
    catalogue = load_catalogue(family.upper(), revision)
    if catalogue is None:
        shipped = ", ".join(f"{f} {r}" for f, r in sorted(available()))
        raise click.ClickException(f"no rule catalogue for {family} {revision}; have: {shipped}")
    result = coverage(catalogue)
    chosen = result.unsupported if unsupported else result.rules
    if as_json:
        click.echo(
            json.dumps(
                {
                    "family": result.family,
                    "revision": result.revision,
                    "rules": len(result.rules),
                    "evaluated": result.evaluated,
                    "unsupported": len(result.unsupported),
                    "listed": [
                        {
                            "id": r.id,
                            "kind": r.kind,
                            "sheet": r.sheet,
                            "where": r.where,
                            "what": r.what,
                            "evaluated": r.evaluated,
                            "finding": r.finding,
                            "handwritten": r.handwritten,
                            "reason": r.reason,
                        }
                        for r in chosen
                    ],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    click.echo(
        f"{result.family} {result.revision}: {len(result.rules)} rules, {result.evaluated} "
        f"evaluated ({result.with_findings} give findings, {result.display_only} only shade "
        f"cells), {len(result.unsupported)} unsupported"
    )
    for r in chosen:
        state = "evaluated" if r.evaluated else f"UNSUPPORTED: {r.reason}"
        click.echo(f"{r.id:24} {r.where[:40]:40} {r.what[:60]:60} {state}")
