"""Corrections to declarations: evidence is never edited; a correction is added next to it.

A declaration keeps the status ingest gave it (valid, with findings, unreadable) for good.
A person who learns more — the supplier withdrew the file, it needs follow-up — records a
:class:`Correction` with a reason; the newest one is the declaration's effective status, and
a withdrawn declaration no longer counts for the period (the revision before it does).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from oretrace.registry.models import Correction, Declaration
from oretrace.registry.services.audit import record

Status = Correction.Status


class CorrectionError(ValueError):
    """The correction cannot be made (unknown declaration or status, no reason, no change)."""


def effective_status(declaration: Declaration) -> str:
    """The newest correction's status, or the status as ingested."""
    latest = declaration.corrections.order_by("-at", "-id").first()
    if latest is None or latest.status == Status.REINSTATED:
        return declaration.status
    return latest.status


def correct_status(declaration_id: int, status: str, reason: str, actor: str) -> Correction:
    """Record that declaration ``declaration_id`` is now ``status``, and why; audited."""
    if status not in Status.values:
        raise CorrectionError(f"unknown status {status!r}; use one of {', '.join(Status.values)}")
    if not reason.strip():
        raise CorrectionError("a correction needs a reason")
    with transaction.atomic():
        declaration = (
            Declaration.objects.select_for_update(of=("self",))
            .filter(pk=declaration_id)
            .order_by("pk")  # the default ordering joins the nullable supplier
            .first()
        )
        if declaration is None:
            raise CorrectionError(f"no declaration {declaration_id}")
        previous = effective_status(declaration)
        if status == Status.REINSTATED and previous == declaration.status:
            raise CorrectionError(f"declaration {declaration_id} is not corrected; nothing to undo")
        if status == previous:
            raise CorrectionError(f"declaration {declaration_id} is already {status}")
        correction = Correction.objects.create(
            declaration=declaration,
            status=status,
            previous_status=previous,
            reason=reason.strip(),
            actor=actor,
        )
        record(
            actor,
            "declaration.corrected",
            declaration,
            correction=correction.pk,
            status=status,
            previous_status=previous,
            reason=correction.reason,
        )
    return correction


def withdrawn_ids(as_of: dt.date | None = None) -> set[int]:
    """Declarations whose newest correction (by ``as_of``, if given) withdraws them."""
    corrections = Correction.objects.all()
    if as_of is not None:
        corrections = corrections.filter(at__date__lte=as_of)
    latest: dict[int, str] = {}
    for declaration_id, status in corrections.order_by("at", "id").values_list(
        "declaration_id", "status"
    ):
        latest[declaration_id] = status
    return {pk for pk, status in latest.items() if status == Status.WITHDRAWN}
