"""The roll-up's per-metal answers: each rule of oretrace.reporting.rollup_answers can fail."""

from __future__ import annotations

import pytest

from oretrace.assessment.inputs import DeclarationSummary, SupplierInput
from oretrace.cmrt.semantics import MetalAnswers, Reply
from oretrace.reporting.data import MetalAnswersLine, SmelterLine
from oretrace.reporting.rollup_answers import derive_answers, response_band
from tests.assessment.builders import (
    N,
    U,
    Y,
    declaration,
    ref,
    silent,
    supplier,
    unused,
    used,
)

TIN_SMELTER = SmelterLine("CID001070", "China Tin Group Co., Ltd.", "Tin", "CHINA", "CN")


def _tin(
    *suppliers: SupplierInput, smelters: tuple[SmelterLine, ...] = (TIN_SMELTER,), rate: float = 1.0
) -> MetalAnswersLine:
    (line,) = derive_answers(suppliers, smelters, rate, metals=("Tin",))
    return line


def _user(identified: Reply = Y) -> SupplierInput:
    tin = used("Tin", identified=identified)
    return supplier("S1", declaration(tin, smelters=[ref("CID001070")]))


@pytest.mark.parametrize(
    ("rate", "band"),
    [
        (1.0, "100%"),
        (0.95, "Greater than 90%"),
        (0.9, "Greater than 75%"),
        (0.76, "Greater than 75%"),
        (0.75, "Greater than 50%"),
        (0.51, "Greater than 50%"),
        (0.5, "50% or less"),
        (0.01, "50% or less"),
        (0.0, "None"),
    ],
)
def test_response_rate_bands(rate: float, band: str) -> None:
    assert response_band(rate) == band


def test_clean_supplier_gives_clean_answers() -> None:
    line = _tin(_user())
    assert line.answers == {
        "Q1": "Yes",
        "Q2": "Yes",
        "Q3": "No",
        "Q4": "No",
        "Q5": "No",
        "Q6": "100%",
        "Q7": "Yes",
        "Q8": "Yes",
    }
    assert set(line.comments) == set(line.answers)


def test_q1_no_leaves_the_rest_empty() -> None:
    line = _tin(supplier("S1", declaration(unused("Tin"))), smelters=())
    assert line.answers == {"Q1": "No"}
    assert "None of 1 supplier declaration" in line.comments["Q1"]


def test_q1_yes_when_any_declaration_says_so() -> None:
    line = _tin(supplier("S1", declaration(unused("Tin"))), _user())
    assert line.answers["Q1"] == "Yes"
    assert line.comments["Q1"].startswith("1 of 2")


def test_no_declarations_at_all_gives_q1_no() -> None:
    assert _tin(silent("S1"), smelters=(), rate=0.0).answers == {"Q1": "No"}


def test_q2_no_when_every_user_says_it_does_not_remain() -> None:
    tin = MetalAnswers("Tin", intentional=Y, remains=N)
    line = _tin(supplier("S1", declaration(tin)))
    assert line.answers == {"Q1": "Yes", "Q2": "No"}


@pytest.mark.parametrize("remains", [Reply.UNANSWERED, Reply.UNKNOWN, Reply.NOT_ASKED])
def test_q2_yes_unless_ruled_out(remains: Reply) -> None:
    tin = MetalAnswers("Tin", intentional=Y, remains=remains)
    assert _tin(supplier("S1", declaration(tin))).answers["Q2"] == "Yes"


def test_q3_yes_when_a_user_says_yes() -> None:
    line = _tin(_user(), supplier("S2", declaration(used("Tin", covered=Y))))
    assert line.answers["Q3"] == "Yes"


def test_q3_yes_when_a_listed_smelter_is_in_a_covered_country() -> None:
    drc = SmelterLine("CID000001", "Some Smelter", "Tin", "CONGO", "CD", in_covered_country=True)
    line = _tin(_user(), smelters=(TIN_SMELTER, drc))
    assert line.answers["Q3"] == "Yes"
    assert "CID000001" in line.comments["Q3"]
    assert line.answers["Q4"] == "No"


