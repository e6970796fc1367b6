"""The review queue as staff work it in the web app: scoped rows, bulk acceptance of rows
with a single candidate, and undo. Every decision goes through
:mod:`oretrace.registry.services.review` (its rules, aliases and audit entries)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from oretrace.registry.models import DeclarationSmelter, ReviewDecision
from oretrace.registry.services.review import ReviewError, accept, history, reject, review_queue
from oretrace.registry.services.scope import StaffScope, smelter_rows_for, supplier_ids_for


def queue_for(scope: StaffScope, year: int) -> QuerySet[DeclarationSmelter]:
    """The period's open rows that ``scope`` may see, review proposals first."""
    ids = supplier_ids_for(scope)  # the scope of smelter_rows_for, without listing every row
    queue = review_queue(year)
    return queue if ids is None else queue.filter(declaration__supplier_id__in=ids)


def row_for(scope: StaffScope, row_id: int) -> DeclarationSmelter | None:
    return (
        smelter_rows_for(scope)
        .select_related("declaration", "declaration__supplier", "smelter")
        .filter(pk=row_id)
        .first()
    )


@dataclass(frozen=True, slots=True)
class BulkResult:
    accepted: tuple[int, ...]
    skipped: tuple[int, ...]  # not single-candidate, out of scope, or refused by the rules


def accept_single_candidates(
    scope: StaffScope, year: int, row_ids: Iterable[int], actor: str
) -> BulkResult:
    """Accept the one candidate of each listed open row that has exactly one."""
    wanted = set(row_ids)
    rows = queue_for(scope, year).filter(pk__in=wanted)
    accepted: list[int] = []
    for row in rows:
        if len(row.candidates) != 1:
            continue
        try:
            accept(row.pk, row.candidates[0]["smelter_id"], actor, note="bulk: single candidate")
        except ReviewError:
            continue
        accepted.append(row.pk)
    return BulkResult(tuple(accepted), tuple(sorted(wanted - set(accepted))))


def undo(row_id: int, actor: str) -> ReviewDecision | None:
    """Reverse the row's latest decision with a new, recorded one (nothing is erased): an
    acceptance is undone by a rejection (which removes the alias it taught), a rejection by
    accepting again the smelter the row had before it."""
    decisions = history(row_id)
    if not decisions:
        raise ReviewError(f"row {row_id} has no decision to undo")
    last = decisions[-1]
    reason = f"undo of decision {last.pk} by {last.actor}"
    if last.accepted:
        return reject(row_id, actor, note="undo", reason=reason)
    if last.previous_smelter is None:
        raise ReviewError("the row had no smelter before it was rejected; accept a candidate")
    return accept(row_id, last.previous_smelter.smelter_id, actor, note="undo", reason=reason)
