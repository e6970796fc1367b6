"""Country lists are dated data: covered countries, RMI risk levels, an indicative CAHRA list."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from oretrace.assessment.reference_data import (
    CountryEntry,
    CountryList,
    CountryLists,
    ReferenceDataError,
)

LISTS = CountryLists.packaged()
DAY = dt.date(2024, 12, 31)
SEC_COVERED = {"CD", "AO", "BI", "CF", "CG", "RW", "SS", "TZ", "UG", "ZM"}


def test_covered_countries_are_the_drc_and_its_nine_neighbours() -> None:
    assert LISTS.codes(CountryList.COVERED, DAY) == SEC_COVERED
    assert LISTS.is_covered("rw", DAY)
    assert not LISTS.is_covered("KE", DAY)
    assert not LISTS.is_covered(None, DAY)


def test_covered_countries_start_with_the_sec_rule() -> None:
    assert LISTS.codes(CountryList.COVERED, dt.date(2012, 8, 21)) == frozenset()
    assert LISTS.codes(CountryList.COVERED, dt.date(2012, 8, 22)) == SEC_COVERED


def test_rmi_risk_levels() -> None:
    assert {c: LISTS.risk_level(c, DAY) for c in ("CD", "ZM", "KE", "MZ", "ZA", "CN")} == {
        "CD": 3,
        "ZM": 3,
        "KE": 2,
        "MZ": 2,
        "ZA": 2,
        "CN": None,
    }
    assert LISTS.codes(CountryList.RMI_RISK, DAY) == SEC_COVERED | {"KE", "MZ", "ZA"}


def test_cahra_list_is_indicative_and_dated() -> None:
    assert LISTS.is_cahra("MM", DAY) and LISTS.is_cahra("CD", DAY)
    assert not LISTS.is_cahra("JP", DAY)
    assert not LISTS.is_cahra("UA", dt.date(2021, 12, 31))
    assert LISTS.is_cahra("UA", dt.date(2022, 3, 1))
    assert all("indicative" in s.casefold() for s in LISTS.sources(CountryList.CAHRA))


def test_valid_to_ends_an_entry() -> None:
    text = (
        "list,iso2,country,level,valid_from,valid_to,source\n"
        "cahra,XK,Somewhere,,2020-01-01,2022-06-30,own list\n"
    )
    lists = CountryLists.from_text(text)
    assert lists.is_cahra("XK", dt.date(2022, 6, 30))
    assert not lists.is_cahra("XK", dt.date(2022, 7, 1))
    assert not lists.is_cahra("XK", dt.date(2019, 12, 31))


def test_a_company_replaces_the_cahra_list() -> None:
    own = [CountryEntry(CountryList.CAHRA, "HT", "Haiti", dt.date(2023, 1, 1), source="own")]
    lists = LISTS.replacing(CountryList.CAHRA, own)
    assert lists.codes(CountryList.CAHRA, DAY) == {"HT"}
    assert lists.codes(CountryList.COVERED, DAY) == SEC_COVERED


def test_user_file_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "lists.csv"
    path.write_text("list,iso2,country,level,valid_from,valid_to,source\nrmi_risk,ke,Kenya,2,,,x\n")
    lists = CountryLists.from_csv(path)
    assert lists.risk_level("KE", dt.date(2000, 1, 1)) == 2


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("covered,CD,DRC,,2012-08-22,,x", None),
        ("banned,CD,DRC,,2012-08-22,,x", "unknown list"),
        ("covered,COD,DRC,,2012-08-22,,x", "alpha-2"),
        ("rmi_risk,KE,Kenya,,2012-08-22,,x", "risk level"),
        ("covered,CD,DRC,,22/08/2012,,x", "not a date"),
    ],
)
def test_bad_rows_name_the_row(row: str, message: str | None) -> None:
    text = f"list,iso2,country,level,valid_from,valid_to,source\n{row}\n"
    if message is None:
        assert len(CountryLists.from_text(text).entries) == 1
        return
    with pytest.raises(ReferenceDataError, match=message) as raised:
        CountryLists.from_text(text, "mine.csv")
    assert "mine.csv, row 2" in str(raised.value)
