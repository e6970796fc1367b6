"""Find the supplier a declaration comes from: by unique ID, then by normalised company name."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from oretrace.registry.models import Supplier
from oretrace.registry.services.locking import serialise
from oretrace.smelters.names import core


def normalise_company(name: str) -> str:
    """Comparison key of a company name: accents, case, punctuation and legal forms folded."""
    return core(name)[:255] or name.strip().casefold()[:255]


def find_supplier(name: str | None, unique_id: str | None) -> Supplier | None:
    if unique_id:
        found = Supplier.objects.filter(unique_id=unique_id.strip()).first()
        if found is not None:
            return found
    if name:
        return (
            Supplier.objects.filter(normalised_name=normalise_company(name)).order_by("id").first()
        )
    return None


def supplier_lock_keys(name: str | None, unique_id: str | None) -> list[str]:
    """What :func:`find_or_create_supplier` locks for this name and ID (PostgreSQL)."""
    if not name and not unique_id:
        return []
    uid = (unique_id or "").strip()[:100]
    normalised = normalise_company(name or unique_id or "")
    return [*([f"supplier-id:{uid}"] if uid else []), f"supplier-name:{normalised}"]


def find_or_create_supplier(
    name: str | None, unique_id: str | None
) -> tuple[Supplier | None, bool]:
    """The known supplier, or a new one flagged ``unverified``; None without a name or ID.

    Call inside a transaction: on PostgreSQL the supplier's unique ID and name are locked
    until it ends, so two ingests of the same new supplier create it once; an insert that
    still loses a race on the unique ID returns the winner's row.
    """
    if not name and not unique_id:
        return None, False
    uid = (unique_id or "").strip()[:100]
    normalised = normalise_company(name or unique_id or "")
    serialise(*supplier_lock_keys(name, unique_id))
    found = find_supplier(name, unique_id)
    if found is not None:
        return found, False
    supplier = Supplier(
        name=(name or unique_id or "")[:255],
        normalised_name=normalised,
        unique_id=uid,
        unverified=True,
    )
    try:
        with transaction.atomic():
            supplier.save()
    except IntegrityError:
        return Supplier.objects.get(unique_id=uid), False
    return supplier, True
