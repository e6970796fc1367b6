"""The smelter review queue: rows identification could not decide, and a person's decisions.

A decision is a state change with rules:

- a row still open (``review``/``none``) is decided by accepting or rejecting it;
- a row already decided (``auto``, ``confirmed``, ``rejected``) is decided again only with a
  reason; deciding it the way it already stands changes and records nothing;
- the learned alias follows the latest decision: accepting teaches (or moves) the alias for
  the row's name, rejecting removes the alias this row had taught;
- every decision is kept (:class:`ReviewDecision`, with the state before it) and audited in
  the same transaction; rejected rows leave the queue.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from oretrace.registry.models import (
    DeclarationSmelter,
    LearnedAlias,
    ReferenceSmelter,
    ReportingPeriod,
    ReviewDecision,
)
from oretrace.registry.services.audit import record
from oretrace.registry.services.reference import identifier
from oretrace.smelters import SmelterQuery
from oretrace.smelters.aliases import alias_key

Decision = DeclarationSmelter.Decision
OPEN = (Decision.REVIEW, Decision.NONE)
DECIDED = (Decision.AUTO, Decision.CONFIRMED, Decision.REJECTED)


class ReviewError(ValueError):
    """The decision cannot be taken (unknown row or smelter, wrong metal, empty name, a
    decided row without a reason)."""


def review_queue(year: int) -> QuerySet[DeclarationSmelter]:
    """Rows of current declarations still awaiting a person, review proposals first."""
    period = ReportingPeriod.for_year(year)
    return (
        DeclarationSmelter.objects.filter(
            declaration__period=period, declaration__is_current=True, decision__in=OPEN
        )
        .select_related("declaration", "smelter")
        .order_by("-decision", "metal", "name", "id")
    )


def history(row_id: int) -> list[ReviewDecision]:
    """Every decision taken on a row, oldest first."""
    _row(row_id)
    return list(
        ReviewDecision.objects.filter(row_id=row_id)
        .select_related("chosen", "previous_smelter")
        .order_by("decided_at", "id")
    )


def accept(
    row_id: int, smelter_id: str, actor: str, note: str = "", reason: str = ""
) -> ReviewDecision | None:
    """Confirm that row ``row_id`` is smelter ``smelter_id``; the row's name becomes an alias.

    Returns None, recording nothing, when the row is already confirmed as that smelter.
    """
    with transaction.atomic():
        row = _row(row_id, lock=True)
        smelter = ReferenceSmelter.objects.filter(smelter_id=smelter_id).first()
        if smelter is None:
            raise ReviewError(f"{smelter_id} is not a reference smelter")
        same = row.smelter_id == smelter.pk
        if same and row.decision == Decision.CONFIRMED:
            return None
        if row.decision in DECIDED and not (same and row.decision == Decision.AUTO):
            _require_reason(row, reason)
        query = SmelterQuery(row.metal, row.name, row.country, row.reported_id or None)
        try:
            alias = identifier().accept(query, smelter_id, actor, note)
        except ValueError as exc:
            raise ReviewError(str(exc)) from exc
        decision = _decide(row, smelter, Decision.CONFIRMED, actor, note, reason)
        LearnedAlias.objects.filter(metal=alias.metal, key=alias.key).update(taught_by=decision)
        record(
            actor,
            "smelter.review.accepted",
            row,
            smelter_id=smelter_id,
            alias=alias.name,
            metal=alias.metal,
            note=note,
            reason=reason,
            previous_decision=decision.previous_decision,
            previous_smelter_id=_smelter_id(decision.previous_smelter),
        )
    return decision


def reject(row_id: int, actor: str, note: str = "", reason: str = "") -> ReviewDecision | None:
    """Say row ``row_id`` is no RMI smelter (a trader, a typo beyond repair, …).

    Returns None, recording nothing, when the row is already rejected.
    """
    with transaction.atomic():
        row = _row(row_id, lock=True)
        if row.decision == Decision.REJECTED:
            return None
        if row.decision in DECIDED:
            _require_reason(row, reason)
        decision = _decide(row, None, Decision.REJECTED, actor, note, reason)
        taught = LearnedAlias.objects.filter(taught_by__row=row)
        removed = sorted(taught.values_list("name", flat=True))
        taught.delete()
        if not removed and decision.previous_decision == Decision.CONFIRMED and row.name:
            removed = _remove_untracked_alias(row, decision)
        record(
            actor,
            "smelter.review.rejected",
            row,
            note=note,
            reason=reason,
            previous_decision=decision.previous_decision,
            previous_smelter_id=_smelter_id(decision.previous_smelter),
            aliases_removed=removed,
        )
    return decision


def _decide(
    row: DeclarationSmelter,
    smelter: ReferenceSmelter | None,
    state: Decision,
    actor: str,
    note: str,
    reason: str,
) -> ReviewDecision:
    before = {"previous_decision": row.decision, "previous_smelter": row.smelter}
    verb = f"confirmed as {smelter.smelter_id}" if smelter else "rejected"
    why = "; ".join(t for t in (note, reason and f"re-decided: {reason}") if t)
    row.smelter = smelter
    row.decision = state
    row.method = "person"
    row.reason = f"{verb} by {actor}" + (f": {why}" if why else "")
    row.save(update_fields=["smelter", "decision", "method", "reason"])
    return ReviewDecision.objects.create(
        row=row,
        chosen=smelter,
        accepted=smelter is not None,
        actor=actor,
        note=note,
        reason=reason,
        **before,
    )


def _remove_untracked_alias(row: DeclarationSmelter, decision: ReviewDecision) -> list[str]:
    """Aliases taught before decisions were tracked: the one for this row's name and the
    smelter it had been confirmed as."""
    if decision.previous_smelter is None:
        return []
    found = LearnedAlias.objects.filter(
        metal=row.metal,
        key=alias_key(row.name),
        smelter=decision.previous_smelter,
        taught_by=None,
    )
    names = sorted(found.values_list("name", flat=True))
    found.delete()
    return names


def _require_reason(row: DeclarationSmelter, reason: str) -> None:
    if not reason.strip():
        smelter = f" as {row.smelter.smelter_id}" if row.smelter else ""
        raise ReviewError(
            f"row {row.pk} is already {row.decision}{smelter}; "
            "deciding it again needs a reason (--reason)"
        )


def _smelter_id(smelter: ReferenceSmelter | None) -> str | None:
    return smelter.smelter_id if smelter else None


def _row(row_id: int, lock: bool = False) -> DeclarationSmelter:
    rows = DeclarationSmelter.objects.select_related("smelter")
    if lock:
        rows = rows.select_for_update(of=("self",))
    row = rows.filter(pk=row_id).first()
    if row is None:
        raise ReviewError(f"no smelter row {row_id}")
    return row
