"""The smelter review queue: rows identification could not decide, and a person's decisions.

An accepted decision confirms the row and teaches a learned alias, so the same name from
any supplier is identified automatically from then on. Every decision is audited.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from oretrace.registry.models import (
    DeclarationSmelter,
    ReferenceSmelter,
    ReportingPeriod,
    ReviewDecision,
)
from oretrace.registry.services.audit import record
from oretrace.registry.services.reference import identifier
from oretrace.smelters import SmelterQuery

OPEN = (DeclarationSmelter.Decision.REVIEW, DeclarationSmelter.Decision.NONE)


class ReviewError(ValueError):
    """The decision cannot be taken (unknown row or smelter, wrong metal, empty name)."""


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
) -> ReviewDecision:
    """Confirm that row ``row_id`` is smelter ``smelter_id``; the row's name becomes an alias."""
    note = "; ".join(t for t in (note, reason and f"re-decided: {reason}") if t)
    row = _row(row_id)
    smelter = ReferenceSmelter.objects.filter(smelter_id=smelter_id).first()
    if smelter is None:
        raise ReviewError(f"{smelter_id} is not a reference smelter")
    query = SmelterQuery(row.metal, row.name, row.country, row.reported_id or None)
    before = {"previous_decision": row.decision, "previous_smelter": row.smelter}
    with transaction.atomic():
        try:
            alias = identifier().accept(query, smelter_id, actor, note)
        except ValueError as exc:
            raise ReviewError(str(exc)) from exc
        row.smelter = smelter
        row.decision = DeclarationSmelter.Decision.CONFIRMED
        row.method = "person"
        row.reason = f"confirmed as {smelter_id} by {actor}" + (f": {note}" if note else "")
        row.save(update_fields=["smelter", "decision", "method", "reason"])
        decision = ReviewDecision.objects.create(
            row=row, chosen=smelter, accepted=True, actor=actor, note=note, **before
        )
    record(
        actor,
        "smelter.review.accepted",
        row,
        smelter_id=smelter_id,
        alias=alias.name,
        metal=alias.metal,
        note=note,
    )
    return decision


def reject(row_id: int, actor: str, note: str = "", reason: str = "") -> ReviewDecision:
    """Say row ``row_id`` is no RMI smelter (a trader, a typo beyond repair, …)."""
    note = "; ".join(t for t in (note, reason and f"re-decided: {reason}") if t)
    row = _row(row_id)
    before = {"previous_decision": row.decision, "previous_smelter": row.smelter}
    with transaction.atomic():
        row.smelter = None
        row.decision = DeclarationSmelter.Decision.NONE
        row.method = "person"
        row.reason = f"rejected by {actor}" + (f": {note}" if note else "")
        row.save(update_fields=["smelter", "decision", "method", "reason"])
        decision = ReviewDecision.objects.create(
            row=row, accepted=False, actor=actor, note=note, **before
        )
    record(actor, "smelter.review.rejected", row, note=note)
    return decision


def _row(row_id: int) -> DeclarationSmelter:
    row = DeclarationSmelter.objects.filter(pk=row_id).first()
    if row is None:
        raise ReviewError(f"no smelter row {row_id}")
    return row
