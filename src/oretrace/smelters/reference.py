"""The reference as history: every snapshot merged into one record per smelter ID.

A smelter dropped from later lists keeps its ID, names and last-seen snapshot; legacy IDs
map to CIDs through any snapshot that shows both (CMRT 3.01, and the crosswalk snapshot
inferred from name continuity, see :mod:`oretrace.smelters.crosswalk`); names of 2.x
revisions attach to the CID their legacy ID maps to, so a legacy entity is never a separate
candidate next to its CID; statuses from dated lists form a history.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from oretrace.smelters.countries import country_code
from oretrace.smelters.model import (
    NameRecord,
    ReferenceRow,
    Smelter,
    Snapshot,
    SnapshotInfo,
    SnapshotKind,
    StatusRecord,
)


@dataclass
class _Draft:
    metal: str = ""
    standard_name: str = ""
    country: str = ""
    city: str = ""
    state: str = ""
    legacy_ids: set[str] = field(default_factory=set)
    names: dict[str, list[str]] = field(default_factory=dict)
    seen: list[str] = field(default_factory=list)
    statuses: dict[str, StatusRecord] = field(default_factory=dict)

    def add(self, row: ReferenceRow, info: SnapshotInfo) -> None:
        self.metal = row.metal
        if info.kind is SnapshotKind.TEMPLATE or not self.standard_name:
            self.standard_name, self.country = row.standard_name, row.country
            self.city, self.state = row.city or self.city, row.state or self.state
        if row.legacy_id:
            self.legacy_ids.add(row.legacy_id)
        for name in (row.name, row.standard_name):
            keys = self.names.setdefault(name, [])
            if info.key not in keys:
                keys.append(info.key)
        if info.key not in self.seen:
            self.seen.append(info.key)
        if row.status and info.key not in self.statuses:
            self.statuses[info.key] = StatusRecord(
                info.as_of, row.status, info.key, row.last_audit, row.audit_cycle
            )


class Reference:
    """Read-only merged view of snapshots, oldest first."""

    def __init__(self, snapshots: Iterable[Snapshot]) -> None:
        merged: dict[str, Snapshot] = {}
        for snapshot in snapshots:
            merged[snapshot.info.key] = snapshot  # a re-import replaces the earlier one
        self._snapshots = tuple(sorted(merged.values(), key=lambda s: s.info.order))
        self.legacy_to_cid = _legacy_map(self._snapshots)
        self._smelters = self._build()

    @property
    def snapshots(self) -> tuple[SnapshotInfo, ...]:
        return tuple(s.info for s in self._snapshots)

    def snapshot_rows(self) -> Iterator[tuple[SnapshotInfo, ReferenceRow]]:
        for snapshot in self._snapshots:
            for row in snapshot.rows:
                yield snapshot.info, row

    def snapshot(self, key: str) -> SnapshotInfo | None:
        return next((s.info for s in self._snapshots if s.info.key == key), None)

    def smelter(self, smelter_id: str) -> Smelter | None:
        """A smelter by CID, or by legacy ID (mapped to its CID when one is known)."""
        found = self._smelters.get(smelter_id)
        if found is None and smelter_id in self.legacy_to_cid:
            found = self._smelters.get(self.legacy_to_cid[smelter_id])
        return found

    def smelters(self, metal: str | None = None) -> Iterator[Smelter]:
        for smelter in self._smelters.values():
            if metal is None or smelter.metal == metal:
                yield smelter

    def __len__(self) -> int:
        return len(self._smelters)

    def _build(self) -> dict[str, Smelter]:
        drafts: dict[str, _Draft] = defaultdict(_Draft)
        for snapshot in self._snapshots:
            if snapshot.info.kind is SnapshotKind.CROSSWALK:
                continue  # links IDs, lists no smelter
            for row in snapshot.rows:
                key = self.key_of(row)
                if key:
                    drafts[key].add(row, snapshot.info)
        current = _current_templates(self._snapshots)
        return {key: _finish(key, draft, current) for key, draft in drafts.items()}

    def key_of(self, row: ReferenceRow) -> str | None:
        """The smelter a reference row belongs to: its CID, else its legacy ID's CID."""
        if row.smelter_id:
            return row.smelter_id
        if row.legacy_id:
            return self.legacy_to_cid.get(row.legacy_id, row.legacy_id)
        return None


def _legacy_map(snapshots: tuple[Snapshot, ...]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for snapshot in snapshots:  # oldest first, so the newest mapping wins
        for row in snapshot.rows:
            if row.legacy_id and row.smelter_id:
                mapping[row.legacy_id] = row.smelter_id
    return mapping


def _current_templates(snapshots: tuple[Snapshot, ...]) -> dict[str, set[str]]:
    """Metal → snapshot keys of the newest template look-up of each family listing it."""
    newest: dict[str, Snapshot] = {}
    for snapshot in snapshots:
        if snapshot.info.kind is SnapshotKind.TEMPLATE:
            newest[snapshot.info.family] = snapshot
    current: dict[str, set[str]] = defaultdict(set)
    for snapshot in newest.values():
        for metal in {row.metal for row in snapshot.rows}:
            current[metal].add(snapshot.info.key)
    return current


def _finish(key: str, draft: _Draft, current: dict[str, set[str]]) -> Smelter:
    covering = current.get(draft.metal, set())
    dropped = bool(covering) and not covering & set(draft.seen)
    templates_seen = [k for k in draft.seen if k.startswith("template:")] or draft.seen
    return Smelter(
        smelter_id=key,
        metal=draft.metal,
        standard_name=draft.standard_name,
        country=draft.country,
        country_code=country_code(draft.country),
        city=draft.city,
        state=draft.state,
        legacy_ids=tuple(sorted(draft.legacy_ids)),
        names=tuple(NameRecord(n, tuple(keys)) for n, keys in draft.names.items()),
        first_seen=draft.seen[0],
        last_seen=templates_seen[-1],
        dropped=dropped,
        statuses=tuple(draft.statuses.values()),
    )
