"""Records kept five years: ``oretrace evidence`` (the auditor's package), ``backup``,
``restore``, ``hold`` (legal holds) and ``retention``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from oretrace.cli.database import open_registry


@click.command()
@click.option("--period", type=int, required=True, help="Reporting year, e.g. 2025.")
@click.option("--supplier", "supplier_id", type=int, help="Only this supplier (its id).")
@click.option(
    "--reports",
    "report_dirs",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A folder holding issued report documents (repeatable); matched by audited sha256.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def evidence(
    period: int, supplier_id: int | None, report_dirs: tuple[Path, ...], output: Path
) -> None:
    """Write the auditor's evidence package for a period (or one supplier in it) as a zip:
    the originals as received, the declarations as read (JSON) with findings, identification
    decisions, reviews and corrections, the report sets issued for the period (found or
    rebuilt byte-identically), the audit entries of that scope, a README and a SHA256SUMS
    file that `sha256sum -c` checks. The same registry gives the same zip."""
    open_registry()
    from oretrace.registry.services.evidence import EvidenceError, write_evidence

    try:
        package = write_evidence(output, period, supplier_id, report_dirs)
    except EvidenceError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"{output}: {package.declarations} declarations, {package.originals} originals, "
        f"{package.audit_entries} audit entries, {package.reports} issued reports"
    )
    for missing in package.missing:
        click.echo(f"  not included: {missing}", err=True)


@click.command()
@click.argument("out", type=click.Path(path_type=Path))
def backup(out: Path) -> None:
    """Back up the registry into the new folder OUT while it is in use: the database (SQLite's
    online backup, or pg_dump in custom format on PostgreSQL), every stored original, a
    manifest.json with the audit chain head and the sha256 of every file, and SHA256SUMS."""
    open_registry()
    from oretrace.registry.services.backup import BackupError
    from oretrace.registry.services.backup import backup as run

    try:
        result = run(out)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"{out}: {result.vendor} database and {result.stored_files} originals, "
        f"{result.bytes / 1e6:.1f} MB, audit head #{result.audit_seq} {result.audit_hash}, "
        f"{result.seconds:.1f} s"
    )


@click.command()
@click.argument(
    "source", metavar="IN", type=click.Path(exists=True, file_okay=False, path_type=Path)
)
def restore(source: Path) -> None:
    """Restore the backup in folder IN into the configured database and data folder, which
    must be empty (a new ORETRACE_DATA_DIR, or a new PostgreSQL database). Every file is
    checked against the manifest first; afterwards every original is re-read and the audit
    chain verified, its head compared with the backup's. Exit 1 when anything differs."""
    open_registry(migrate=False)
    from oretrace.registry.services.backup import BackupError
    from oretrace.registry.services.backup import restore as run

    try:
        result = run(source)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    for problem in result.problems:
        click.echo(f"restore check failed: {problem}", err=True)
    if not result.ok:
        raise SystemExit(1)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    click.echo(
        f"restored {result.vendor} database and {result.stored_files} originals; audit chain "
        f"intact, head #{result.audit_seq} {result.audit_hash} as backed up; "
        f"{result.seconds:.1f} s"
    )


@click.group()
def hold() -> None:
    """Legal holds: keep a supplier's, a period's or a declaration's records past retention."""


@hold.command("set")
@click.option("--supplier", "supplier_id", type=int, help="Hold this supplier (its id).")
@click.option("--period", type=int, help="Hold this reporting year.")
@click.option("--declaration", "declaration_id", type=int, help="Hold this declaration.")
@click.option("--reason", required=True, help="Why (kept with the hold and audited).")
def hold_set(
    supplier_id: int | None, period: int | None, declaration_id: int | None, reason: str
) -> None:
    """Set a legal hold on exactly one of --supplier, --period or --declaration. Held records
    are never removed by `oretrace retention apply` until the hold is lifted."""
    open_registry()
    from oretrace.cli.registry import default_actor
    from oretrace.registry.services.legal_hold import HoldError, set_hold

    chosen = [
        (t, v)
        for t, v in (("supplier", supplier_id), ("period", period), ("declaration", declaration_id))
        if v is not None
    ]
    if len(chosen) != 1:
        raise click.UsageError("give exactly one of --supplier, --period, --declaration")
    target, target_id = chosen[0]
    try:
        created = set_hold(target, target_id, reason, default_actor())
    except HoldError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"legal hold {created.pk} set on {created.label}")


