"""Snapshots on disk: one compact JSON format for the shipped reference and for imports.

Rows that several snapshots share are stored once with the indices of the snapshots that
list them, so the history of every template revision fits in a few hundred kilobytes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from oretrace.smelters.model import ReferenceRow, Snapshot, SnapshotInfo, SnapshotKind
from oretrace.smelters.reference import Reference

FORMAT = "oretrace-smelter-reference/1"
SHIPPED = "reference.json"
_ROW_FIELDS = (
    "metal", "name", "standard_name", "country", "smelter_id", "legacy_id", "id_source",
    "street", "city", "state", "status", "last_audit", "audit_cycle",
)  # fmt: skip


class ReferenceFileError(ValueError):
    """A reference file is not in oretrace's format."""


def dump_snapshots(snapshots: Sequence[Snapshot], generated_by: str = "") -> str:
    rows: dict[tuple[Any, ...], list[int]] = {}
    for index, snapshot in enumerate(snapshots):
        for row in snapshot.rows:
            cells = tuple(_cell(getattr(row, name)) for name in _ROW_FIELDS)
            owners = rows.setdefault(cells, [])
            if not owners or owners[-1] != index:
                owners.append(index)
    head = {
        "format": FORMAT,
        "generated_by": generated_by,
        "snapshots": [_info(s) for s in snapshots],
        "row_fields": ["snapshots", *_ROW_FIELDS],
    }
    lines = [_compact([owners, *cells]) for cells, owners in rows.items()]
    text = json.dumps(head, ensure_ascii=False, indent=1)[:-2]  # reopen the object for "rows"
    return text + ',\n "rows": [\n' + ",\n".join(lines) + "\n ]\n}\n"


def _compact(value: object) -> str:
    """One row per line keeps regenerated references reviewable in a diff."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _cell(value: object) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else (value or "")


def _info(snapshot: Snapshot) -> dict[str, Any]:
    info = snapshot.info
    return {
        "key": info.key, "kind": info.kind.value, "label": info.label, "source": info.source,
        "sha256": info.sha256, "as_of": info.as_of.isoformat() if info.as_of else None,
        "as_of_basis": info.as_of_basis, "family": info.family, "revision": info.revision,
        "notes": list(snapshot.notes),
    }  # fmt: skip


def load_snapshots(text: str) -> list[Snapshot]:
    document = json.loads(text)
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ReferenceFileError(f"not an oretrace smelter reference (format {FORMAT})")
    infos = [_read_info(item) for item in document["snapshots"]]
    rows: list[list[ReferenceRow]] = [[] for _ in infos]
    for owners, *cells in document["rows"]:
        values = dict(zip(_ROW_FIELDS, cells, strict=True))
        audit = values["last_audit"]
        row = ReferenceRow(
            metal=values["metal"], name=values["name"], standard_name=values["standard_name"],
            country=values["country"], smelter_id=values["smelter_id"] or None,
            legacy_id=values["legacy_id"] or None, id_source=values["id_source"],
            street=values["street"], city=values["city"], state=values["state"],
            status=values["status"], audit_cycle=values["audit_cycle"],
            last_audit=dt.date.fromisoformat(audit) if audit else None,
        )  # fmt: skip
        for owner in owners:
            rows[owner].append(row)
    notes = [tuple(item.get("notes", ())) for item in document["snapshots"]]
    return [Snapshot(i, tuple(r), n) for i, r, n in zip(infos, rows, notes, strict=True)]


def _read_info(item: dict[str, Any]) -> SnapshotInfo:
    return SnapshotInfo(
        key=item["key"], kind=SnapshotKind(item["kind"]), label=item["label"],
        source=item["source"], sha256=item["sha256"],
        as_of=dt.date.fromisoformat(item["as_of"]) if item["as_of"] else None,
        as_of_basis=item["as_of_basis"], family=item.get("family", ""),
        revision=item.get("revision", ""),
    )  # fmt: skip


def shipped_snapshots() -> list[Snapshot]:
    """The reference snapshots that ship with oretrace (see docs/smelters.md)."""
    text = resources.files("oretrace.smelters").joinpath("data", SHIPPED).read_text("utf-8")
    return load_snapshots(text)


def user_reference_dir() -> Path:
    """Where ``oretrace smelters import`` keeps imported snapshots.

    ``$ORETRACE_REFERENCE_DIR``, else ``$XDG_DATA_HOME/oretrace/reference``
    (``~/.local/share/oretrace/reference``).
    """
    explicit = os.environ.get("ORETRACE_REFERENCE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "oretrace" / "reference"


def save_import(snapshots: Sequence[Snapshot], directory: Path) -> Path:
    """Store imported snapshots as one file named after the source's sha256."""
    directory.mkdir(parents=True, exist_ok=True)
    digest = (snapshots[0].info.sha256 or "memory")[:16] if snapshots else "empty"
    path = directory / f"import-{digest}.json"
    path.write_text(dump_snapshots(snapshots, "oretrace smelters import"), encoding="utf-8")
    return path


def stored_snapshots(directory: Path) -> list[Snapshot]:
    if not directory.is_dir():
        return []
    found: list[Snapshot] = []
    for path in sorted(directory.glob("*.json")):
        found.extend(load_snapshots(path.read_text(encoding="utf-8")))
    return found


def load_reference(
    directory: Path | None = None, extra: Iterable[Snapshot] = (), shipped: bool = True
) -> Reference:
    """Shipped snapshots + those imported into ``directory`` (default: the user's) + ``extra``."""
    base = shipped_snapshots() if shipped else []
    imported = stored_snapshots(directory if directory is not None else user_reference_dir())
    return Reference([*base, *imported, *extra])


@lru_cache(maxsize=1)
def default_reference() -> Reference:
    """The shipped reference plus the user's imports, loaded once per process."""
    return load_reference()
