"""``oretrace templates …``: the official templates' own rules, as oretrace evaluates them."""

from __future__ import annotations

import json
from pathlib import Path

import click

from oretrace.cli.database import open_registry
from oretrace.cli.registry import default_actor
from oretrace.cmrt.rule_catalog import available, load_catalogue
from oretrace.cmrt.rule_coverage import coverage


@click.group()
def templates() -> None:
    """The official RMI templates: kept blank templates, and their own validation and formatting
    rules."""


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


@templates.command("import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def import_(files: tuple[Path, ...], as_json: bool) -> None:
    """Keep official blank RMI templates (as downloaded from RMI) for the roll-up and the
    supplier portal.

    Each file is read by its bytes: family and revision come from the workbook, not its
    name. It is kept as RMI_<FAMILY>_<revision> in ORETRACE_TEMPLATE_DIR (default: the data
    folder's templates/). A different file of a revision already kept replaces it; the old
    one is moved aside, never deleted. A filled-in supplier file or anything that is not an
    RMI template is refused with the reason. `oretrace rollup` fills the newest kept CMRT
    when no --template is given; the portal offers the newest kept template of the family a
    campaign asks for.

    Exit status 1 when any file was refused.
    """
    open_registry()
    from oretrace.registry.services.official_templates import TemplateRefused, import_template

    results: list[dict[str, object]] = []
    refused = 0
    for path in files:
        try:
            kept = import_template(path.read_bytes(), path.name, default_actor())
        except TemplateRefused as exc:
            refused += 1
            results.append({"file": str(path), "error": str(exc)})
            if not as_json:
                click.echo(f"refused  {exc}", err=True)
            continue
        results.append(
            {
                "file": str(path),
                "family": kept.family,
                "revision": kept.revision,
                "kept_as": kept.name,
                "sha256": kept.sha256,
                "outcome": kept.outcome,
                "moved_aside": kept.replaced_by_name or None,
            }
        )
        if not as_json:
            extra = (
                f" (previous file moved aside as {kept.replaced_by_name})"
                if kept.outcome == "replaced"
                else ""
            )
            click.echo(
                f"{kept.outcome:8} {kept.family} {kept.revision} ← {path.name} "
                f"as {kept.name}{extra}"
            )
    if as_json:
        click.echo(json.dumps(results, ensure_ascii=False, indent=2))
    if refused:
        raise SystemExit(1)


@templates.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_(as_json: bool) -> None:
    """The official templates kept (ORETRACE_TEMPLATE_DIR), by family and revision."""
    open_registry()
    from oretrace.registry.services.official_templates import kept_templates, template_dir

    kept = kept_templates()
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "family": k.family,
                        "revision": k.revision,
                        "name": k.name,
                        "sha256": k.sha256,
                        "size": k.size,
                    }
                    for k in kept
                ],
                indent=2,
            )
        )
        return
    if not kept:
        click.echo(
            f"no official templates kept in {template_dir()}; "
            "add them with `oretrace templates import FILE`"
        )
    for k in kept:
        click.echo(f"{k.family:5} {k.revision:6} {k.name}  {k.sha256[:12]}  {k.size:,} bytes")
