"""What changed between two dated RMI lists: smelters that became conformant, lost
conformance, were suspended, are due for re-assessment, were removed or merged.

The statuses come from the merged reference history (:class:`Smelter.status_at`); a
smelter counts as removed when newer lists cover its metal but no longer list it, and as
merged when one of its names appears in those newer lists under another ID of that metal.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from oretrace.smelters.model import Smelter, SnapshotKind, StatusRecord
from oretrace.smelters.names import core, fold
from oretrace.smelters.reference import Reference


class ChangeKind(StrEnum):
    BECAME_CONFORMANT = "became_conformant"
    LOST_CONFORMANCE = "lost_conformance"
    SUSPENDED = "suspended"
    REASSESSMENT_DUE = "reassessment_due"
    REMOVED = "removed"
    MERGED = "merged"


@dataclass(frozen=True, slots=True)
class StatusChange:
    smelter_id: str
    metal: str
    standard_name: str
    kind: ChangeKind
    before: str  # status at the earlier date ("" when not listed)
    after: str  # status at the later date ("" when removed)
    note: str = ""
    merged_into: str | None = None


def list_dates(reference: Reference) -> list[dt.date]:
    """The distinct as-of dates of the RMI lists in the reference, oldest first."""
    return sorted(
        {
            s.as_of
            for s in reference.snapshots
            if s.kind is SnapshotKind.FACILITY_LIST and s.as_of is not None
        }
    )


def status_changes(reference: Reference, since: dt.date, until: dt.date) -> list[StatusChange]:
    """Every change from the lists dated up to ``since`` to those up to ``until``."""
    newer = [
        s
        for s in reference.snapshots
        if s.kind is SnapshotKind.FACILITY_LIST and s.as_of and since < s.as_of <= until
    ]
    newer_keys = {s.key for s in newer}
    covered, names = _newer_lists(reference, newer_keys)
    found: list[StatusChange] = []
    for smelter in reference.smelters():
        before, after = smelter.status_at(since), smelter.status_at(until)
        if after is None:
            continue
        if after.snapshot not in newer_keys:  # the newer lists do not show it
            if before is not None and smelter.metal in covered:
                found.append(_removed(smelter, before, names))
            continue
        change = _compare(smelter, before, after, since, until)
        if change is not None:
            found.append(change)
    return sorted(found, key=lambda c: (c.kind.value, c.metal, c.smelter_id))


def _newer_lists(
    reference: Reference, keys: set[str]
) -> tuple[set[str], dict[tuple[str, str], set[str]]]:
    covered: set[str] = set()
    names: dict[tuple[str, str], set[str]] = {}
    for info, row in reference.snapshot_rows():
        if info.key in keys and row.smelter_id:
            covered.add(row.metal)
            for name in (row.name, row.standard_name):
                names.setdefault((row.metal, core(name)), set()).add(row.smelter_id)
    return covered, names


def _removed(
    smelter: Smelter, before: StatusRecord, names: dict[tuple[str, str], set[str]]
) -> StatusChange:
    others: set[str] = set()
    for record in smelter.names:
        others |= names.get((smelter.metal, core(record.name)), set())
    others.discard(smelter.smelter_id)
    if len(others) == 1:
        into = others.pop()
        return StatusChange(
            smelter.smelter_id, smelter.metal, smelter.standard_name, ChangeKind.MERGED,
            before.status, "", f"its name is now listed under {into}", into,
        )  # fmt: skip
    return StatusChange(
        smelter.smelter_id, smelter.metal, smelter.standard_name, ChangeKind.REMOVED,
        before.status, "", "no longer on the newer lists of its metal",
    )  # fmt: skip


def _compare(
    smelter: Smelter,
    before: StatusRecord | None,
    after: StatusRecord,
    since: dt.date,
    until: dt.date,
) -> StatusChange | None:
    old = before.status if before else ""
    kind: ChangeKind | None = None
    note = ""
    if is_suspended(after.status) and not is_suspended(old):
        kind = ChangeKind.SUSPENDED
    elif is_conformant(after.status) and not is_conformant(old):
        kind = ChangeKind.BECAME_CONFORMANT
    elif is_conformant(old) and not is_conformant(after.status):
        kind = ChangeKind.LOST_CONFORMANCE
    elif is_reassessment(after.status) and not is_reassessment(old):
        kind = ChangeKind.REASSESSMENT_DUE
    else:
        due = reassessment_due_on(after)
        if due is not None and since < due <= until:
            kind, note = ChangeKind.REASSESSMENT_DUE, f"audit cycle ended {due.isoformat()}"
    if kind is None:
        return None
    return StatusChange(
        smelter.smelter_id, smelter.metal, smelter.standard_name, kind, old, after.status, note
    )


def is_conformant(status: str) -> bool:
    return fold(status).startswith("conformant")


def is_suspended(status: str) -> bool:
    return "suspend" in fold(status)


def is_reassessment(status: str) -> bool:
    text = fold(status)
    return "re assessment" in text or "reassessment" in text or "re audit" in text


_CYCLE_WORDS = {"annual": 12, "annually": 12, "biennial": 24, "triennial": 36}
_NUMBER = re.compile(r"(\d+)")


def cycle_months(text: str) -> int | None:
    """Months of an RMI audit cycle as written: "12 months", "3 years", "Annual"."""
    folded = fold(text)
    for word, months in _CYCLE_WORDS.items():
        if word in folded.split():
            return months
    number = _NUMBER.search(folded)
    if number is None:
        return None
    value = int(number.group(1))
    return value * 12 if "year" in folded else value


def reassessment_due_on(record: StatusRecord) -> dt.date | None:
    """The date the audit cycle ends after the last audit, when both are known."""
    months = cycle_months(record.audit_cycle) if record.audit_cycle else None
    if record.last_audit is None or months is None:
        return None
    month = record.last_audit.month - 1 + months
    year = record.last_audit.year + month // 12
    day = min(record.last_audit.day, 28)
    return dt.date(year, month % 12 + 1, day)
