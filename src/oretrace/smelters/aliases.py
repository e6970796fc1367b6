"""Learned aliases: a person's accepted review decision, remembered for later rows.

The identifier asks an :class:`AliasStore` after the reference's own names and before
fuzzy matching. The registry implements the protocol on its database; the two stores here
serve tests, the CLI and single-user use.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

from oretrace.smelters.names import core


@dataclass(frozen=True, slots=True)
class LearnedAlias:
    metal: str
    name: str  # as the supplier wrote it
    smelter_id: str
    decided_by: str
    decided_at: dt.datetime
    note: str = ""

    @property
    def key(self) -> str:
        return alias_key(self.name)


def alias_key(name: str) -> str:
    """Aliases are matched on the core name, so spelling noise around legal forms is absorbed."""
    return core(name)


class AliasStore(Protocol):
    def find(self, metal: str, key: str) -> LearnedAlias | None:
        """The alias learned for ``key`` (see :func:`alias_key`) within ``metal``."""

    def add(self, alias: LearnedAlias) -> None:
        """Remember an alias; a later decision for the same metal and key replaces it."""


class MemoryAliasStore:
    def __init__(self) -> None:
        self._aliases: dict[tuple[str, str], LearnedAlias] = {}

    def find(self, metal: str, key: str) -> LearnedAlias | None:
        return self._aliases.get((metal, key))

    def add(self, alias: LearnedAlias) -> None:
        self._aliases[alias.metal, alias.key] = alias

    def __len__(self) -> int:
        return len(self._aliases)

    def all(self) -> list[LearnedAlias]:
        return list(self._aliases.values())


class JsonFileAliasStore(MemoryAliasStore):
    """A memory store persisted to one JSON file after every change."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        if path.exists():
            for item in json.loads(path.read_text(encoding="utf-8")):
                item["decided_at"] = dt.datetime.fromisoformat(item["decided_at"])
                super().add(LearnedAlias(**item))

    def add(self, alias: LearnedAlias) -> None:
        super().add(alias)
        items = [asdict(a) | {"decided_at": a.decided_at.isoformat()} for a in self.all()]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(items, ensure_ascii=False, indent=1), encoding="utf-8")
