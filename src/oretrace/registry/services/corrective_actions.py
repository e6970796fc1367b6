"""Corrective actions with a supplier: opened and closed by people, each step audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from oretrace.registry.models import CorrectiveAction
from oretrace.registry.services.audit import record
from oretrace.registry.services.scope import (
    Permission,
    ScopeError,
    StaffScope,
    corrective_actions_for,
    suppliers_for,
)


class ActionRefused(ValueError):
    """The action cannot be taken as asked (already closed, no title…)."""


def _may_act(scope: StaffScope) -> None:
    if not scope.can(Permission.ACT):
        raise ScopeError(f"a {scope.role} may not change corrective actions")


@transaction.atomic
def open_corrective_action(
    scope: StaffScope,
    supplier_id: int,
    title: str,
    owner: str,
    due_on: dt.date | None = None,
    note: str = "",
) -> CorrectiveAction:
    """Open an action with a supplier in ``scope`` (DoesNotExist when out of scope)."""
    _may_act(scope)
    supplier = suppliers_for(scope).get(pk=supplier_id)
    if not title.strip():
        raise ActionRefused("a corrective action needs a title")
    action = CorrectiveAction.objects.create(
        supplier=supplier,
        title=title.strip()[:255],
        owner=(owner.strip() or scope.username)[:150],
        due_on=due_on,
        note=note.strip(),
        opened_by=scope.actor,
    )
    record(
        scope.actor,
        "corrective_action.opened",
        action,
        supplier=supplier.pk,
        title=action.title,
        owner=action.owner,
        due_on=due_on.isoformat() if due_on else None,
    )
    return action


@transaction.atomic
def close_corrective_action(scope: StaffScope, action_id: int, note: str = "") -> CorrectiveAction:
    """Close an open action in ``scope`` with a closing note (DoesNotExist when out of scope)."""
    _may_act(scope)
    action = corrective_actions_for(scope).select_for_update(of=("self",)).get(pk=action_id)
    if not action.is_open:
        raise ActionRefused("this corrective action is already closed")
    action.closed_at = timezone.now()
    action.closed_by = scope.actor
    action.closing_note = note.strip()
    action.save(update_fields=["closed_at", "closed_by", "closing_note"])
    record(
        scope.actor,
        "corrective_action.closed",
        action,
        supplier=action.supplier_id,
        note=action.closing_note,
    )
    return action
