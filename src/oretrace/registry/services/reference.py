"""Reference smelters in the database: snapshots stored whole, smelter tables rebuilt from them,
and the learned-alias store the identifier asks.

With a registry, the database is the one reference store: ``oretrace smelters import``,
``ingest``, ``smelters match``/``show`` and the web read and write it, so every machine
sharing the database sees the same snapshots, statuses and learned aliases. The shipped
snapshots enter it on first use; the per-user folder of registry-less ``smelters match`` is
never read here, so lists imported there (or by tests and the demo) stay out.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Iterable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from django.db import transaction

from oretrace.registry.models import (
    LearnedAlias as LearnedAliasRow,
)
from oretrace.registry.models import (
    ReferenceName,
    ReferenceSmelter,
    ReferenceSnapshot,
    SmelterStatus,
)
from oretrace.registry.services.audit import record
from oretrace.registry.services.locking import serialise
from oretrace.smelters import (
    Identifier,
    LearnedAlias,
    Reference,
    Snapshot,
    SnapshotKind,
    Thresholds,
    shipped_snapshots,
)
from oretrace.smelters.status_changes import list_dates
from oretrace.smelters.storage import dump_snapshots, load_snapshots

if TYPE_CHECKING:
    from oretrace.registry.services.scope import StaffScope


class DatabaseAliasStore:
    """The ``AliasStore`` protocol on the LearnedAlias table, read once into memory."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str], LearnedAlias] = {}
        for row in LearnedAliasRow.objects.select_related("smelter"):
            self._cache[row.metal, row.key] = LearnedAlias(
                row.metal,
                row.name,
                row.smelter.smelter_id,
                row.decided_by,
                row.decided_at,
                row.note,
            )

    def find(self, metal: str, key: str) -> LearnedAlias | None:
        return self._cache.get((metal, key))

    def add(self, alias: LearnedAlias) -> None:
        smelter = ReferenceSmelter.objects.get(smelter_id=alias.smelter_id)
        LearnedAliasRow.objects.update_or_create(
            metal=alias.metal,
            key=alias.key,
            defaults={
                "name": alias.name,
                "smelter": smelter,
                "decided_by": alias.decided_by,
                "decided_at": alias.decided_at,
                "note": alias.note,
            },
        )
        self._cache[alias.metal, alias.key] = alias


def stored_snapshots() -> list[Snapshot]:
    found: list[Snapshot] = []
    for row in ReferenceSnapshot.objects.order_by("as_of", "key"):
        found.extend(load_snapshots(row.payload))
    return found


#: The reference last built in this process, and the snapshots (key, sha256) it was built from.
_built: tuple[tuple[tuple[str, str], ...], Reference] | None = None


def current_reference() -> Reference:
    """Every snapshot in the database (the shipped ones are loaded on first use).

    Built once per process while the stored snapshots stay the same (by key and sha256), so
    a worker running one small ingest job after another does not rebuild it for each.
    """
    global _built
    ensure_reference()
    stored = tuple(ReferenceSnapshot.objects.order_by("as_of", "key").values_list("key", "sha256"))
    if _built is not None and _built[0] == stored and all(sha for _, sha in stored):
        return _built[1]
    reference = Reference(stored_snapshots())
    _built = (stored, reference)
    return reference


#: The last identifier built in this process; its name index is shared by later ones.
_indexed: Identifier | None = None


def identifier(thresholds: Thresholds | None = None) -> Identifier:
    """An identifier on the current reference, with the learned aliases as they are now.

    The name index (the costly part) is built once per reference and process; thresholds
    and learned aliases are fresh for every call.
    """
    global _indexed
    reference = current_reference()
    if _indexed is None or _indexed.reference is not reference:
        _indexed = Identifier(reference)
    found = copy.copy(_indexed)
    found.thresholds = thresholds or Thresholds()
    found.aliases = DatabaseAliasStore()
    return found


def ensure_reference() -> None:
    """Bring the snapshots shipped with this version of oretrace into the database (new
    ones, and shipped ones whose content changed); idempotent, cheap when nothing is new.

    Several commands starting at once on a fresh database load the snapshots once: the check
    is repeated inside one locked transaction before anything is written.
    """
    if not _missing_shipped():
        return
    with transaction.atomic():
        serialise("reference-snapshots")
        shipped = _missing_shipped()
        if shipped:
            add_snapshots(shipped, actor="system", shipped=True)


@cache
def _shipped() -> tuple[Snapshot, ...]:
    """The snapshots this version of oretrace ships (read once per process)."""
    return tuple(shipped_snapshots())


def _missing_shipped() -> list[Snapshot]:
    known = dict(ReferenceSnapshot.objects.filter(shipped=True).values_list("key", "sha256"))
    imported = set(ReferenceSnapshot.objects.filter(shipped=False).values_list("key", flat=True))
    return [
        s
        for s in _shipped()
        if s.info.key not in imported and known.get(s.info.key) != s.info.sha256
    ]


