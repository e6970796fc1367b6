"""The templates' own rules (data validations, coloured cells) on workbooks oretrace writes.

The rule catalogues ship with the package, so these tests need no corpus.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from oretrace.cmrt.check import check_path
from oretrace.cmrt.container import load_calamine, open_bytes
from oretrace.cmrt.findings import Finding
from oretrace.cmrt.revisions import Family, Revision
from oretrace.cmrt.rule_catalog import catalogue_for
from oretrace.cmrt.rule_coverage import coverage
from oretrace.cmrt.template_rules import run_rules
from oretrace.cmrt.workbook import Workbook
from oretrace.cmrt.writer import Draft, write_draft
from oretrace.demo import cmrt_draft

REVISIONS_6X = ("6.01", "6.1", "6.22", "6.31", "6.4", "6.5")


def _rules(draft: Draft, tmp_path: Path) -> list[Finding]:
    path = tmp_path / "supplier.xlsx"
    write_draft(draft, path)
    book = Workbook(load_calamine(open_bytes(path.read_bytes())))
    catalogue = catalogue_for(draft.family, Revision(draft.revision))
    assert catalogue is not None
    return run_rules(book, catalogue).findings


def _at(findings: list[Finding], cell: str) -> list[str]:
    return [f.code for f in findings if f.cell == cell]


@pytest.mark.parametrize("revision", REVISIONS_6X)
@pytest.mark.parametrize("metals", [("Tin",), ("Tantalum", "Tin", "Gold", "Tungsten")])
def test_a_complete_declaration_breaks_no_template_rule(
    revision: str, metals: tuple[str, ...], tmp_path: Path
) -> None:
    path = tmp_path / "complete.xlsx"
    write_draft(cmrt_draft("Acme Metals Ltd", revision, metals), path)
    result = check_path(path)
    assert [f for f in result.findings if f.code.startswith("template_")] == []


def test_smelter_for_a_metal_answered_no_is_shown_red(tmp_path: Path) -> None:
    draft = cmrt_draft("Acme Metals Ltd", "6.5", ("Tin",))
    draft.smelters.append(
        {
            "metal": "Tantalum",
            "lookup": "Smelter not listed",
            "name": "Some Refinery",
            "country": "JAPAN",
        }
    )
    found = _rules(draft, tmp_path)
    row = 4 + len(draft.smelters)
    assert "template_flagged" in _at(found, f"'Smelter List'!B{row}")
    assert _at(found, "'Smelter List'!B5") == []  # the Tin rows before it are fine


def test_smelter_not_listed_needs_its_name(tmp_path: Path) -> None:
    draft = cmrt_draft("Acme Metals Ltd", "6.5", ("Tin",))
    draft.smelters.append({"metal": "Tin", "lookup": "Smelter not listed", "country": "JAPAN"})
    found = _rules(draft, tmp_path)
    row = 4 + len(draft.smelters)
    assert _at(found, f"'Smelter List'!D{row}") == ["template_required"]


def test_an_answer_outside_the_list_is_refused_with_the_templates_choices(tmp_path: Path) -> None:
    draft = cmrt_draft("Acme Metals Ltd", "6.5", ("Tin",))
    draft.answers[("Q2", "Tin")] = "Maybe"
    found = {f.cell: f for f in _rules(draft, tmp_path) if f.code == "template_invalid"}
    assert "'Yes'" in found["'Declaration'!D33"].message
    assert "'No'" in found["'Declaration'!D33"].message
    # Tin's later answers now have no list to come from, as in Excel (Q2 is neither Yes nor empty)
    assert (
        "'Declaration'!D39" in found and "question not asked" in found["'Declaration'!D39"].message
    )


def test_list_choices_ignore_case_as_excel_does(tmp_path: Path) -> None:
    draft = cmrt_draft("Acme Metals Ltd", "6.5", ("Tin",))
    draft.answers[("Q2", "Tin")] = "yes"
    assert _at(_rules(draft, tmp_path), "'Declaration'!D33") == []


@pytest.mark.parametrize(
    ("date", "refused"),
    [(dt.date(2006, 12, 31), True), (dt.date(2007, 1, 1), False)],
)
def test_the_date_bound_is_exactly_the_templates(
    date: dt.date, refused: bool, tmp_path: Path
) -> None:
    draft = cmrt_draft("Acme Metals Ltd", "6.5", ("Tin",))
    draft.company["effective_date"] = date
    codes = _at(_rules(draft, tmp_path), "'Declaration'!D22")
    assert ("template_invalid" in codes) is refused
    if refused:
        found = [f for f in _rules(draft, tmp_path) if f.cell == "'Declaration'!D22"]
        assert "2006-12-31" in found[0].message and "Invalid date" in found[0].message


def test_a_later_answer_asked_only_after_yes_is_required(tmp_path: Path) -> None:
    draft = cmrt_draft("Acme Metals Ltd", "6.5", ("Tin",))
    del draft.answers[("Q2", "Tin")]
    assert _at(_rules(draft, tmp_path), "'Declaration'!D33") == ["template_required"]


def test_findings_oretrace_already_has_are_not_repeated(tmp_path: Path) -> None:
    draft = cmrt_draft("Acme Metals Ltd", "6.5", ("Tin",))
    draft.company["company_name"] = None
    path = tmp_path / "no-name.xlsx"
    write_draft(draft, path)
    at_d8 = [f.code for f in check_path(path).findings if f.cell == "'Declaration'!D8"]
    assert at_d8 == ["required_missing"]


@pytest.mark.parametrize("revision", [*REVISIONS_6X, "EMRT 2.0", "EMRT 2.1"])
def test_every_rule_of_the_supported_revisions_is_evaluated(revision: str) -> None:
    family, text = (
        (Family.EMRT, revision.split()[1]) if " " in revision else (Family.CMRT, revision)
    )
    catalogue = catalogue_for(Family(family), Revision(text))
    assert catalogue is not None and catalogue.revision == text
    result = coverage(catalogue)
    assert len(result.rules) == len(catalogue.rules) > 50
    assert result.evaluated + len(result.unsupported) == len(result.rules)
    assert [(r.id, r.reason) for r in result.unsupported] == []
