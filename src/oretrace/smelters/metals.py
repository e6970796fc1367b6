"""Metal names as the templates spell them, reduced to one canonical name per metal.

CMRT 2.x writes ``Gold (Au)``, 3.01+ writes ``Gold``; suppliers write ``Au``, ``gold``,
``Wolfram`` or ``Tin/Sn``. Every spelling maps to the canonical name used by the newest
look-up (``Gold``, ``Tin``, ``Tantalum``, ``Tungsten``, ``Cobalt``, ``Aluminum`` …).
"""

from __future__ import annotations

import re
import unicodedata

#: The 3TG metals of the CMRT, and the digit that leads their pre-2014 smelter IDs.
LEGACY_ID_DIGIT: dict[str, str] = {"1": "Gold", "2": "Tin", "3": "Tantalum", "4": "Tungsten"}

_CANONICAL: tuple[str, ...] = (
    "Gold", "Tin", "Tantalum", "Tungsten",
    "Cobalt", "Mica", "Copper", "Graphite", "Lithium", "Nickel",
    "Aluminum", "Iridium", "Lime", "Manganese", "Palladium", "Platinum",
    "Rare Earth Elements", "Rhodium", "Ruthenium", "Silver", "Soda Ash", "Zinc",
)  # fmt: skip

_SYNONYMS: dict[str, str] = {
    "au": "Gold", "oro": "Gold", "gold bullion": "Gold",
    "sn": "Tin", "stannum": "Tin", "tin solder": "Tin",
    "ta": "Tantalum", "tantal": "Tantalum",
    "w": "Tungsten", "wolfram": "Tungsten", "tungstene": "Tungsten",
    "co": "Cobalt", "cobalto": "Cobalt",
    "cu": "Copper", "li": "Lithium", "ni": "Nickel",
    "al": "Aluminum", "aluminium": "Aluminum", "ir": "Iridium", "mn": "Manganese",
    "pd": "Palladium", "pt": "Platinum", "ree": "Rare Earth Elements",
    "rare earths": "Rare Earth Elements", "rh": "Rhodium", "ru": "Ruthenium",
    "ag": "Silver", "zn": "Zinc", "金": "Gold", "锡": "Tin", "钽": "Tantalum", "钨": "Tungsten",
}  # fmt: skip

_TABLE: dict[str, str] = {name.casefold(): name for name in _CANONICAL} | _SYNONYMS
_PAREN = re.compile(r"\s*\(([^)]*)\)\s*$")
_SPLIT = re.compile(r"\s*[/,;]\s*")


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def canonical_metal(value: object) -> str | None:
    """The canonical metal name for any spelling, or None when it is no metal we know.

    >>> canonical_metal("Gold (Au)"), canonical_metal(" tin/Sn "), canonical_metal("Wolfram")
    ('Gold', 'Tin', 'Tungsten')
    """
    if not isinstance(value, str):
        return None
    text = _key(value)
    if not text:
        return None
    found = _TABLE.get(text)
    if found:
        return found
    paren = _PAREN.search(text)
    if paren:
        found = _TABLE.get(text[: paren.start()].strip()) or _TABLE.get(paren.group(1).strip())
        if found:
            return found
    parts = {_TABLE.get(part) for part in _SPLIT.split(text)} - {None}
    return parts.pop() if len(parts) == 1 else None


def known_metals() -> tuple[str, ...]:
    return _CANONICAL
