"""``oretrace review`` (the smelter review queue) and ``oretrace changes`` (year over year)."""

from __future__ import annotations

import json
from typing import Any

import click

from oretrace.cli.database import open_registry
from oretrace.cli.registry import default_actor
from oretrace.cli.terminal import printable


@click.group()
def review() -> None:
    """The smelter review queue: list rows awaiting a person, accept or reject them."""


@review.command("list")
@click.option("--period", type=int, required=True)
@click.option("--json", "as_json", is_flag=True)
def review_list(period: int, as_json: bool) -> None:
    """Smelter rows of current declarations that identification left to a person (rejected
    and confirmed rows are not listed)."""
    open_registry()
    from oretrace.registry.services.review import review_queue

    rows: list[dict[str, Any]] = [
        {
            "row_id": r.pk,
            "supplier": r.declaration.company_name,
            "metal": r.metal,
            "name": r.name,
            "country": r.country,
            "reported_id": r.reported_id,
            "decision": r.decision,
            "reason": r.reason,
            "candidates": [c["smelter_id"] for c in r.candidates][:3],
        }
        for r in review_queue(period)
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(
            printable(
                f"{row['row_id']:>7}  {row['decision']:6}  {row['metal']:8}  {row['name']!r} "
                f"({row['supplier']}) → {', '.join(row['candidates']) or 'no candidate'}"
            )
        )
    click.echo(f"{len(rows)} row(s) awaiting review")


_REASON = click.option(
    "--reason",
    default="",
    help="Why: required to decide a row already decided (auto, confirmed, rejected).",
)


@review.command("accept")
@click.argument("row_id", type=int)
@click.argument("smelter_id")
@click.option("--note", default="")
@_REASON
def review_accept(row_id: int, smelter_id: str, note: str, reason: str) -> None:
    """Confirm that row ROW_ID is smelter SMELTER_ID; its name becomes a learned alias (moved
    to SMELTER_ID if an earlier decision had taught another smelter)."""
    open_registry()
    from oretrace.registry.services.review import ReviewError, accept

    try:
        decision = accept(row_id, smelter_id, default_actor(), note, reason)
    except ReviewError as exc:
        raise click.ClickException(str(exc)) from exc
    if decision is None:
        click.echo(f"row {row_id} is already confirmed as {smelter_id}; nothing recorded")
        return
    _warm_later(row_id)
    click.echo(f"row {row_id} confirmed as {smelter_id}; later rows with this name follow")


@review.command("reject")
@click.argument("row_id", type=int)
@click.option("--note", default="")
@_REASON
def review_reject(row_id: int, note: str, reason: str) -> None:
    """Record that row ROW_ID names no RMI smelter; an alias it had taught is removed."""
    open_registry()
    from oretrace.registry.services.review import ReviewError, reject

    try:
        decision = reject(row_id, default_actor(), note, reason)
    except ReviewError as exc:
        raise click.ClickException(str(exc)) from exc
    if decision is None:
        click.echo(f"row {row_id} is already rejected; nothing recorded")
        return
    _warm_later(row_id)
    click.echo(f"row {row_id} rejected")


def _warm_later(row_id: int) -> None:
    """Queue the row's period's figures for the worker (`oretrace worker`) to compute."""
    from oretrace.registry.services.warming import warm_later, years_of_rows

    warm_later(years_of_rows([row_id]), default_actor())


@review.command("history")
@click.argument("row_id", type=int)
@click.option("--json", "as_json", is_flag=True)
def review_history(row_id: int, as_json: bool) -> None:
    """Every decision taken on row ROW_ID, oldest first."""
    open_registry()
    from oretrace.registry.services.review import ReviewError, history

    try:
        decisions = history(row_id)
    except ReviewError as exc:
        raise click.ClickException(str(exc)) from exc
    items: list[dict[str, Any]] = [
        {
            "decided_at": d.decided_at.isoformat(),
            "actor": d.actor,
            "accepted": d.accepted,
            "smelter_id": d.chosen.smelter_id if d.chosen else None,
            "previous_decision": d.previous_decision,
            "previous_smelter_id": d.previous_smelter.smelter_id if d.previous_smelter else None,
            "note": d.note,
            "reason": d.reason,
        }
        for d in decisions
    ]
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    for item in items:
        verb = f"confirmed {item['smelter_id']}" if item["accepted"] else "rejected"
        why = f" — {item['reason']}" if item["reason"] else ""
        click.echo(
            printable(
                f"{item['decided_at'][:19]}  {item['actor']}  {verb} "
                f"(was {item['previous_decision']}){why}"
            )
        )
    click.echo(f"{len(items)} decision(s)")


@click.command()
@click.option("--period", type=int, required=True)
@click.option("--previous", type=int, default=None, help="Default: the year before.")
@click.option("--json", "as_json", is_flag=True)
def changes(period: int, previous: int | None, as_json: bool) -> None:
    """Year over year, per supplier: response, revision, smelters added and removed, answers
    changed (by meaning, so a 3.01 and a 6.4 file compare)."""
    open_registry()
    from oretrace.registry.services.changes import year_over_year

    found = year_over_year(period, previous)
    items: list[dict[str, Any]] = [
        {
            "supplier": c.name,
            "responded": list(c.responded),
            "revision": list(c.revision) if c.revision else None,
            "smelters_added": [s.smelter_id or s.name for s in c.smelters_added],
            "smelters_removed": [s.smelter_id or s.name for s in c.smelters_removed],
            "answers_changed": [
                {"meaning": a.meaning, "metal": a.metal, "old": a.old, "new": a.new}
                for a in c.answers_changed
            ],
        }
        for c in found
    ]
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    for item in items:
        click.echo(
            printable(
                f"{item['supplier']}: +{len(item['smelters_added'])} / "
                f"-{len(item['smelters_removed'])} smelters, "
                f"{len(item['answers_changed'])} answers changed"
                + (
                    f", revision {' → '.join(map(str, item['revision']))}"
                    if item["revision"]
                    else ""
                )
            )
        )
    click.echo(f"{len(items)} supplier(s) changed")
