"""Template families and revisions: parsing, ordering, and the revisions we know."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import total_ordering


class Family(StrEnum):
    CMRT = "CMRT"
    EMRT = "EMRT"
    CRT = "CRT"
    AMRT = "AMRT"


_VERSION = re.compile(r"^(\d+)(?:\.(\d+))?([a-z]?)$")


@total_ordering
@dataclass(frozen=True, slots=True)
class Revision:
    """A template revision such as ``6.4``, ``6.01`` or ``2.03a``.

    Minor parts compare as decimal fractions, as RMI numbers them: 6.01 < 6.1 (= 6.10)
    < 6.22 < 6.31 < 6.4; a letter suffix (a smelter-list-only update) sorts after the base.
    """

    text: str

    @property
    def key(self) -> tuple[int, int, str]:
        match = _VERSION.match(self.text)
        if not match:
            raise ValueError(f"not a revision: {self.text!r}")
        minor = (match.group(2) or "0").ljust(2, "0")[:2]
        return int(match.group(1)), int(minor), match.group(3)

    @property
    def major(self) -> int:
        return self.key[0]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Revision):
            return NotImplemented
        return self.key < other.key

    def __str__(self) -> str:
        return self.text


def parse_revision(text: str) -> Revision | None:
    """Normalise a revision string: ``"2"`` → ``2.00``, ``"6.40"`` stays ``6.40``."""
    text = text.strip().lower()
    match = _VERSION.match(text)
    if not match:
        return None
    if match.group(2) is None:
        return Revision(f"{match.group(1)}.00{match.group(3)}")
    return Revision(text)


#: Revisions whose layout was read from a real file. Others map to the nearest one below.
KNOWN: dict[Family, tuple[str, ...]] = {
    Family.CMRT: (
        "1.00",
        "2.00",
        "2.01",
        "2.02",
        "2.03",
        "2.03a",
        "3.01",
        "6.01",
        "6.1",
        "6.22",
        "6.31",
        "6.4",
        "6.5",
    ),
    Family.EMRT: ("1.1", "1.11", "1.2", "1.3", "2.0", "2.1"),
    Family.CRT: ("2.2",),
    Family.AMRT: ("1.2", "1.3"),
}

#: The newest revision of each family that oretrace knows; older ones get a finding.
LATEST: dict[Family, Revision] = {f: Revision(v[-1]) for f, v in KNOWN.items()}


def nearest_known(family: Family, revision: Revision) -> tuple[Revision, bool]:
    """The known revision whose layout applies, and whether it is an exact match."""
    known = [Revision(v) for v in KNOWN[family]]
    for candidate in known:
        if candidate.key == revision.key:
            return candidate, True
    same_major = [k for k in known if k.major == revision.major] or known
    below = [k for k in same_major if k < revision]
    return (below[-1] if below else same_major[0]), False
