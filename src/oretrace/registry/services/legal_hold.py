"""Legal holds: keep a supplier's, a period's or a declaration's records past their
retention. Anyone with access sets one (with a reason); only an administrator lifts it.
Both are audited in the same transaction."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from oretrace.registry.models import Declaration, LegalHold, ReportingPeriod, Supplier
from oretrace.registry.services.audit import record

Target = LegalHold.Target


class HoldError(ValueError):
    """The hold cannot be set or lifted (unknown target, no reason, not an administrator)."""


def set_hold(target: str, target_id: int, reason: str, actor: str) -> LegalHold:
    """Hold ``target`` (supplier / period / declaration) ``target_id`` (id, or the year)."""
    if not reason.strip():
        raise HoldError("a legal hold needs a reason")
    label, period = _describe(target, target_id)
    with transaction.atomic():
        hold = LegalHold.objects.create(
            target=target, target_id=target_id, label=label, reason=reason.strip(), set_by=actor
        )
        record(
            actor,
            "hold.set",
            hold,
            target=target,
            target_id=target_id,
            label=label,
            period=period,
            reason=hold.reason,
        )
    return hold


def lift_hold(hold_id: int, reason: str, actor: str, administrator: bool) -> LegalHold:
    """Lift hold ``hold_id``. Refused unless ``administrator`` (the caller decides who is one:
    the CLI runs as the OS account and counts as one; the web passes the user's role)."""
    if not administrator:
        raise HoldError("only an administrator can lift a legal hold")
    if not reason.strip():
        raise HoldError("lifting a legal hold needs a reason")
    with transaction.atomic():
        hold = LegalHold.objects.select_for_update().filter(pk=hold_id).first()
        if hold is None:
            raise HoldError(f"no legal hold {hold_id}")
        if not hold.active:
            raise HoldError(f"legal hold {hold_id} was already lifted")
        hold.lifted_at = timezone.now()
        hold.lifted_by = actor
        hold.lift_reason = reason.strip()
        hold.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
        _, period = _describe(hold.target, hold.target_id, must_exist=False)
        record(
            actor,
            "hold.lifted",
            hold,
            target=hold.target,
            target_id=hold.target_id,
            period=period,
            reason=hold.lift_reason,
        )
    return hold


def holds(active_only: bool = False) -> QuerySet[LegalHold]:
    found = LegalHold.objects.order_by("set_at", "id")
    return found.filter(lifted_at=None) if active_only else found


def _describe(target: str, target_id: int, must_exist: bool = True) -> tuple[str, int | None]:
    """A label for the target and the period it belongs to (None for a supplier)."""
    if target == Target.SUPPLIER:
        supplier = Supplier.objects.filter(pk=target_id).first()
        if supplier is not None or not must_exist:
            return (f"supplier {supplier.name}" if supplier else f"supplier {target_id}"), None
        raise HoldError(f"no supplier with id {target_id}")
    if target == Target.PERIOD:
        if ReportingPeriod.objects.filter(year=target_id).exists() or not must_exist:
            return f"period {target_id}", target_id
        raise HoldError(f"no reporting period {target_id}")
    if target == Target.DECLARATION:
        declaration = Declaration.objects.filter(pk=target_id).select_related("period").first()
        if declaration is not None:
            return f"declaration {target_id} ({declaration})", declaration.period.year
        if not must_exist:
            return f"declaration {target_id}", None
        raise HoldError(f"no declaration with id {target_id}")
    raise HoldError(f"unknown hold target {target!r}")