def import_snapshots(snapshots: Sequence[Snapshot], actor: str) -> dict[str, Any]:
    """``oretrace smelters import``: store imported snapshots in the registry and, when they
    bring the newest RMI list, what changed since the list before (status alerts) — one
    transaction, both audited. Returns the alerts (see ``status_alerts``)."""
    from oretrace.registry.services.status_alerts import record_alerts, status_alerts

    ensure_reference()
    with transaction.atomic():
        add_snapshots(snapshots, actor)
        reference = Reference(stored_snapshots())
        dates = list_dates(reference)
        imported = {s.info.as_of for s in snapshots if s.info.kind is SnapshotKind.FACILITY_LIST}
        if dates and dates[-1] in imported:
            alerts = status_alerts(reference)
        else:
            alerts = {"since": None, "until": None, "changes": []}
        record_alerts(alerts, actor)
    return alerts


def current_status_alerts(
    since: str | None = None, supplier_ids: Collection[int] | None = None
) -> dict[str, Any]:
    """Status changes up to the newest RMI list in the registry, since the list before it
    or since ``since`` (a snapshot key or an ISO date); plain data for the CLI and the web.
    With ``supplier_ids`` (an officer's scope) only their declarations, suppliers and
    products are named as affected. Remembered until the registry's data next changes."""
    from oretrace.registry.services.assessment_cache import remembered, scope_key
    from oretrace.registry.services.status_alerts import since_date, status_alerts

    ids = None if supplier_ids is None else frozenset(supplier_ids)
    return remembered(
        "status_alerts",
        (since or "", scope_key(ids)),
        lambda: status_alerts(current_reference(), since_date(since) if since else None, ids),
    )


def scope_status_alerts(scope: StaffScope) -> dict[str, Any]:
    """The status changes of the newest RMI list as a person with ``scope`` sees them (the
    dashboard's alerts section; warmed after writes with the same call)."""
    from oretrace.registry.services.scope import supplier_ids_for

    in_scope = supplier_ids_for(scope)
    return current_status_alerts(None, None if in_scope is None else set(in_scope))


def add_snapshots(snapshots: Iterable[Snapshot], actor: str, shipped: bool = False) -> int:
    """Store snapshots (replacing ones with the same key) and rebuild the smelter tables."""
    added = 0
    keys: list[str] = []
    with transaction.atomic():
        for snapshot in snapshots:
            info = snapshot.info
            ReferenceSnapshot.objects.update_or_create(
                key=info.key,
                defaults={
                    "kind": info.kind.value,
                    "label": info.label,
                    "source": info.source,
                    "sha256": info.sha256,
                    "as_of": info.as_of,
                    "shipped": shipped,
                    "payload": dump_snapshots([snapshot], "registry"),
                },
            )
            added += 1
            keys.append(info.key)
        rebuild_smelters()
        record(actor, "reference.imported", None, snapshots=added, shipped=shipped, keys=keys)
    return added


_SMELTER_FIELDS = (
    "metal",
    "standard_name",
    "country",
    "country_iso2",
    "city",
    "dropped",
    "first_seen",
    "last_seen",
)


def rebuild_smelters() -> None:
    """Upsert smelters and rebuild their names and statuses from the stored snapshots (bulk)."""
    reference = Reference(stored_snapshots())
    existing = {s.smelter_id: s for s in ReferenceSmelter.objects.all()}
    new: list[ReferenceSmelter] = []
    changed: list[ReferenceSmelter] = []
    for smelter in reference.smelters():
        row = existing.get(smelter.smelter_id) or ReferenceSmelter(smelter_id=smelter.smelter_id)
        row.metal, row.standard_name = smelter.metal, smelter.standard_name[:500]
        row.country, row.country_iso2 = smelter.country[:100], smelter.country_code or ""
        row.city, row.dropped = smelter.city[:200], smelter.dropped
        row.first_seen, row.last_seen = smelter.first_seen, smelter.last_seen
        (changed if row.pk else new).append(row)
    ReferenceSmelter.objects.bulk_create(new, batch_size=500)
    ReferenceSmelter.objects.bulk_update(changed, _SMELTER_FIELDS, batch_size=500)
    ids = dict(ReferenceSmelter.objects.values_list("smelter_id", "pk"))
    ReferenceName.objects.all().delete()
    SmelterStatus.objects.all().delete()
    names, statuses = [], []
    for smelter in reference.smelters():
        pk = ids[smelter.smelter_id]
        names += [ReferenceName(smelter_id=pk, name=n.name[:500]) for n in smelter.names]
        statuses += [
            SmelterStatus(
                smelter_id=pk,
                status=s.status[:60],
                as_of=s.as_of,
                snapshot_key=s.snapshot,
                last_audit=s.last_audit,
                audit_cycle=s.audit_cycle[:50],
            )
            for s in smelter.statuses
        ]
    ReferenceName.objects.bulk_create(names, batch_size=1000, ignore_conflicts=True)
    SmelterStatus.objects.bulk_create(statuses, batch_size=1000)
