"""What an identification says: the input row, the decision, and why."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from oretrace.smelters.matching import Candidate


class Decision(StrEnum):
    AUTO = "auto"  # trusted without a person
    REVIEW = "review"  # a person confirms; smelter_id is the proposal
    NONE = "none"  # nothing to propose (or not a smelter at all)


class Method(StrEnum):
    CID = "cid"
    LEGACY_ID = "legacy_id"
    LOOKUP_NAME = "lookup_name"  # a look-up name or alias of that metal, as written
    NORMALISED_NAME = "normalised_name"  # equal after accents, case, punctuation, legal forms
    LEARNED_ALIAS = "learned_alias"  # a person's earlier accepted decision
    FUZZY = "fuzzy"
    NONE = "none"


class Flag(StrEnum):
    METAL_UNKNOWN = "metal_unknown"
    ID_MALFORMED = "id_malformed"
    ID_UNKNOWN = "id_unknown"  # a well-formed ID that no snapshot lists
    ID_OTHER_METAL = "id_other_metal"
    ID_NAME_CONFLICT = "id_name_conflict"  # the ID and the name point to different smelters
    NAME_DIFFERS = "name_differs"  # the name resembles none of the ID's smelter's names
    LEGACY_ID = "legacy_id"
    COUNTRY_MISMATCH = "country_mismatch"
    AMBIGUOUS_NAME = "ambiguous_name"
    DROPPED = "dropped"  # the smelter is absent from the newest look-up of its metal
    PLACEHOLDER = "placeholder"  # "Smelter not listed", "Unknown", "N/A" …
    TRADER = "trader"
    NOT_A_SMELTER = "not_a_smelter"  # a downstream manufacturer or other non-smelter


@dataclass(frozen=True, slots=True)
class SmelterQuery:
    """One Smelter List row as the supplier wrote it; any cell may be empty or of any type."""

    metal: object
    name: object
    country: object = None
    smelter_id: object = None
    street: object = None
    city: object = None


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Decision settings (scores are 0–100)."""

    auto: float = 93.0  # fuzzy score from which a unique best candidate is accepted
    margin: float = 6.0  # …when it leads the next smelter by at least this much
    whole_name: float = 88.0  # …and the whole names agree this well (no partial credit)
    review: float = 70.0  # below this, no proposal: decision "none"
    floor: float = 50.0  # candidates under this score are not shown
    candidates: int = 5
    id_name_agreement: float = 70.0  # name similarity that confirms a given ID


@dataclass(frozen=True, slots=True)
class Identification:
    query: SmelterQuery
    smelter_id: str | None
    standard_name: str
    metal: str | None
    country: str
    method: Method
    score: float
    decision: Decision
    reason: str
    flags: tuple[Flag, ...] = ()
    candidates: tuple[Candidate, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The DESIGN.md contract plus reason and flags."""
        return {
            "smelter_id": self.smelter_id,
            "standard_name": self.standard_name,
            "metal": self.metal,
            "country": self.country,
            "method": self.method.value,
            "score": self.score,
            "decision": self.decision.value,
            "reason": self.reason,
            "flags": [flag.value for flag in self.flags],
            "candidates": [
                {
                    "smelter_id": c.smelter_id,
                    "standard_name": c.standard_name,
                    "country": c.country,
                    "matched_name": c.matched_name,
                    "score": c.score,
                }
                for c in self.candidates
            ],
        }
