"""Find the supplier a declaration comes from: by unique ID, then by normalised company name."""

from __future__ import annotations

from oretrace.registry.models import Supplier
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


def find_or_create_supplier(
    name: str | None, unique_id: str | None
) -> tuple[Supplier | None, bool]:
    """The known supplier, or a new one flagged ``unverified``; None without a name or ID."""
    found = find_supplier(name, unique_id)
    if found is not None:
        return found, False
    if not name and not unique_id:
        return None, False
    supplier = Supplier.objects.create(
        name=(name or unique_id or "")[:255],
        normalised_name=normalise_company(name or unique_id or ""),
        unique_id=(unique_id or "").strip()[:100],
        unverified=True,
    )
    return supplier, True
