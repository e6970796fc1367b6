"""Answers mean the same thing whatever revision asked them: per-metal and company meanings."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oretrace.cmrt import answers as A
from oretrace.cmrt.check import check_bytes
from oretrace.cmrt.model import Declaration
from oretrace.cmrt.revisions import Family
from oretrace.cmrt.semantics import (
    CompanyAnswers,
    MetalAnswers,
    Reply,
    ResponseBand,
    band_of,
    company_answers,
    company_answers_from,
    metal_answers,
    metal_answers_from,
    reply_of,
)
from oretrace.cmrt.writer import CellInput, Draft, draft_bytes

Y, N, U = Reply.YES, Reply.NO, Reply.UNKNOWN


def _read(
    family: Family,
    revision: str,
    answers: dict[tuple[str, str], CellInput],
    company: dict[str, CellInput] | None = None,
    comments: dict[str, CellInput] | None = None,
    minerals: list[str] | None = None,
) -> Declaration:
    draft = Draft(family, revision)
    draft.company = {"company_name": "Acme", "effective_date": dt.date(2024, 3, 1)}
    draft.answers = answers
    draft.company_answers = company or {}
    draft.company_comments = comments or {}
    draft.minerals = minerals or []
    declaration = check_bytes(draft_bytes(draft), "x.xlsx").declaration
    assert declaration is not None
    return declaration


def _tin(declaration: Declaration, metal: str = "Tin") -> MetalAnswers:
    return metal_answers(declaration)[metal]


def test_cmrt_6_every_meaning() -> None:
    answers: dict[tuple[str, str], CellInput] = {
        ("Q1", "Tin"): "Yes",
        ("Q2", "Tin"): "Yes",
        ("Q3", "Tin"): "No",
        ("Q4", "Tin"): "Unknown",
        ("Q5", "Tin"): "No",
        ("Q6", "Tin"): "Greater than 75%",
        ("Q7", "Tin"): "Yes",
        ("Q8", "Tin"): "No",
        ("Q1", "Gold"): "No",
    }
    declaration = _read(Family.CMRT, "6.4", answers)
    tin = _tin(declaration)
    assert tin == MetalAnswers(
        metal="Tin",
        intentional=Y,
        remains=Y,
        covered_countries=N,
        cahra=U,
        recycled_only=N,
        response=ResponseBand.OVER_75,
        all_smelters_identified=Y,
        all_reported=N,
    )
    assert tin.in_scope is Y
    assert tin.response_floor == 0.75
    gold = _tin(declaration, "Gold")
    assert gold.in_scope is N
    assert gold.covered_countries is Reply.UNANSWERED
    assert _tin(declaration, "Tungsten").in_scope is Reply.UNANSWERED


def test_cmrt_6_hundred_percent_stored_as_number() -> None:
    declaration = _read(Family.CMRT, "6.22", {("Q6", "Tin"): 1})
    assert _tin(declaration).response is ResponseBand.ALL
    assert _tin(declaration).response_floor == 1.0


def test_cmrt_6_company_answers() -> None:
    company: dict[str, CellInput] = dict.fromkeys("ABCDFG", "Yes")
    company["D"] = "No"
    company["E"] = A.SURVEY_6X[1]
    company["H"] = "Yes, with the SEC and the EU"
    declaration = _read(Family.CMRT, "6.5", {}, company, {"B": "https://acme.example/p"})
    assert company_answers(declaration) == CompanyAnswers(
        has_policy=Y,
        policy_public=Y,
        policy_url="https://acme.example/p",
        requires_validated_smelters=Y,
        due_diligence_measures=N,
        surveys_suppliers=Y,
        reviews_supplier_information=Y,
        corrective_actions=Y,
        files_disclosure=Y,
        disclosure="Yes, with the SEC and the EU",
    )


def test_cmrt_2_maps_older_questions() -> None:
    answers: dict[tuple[str, str], CellInput] = {
        ("Q1", "Tin"): "Yes",
        ("Q2", "Tin"): "Uncertain or Unknown",
        ("Q3", "Tin"): "No",
        ("Q4", "Tin"): "No but > 50%",
        ("Q5", "Tin"): "Yes all smelters have been provided",
        ("Q6", "Tin"): "No",
    }
    company: dict[str, CellInput] = {"A": "No", "D": "Planned once lists become available"}
    declaration = _read(Family.CMRT, "2.03a", answers, company)
    tin = _tin(declaration)
    assert (tin.intentional, tin.remains, tin.in_scope) == (Y, Reply.NOT_ASKED, Y)
    assert tin.covered_countries is U
    assert tin.recycled_only is N
    assert tin.response is ResponseBand.OVER_50
    assert tin.all_smelters_identified is Y
    assert tin.all_smelters_validated is N
    assert (tin.cahra, tin.all_reported) == (Reply.NOT_ASKED, Reply.NOT_ASKED)
    assert tin.approximate == {"intentional", "recycled_only"}
    found = company_answers(declaration)
    assert (found.has_policy, found.requires_validated_smelters) == (N, N)
    assert found.files_disclosure is Reply.UNANSWERED


def test_cmrt_3_response_with_template_trailing_space() -> None:
    answers: dict[tuple[str, str], CellInput] = {
        ("Q3", "Tin"): "Yes",
        ("Q4", "Tin"): "Unknown",
        ("Q5", "Tin"): "No, but greater than 75% ",
        ("Q6", "Tin"): "No",
        ("Q7", "Tin"): "Unknown",
    }
    tin = _tin(_read(Family.CMRT, "3.01", answers))
    assert tin.covered_countries is Y
    assert tin.recycled_only is U
    assert tin.response is ResponseBand.OVER_75
    assert tin.all_smelters_identified is N
    assert tin.all_reported is U
    assert tin.cahra is Reply.NOT_ASKED
    assert tin.approximate == frozenset()


def test_cmrt_1_identified_and_validated() -> None:
    answers: dict[tuple[str, str], CellInput] = {("Q4", "Tin"): "No", ("Q5", "Tin"): "Yes"}
    declaration = _read(Family.CMRT, "1.00", answers, {"K": "Yes", "J": "No"})
    tin = _tin(declaration)
    assert (tin.all_smelters_identified, tin.all_smelters_validated) == (N, Y)
    assert tin.response is None
    found = company_answers(declaration)
    assert (found.files_disclosure, found.corrective_actions) == (Y, N)


@pytest.mark.parametrize(
    ("family", "revision", "question"),
    [
        (Family.CMRT, "1.00", "Q2"),
        (Family.CMRT, "2.03a", "Q2"),
        (Family.CMRT, "3.01", "Q3"),
        (Family.CMRT, "6.01", "Q3"),
        (Family.CMRT, "6.5", "Q3"),
    ],
)
def test_covered_countries_found_in_every_revision(
    family: Family, revision: str, question: str
) -> None:
    tin = _tin(_read(family, revision, {(question, "Tin"): "Yes"}))
    assert tin.covered_countries is Y


@pytest.mark.parametrize(("revision", "question"), [("2.03a", "Q3"), ("3.01", "Q4"), ("6.4", "Q5")])
def test_recycled_found_in_every_revision(revision: str, question: str) -> None:
    assert _tin(_read(Family.CMRT, revision, {(question, "Tin"): "Yes"})).recycled_only is Y


def test_emrt_1_origin_names_the_drc() -> None:
    answers: dict[tuple[str, str], CellInput] = {
        ("Q1", "Cobalt"): "Yes",
        ("Q2", "Cobalt"): "Yes",
        ("Q3", "Cobalt"): "DRC only",
        ("Q4", "Cobalt"): "No",
        ("Q5", "Cobalt"): 1,
        ("Q3", "Mica"): "India and/or Madagascar only",
    }
    declaration = _read(Family.EMRT, "1.3", answers, {"C:Cobalt": "Yes", "C:Mica": "No"})
    cobalt, mica = _tin(declaration, "Cobalt"), _tin(declaration, "Mica")
    assert (cobalt.cahra, cobalt.covered_countries, cobalt.recycled_only) == (Y, Y, N)
    assert cobalt.response is ResponseBand.ALL
    assert (mica.cahra, mica.covered_countries) == (Y, Reply.NOT_ASKED)
    assert mica.recycled_only is Reply.NOT_ASKED  # EMRT 1.x asks Q4 for cobalt only
    assert company_answers(declaration).requires_validated_smelters is N  # worst of C


def test_emrt_2_did_not_survey() -> None:
    answers: dict[tuple[str, str], CellInput] = {
        ("Q1", "Cobalt"): "Yes",
        ("Q3", "Cobalt"): "No",
        ("Q5", "Cobalt"): "Did not survey",
    }
    cobalt = _tin(_read(Family.EMRT, "2.1", answers, minerals=["Cobalt"]), "Cobalt")
    assert cobalt.cahra is N
    assert cobalt.covered_countries is Reply.NOT_ASKED
    assert cobalt.response is ResponseBand.NOT_SURVEYED
    assert cobalt.response_floor == 0.0


def test_crt_and_amrt() -> None:
    crt = _read(Family.CRT, "2.2", {("Q2", "Cobalt"): "DRC or adjoining countries only"})
    cobalt = _tin(crt, "Cobalt")
    assert (cobalt.cahra, cobalt.covered_countries, cobalt.remains) == (Y, Y, Reply.NOT_ASKED)
    answers: dict[tuple[str, str], CellInput] = {
        ("Q1", "Aluminum"): "Not declaring",
        ("Q2", "Aluminum"): "Unknown",
    }
    amrt = _read(Family.AMRT, "1.3", answers, minerals=["Aluminum"])
    aluminium = _tin(amrt, "Aluminum")
    assert aluminium.intentional is Reply.NOT_ASKED
    assert aluminium.in_scope is Reply.NOT_ASKED
    assert aluminium.response is ResponseBand.UNKNOWN
    assert company_answers(amrt) == CompanyAnswers()


def test_text_outside_the_list_is_unknown_and_blank_is_unanswered() -> None:
    tin = _tin(_read(Family.CMRT, "6.4", {("Q3", "Tin"): "maybe", ("Q1", "Tin"): "Yes"}))
    assert tin.covered_countries is U
    assert tin.remains is Reply.UNANSWERED
    assert tin.in_scope is Reply.UNANSWERED


def test_tables_as_the_registry_stores_them_read_the_same() -> None:
    answers: dict[tuple[str, str], CellInput] = {
        ("Q1", "Tin"): "Yes",
        ("Q2", "Tin"): "Yes",
        ("Q3", "Tin"): "Unknown",
        ("Q6", "Tin"): 1,
    }
    declaration = _read(Family.CMRT, "6.4", answers, {"A": "Yes", "B": "Yes"}, {"B": "url"})
    table: dict[str, dict[str, str | None]] = {}
    for item in declaration.answers:
        table.setdefault(item.question, {})[item.mineral] = item.value or item.answer.value
    stored = metal_answers_from("CMRT", "6.4", table)
    assert stored == metal_answers(declaration)
    company = {a.question: a.value or a.answer.value for a in declaration.company_answers}
    comments = {a.question: a.comment.value for a in declaration.company_answers}
    assert company_answers_from("CMRT", "6.4", company, comments) == company_answers(declaration)


@pytest.mark.parametrize(
    ("intentional", "remains", "expected"),
    [
        (Y, Y, Y),
        (Y, Reply.NOT_ASKED, Y),
        (Y, N, N),
        (N, Reply.UNANSWERED, N),
        (U, Y, U),
        (Y, Reply.UNANSWERED, Reply.UNANSWERED),
        (Reply.NOT_ASKED, Reply.NOT_ASKED, Reply.NOT_ASKED),
    ],
)
def test_in_scope(intentional: Reply, remains: Reply, expected: Reply) -> None:
    assert MetalAnswers("Tin", intentional=intentional, remains=remains).in_scope is expected


@pytest.mark.parametrize("listed", [A.PERCENT_6X, A.RECEIVED_3X, A.RECEIVED_2X, A.PERCENT_EMRT2])
def test_every_response_answer_has_a_band_and_floors_fall(listed: tuple[str, ...]) -> None:
    bands = [band_of(text) for text in listed]
    assert ResponseBand.UNKNOWN not in bands and None not in bands
    floors = [b.floor for b in bands if b is not None]
    assert floors == sorted(floors, reverse=True)
    assert floors[0] == 1.0 and floors[-1] == 0.0


@given(st.text(max_size=40))
def test_any_text_gives_a_reply(text: str) -> None:
    reply = reply_of(text)
    assert isinstance(reply, Reply)
    assert (reply is Reply.UNANSWERED) == (text == "")


def test_remembered_meanings_tell_a_missing_cell_from_an_empty_one() -> None:
    """Answer meanings are remembered per template, revision and texts (ADR 0022): a cell the
    revision asks but the file left empty is unanswered, a cell the file does not hold is not
    asked, however often either was seen before, and the same texts give an equal result."""
    from oretrace.cmrt.semantics import (
        Reply,
        _maps,
        _metal,
        company_answers_from,
        metal_answers_from,
    )

    questions, _ = _maps("CMRT", "6.4")
    for _ in range(2):
        asked = metal_answers_from("CMRT", "6.4", {"Q1": {"Tin": "Yes"}, "Q2": {"Tin": None}})
        missing = metal_answers_from("CMRT", "6.4", {"Q1": {"Tin": "Yes"}})
        assert asked["Tin"].remains is Reply.UNANSWERED
        assert missing["Tin"].remains is Reply.NOT_ASKED
        table = {"Q1": {"Tin": "Yes", "Gold": "No"}, "Q3": {"Tin": "Unknown"}}
        for metal, answers in metal_answers_from("CMRT", "6.4", table).items():
            assert answers == _metal(table, metal, questions, frozenset())
    old = metal_answers_from("CMRT", "2.05", {"Q1": {"Tin": "Yes"}})["Tin"]
    assert old.approximate and not asked["Tin"].approximate  # the revision is in the key
    first = company_answers_from("CMRT", "6.4", {"A": "Yes", "B": "Yes"}, {"B": "https://a"})
    second = company_answers_from("CMRT", "6.4", {"A": "Yes", "B": "Yes"}, {"B": "https://b"})
    assert (first.policy_url, second.policy_url) == ("https://a", "https://b")
    assert company_answers_from("CMRT", "6.4", {"A": "No"}).has_policy is Reply.NO