@pytest.mark.parametrize("reply", [U, Reply.UNANSWERED])
def test_q3_unknown_when_a_user_does_not_rule_it_out(reply: Reply) -> None:
    line = _tin(_user(), supplier("S2", declaration(used("Tin", covered=reply))))
    assert line.answers["Q3"] == "Unknown"


def test_q4_unknown_when_the_revision_does_not_ask_it() -> None:
    old = declaration(used("Tin", cahra=Reply.NOT_ASKED), revision="3.01")
    assert _tin(supplier("S1", old)).answers["Q4"] == "Unknown"


def test_q4_yes_when_a_listed_smelter_is_in_a_cahra() -> None:
    cahra = SmelterLine("CID000002", "Other", "Tin", "MYANMAR", "MM", in_cahra=True)
    assert _tin(_user(), smelters=(TIN_SMELTER, cahra)).answers["Q4"] == "Yes"


def test_q5_yes_only_when_every_user_is_recycled() -> None:
    recycled = supplier("S2", declaration(used("Tin", recycled=Y)))
    assert _tin(recycled).answers["Q5"] == "Yes"
    assert _tin(recycled, _user()).answers["Q5"] == "No"
    assert (
        _tin(recycled, supplier("S3", declaration(used("Tin", recycled=U)))).answers["Q5"]
        == "Unknown"
    )


def test_q6_is_our_response_rate() -> None:
    line = _tin(_user(), rate=0.8)
    assert line.answers["Q6"] == "Greater than 75%"
    assert line.comments["Q6"] == "80% of the suppliers surveyed responded."


def test_q7_no_when_not_every_supplier_responded() -> None:
    line = _tin(_user(), rate=0.99)
    assert line.answers["Q7"] == "No"
    assert "99%" in line.comments["Q7"]


def test_q7_no_when_a_user_has_not_identified_all_its_smelters() -> None:
    assert _tin(_user(identified=N)).answers["Q7"] == "No"


def test_q7_and_q8_no_when_a_smelter_row_was_not_identified() -> None:
    rows = [ref("CID001070"), ref(None, name="Unknown tin works")]
    line = _tin(supplier("S1", declaration(used("Tin"), smelters=rows)))
    assert (line.answers["Q7"], line.answers["Q8"]) == ("No", "No")
    assert "1 smelter row(s)" in line.comments["Q8"]


def test_q7_no_without_any_listed_smelter() -> None:
    line = _tin(_user(), smelters=())
    assert line.answers["Q7"] == "No"
    assert line.answers["Q8"] == "Yes"


def test_invalid_but_readable_declarations_count_unreadable_ones_do_not() -> None:
    invalid = supplier("S2", declaration(used("Tin", covered=Y), valid=False))
    assert _tin(_user(), invalid).answers["Q3"] == "Yes"
    broken = DeclarationSummary(
        "CMRT", "6.4", readable=False, valid=False, metals={"Tin": used("Tin", covered=Y)}
    )
    unreadable = supplier("S3", broken)
    assert _tin(_user(), unreadable).answers["Q3"] == "No"


def test_metals_are_answered_independently() -> None:
    found = declaration(used("Tin"), unused("Gold"), smelters=[ref("CID001070")])
    lines = derive_answers([supplier("S1", found)], [TIN_SMELTER], 1.0)
    by_metal = {line.metal: line.answers for line in lines}
    assert [line.metal for line in lines] == ["Tantalum", "Tin", "Gold", "Tungsten"]
    assert by_metal["Tin"]["Q7"] == "Yes"
    assert by_metal["Gold"] == {"Q1": "No"}
    assert by_metal["Tantalum"] == {"Q1": "No"}
