"""Normalisation: trimming, dates and answers, as properties that hold for any input."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from oretrace.cmrt.answers import PERCENT_6X, RECEIVED_3X, YES_NO_UNKNOWN, match_answer
from oretrace.cmrt.normalise import canonical_metal, clean_text, read_date
from oretrace.cmrt.revisions import Revision, parse_revision

texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31))


@given(texts)
def test_clean_text_is_idempotent(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once


@given(texts)
def test_clean_text_has_no_outer_or_double_whitespace(text: str) -> None:
    cleaned = clean_text(text)
    if cleaned is not None:
        assert cleaned == cleaned.strip()
        assert "  " not in cleaned and "\t" not in cleaned and "\n" not in cleaned


def test_trailing_tabs_are_trimmed() -> None:
    assert clean_text("Toru Nishio\t\t") == "Toru Nishio"
    assert clean_text(" \t ") is None
    assert clean_text(1234567.0) == "1234567"


@given(dates)
def test_dates_stored_as_dates_or_serials_read_the_same(day: dt.date) -> None:
    serial = (day - dt.date(1899, 12, 30)).days
    assert read_date(day).iso == day.isoformat()
    assert read_date(float(serial)).iso == day.isoformat()
    assert read_date(dt.datetime.combine(day, dt.time())).typed_as_text is False


@given(dates, st.sampled_from(["%d-%b-%Y", "%Y-%m-%d", "%d %B %Y", "%B %d, %Y", "%Y/%m/%d"]))
def test_dates_typed_as_text_are_read_and_flagged(day: dt.date, pattern: str) -> None:
    reading = read_date(day.strftime(pattern))
    assert reading.iso == day.isoformat()
    assert reading.typed_as_text


def test_day_first_numeric_text_dates() -> None:
    assert read_date("25/04/2024").iso == "2024-04-25"
    ambiguous = read_date("02/05/2024")
    assert ambiguous.iso == "2024-05-02" and ambiguous.ambiguous
    assert read_date("not a date").iso is None


@given(
    st.sampled_from(YES_NO_UNKNOWN),
    st.sampled_from([str.upper, str.lower, str.title]),
    st.text(alphabet=" \t", max_size=3),
)
def test_answers_match_ignoring_case_and_spacing(answer: str, case: object, pad: str) -> None:
    typed = pad + case(answer) + pad  # type: ignore[operator]
    assert match_answer(typed, YES_NO_UNKNOWN) == answer


def test_hundred_percent_as_number_or_text() -> None:
    assert match_answer(1.0, PERCENT_6X) == "100%"
    assert match_answer("100%", PERCENT_6X) == "100%"
    assert match_answer(0.9, PERCENT_6X) is None
    assert match_answer("No, but greater than 75%", RECEIVED_3X) == "No, but greater than 75%"
    assert match_answer("Maybe", YES_NO_UNKNOWN) is None


def test_revisions_order_as_rmi_numbers_them() -> None:
    order = ["1.00", "2.00", "2.03", "2.03a", "3.01", "6.01", "6.1", "6.22", "6.31", "6.4", "6.5"]
    assert sorted(order, key=Revision) == order
    assert parse_revision("2") == Revision("2.00")
    assert parse_revision("6.x") is None


def test_canonical_metal() -> None:
    assert canonical_metal("Tantalum (Ta)") == "Tantalum"
    assert canonical_metal(" tin ") == "Tin"
    assert canonical_metal(None) is None
