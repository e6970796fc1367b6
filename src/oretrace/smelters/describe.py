"""Everything known about one smelter, as plain data for ``oretrace smelters show``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from oretrace.smelters.model import Smelter
from oretrace.smelters.reference import Reference


def smelter_report(reference: Reference, smelter_id: str) -> dict[str, Any] | None:
    smelter = reference.smelter(smelter_id.strip().upper())
    if smelter is None:
        return None
    return {
        "smelter_id": smelter.smelter_id,
        "metal": smelter.metal,
        "standard_name": smelter.standard_name,
        "country": smelter.country,
        "country_code": smelter.country_code,
        "city": smelter.city,
        "state": smelter.state,
        "legacy_ids": list(smelter.legacy_ids),
        "dropped": smelter.dropped,
        "first_seen": _label(reference, smelter.first_seen),
        "last_seen": _label(reference, smelter.last_seen),
        "names": [
            {"name": n.name, "snapshots": [_label(reference, k) for k in n.snapshots]}
            for n in smelter.names
        ],
        "snapshots": _snapshots(reference, smelter),
        "status_history": [
            {
                "as_of": _iso(s.as_of),
                "status": s.status,
                "list": _label(reference, s.snapshot),
                "last_audit": _iso(s.last_audit),
                "audit_cycle": s.audit_cycle,
            }
            for s in smelter.statuses
        ],
    }


def _snapshots(reference: Reference, smelter: Smelter) -> list[dict[str, Any]]:
    keys = {key for record in smelter.names for key in record.snapshots}
    return [
        {"key": info.key, "label": info.label, "as_of": _iso(info.as_of), "source": info.source}
        for info in reference.snapshots
        if info.key in keys
    ]


def _label(reference: Reference, key: str) -> str:
    info = reference.snapshot(key)
    return f"{info.label} ({_iso(info.as_of) or 'undated'})" if info else key


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
