"""Status-change alerts: what the newest RMI list changed, and who and what it touches.

:func:`status_alerts` returns plain data (for ``oretrace smelters changes`` and the web
dashboard); :func:`record_alerts` writes it to the audit log, inside the import's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from typing import Any

from oretrace.registry.models import (
    BomLine,
    DeclarationSmelter,
    PartSource,
    ReferenceSnapshot,
)
from oretrace.registry.services.audit import record
from oretrace.smelters.reference import Reference
from oretrace.smelters.status_changes import StatusChange, list_dates, status_changes


class UnknownSnapshot(ValueError):
    """``--since`` names no RMI list in the registry."""


def since_date(since: str) -> dt.date:
    """A snapshot key (``facility_list:…``) or an ISO date, as the start of a comparison."""
    row = ReferenceSnapshot.objects.filter(key=since).values_list("as_of", flat=True).first()
    if row is not None:
        return row
    try:
        return dt.date.fromisoformat(since)
    except ValueError:
        raise UnknownSnapshot(f"{since!r} is neither a snapshot key nor a date") from None


def status_alerts(
    reference: Reference,
    since: dt.date | None = None,
    supplier_ids: Collection[int] | None = None,
) -> dict[str, Any]:
    """Changes from the list before the newest (or ``since``) to the newest RMI list, each
    with the current declarations, suppliers and products that name the smelter (those of
    ``supplier_ids`` only, when given: an officer's scope)."""
    dates = list_dates(reference)
    until = dates[-1] if dates else None
    if since is None:
        since = dates[-2] if len(dates) > 1 else None
    if since is None or until is None or since >= until:
        return {"since": _iso(since), "until": _iso(until), "changes": []}
    changes = status_changes(reference, since, until)
    affected = _affected({c.smelter_id for c in changes}, supplier_ids)
    return {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "changes": [_item(c, affected.get(c.smelter_id)) for c in changes],
    }


def record_alerts(alerts: dict[str, Any], actor: str) -> None:
    """One audit entry with the changes (call inside the import's transaction)."""
    if alerts["changes"]:
        summary = [
            {"smelter_id": c["smelter_id"], "change": c["change"], "before": c["before"],
             "after": c["after"], "declarations": len(c["affected"]["declarations"])}
            for c in alerts["changes"]
        ]  # fmt: skip
        record(
            actor, "reference.status_changes", None,
            since=alerts["since"], until=alerts["until"], changes=summary,
        )  # fmt: skip


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _item(change: StatusChange, affected: dict[str, list[Any]] | None) -> dict[str, Any]:
    return {
        "smelter_id": change.smelter_id,
        "metal": change.metal,
        "standard_name": change.standard_name,
        "change": change.kind.value,
        "before": change.before,
        "after": change.after,
        "note": change.note,
        "merged_into": change.merged_into,
        "affected": affected or {"declarations": [], "suppliers": [], "products": []},
    }


def _affected(
    smelter_ids: set[str], supplier_ids: Collection[int] | None
) -> dict[str, dict[str, list[Any]]]:
    """Per smelter: current declarations naming it, their suppliers, those suppliers' products."""
    if not smelter_ids:
        return {}
    naming = DeclarationSmelter.objects.filter(
        smelter__smelter_id__in=smelter_ids, declaration__is_current=True
    )
    if supplier_ids is not None:
        naming = naming.filter(declaration__supplier_id__in=supplier_ids)
    rows = naming.values_list(
        "smelter__smelter_id",
        "declaration_id",
        "declaration__period__year",
        "declaration__supplier_id",
        "declaration__supplier__name",
    ).distinct()
    declarations: dict[str, dict[int, dict[str, Any]]] = defaultdict(dict)
    suppliers: dict[str, dict[int, str]] = defaultdict(dict)
    for smelter_id, declaration, year, supplier_id, supplier in rows:
        declarations[smelter_id][declaration] = {
            "id": declaration, "period": year, "supplier": supplier,
        }  # fmt: skip
        if supplier_id is not None:
            suppliers[smelter_id][supplier_id] = supplier
    supplier_ids = {pk for found in suppliers.values() for pk in found}
    products_of = _products_of(supplier_ids)
    return {
        smelter_id: {
            "declarations": sorted(declarations[smelter_id].values(), key=lambda d: d["id"]),
            "suppliers": sorted(set(suppliers[smelter_id].values())),
            "products": sorted({p for pk in suppliers[smelter_id] for p in products_of[pk]}),
        }
        for smelter_id in declarations
    }


def _products_of(supplier_ids: set[int]) -> dict[int, set[str]]:
    parts: dict[int, set[int]] = defaultdict(set)
    for supplier_id, part_id in PartSource.objects.filter(supplier_id__in=supplier_ids).values_list(
        "supplier_id", "part_id"
    ):
        parts[supplier_id].add(part_id)
    all_parts = {p for found in parts.values() for p in found}
    products: dict[int, set[str]] = defaultdict(set)
    for part_id, number in BomLine.objects.filter(part_id__in=all_parts).values_list(
        "part_id", "product__number"
    ):
        products[part_id].add(number)
    return {pk: {n for part in parts[pk] for n in products[part]} for pk in supplier_ids}
