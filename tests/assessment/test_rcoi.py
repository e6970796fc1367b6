"""RCOI conclusions per metal: the decision table, its evidence, and its monotonicity."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from oretrace.assessment.inputs import SmelterFacts, StatusEvent, SupplierInput
from oretrace.assessment.rcoi import Conclusion, RcoiResult, conclude
from oretrace.assessment.settings import AssessmentSettings
from oretrace.assessment.smelters import SmelterAssessment, assess_smelters
from oretrace.cmrt.semantics import Reply

from .builders import END, PERIOD, U, Y, declaration, ref, silent, supplier, unused, used

CONFORMANT = [StatusEvent(f"CID00000{i}", "Conformant", dt.date(2020, 1, 1)) for i in range(1, 4)]
FACTS = [SmelterFacts("CID000009", "Tin", "Lake Kivu Tin", "RW")]


def _smelters(suppliers: Sequence[SupplierInput]) -> dict[str, SmelterAssessment]:
    return assess_smelters(END, suppliers, FACTS, CONFORMANT)


def _conclude(suppliers: Sequence[SupplierInput], **settings: object) -> RcoiResult:
    rules = AssessmentSettings(**settings)  # type: ignore[arg-type]
    return conclude("Tin", suppliers, _smelters(suppliers), rules, PERIOD)


def _clean(supplier_id: str, smelter: str = "CID000001") -> SupplierInput:
    return supplier(supplier_id, declaration(used(), smelters=[ref(smelter)]))


def test_no_3tg_necessary_when_every_supplier_rules_the_metal_out() -> None:
    found = _conclude([supplier(f"S{i}", declaration(unused())) for i in range(3)])
    assert found.conclusion is Conclusion.NO_3TG_NECESSARY
    assert found.suppliers == ("S0", "S1", "S2")
    assert (found.coverage, found.surveyed, found.period) == (1.0, 3, "CY2024")
    assert found.non_users == ("S0", "S1", "S2") and found.users == ()


def test_not_necessary_needs_sufficient_coverage() -> None:
    suppliers = [supplier("S1", declaration(unused())), silent("S2")]
    found = _conclude(suppliers)
    assert found.conclusion is Conclusion.UNDETERMINABLE
    assert found.suppliers == ("S2",)
    assert "1 of 2 suppliers" in found.reasons[0]
    assert _conclude(suppliers, sufficient_coverage=0.5).conclusion is Conclusion.NO_3TG_NECESSARY


def test_invalid_non_users_do_not_count() -> None:
    suppliers = [supplier("S1", declaration(unused(), valid=False))]
    found = _conclude(suppliers)
    assert found.conclusion is Conclusion.UNDETERMINABLE
    assert found.coverage == 0.0


def test_nobody_surveyed_is_undeterminable() -> None:
    assert _conclude([]).conclusion is Conclusion.UNDETERMINABLE


def test_recycled_or_scrap_only() -> None:
    suppliers = [
        supplier("S1", declaration(used(recycled=Y, covered=U), smelters=[ref("CID000005")])),
        supplier("S2", declaration(unused())),
    ]
    found = _conclude(suppliers)
    assert found.conclusion is Conclusion.RECYCLED_OR_SCRAP_ONLY
    assert (found.suppliers, found.smelters) == (("S1",), ("CID000005",))


def test_not_from_covered_countries() -> None:
    suppliers = [_clean("S1"), _clean("S2", "CID000002"), supplier("S3", declaration(unused()))]
    found = _conclude(suppliers)
    assert found.conclusion is Conclusion.NOT_FROM_COVERED_COUNTRIES
    assert found.suppliers == ("S1", "S2")
    assert found.smelters == ("CID000001", "CID000002")


def test_recycled_and_clean_users_together_are_not_from_covered_countries() -> None:
    recycler = supplier("S2", declaration(used(recycled=Y), smelters=[ref("CID000007")]))
    found = _conclude([_clean("S1"), recycler])
    assert found.conclusion is Conclusion.NOT_FROM_COVERED_COUNTRIES


def test_may_be_from_covered_countries_by_answer() -> None:
    suppliers = [_clean("S1"), supplier("S2", declaration(used(covered=Y)))]
    found = _conclude(suppliers)
    assert found.conclusion is Conclusion.MAY_BE_FROM_COVERED_COUNTRIES
    assert found.conclusion.needs_due_diligence
    assert found.suppliers == ("S2",)


def test_may_be_from_covered_countries_by_smelter() -> None:
    found = _conclude([_clean("S1"), _clean("S2", "CID000009")])
    assert found.conclusion is Conclusion.MAY_BE_FROM_COVERED_COUNTRIES
    assert (found.suppliers, found.smelters) == (("S2",), ("CID000009",))


def test_may_be_from_covered_countries_by_unidentified_row_country() -> None:
    row = ref(None, country="CD", name="Kivu Smelting")
    found = _conclude([supplier("S1", declaration(used(), smelters=[row]))])
    assert found.conclusion is Conclusion.MAY_BE_FROM_COVERED_COUNTRIES
    assert "Kivu Smelting in CD" in found.reasons[0]


def test_may_be_ignores_metals_ruled_out() -> None:
    ruled_out = supplier("S1", declaration(unused(), smelters=[ref("CID000009")]))
    assert _conclude([ruled_out]).conclusion is Conclusion.NO_3TG_NECESSARY


def test_undeterminable_reasons_and_evidence() -> None:
    suppliers = [
        supplier("S1", declaration(used(covered=U), smelters=[ref("CID000001")])),
        supplier("S2", declaration(used(), smelters=[ref("CID000004")])),  # not conformant
        supplier("S3", declaration(used(), smelters=[ref(None, name="Somebody")])),
        supplier("S4", declaration(used())),  # names no smelter
        supplier("S5", declaration(used(identified=Reply.NO), smelters=[ref("CID000002")])),
        supplier("S6", declaration(used(), smelters=[ref("CID000003")], valid=False)),
    ]
    found = _conclude(suppliers)
    assert found.conclusion is Conclusion.UNDETERMINABLE
    assert found.suppliers == ("S1", "S2", "S3", "S4", "S5", "S6")
    assert found.smelters == ("CID000004",)
    text = "\n".join(found.reasons)
    for expected in (
        "S1: covered countries answered unknown",
        "S2: smelter CID000004 is not conformant (no RMAP status)",
        "S3: smelter Somebody is not identified",
        "S4: names no smelter for Tin",
        "S5: all smelters identified answered no",
        "S6: declaration is not valid",
    ):
        assert expected in text


def test_conformance_requirement_is_a_setting() -> None:
    suppliers = [supplier("S1", declaration(used(), smelters=[ref("CID000004")]))]
    assert _conclude(suppliers).conclusion is Conclusion.UNDETERMINABLE
    relaxed = _conclude(suppliers, require_conformant_smelters=False)
    assert relaxed.conclusion is Conclusion.NOT_FROM_COVERED_COUNTRIES


def test_users_with_low_coverage_are_undeterminable() -> None:
    found = _conclude([_clean("S1"), silent("S2"), silent("S3")])
    assert found.conclusion is Conclusion.UNDETERMINABLE
    assert found.suppliers == ("S2", "S3")


# --- properties ---------------------------------------------------------------------------

_REPLIES = st.sampled_from([Reply.YES, Reply.NO, Reply.UNKNOWN, Reply.UNANSWERED])
_SMELTER_IDS = st.sampled_from(["CID000001", "CID000002", "CID000004", "CID000009", None])


@st.composite
def _suppliers(draw: st.DrawFn) -> list[SupplierInput]:
    result: list[SupplierInput] = []
    for index in range(draw(st.integers(0, 5))):
        kind = draw(st.sampled_from(["silent", "unused", "used"]))
        sid = f"S{index}"
        if kind == "silent":
            result.append(silent(sid))
        elif kind == "unused":
            result.append(supplier(sid, declaration(unused(), valid=draw(st.booleans()))))
        else:
            answers = used(
                covered=draw(_REPLIES), recycled=draw(_REPLIES), identified=draw(_REPLIES)
            )
            refs = [ref(i) for i in draw(st.lists(_SMELTER_IDS, max_size=3))]
            found = declaration(answers, smelters=refs, valid=draw(st.booleans()))
            result.append(supplier(sid, found))
    return result


@given(_suppliers())
def test_a_supplier_answering_covered_yes_never_improves_the_conclusion(
    suppliers: list[SupplierInput],
) -> None:
    before = _conclude(suppliers)
    extra = supplier("X", declaration(used(covered=Y), valid=False))
    after = _conclude([*suppliers, extra])
    assert after.conclusion is Conclusion.MAY_BE_FROM_COVERED_COUNTRIES
    assert after.conclusion.concern >= before.conclusion.concern


@given(_suppliers())
def test_a_silent_supplier_never_improves_the_conclusion(suppliers: list[SupplierInput]) -> None:
    before = _conclude(suppliers)
    after = _conclude([*suppliers, silent("X")])
    assert after.conclusion.concern >= before.conclusion.concern
    if before.conclusion.concern > 0:
        assert after.conclusion is before.conclusion


@given(_suppliers())
def test_losing_conformance_never_improves_the_conclusion(suppliers: list[SupplierInput]) -> None:
    smelters = _smelters(suppliers)
    worse = {k: replace(v, conformant=False) for k, v in smelters.items()}
    before = conclude("Tin", suppliers, smelters, AssessmentSettings(), PERIOD)
    after = conclude("Tin", suppliers, worse, AssessmentSettings(), PERIOD)
    assert after.conclusion.concern >= before.conclusion.concern


def test_an_emrt_answering_cahras_no_rules_out_the_covered_countries() -> None:
    """EMRT asks about CAHRAs, not the covered countries; every covered country is a CAHRA."""

    def emrt(supplier_id: str, cahra: Reply) -> SupplierInput:
        answers = replace(used("Cobalt", cahra=cahra), covered_countries=Reply.NOT_ASKED)
        smelters = [ref("CID000001", "Cobalt")]
        found = declaration(answers, smelters=smelters, template="EMRT", revision="2.1")
        return supplier(supplier_id, found)

    suppliers = [emrt("S1", Reply.NO)]
    clean = conclude("Cobalt", suppliers, _smelters(suppliers), None, PERIOD)
    assert clean.conclusion is Conclusion.NOT_FROM_COVERED_COUNTRIES
    suppliers = [emrt("S1", Y)]
    found = conclude("Cobalt", suppliers, _smelters(suppliers), None, PERIOD)
    assert found.conclusion is Conclusion.UNDETERMINABLE
    assert found.reasons == ("S1: covered countries answered not_asked, CAHRAs answered yes",)
