"""Golden round trips: lay values into each layout family's cells, read them back exactly."""

from __future__ import annotations

import datetime as dt

import pytest

from oretrace.cmrt.check import check_bytes
from oretrace.cmrt.checks import CheckSettings
from oretrace.cmrt.revisions import Family
from oretrace.cmrt.writer import Draft, draft_bytes, layout_of

TODAY = dt.date(2026, 11, 26)
SETTINGS = CheckSettings(today=TODAY)

FAMILIES = [
    (Family.CMRT, "1.00"),
    (Family.CMRT, "2.01"),
    (Family.CMRT, "2.03a"),
    (Family.CMRT, "3.01"),
    (Family.CMRT, "4.10"),
    (Family.CMRT, "6.1"),
    (Family.CMRT, "6.4"),
    (Family.CMRT, "6.5"),
    (Family.EMRT, "1.3"),
    (Family.EMRT, "2.1"),
    (Family.CRT, "2.2"),
    (Family.AMRT, "1.2"),
    (Family.AMRT, "1.3"),
]


def _draft(family: Family, revision: str) -> Draft:
    draft = Draft(family, revision)
    layout = layout_of(draft)
    for name in layout.company:
        draft.company[name] = f"{name} value"
    draft.company["company_name"] = "Acme Metals GmbH"
    draft.company["contact_email"] = "compliance@acme.example"
    draft.company["authorizer_email"] = "ceo@acme.example"
    draft.company["effective_date"] = dt.date(2025, 3, 14)
    if "scope" in layout.company:
        draft.company["scope"] = layout.scopes[0]
    if layout.mineral_slots:
        draft.minerals = ["Cobalt", "Lithium"] if family is Family.EMRT else ["Silver", "Zinc"]
    for question in layout.questions:
        for _, mineral in question.rows:
            names = [mineral] if mineral else draft.minerals
            for name in names:
                draft.answers[(question.key, name)] = question.allowed[0]
                draft.comments[(question.key, name)] = f"{question.key} note"
    metal = layout.questions[0].rows[0][1] or draft.minerals[0]
    draft.smelters = [
        {
            "metal": metal,
            "lookup": "Example Refinery",
            "name": "Example Refinery",
            "country": "JAPAN",
            "smelter_id": "CID000001",
            "street": "1 Main St",
        },
        {"metal": metal, "name": "Second Smelter", "country": "CHINA", "city": "Ganzhou"},
    ]
    if "smelter_id" not in layout.smelters.columns:
        for row in draft.smelters:
            row.pop("smelter_id", None)
    draft.products = [{"number": "P-100", "name": "Widget"}, {"number": 4711, "name": "Gear"}]
    return draft


@pytest.mark.parametrize(("family", "revision"), FAMILIES, ids=lambda v: str(v))
def test_round_trip(family: Family, revision: str) -> None:
    draft = _draft(family, revision)
    layout = layout_of(draft)
    result = check_bytes(draft_bytes(draft), f"{family}-{revision}.xlsx", settings=SETTINGS)
    assert result.error is None
    declaration = result.declaration
    assert declaration is not None
    assert (declaration.template, declaration.revision) == (family.value, revision)
    assert declaration.layout == layout.name
    assert declaration.company_value("company_name") == "Acme Metals GmbH"
    assert declaration.company_value("effective_date") == "2025-03-14"
    for name, ref in layout.company.items():
        assert declaration.company[name].ref == ref
    expected_answers = dict(draft.answers.items())
    read_answers = {(a.question, a.mineral): a.value for a in declaration.answers if a.value}
    assert read_answers == expected_answers
    assert len(declaration.smelters) == 2
    assert declaration.smelters[1].name == "Second Smelter"
    assert declaration.smelters[0].row == layout.smelters.first_row
    if layout.products is not None:
        assert [p.get("number") for p in declaration.products] == ["P-100", "4711"]
    data = result.as_json()
    assert data["template"] == family.value and data["version"] == revision
    assert data["effective_date"] == "2025-03-14"
    assert [s["row"] for s in data["smelters"]] == [layout.smelters.first_row] * 1 + [
        layout.smelters.first_row + 1
    ]
    codes = {f["code"] for f in data["findings"]}
    assert "answer_not_allowed" not in codes and "invalid_email" not in codes


def test_inferred_and_unknown_revisions_are_flagged() -> None:
    inferred = check_bytes(draft_bytes(_draft(Family.CMRT, "4.10")), "old.xlsx", settings=SETTINGS)
    codes = {f.code for f in inferred.findings}
    assert {"layout_inferred", "revision_outdated"} <= codes
    newer = check_bytes(draft_bytes(_draft(Family.CMRT, "6.6")), "new.xlsx", settings=SETTINGS)
    assert newer.info is not None and newer.info.layout_revision.text == "6.5"
    assert "revision_unknown" in {f.code for f in newer.findings}
    assert newer.declaration is not None
    assert newer.declaration.company_value("company_name") == "Acme Metals GmbH"
