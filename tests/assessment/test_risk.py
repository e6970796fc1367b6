"""Supplier risk: worst severity or accumulated points, whichever is higher; monotone."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from oretrace.assessment.red_flags import RED_FLAGS, RedFlag, RiskLevel
from oretrace.assessment.risk import assess_supplier, risk_level
from oretrace.assessment.settings import AssessmentSettings

from .builders import U, declaration, ref, silent, supplier, used

LOW, MEDIUM, HIGH = RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH


def _flags(*codes: str) -> list[RedFlag]:
    return [RedFlag(code, "") for code in codes]


def test_no_flags_is_low() -> None:
    assert risk_level([]) == (LOW, 0)


def test_one_high_severity_flag_is_high() -> None:
    assert risk_level(_flags("covered_countries_yes")) == (HIGH, 8)


def test_points_add_up_to_a_level() -> None:
    assert risk_level(_flags("revision_outdated")) == (LOW, 1)
    assert risk_level(_flags("revision_outdated", "not_all_reported", "policy_not_public")) == (
        MEDIUM,
        3,
    )
    assert risk_level(_flags("cahra_unknown")) == (MEDIUM, 2)  # medium severity on its own
    assert risk_level(_flags("declaration_invalid", "smelter_covered_country")) == (HIGH, 8)


def test_weights_and_thresholds_are_settings() -> None:
    settings = AssessmentSettings(weights={"revision_outdated": 5}, medium_at=5, high_at=5)
    assert risk_level(_flags("revision_outdated"), settings) == (HIGH, 5)
    negative = AssessmentSettings(weights={"cahra_unknown": -4})
    assert risk_level(_flags("cahra_unknown", "revision_outdated"), negative) == (MEDIUM, 1)


def test_assess_supplier_gives_reasons_worst_first() -> None:
    found = declaration(used(covered=U, cahra=U), smelters=[ref("CID000001")], revision="5.12")
    risk = assess_supplier(supplier("S1", found))
    assert risk.level is MEDIUM
    assert [f.code for f in risk.flags] == [
        "covered_countries_unknown",
        "cahra_unknown",
        "revision_outdated",
    ]  # without smelter assessments, conformance is not judged
    assert risk.points == 3 + 2 + 1
    assert risk.reasons[0] == "Covered-country sourcing is unknown or unanswered. (Tin: unknown)"
    silent_risk = assess_supplier(silent("S2"))
    assert (silent_risk.level, silent_risk.name) == (HIGH, "Supplier S2")


_CODES = st.sets(st.sampled_from(sorted(RED_FLAGS)))


@given(_CODES, _CODES)
def test_risk_is_monotone_in_red_flags(some: set[str], more: set[str]) -> None:
    level, points = risk_level(_flags(*some))
    bigger_level, bigger_points = risk_level(_flags(*(some | more)))
    assert bigger_level.rank >= level.rank
    assert bigger_points >= points


@given(_CODES)
def test_a_high_severity_flag_always_means_high(codes: set[str]) -> None:
    level, _ = risk_level(_flags(*codes))
    if any(RED_FLAGS[c][0] is HIGH for c in codes):
        assert level is HIGH
    if not codes:
        assert level is LOW