@hold.command("lift")
@click.argument("hold_id", type=int)
@click.option("--reason", required=True, help="Why the hold ends (audited).")
def hold_lift(hold_id: int, reason: str) -> None:
    """Lift legal hold HOLD_ID. Only an administrator may; the command line runs as the
    operating-system account that owns the registry and counts as one."""
    open_registry()
    from oretrace.cli.registry import default_actor
    from oretrace.registry.services.legal_hold import HoldError, lift_hold

    try:
        lifted = lift_hold(hold_id, reason, default_actor(), administrator=True)
    except HoldError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"legal hold {lifted.pk} on {lifted.label} lifted")


@hold.command("list")
@click.option("--all", "show_all", is_flag=True, help="Lifted holds too.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array.")
def hold_list(show_all: bool, as_json: bool) -> None:
    """Legal holds, oldest first: active ones (with --all, lifted ones too)."""
    open_registry()
    import json

    from oretrace.cli.terminal import printable
    from oretrace.registry.services.legal_hold import holds

    found = list(holds(active_only=not show_all))
    rows = [
        {
            "id": h.pk,
            "target": h.target,
            "target_id": h.target_id,
            "label": h.label,
            "reason": h.reason,
            "set_by": h.set_by,
            "set_at": h.set_at.isoformat(),
            "active": h.active,
            "lifted_by": h.lifted_by or None,
            "lifted_at": h.lifted_at.isoformat() if h.lifted_at else None,
            "lift_reason": h.lift_reason or None,
        }
        for h in found
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        state = "active" if r["active"] else f"lifted {r['lifted_at']:.10} by {r['lifted_by']}"
        click.echo(
            printable(
                f"#{r['id']} {r['label']} — {r['reason']} (set {r['set_at']:.10} by "
                f"{r['set_by']}; {state})"
            )
        )
    click.echo(f"{len(rows)} hold{'' if len(rows) == 1 else 's'}")


@click.group()
def retention() -> None:
    """Retention: records kept N years after their period (default 5), then removed."""


def _as_of(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from exc


def _print_plan(plan_json: dict[str, object], verb: str) -> None:
    from oretrace.cli.terminal import printable

    expired = plan_json["expired"]
    held = plan_json["held"]
    assert isinstance(expired, list) and isinstance(held, list)
    for item in expired:
        click.echo(
            printable(
                f"{verb} {item['kind']} {item['id']} ({item['period']}) {item['label']}: "
                f"{item['rule']}"
            )
        )
    for item in held:
        holds = ", ".join(f"#{h}" for h in item["holds"])
        click.echo(
            printable(
                f"kept   {item['kind']} {item['id']} ({item['period']}) {item['label']}: "
                f"legal hold {holds}"
            )
        )
    click.echo(f"{len(expired)} record(s) {verb.strip()}, {len(held)} held back")


@retention.command("plan")
@click.option("--as-of", "as_of", help="Plan as of this date (default today).")
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
def retention_plan(as_of: str | None, as_json: bool) -> None:
    """List what has expired and why (the rule and the date it was kept until), and what a
    legal hold keeps back. Changes nothing."""
    open_registry()
    import json

    from oretrace.registry.services.retention import RetentionError
    from oretrace.registry.services.retention import retention_plan as plan

    try:
        result = plan(_as_of(as_of))
    except RetentionError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
        return
    _print_plan(result.as_json(), "expire")


@retention.command("apply")
@click.option("--as-of", "as_of", help="Apply as of this date (default today).")
@click.option("--json", "as_json", is_flag=True, help="Print what was removed as JSON.")
def retention_apply(as_of: str | None, as_json: bool) -> None:
    """Remove exactly what `oretrace retention plan` lists as expired: declarations with
    their findings, rows, review decisions and corrections, and originals no kept
    declaration names. Each leaves a tombstone (kind, id, sha256) and an audit entry; held
    records and the audit log are never removed."""
    open_registry()
    import json

    from oretrace.cli.registry import default_actor
    from oretrace.registry.services.retention import RetentionError, apply_retention

    try:
        result = apply_retention(default_actor(), _as_of(as_of))
    except RetentionError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
        return
    _print_plan(result.as_json(), "removed")
