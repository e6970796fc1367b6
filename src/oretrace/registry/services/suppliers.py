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


def find_or_create_suppliers(
    named: list[tuple[str | None, str | None]],
) -> list[tuple[Supplier | None, bool]]:
    """:func:`find_or_create_supplier` for each (name, unique ID) in order — the same
    suppliers found or created, a later one finding those created for earlier ones — with
    two look-ups and one insert for them all (an ingest batch's declarations).

    Call inside a transaction holding :func:`supplier_lock_keys` of every pair (the ingest
    batch takes them up front). When the insert still loses a race, or a unique ID is
    blank but not empty, each pair goes through :func:`find_or_create_supplier` instead.
    """
    if any(uid and not uid.strip() for _, uid in named):
        return [find_or_create_supplier(name, uid) for name, uid in named]
    wanted_ids = {uid.strip() for _, uid in named if uid}
    wanted_names = {normalise_company(name) for name, _ in named if name}
    by_id = {s.unique_id: s for s in Supplier.objects.filter(unique_id__in=wanted_ids)}
    by_name: dict[str, Supplier] = {}
    for found in Supplier.objects.filter(normalised_name__in=wanted_names).order_by("id"):
        by_name.setdefault(found.normalised_name, found)  # the lowest key, as .first()
    answers: list[tuple[Supplier | None, bool]] = []
    created: list[Supplier] = []
    for name, unique_id in named:
        if not name and not unique_id:
            answers.append((None, False))
            continue
        known = by_id.get(unique_id.strip()) if unique_id else None
        if known is None and name:
            known = by_name.get(normalise_company(name))
        if known is not None:
            answers.append((known, False))
            continue
        uid = (unique_id or "").strip()[:100]
        supplier = Supplier(
            name=(name or unique_id or "")[:255],
            normalised_name=normalise_company(name or unique_id or ""),
            unique_id=uid,
            unverified=True,
        )
        if uid:
            by_id[uid] = supplier
        by_name.setdefault(supplier.normalised_name, supplier)  # newer than any stored
        created.append(supplier)
        answers.append((supplier, True))
    if created:
        try:
            with transaction.atomic():
                Supplier.objects.bulk_create(created)
        except IntegrityError:  # another writer created one of them meanwhile
            return [find_or_create_supplier(name, uid) for name, uid in named]
    return answers
