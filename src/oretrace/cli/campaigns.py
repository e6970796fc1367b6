"""``oretrace campaign …`` and ``oretrace outbox list``: thin shells over the campaign and
outbox services (the command line acts for head office: it sees every campaign)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from oretrace.cli.database import open_registry
from oretrace.cli.registry import default_actor

if TYPE_CHECKING:
    from oretrace.registry.models import Campaign
    from oretrace.registry.services.scope import StaffScope


def _scope() -> StaffScope:
    from oretrace.registry.services.scope import StaffScope

    return StaffScope.everything(default_actor())


def _campaign(name: str) -> Campaign:
    from oretrace.registry.services.campaigns import find_campaign

    return find_campaign(_scope(), name)


def _offsets(text: str) -> list[int]:
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise click.BadParameter(
            f"{text!r}: whole numbers of days separated by commas, e.g. 14,7,0,-7"
        ) from exc


def _fail(exc: Exception) -> None:
    errors = getattr(exc, "errors", [])
    for line in errors:
        click.echo(f"  {line}", err=True)
    raise click.ClickException(str(exc)) from exc


@click.group()
def campaign() -> None:
    """Ask suppliers for their templates by a due date, and follow up.

    \b
    oretrace campaign create "CMRT 2025" --period 2025 --due 2026-03-31 --group-company GA
    oretrace campaign send "CMRT 2025"        # queue the invitations (again: nothing new)
    oretrace worker --burst                   # send them (ORETRACE_SMTP_URL)
    oretrace campaign status "CMRT 2025" --json

    See docs/campaigns.md.
    """


@campaign.command("create")
@click.argument("name")
@click.option("--period", type=int, required=True, help="Reporting year asked for, e.g. 2025.")
@click.option(
    "--due", type=click.DateTime(["%Y-%m-%d"]), required=True, help="Due date, YYYY-MM-DD."
)
@click.option(
    "--group-company",
    "group_company",
    help="Code or name of the group company running it (default: the whole group).",
)
@click.option(
    "--suppliers",
    "suppliers_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV/XLSX with a supplier, unique_id or name column: ask only these suppliers "
    "(default: every supplier of the group company, or of the group).",
)
@click.option("--template", default="CMRT", show_default=True, help="Template family asked for.")
@click.option("--minimum-revision", default="", help="Oldest revision accepted, e.g. 6.31.")
@click.option("--scope", "declaration_scope", default="", help="Declaration scope asked for.")
@click.option(
    "--message-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A text file whose words go into the invitation.",
)
@click.option(
    "--reminders",
    default="14,7,0,-7",
    show_default=True,
    help="Reminder days before the due date (negative: after it, with the officer in copy).",
)
def create(
    name: str,
    period: int,
    due: dt.datetime,
    group_company: str | None,
    suppliers_file: Path | None,
    template: str,
    minimum_revision: str,
    declaration_scope: str,
    message_file: Path | None,
    reminders: str,
) -> None:
    """Create a draft campaign NAME: one request per supplier asked. Nothing is sent yet.

    A --suppliers file naming unknown suppliers is refused with every bad row listed.
    """
    offsets = _offsets(reminders)
    open_registry()
    from oretrace.registry.services import campaigns

    try:
        company = campaigns.group_company_named(group_company) if group_company else None
        ids = campaigns.suppliers_from_file(suppliers_file, _scope()) if suppliers_file else None
        created = campaigns.create_campaign(
            name,
            period=period,
            due_on=due.date(),
            actor=default_actor(),
            scope=_scope(),
            group_company=company,
            supplier_ids=ids,
            template_family=template,
            minimum_revision=minimum_revision,
            declaration_scope=declaration_scope,
            message=message_file.read_text("utf-8") if message_file else "",
            reminder_offsets=offsets,
        )
    except campaigns.CampaignError as exc:
        _fail(exc)
        return
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{message_file}: not UTF-8 text ({exc.reason})") from exc
    click.echo(
        f"campaign {created.name!r}: draft, {created.requests.count()} supplier(s), "
        f"due {created.due_on}; `oretrace campaign send {json.dumps(created.name)}` sends it"
    )


@campaign.command("send")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def send(name: str, as_json: bool) -> None:
    """Queue the invitations of campaign NAME (a portal link each). Sending again queues
    nothing new, except for suppliers that have an e-mail address now and had none before.
    The worker (`oretrace worker`) sends what is queued."""
    open_registry()
    from oretrace.registry.services import campaigns

    try:
        result = campaigns.send_campaign(_campaign(name), default_actor())
    except campaigns.CampaignError as exc:
        _fail(exc)
        return
    if as_json:
        click.echo(json.dumps(result.as_json(), indent=2, ensure_ascii=False))
        return
    click.echo(
        f"{result.queued} invitation(s) queued, {result.already} already invited, "
        f"{len(result.without_email)} without an e-mail address"
    )
    for label in result.without_email:
        click.echo(f"  no e-mail address: {label} (import contacts, then send again)", err=True)


@campaign.command("status")
@click.argument("name")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the counts as JSON: invited, opened, responded, valid, with_findings, "
    "overdue, bounced.",
)
@click.option("--suppliers", "rows", is_flag=True, help="Also list every supplier's state.")
def status(name: str, as_json: bool, rows: bool) -> None:
    """How far campaign NAME got (the same numbers as its web page)."""
    open_registry()
    from oretrace.registry.services import campaigns
    from oretrace.registry.services.campaign_progress import campaign_progress

    try:
        progress = campaign_progress(_campaign(name))
    except campaigns.CampaignError as exc:
        _fail(exc)
        return
    if as_json:
        click.echo(json.dumps(progress.counts(), indent=2))
        return
    counts = " · ".join(f"{k.replace('_', ' ')} {v}" for k, v in progress.counts().items())
    click.echo(f"{progress.campaign.name} ({progress.campaign.status}): {progress.requests} asked")
    click.echo(counts)
    if rows:
        for row in progress.rows:
            request = row.request
            click.echo(
                f"  {request.supplier.name[:40]:40} {row.state:14} "
                f"{request.email or '(no e-mail)'} due {request.effective_due_on}"
            )


@campaign.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the campaigns as JSON.")
def list_(as_json: bool) -> None:
    """Every campaign with its status, due date and number of suppliers asked."""
    open_registry()
    from oretrace.registry.services.campaigns import listed as campaigns_listed

    found = campaigns_listed(_scope())
    listed: list[dict[str, Any]] = [
        {
            "name": c.name,
            "period": c.period.year,
            "group_company": c.group_company.code or c.group_company.name
            if c.group_company
            else None,
            "status": c.status,
            "due_on": c.due_on.isoformat(),
            "suppliers": getattr(c, "asked", 0),
        }
        for c in found
    ]
    if as_json:
        click.echo(json.dumps(listed, indent=2, ensure_ascii=False))
        return
    if not listed:
        click.echo("no campaigns yet (oretrace campaign create --help)")
    for item in listed:
        click.echo(
            f"{item['name']}  {item['status']}  period {item['period']}  due {item['due_on']}  "
            f"{item['group_company'] or 'whole group'}  {item['suppliers']} supplier(s)"
        )


@campaign.command("close")
@click.argument("name")
def close(name: str) -> None:
    """Close campaign NAME: no more reminders (waiting ones are cancelled)."""
    open_registry()
    from oretrace.registry.services import campaigns

    try:
        cancelled = campaigns.close(_campaign(name), default_actor())
    except campaigns.CampaignError as exc:
        _fail(exc)
        return
    click.echo(f"campaign {name!r} closed; {cancelled} waiting reminder(s) cancelled")


@campaign.command("extend")
@click.argument("name")
@click.option(
    "--due", type=click.DateTime(["%Y-%m-%d"]), required=True, help="New due date, YYYY-MM-DD."
)
@click.option("--supplier", help="Unique ID or name: extend this supplier's request only.")
def extend(name: str, due: dt.datetime, supplier: str | None) -> None:
    """Move the due date of campaign NAME, or of one supplier's request."""
    open_registry()
    from oretrace.registry.services import campaigns

    try:
        found = _campaign(name)
        request = campaigns.find_request(found, supplier) if supplier else None
        campaigns.extend(found, due.date(), default_actor(), request=request)
    except campaigns.CampaignError as exc:
        _fail(exc)
        return
    click.echo(f"due {due.date()}" + (f" for {supplier}" if supplier else " for the campaign"))


