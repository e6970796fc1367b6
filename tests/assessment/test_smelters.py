"""Smelters at period end: status from the dated history, country flags, suppliers naming it."""

from __future__ import annotations

import datetime as dt

from oretrace.assessment.inputs import SmelterFacts, StatusEvent
from oretrace.assessment.settings import AssessmentSettings
from oretrace.assessment.smelters import assess_smelters, status_at

from .builders import END, declaration, ref, silent, supplier, used

HISTORY = [
    StatusEvent("CID000001", "Active", dt.date(2022, 3, 1)),
    StatusEvent("CID000001", "Conformant", dt.date(2023, 6, 1)),
    StatusEvent("CID000001", "Non-Conformant", dt.date(2025, 2, 1)),
]


def test_status_at_takes_the_newest_event_on_or_before_the_day() -> None:
    assert status_at(HISTORY, "CID000001", dt.date(2022, 2, 28)) is None
    assert status_at(HISTORY, "CID000001", dt.date(2022, 3, 1)) == HISTORY[0]
    assert status_at(HISTORY, "CID000001", END) == HISTORY[1]
    assert status_at(reversed(HISTORY), "CID000001", dt.date(2025, 2, 1)) == HISTORY[2]
    assert status_at(HISTORY, "CID000002", END) is None


def test_period_end_status_and_conformance() -> None:
    facts = [SmelterFacts("CID000001", "Tin", "Good Tin", "PE")]
    named = [supplier("S1", declaration(used(), smelters=[ref("CID000001")]))]
    found = assess_smelters(END, named, facts, HISTORY)["CID000001"]
    assert (found.status, found.status_since, found.conformant) == (
        "Conformant",
        dt.date(2023, 6, 1),
        True,
    )
    later = assess_smelters(dt.date(2025, 12, 31), named, facts, HISTORY)["CID000001"]
    assert (later.status, later.conformant) == ("Non-Conformant", False)


def test_conformant_statuses_are_a_setting() -> None:
    events = [StatusEvent("CID000001", "Active", dt.date(2020, 1, 1))]
    named = [supplier("S1", declaration(used(), smelters=[ref("CID000001")]))]
    strict = assess_smelters(END, named, (), events)["CID000001"]
    lenient = AssessmentSettings(conformant_statuses=frozenset({"Conformant", " active"}))
    assert not strict.conformant
    assert assess_smelters(END, named, (), events, settings=lenient)["CID000001"].conformant


def test_country_flags() -> None:
    facts = [
        SmelterFacts("CID000010", "Tin", "Rwanda Tin", "RW"),
        SmelterFacts("CID000011", "Gold", "Myanmar Gold", "MM"),
        SmelterFacts("CID000012", "Gold", "Kenya Gold", "KE"),
        SmelterFacts("CID000013", "Tin", "Malaysia Tin", "MY", sources_covered_countries=True),
    ]
    found = assess_smelters(END, [], facts)
    flags = {
        k: (v.in_covered_country, v.in_cahra, v.rmi_risk_level, v.sources_covered_countries)
        for k, v in found.items()
    }
    assert flags == {
        "CID000010": (True, False, 3, True),
        "CID000011": (False, True, None, False),
        "CID000012": (False, False, 2, False),
        "CID000013": (False, False, None, True),
    }


def test_how_many_suppliers_name_it() -> None:
    suppliers = [
        supplier("S2", declaration(used(), smelters=[ref("CID000001"), ref("CID000001")])),
        supplier("S1", declaration(used(), smelters=[ref("CID000001"), ref("CID000002")])),
        supplier("S3", declaration(used(), smelters=[ref("CID000003", identified=False)])),
        silent("S4"),
    ]
    found = assess_smelters(END, suppliers)
    assert set(found) == {"CID000001", "CID000002"}  # an unaccepted match is not counted
    assert found["CID000001"].named_by == ("S1", "S2")
    assert found["CID000001"].supplier_count == 2
    assert (found["CID000002"].metal, found["CID000002"].country_iso2) == ("Tin", "PE")
    assert found["CID000002"].status is None and not found["CID000002"].conformant
