"""A supplier's risk level from its red flags, with the reasons.

Points are the sum of the flags' points (:data:`~oretrace.assessment.red_flags.RED_FLAGS`,
overridable per code in :attr:`AssessmentSettings.weights`). The level is the higher of

* the worst severity among the flags (one high-severity flag makes the supplier high), and
* the level the points reach: ``high_at`` or more → high, ``medium_at`` or more → medium.

No flags: low. Adding a flag never lowers the level (points are never negative).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from oretrace.assessment.inputs import SupplierInput
from oretrace.assessment.red_flags import RED_FLAGS, RedFlag, RiskLevel, red_flags
from oretrace.assessment.settings import AssessmentSettings
from oretrace.assessment.smelters import SmelterAssessment


@dataclass(frozen=True, slots=True)
class SupplierRisk:
    supplier_id: str
    name: str
    level: RiskLevel
    points: int
    flags: tuple[RedFlag, ...]
    reasons: tuple[str, ...]


def points_of(flag: RedFlag, settings: AssessmentSettings) -> int:
    return max(0, settings.weights.get(flag.code, RED_FLAGS[flag.code][1]))


def risk_level(
    flags: Iterable[RedFlag], settings: AssessmentSettings | None = None
) -> tuple[RiskLevel, int]:
    """The level and the points for a set of flags (rules in the module docstring)."""
    settings = settings or AssessmentSettings()
    flags = list(flags)
    points = sum(points_of(f, settings) for f in flags)
    by_points = (
        RiskLevel.HIGH
        if points >= settings.high_at
        else RiskLevel.MEDIUM
        if points >= settings.medium_at
        else RiskLevel.LOW
    )
    worst = max((f.severity for f in flags), key=lambda level: level.rank, default=RiskLevel.LOW)
    return max(worst, by_points, key=lambda level: level.rank), points


def assess_supplier(
    supplier: SupplierInput,
    smelters: Mapping[str, SmelterAssessment] | None = None,
    settings: AssessmentSettings | None = None,
    metals: Iterable[str] | None = None,
) -> SupplierRisk:
    settings = settings or AssessmentSettings()
    flags = red_flags(supplier, smelters, settings, metals)
    level, points = risk_level(flags, settings)
    ordered = sorted(flags, key=lambda f: (-f.severity.rank, -points_of(f, settings), f.code))
    reasons = tuple(f"{f.meaning} ({f.detail})" if f.detail else f.meaning for f in ordered)
    return SupplierRisk(supplier.supplier_id, supplier.name, level, points, tuple(ordered), reasons)
