"""The thresholds and weights of the assessment rules, in one place a company can tune."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from oretrace.cmrt.revisions import Revision


def _minimum_revisions() -> dict[str, Revision]:
    return {
        "CMRT": Revision("6.01"),
        "EMRT": Revision("1.1"),
        "CRT": Revision("2.2"),
        "AMRT": Revision("1.2"),
    }


@dataclass(frozen=True, slots=True)
class AssessmentSettings:
    """Rules' parameters. Defaults are conservative; every one is documented in docs/assessment.md.

    ``sufficient_coverage``: the share of surveyed suppliers whose valid declaration answers
    for a metal before a favourable RCOI conclusion (not necessary, recycled, not from
    covered countries) may be drawn.
    ``require_conformant_smelters``: "not from covered countries" also needs every named
    smelter of the metal to be RMAP conformant at period end.
    ``minimum_revision``: older template revisions raise ``revision_outdated``.
    ``minimum_upstream_response``: a supplier's own upstream response rate (Q6 in 6.x)
    whose band's floor is below this raises ``low_upstream_response``.
    ``weights``: red-flag code → points, overriding the table in
    :mod:`oretrace.assessment.red_flags`; ``medium_at`` / ``high_at``: points from which a
    supplier is medium / high risk (a single high-severity flag is high on its own).
    ``conformant_statuses``: RMAP statuses that count as conformant (compared folded).
    """

    sufficient_coverage: float = 0.9
    require_conformant_smelters: bool = True
    minimum_revision: Mapping[str, Revision] = field(default_factory=_minimum_revisions)
    minimum_upstream_response: float = 0.5
    weights: Mapping[str, int] = field(default_factory=dict)
    medium_at: int = 3
    high_at: int = 8
    conformant_statuses: frozenset[str] = frozenset({"conformant"})
