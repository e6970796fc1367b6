"""Supplier red flags: each code fires on its cause and only there."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from oretrace.assessment.inputs import DeclarationSummary, SmelterFacts, StatusEvent, SupplierInput
from oretrace.assessment.red_flags import RED_FLAGS, RedFlag, RiskLevel, red_flags
from oretrace.assessment.settings import AssessmentSettings
from oretrace.assessment.smelters import assess_smelters
from oretrace.cmrt.semantics import CompanyAnswers, ResponseBand

from .builders import END, GOOD_COMPANY, N, U, Y, declaration, ref, silent, supplier, unused, used

DOCS = Path(__file__).resolve().parents[2] / "docs" / "assessment.md"
EVENTS = [StatusEvent("CID000001", "Conformant", dt.date(2020, 1, 1))]
FACTS = [
    SmelterFacts("CID000001", "Tin", "Good Tin", "PE"),
    SmelterFacts("CID000002", "Tin", "Kivu Tin", "RW"),
    SmelterFacts("CID000003", "Gold", "Mandalay Gold", "MM"),
]


def _flags(found: SupplierInput, **settings: object) -> dict[str, RedFlag]:
    smelters = assess_smelters(END, [found], FACTS, EVENTS)
    rules = AssessmentSettings(**settings)  # type: ignore[arg-type]
    result = red_flags(found, smelters, rules)
    assert len({f.code for f in result}) == len(result), "one flag per code"
    return {flag.code: flag for flag in result}


def _clean(**changes: object) -> DeclarationSummary:
    return declaration(used(**changes), smelters=[ref("CID000001")])  # type: ignore[arg-type]


def test_a_clean_declaration_raises_no_flag() -> None:
    assert _flags(supplier("S1", _clean())) == {}


def test_no_response_and_unreadable_stand_alone() -> None:
    assert set(_flags(silent("S1"))) == {"no_response"}
    unreadable = supplier("S1", DeclarationSummary.unreadable(), parts=["P1"], covered_parts=[])
    assert set(_flags(unreadable)) == {"declaration_unreadable"}
    letter_only = supplier("S1", None, responded=True)
    assert set(_flags(letter_only)) == {"declaration_unreadable"}


def test_incomplete_and_invalid() -> None:
    incomplete = declaration(used(), smelters=[ref("CID000001")], valid=False,
                             codes=["required_missing", "policy_url_missing"])  # fmt: skip
    assert set(_flags(supplier("S1", incomplete))) == {"declaration_incomplete"}
    invalid = declaration(used(), smelters=[ref("CID000001")], valid=False,
                          codes=["invalid_email", "required_missing"])  # fmt: skip
    flags = _flags(supplier("S1", invalid))
    assert set(flags) == {"declaration_incomplete", "declaration_invalid"}
    assert flags["declaration_invalid"].detail == "invalid_email"
    bare = declaration(used(), smelters=[ref("CID000001")], valid=False)
    assert set(_flags(supplier("S1", bare))) == {"declaration_invalid"}


@pytest.mark.parametrize(
    ("template", "revision", "flagged"),
    [("CMRT", "5.12", True), ("CMRT", "6.01", False), ("CMRT", "2.03a", True),
     ("EMRT", "1.3", False), ("CMRT", "not a revision", False)],
)  # fmt: skip
def test_revision_outdated(template: str, revision: str, flagged: bool) -> None:
    found = declaration(used(), smelters=[ref("CID000001")], template=template, revision=revision)
    assert ("revision_outdated" in _flags(supplier("S1", found))) is flagged


def test_outdated_by_a_stricter_minimum() -> None:
    from oretrace.cmrt.revisions import Revision

    found = supplier("S1", _clean())
    assert "revision_outdated" in _flags(found, minimum_revision={"CMRT": Revision("6.5")})


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"covered": Y}, "covered_countries_yes"),
        ({"covered": U}, "covered_countries_unknown"),
        ({"cahra": Y}, "cahra_yes"),
        ({"cahra": U}, "cahra_unknown"),
        ({"identified": N}, "smelters_not_identified"),
        ({"response": ResponseBand.AT_MOST_50}, "low_upstream_response"),
        ({"response": ResponseBand.NONE}, "low_upstream_response"),
        ({"reported": N}, "not_all_reported"),
    ],
)
def test_answer_flags(changes: dict[str, object], code: str) -> None:
    flags = _flags(supplier("S1", _clean(**changes)))
    assert set(flags) == {code}
    assert flags[code].metals == ("Tin",)


def test_upstream_response_threshold() -> None:
    over_50 = supplier("S1", _clean(response=ResponseBand.OVER_50))
    assert "low_upstream_response" not in _flags(over_50)
    assert "low_upstream_response" in _flags(over_50, minimum_upstream_response=0.75)


def test_smelter_flags() -> None:
    rows = [ref("CID000001"), ref("CID000002", country="RW"), ref(None, name="Unknown Co")]
    gold = [ref("CID000003", metal="Gold", country="MM")]
    found = declaration(used(), used("Gold"), smelters=rows + gold)
    flags = _flags(supplier("S1", found))
    assert set(flags) == {
        "smelters_not_identified",
        "smelters_not_conformant",
        "smelter_covered_country",
        "smelter_in_cahra",
    }
    assert flags["smelters_not_conformant"].smelters == ("CID000002", "CID000003")
    assert flags["smelter_covered_country"].smelters == ("CID000002",)
    assert flags["smelter_in_cahra"].smelters == ("CID000003",)
    assert flags["smelters_not_identified"].detail == "Tin: 1 of 3 rows not identified"


def test_metal_used_without_smelters_and_unknown_use() -> None:
    use_unknown = used("Gold").__class__("Gold", intentional=U, remains=Y)
    found = declaration(used(), use_unknown)
    flags = _flags(supplier("S1", found))
    assert set(flags) == {"no_smelters_listed", "metal_use_unknown"}
    assert flags["metal_use_unknown"].metals == ("Gold",)


def test_metals_not_used_raise_nothing_not_even_company_flags() -> None:
    no_policy = CompanyAnswers(has_policy=N, due_diligence_measures=N)
    found = declaration(unused(), unused("Gold"), company=no_policy)
    assert _flags(supplier("S1", found)) == {}


def test_company_flags() -> None:
    company = CompanyAnswers(has_policy=N, due_diligence_measures=U)
    found = declaration(used(), smelters=[ref("CID000001")], company=company)
    assert set(_flags(supplier("S1", found))) == {"no_sourcing_policy", "no_due_diligence"}
    hidden = CompanyAnswers(
        **{**{k: getattr(GOOD_COMPANY, k) for k in GOOD_COMPANY.replies()}, "policy_public": N}
    )
    found = declaration(used(), smelters=[ref("CID000001")], company=hidden)
    assert set(_flags(supplier("S1", found))) == {"policy_not_public"}


def test_scope_not_covering_parts() -> None:
    partial = supplier("S1", _clean(), parts=["P1", "P2", "P3"], covered_parts=["P2"])
    flags = _flags(partial)
    assert set(flags) == {"scope_not_covering_parts"}
    assert flags["scope_not_covering_parts"].detail == "2 part(s) not covered: P1, P3"
    assert _flags(supplier("S1", _clean(), parts=["P1"])) == {}  # company scope


def test_metals_can_be_limited() -> None:
    found = supplier("S1", declaration(used("Cobalt", cahra=Y), template="EMRT", revision="2.1"))
    assert "cahra_yes" in _flags(found)
    smelters = assess_smelters(END, [found])
    assert red_flags(found, smelters, metals=["Tin", "Gold"]) == ()


def test_every_code_has_a_severity_and_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for code, (severity, points, meaning) in RED_FLAGS.items():
        assert isinstance(severity, RiskLevel) and points >= 0 and meaning
        assert f"`{code}`" in text, code
