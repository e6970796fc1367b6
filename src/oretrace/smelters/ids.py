"""Smelter identification numbers: RMI CIDs (``CID002082``) and pre-2014 legacy IDs (``1DEU001``).

Suppliers type IDs with spaces, lower case, missing zeros, an extra digit, or as a bare
number that Excel stored as a float. :func:`parse_smelter_id` says what a cell holds and
gives the normalised ID when the intent is clear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from oretrace.smelters.metals import LEGACY_ID_DIGIT

_CID = re.compile(r"^CID[\s\-_#:]*(\d{1,6})$")
_LEGACY = re.compile(r"^([1-4])\s*([A-Z]{3})\s*(\d{3})$")
_DIGITS = re.compile(r"^\d{1,6}$")
_EMPTY = {"", "NA", "N/A", "N.A.", "NONE", "-", "--", "0", "UNKNOWN", "TBD", "NULL"}


class IdKind(StrEnum):
    NONE = "none"  # empty or a placeholder such as "N/A"
    CID = "cid"
    LEGACY = "legacy"
    MALFORMED = "malformed"  # looks like an ID but is not one (e.g. CID0027634)


@dataclass(frozen=True, slots=True)
class ParsedId:
    kind: IdKind
    raw: str
    value: str | None  # normalised CID or legacy ID
    note: str = ""

    @property
    def legacy_metal(self) -> str | None:
        """The metal a legacy ID's leading digit stands for."""
        return (
            LEGACY_ID_DIGIT.get(self.value[0])
            if self.kind is IdKind.LEGACY and self.value
            else None
        )


def format_cid(number: int) -> str:
    return f"CID{number:06d}"


def parse_smelter_id(value: object) -> ParsedId:
    """Classify and normalise one ID cell."""
    if value is None or isinstance(value, bool):
        return ParsedId(IdKind.NONE, "", None)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    raw = str(value).strip()
    text = " ".join(raw.upper().split())
    if text in _EMPTY:
        return ParsedId(IdKind.NONE, raw, None)
    match = _CID.match(text)
    if match:
        cid = format_cid(int(match.group(1)))
        note = "" if text == cid else f"read {raw!r} as {cid}"
        return ParsedId(IdKind.CID, raw, cid, note)
    match = _LEGACY.match(text)
    if match:
        return ParsedId(IdKind.LEGACY, raw, "".join(match.groups()))
    if _DIGITS.match(text):
        return ParsedId(IdKind.MALFORMED, raw, None, f"{raw!r} is a bare number, not a smelter ID")
    if text.startswith("CID"):
        return ParsedId(IdKind.MALFORMED, raw, None, f"{raw!r} is not CID plus six digits")
    return ParsedId(IdKind.MALFORMED, raw, None, f"{raw!r} is not a smelter ID")


def cid_near_misses(raw: str) -> tuple[str, ...]:
    """CIDs one deleted digit away from a malformed ``CID`` + seven digits (``CID0027634``)."""
    text = raw.strip().upper().replace(" ", "")
    digits = text[3:] if text.startswith("CID") else ""
    if len(digits) != 7 or not digits.isdigit():
        return ()
    found = {format_cid(int(digits[:i] + digits[i + 1 :])) for i in range(len(digits))}
    return tuple(sorted(found))
