"""The order people expect in every list of a report: case-insensitive and natural.

"Aida" sorts before "ASAHI" (case does not decide), and "Category 2" before "Category 11"
(numbers by value). Every table, appendix and export sorts with these keys.
"""

from __future__ import annotations

import re
from functools import lru_cache

_DIGITS = re.compile(r"(\d+)")

Key = tuple[tuple[int, int | str], ...]


@lru_cache(maxsize=1 << 16)
def natural(text: str) -> Key:
    """The sort key of one text: runs of digits by value, the rest case-folded.

    Kept for the texts seen last: a report sorts the same supplier and file names once per
    smelter row, tens of thousands of times.
    """
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part)
        for part in _DIGITS.split(text.casefold())
        if part
    )


def natural_keys(*texts: str) -> tuple[Key, ...]:
    """:func:`natural` of several fields, for sorting rows column after column."""
    return tuple(natural(t) for t in texts)
