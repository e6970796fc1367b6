"""One smelter, one identity through time: the legacy-ID → CID crosswalk.

Before 2014 smelters had IDs like ``3ZAF013`` (CMRT 2.00–2.03a). CMRT 3.01 lists old and
new IDs side by side, but not every legacy ID it printed survives there: some plants were
re-listed under a CID without their old ID. Their names, metal and country continue, so a
legacy ID whose smelter 3.01 does not map is linked to the one CID that shares its metal,
its country and one of its names — compared folded (case, accents, punctuation), else
without legal forms — across every look-up revision. A legacy ID that fits no CID, or
several, stays unlinked and is named in a note.

The result is a snapshot of kind ``crosswalk``: one row per legacy ID with both IDs, so
:class:`~oretrace.smelters.reference.Reference` merges its names and legacy IDs into the
CID as it does for 3.01. It ships in ``data/reference.json`` and lives in the registry's
database like every other snapshot.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from oretrace.smelters.countries import country_code, same_country
from oretrace.smelters.model import ReferenceRow, Snapshot, SnapshotInfo, SnapshotKind
from oretrace.smelters.names import core, fold

CROSSWALK_KEY = "crosswalk:legacy-ids"
BY_FOLDED_NAME = "crosswalk: same metal, country and name"
BY_CORE_NAME = "crosswalk: same metal, country and name apart from legal forms"


@dataclass
class _Legacy:
    metal: str = ""
    standard_name: str = ""
    country: str = ""
    names: set[str] = field(default_factory=set)


@dataclass
class _Cid:
    metal: str
    country_code: str | None


def explicit_links(snapshots: Iterable[Snapshot]) -> dict[str, str]:
    """Legacy ID → CID as the look-ups print them side by side (CMRT 3.01); newest wins."""
    links: dict[str, str] = {}
    for snapshot in sorted(snapshots, key=lambda s: s.info.order):
        if snapshot.info.kind is SnapshotKind.CROSSWALK:
            continue
        for row in snapshot.rows:
            if row.legacy_id and row.smelter_id:
                links[row.legacy_id] = row.smelter_id
    return links


def build_crosswalk(snapshots: Iterable[Snapshot]) -> Snapshot:
    """The crosswalk for legacy IDs no look-up maps, inferred from name continuity."""
    snapshots = [s for s in snapshots if s.info.kind is not SnapshotKind.CROSSWALK]
    explicit = explicit_links(snapshots)
    legacy: dict[str, _Legacy] = defaultdict(_Legacy)
    cids: dict[str, _Cid] = {}
    by_fold: dict[tuple[str, str], set[str]] = defaultdict(set)
    by_core: dict[tuple[str, str], set[str]] = defaultdict(set)
    for snapshot in sorted(snapshots, key=lambda s: s.info.order):
        for row in snapshot.rows:
            cid = row.smelter_id or explicit.get(row.legacy_id or "")
            if cid:  # a CID's names include those its mapped legacy IDs had
                cids.setdefault(cid, _Cid(row.metal, country_code(row.country)))
                if row.smelter_id:
                    cids[cid] = _Cid(row.metal, country_code(row.country))
                for name in (row.name, row.standard_name):
                    by_fold[row.metal, fold(name)].add(cid)
                    by_core[row.metal, core(name)].add(cid)
            elif row.legacy_id:
                draft = legacy[row.legacy_id]
                draft.metal, draft.standard_name = row.metal, row.standard_name
                draft.country = row.country
                draft.names.update({row.name, row.standard_name})
    rows: list[ReferenceRow] = []
    notes: list[str] = []
    for legacy_id, draft in sorted(legacy.items()):
        code = country_code(draft.country)
        found, basis = _link(draft, code, cids, by_fold, BY_FOLDED_NAME, fold)
        if len(found) != 1:
            found, basis = _link(draft, code, cids, by_core, BY_CORE_NAME, core)
        if len(found) == 1:
            cid = found.pop()
            rows.append(
                ReferenceRow(
                    draft.metal, draft.standard_name, draft.standard_name, draft.country,
                    smelter_id=cid, legacy_id=legacy_id, id_source=basis,
                )
            )  # fmt: skip
        elif found:
            shown = ", ".join(sorted(found))
            notes.append(f"{legacy_id} {draft.standard_name!r}: several CIDs fit ({shown})")
        else:
            notes.append(
                f"{legacy_id} {draft.standard_name!r} ({draft.metal}, {draft.country}): "
                "no CID of that metal and country carries its name; kept as a legacy entity"
            )
    content = json.dumps([[r.legacy_id, r.smelter_id, r.id_source] for r in rows])
    info = SnapshotInfo(
        key=CROSSWALK_KEY,
        kind=SnapshotKind.CROSSWALK,
        label="Legacy ID → CID crosswalk",
        source="every look-up revision",
        sha256=hashlib.sha256(content.encode()).hexdigest(),  # of the links: changes show
        as_of=None,
        as_of_basis="derived from the look-ups; explicit old/new ID pairs take precedence",
    )
    return Snapshot(info, tuple(rows), tuple(notes))


def _link(
    draft: _Legacy,
    code: str | None,
    cids: dict[str, _Cid],
    index: dict[tuple[str, str], set[str]],
    basis: str,
    key: Callable[[str], str],
) -> tuple[set[str], str]:
    found: set[str] = set()
    for name in draft.names:
        for cid in index.get((draft.metal, key(name)), set()):
            if code is not None and same_country(cids[cid].country_code, code):
                found.add(cid)
    return found, basis
