"""Names that are no smelter: the templates' placeholders, traders, downstream manufacturers.

The table lives in ``data/not_smelters.csv`` (name, kind, note); a name matches when its
core form (legal forms dropped) equals an entry's. Words such as "trading" or
"distributor" in a name are weaker evidence and only flag the row.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from oretrace.smelters.names import core, fold

_TRADER_WORDS = re.compile(r"\b(trading|traders?|distributors?|distribution|import and export)\b")


@dataclass(frozen=True, slots=True)
class NotASmelter:
    name: str
    kind: str  # placeholder | trader | manufacturer
    note: str


@lru_cache(maxsize=1)
def _table() -> dict[str, NotASmelter]:
    text = resources.files("oretrace.smelters").joinpath("data", "not_smelters.csv")
    rows = csv.DictReader(text.read_text("utf-8").splitlines())
    return {core(r["name"]): NotASmelter(r["name"], r["kind"], r["note"]) for r in rows}


def not_a_smelter(name: str) -> NotASmelter | None:
    """The table entry a name matches, if any."""
    return _table().get(core(name))


def entries() -> tuple[NotASmelter, ...]:
    return tuple(_table().values())


def sounds_like_trader(name: str) -> bool:
    folded = fold(name)
    # Every word of the pattern holds one of these: most names skip the regular expression.
    if "trad" not in folded and "distribut" not in folded and "import" not in folded:
        return False
    return bool(_TRADER_WORDS.search(folded))
