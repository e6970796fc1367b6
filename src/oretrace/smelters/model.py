"""The reference data model: snapshots of RMI lists, each row as the list wrote it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class SnapshotKind(StrEnum):
    TEMPLATE = "template"  # the look-up shipped inside a CMRT/EMRT/CRT/AMRT revision
    FACILITY_LIST = "facility_list"  # an RMI facility list export (conformant, active, …)
    CROSSWALK = "crosswalk"  # legacy ID → CID links inferred from the look-ups' history


@dataclass(frozen=True, slots=True)
class SnapshotInfo:
    """Where a snapshot came from and which date it describes."""

    key: str  # stable, unique: e.g. "template:CMRT:6.5" or "facility_list:conformant:2023-02-01"
    kind: SnapshotKind
    label: str  # for people: "CMRT 6.5 look-up", "RMI Conformant list"
    source: str  # file name it was read from
    sha256: str  # of the source file ("" when built from rows in memory)
    as_of: dt.date | None
    as_of_basis: str  # how as_of was found, e.g. "Revision sheet release date of 6.5"
    family: str = ""  # CMRT/EMRT/CRT/AMRT for templates
    revision: str = ""  # template revision text, e.g. "6.5"

    @property
    def order(self) -> tuple[dt.date, str]:
        """Chronological sort key (undated snapshots first)."""
        return self.as_of or dt.date.min, self.key


@dataclass(frozen=True, slots=True)
class ReferenceRow:
    """One row of a reference list: one name (standard name or alias) of one smelter.

    Template look-ups have one row per look-up name; 2.x rows are expanded, one per known
    alias. Facility lists add the RMI status, the last audit date and the audit cycle.
    """

    metal: str
    name: str  # the look-up name (may be an alias)
    standard_name: str
    country: str
    smelter_id: str | None = None  # CID
    legacy_id: str | None = None  # pre-2014 ID
    id_source: str = ""
    street: str = ""
    city: str = ""
    state: str = ""
    status: str = ""  # facility lists only: Conformant, Active, …
    last_audit: dt.date | None = None
    audit_cycle: str = ""


@dataclass(frozen=True, slots=True)
class Snapshot:
    info: SnapshotInfo
    rows: tuple[ReferenceRow, ...]
    notes: tuple[str, ...] = field(default=())  # rows skipped or repaired while reading


@dataclass(frozen=True, slots=True)
class StatusRecord:
    """An RMI status of one smelter as one dated list showed it."""

    as_of: dt.date | None
    status: str
    snapshot: str  # SnapshotInfo.key
    last_audit: dt.date | None = None
    audit_cycle: str = ""


@dataclass(frozen=True, slots=True)
class NameRecord:
    name: str
    snapshots: tuple[str, ...]  # SnapshotInfo.key of every snapshot that lists this name


@dataclass(frozen=True, slots=True)
class Smelter:
    """Everything the reference history knows about one smelter ID."""

    smelter_id: str  # CID, or the legacy ID when no CID is known
    metal: str
    standard_name: str  # from the newest snapshot that lists it
    country: str
    country_code: str | None
    city: str
    state: str
    legacy_ids: tuple[str, ...]
    names: tuple[NameRecord, ...]
    first_seen: str  # snapshot key
    last_seen: str  # snapshot key (newest template or list that still has it)
    dropped: bool  # absent from the newest template look-up covering its metal
    statuses: tuple[StatusRecord, ...]  # oldest first

    def status_at(self, when: dt.date) -> StatusRecord | None:
        """The status shown by the newest dated list on or before ``when``."""
        known = [s for s in self.statuses if s.as_of is not None and s.as_of <= when]
        return known[-1] if known else None