@campaign.command("resend")
@click.argument("name")
@click.option("--supplier", required=True, help="Unique ID or name of the supplier.")
def resend(name: str, supplier: str) -> None:
    """Send a supplier of campaign NAME a new portal link (to its current contact)."""
    open_registry()
    from oretrace.registry.services import campaigns

    try:
        message = campaigns.resend(
            campaigns.find_request(_campaign(name), supplier), default_actor()
        )
    except campaigns.CampaignError as exc:
        _fail(exc)
        return
    click.echo(f"queued {message.dedupe_key} to {', '.join(message.to)}")


@campaign.command("revoke")
@click.argument("name")
@click.option("--supplier", required=True, help="Unique ID or name of the supplier.")
@click.option("--reason", default="", help="Why (kept in the audit log).")
def revoke(name: str, supplier: str, reason: str) -> None:
    """End every portal link of a supplier in campaign NAME (resend gives it a new one)."""
    open_registry()
    from oretrace.registry.services import campaigns

    try:
        ended = campaigns.revoke_links(
            campaigns.find_request(_campaign(name), supplier), default_actor(), reason
        )
    except campaigns.CampaignError as exc:
        _fail(exc)
        return
    click.echo(f"{ended} link(s) revoked")


@click.group()
def outbox() -> None:
    """The e-mail outbox: every message the campaigns queued, and what became of it."""


@outbox.command("list")
@click.option(
    "--status",
    type=click.Choice(["queued", "sending", "retry", "sent", "failed", "bounced", "cancelled"]),
    help="Only messages with this status.",
)
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the messages as JSON.")
def outbox_list(status: str | None, limit: int, as_json: bool) -> None:
    """The newest messages first: status, purpose, recipient, attempts, last error."""
    open_registry()
    from oretrace.registry.services.outbox import messages

    listed = [
        {
            "id": m.pk,
            "key": m.dedupe_key,
            "purpose": m.purpose,
            "status": m.status,
            "to": m.to,
            "cc": m.cc,
            "subject": m.subject,
            "attempts": m.attempts,
            "created_at": m.created_at.isoformat(),
            "sent_at": m.sent_at.isoformat() if m.sent_at else None,
            "retry_after": m.retry_after.isoformat() if m.retry_after else None,
            "error": m.error or None,
        }
        for m in messages(status=status)[:limit]
    ]
    if as_json:
        click.echo(json.dumps(listed, indent=2, ensure_ascii=False))
        return
    if not listed:
        click.echo("the outbox is empty" + (f" for status {status}" if status else ""))
    for item in listed:
        error = f"  ({str(item['error'])[:80]})" if item["error"] else ""
        click.echo(
            f"{item['id']:>6} {item['status']:9} {item['purpose']:10} "
            f"{', '.join(item['to'])}  attempts {item['attempts']}{error}"
        )
    sys.stdout.flush()
