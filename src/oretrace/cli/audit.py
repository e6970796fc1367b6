"""``oretrace audit``: verify the hash chain of the audit log; list entries."""

from __future__ import annotations

import datetime as dt
import json
import sys

import click

from oretrace.cli.database import open_registry
from oretrace.cli.terminal import printable


@click.group()
def audit() -> None:
    """The audit log: who did what, when; append-only and chained by hash."""


@audit.command("verify")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def audit_verify(as_json: bool) -> None:
    """Recompute the hash chain. Exit 0 when intact (the head's seq and hash are printed:
    write them down to prove later that nothing was rewritten); exit 1 naming the first
    entry edited, deleted or inserted after the fact."""
    open_registry()
    from oretrace.registry.services.audit import verify_chain

    result = verify_chain()
    if as_json:
        click.echo(
            json.dumps(
                {
                    "intact": result.intact,
                    "entries": result.entries,
                    "head_seq": result.head_seq,
                    "head_hash": result.head_hash,
                    "bad_seq": result.bad_seq,
                    "problem": result.problem or None,
                }
            )
        )
    else:
        click.echo(result.summary(), err=not result.intact)
    sys.exit(0 if result.intact else 1)


@audit.command("list")
@click.option("--actor", help="Only this actor, e.g. user:alice or cli:alice@host.")
@click.option("--action", help="Only this action; a prefix ending in '.' (review.) for a family.")
@click.option("--since", type=click.DateTime(), help="Only entries at or after (UTC).")
@click.option("--limit", type=int, default=50, show_default=True, help="0 for all.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array.")
def audit_list(
    actor: str | None, action: str | None, since: dt.datetime | None, limit: int, as_json: bool
) -> None:
    """Audit entries, newest first."""
    open_registry()
    from oretrace.registry.services.audit import entries

    when = since.replace(tzinfo=dt.UTC) if since else None
    found = list(entries(actor, action, when, limit or None))
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "seq": e.seq,
                        "at": e.at.isoformat(),
                        "actor": e.actor,
                        "action": e.action,
                        "object_type": e.object_type,
                        "object_id": e.object_id,
                        "data": e.data,
                        "hash": e.hash,
                    }
                    for e in found
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    for e in found:
        target = f" {e.object_type}:{e.object_id}" if e.object_type else ""
        data = json.dumps(e.data, ensure_ascii=False, sort_keys=True)
        click.echo(
            printable(f"#{e.seq:<6} {e.at:%Y-%m-%d %H:%M:%S} {e.actor} {e.action}{target} {data}")
        )
    click.echo(f"{len(found)} entr{'y' if len(found) == 1 else 'ies'}")
