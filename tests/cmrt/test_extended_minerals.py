"""EMRT 2.x as suppliers fill it: the minerals chosen on the Declaration, sorted and without
gaps, label the question rows; the Mine List is read; a complete file has no findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from oretrace.cmrt.check import check_path
from oretrace.cmrt.export import file_check_json
from oretrace.cmrt.writer import write_draft
from oretrace.demo import emrt_draft

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "cmrt"


def _checked(tmp_path: Path, minerals: tuple[str, ...]) -> dict[str, object]:
    path = tmp_path / "emrt.xlsx"
    write_draft(emrt_draft("Mica Parts Ltd", "2.1", minerals), path)
    return file_check_json(check_path(path))


def test_a_subset_of_minerals_is_read_under_its_own_names(tmp_path: Path) -> None:
    path = tmp_path / "emrt.xlsx"
    draft = emrt_draft("Mica Parts Ltd", "2.1", ("Mica", "Nickel"))
    draft.answers[("Q3", "Nickel")] = "Unknown"  # row 55: the second chosen mineral
    write_draft(draft, path)
    result = check_path(path)
    assert result.declaration is not None
    assert result.declaration.minerals == ["Mica", "Nickel"]
    assert result.declaration.answers_to("Q1") == {"Mica": "Yes", "Nickel": "Yes"}
    nickel_q3 = result.declaration.answer("Q3", "Nickel")
    assert nickel_q3 is not None and nickel_q3.answer.ref == "D55"
    assert nickel_q3.value == "Unknown"
    assert [f.code for f in result.findings] == []
    per_mineral_c = {
        a.mineral: a.answer.ref for a in result.declaration.company_answers if a.question == "C"
    }
    assert per_mineral_c == {"Mica": "D120", "Nickel": "D121"}


def test_mine_list_and_smelters_of_every_mineral_are_read(tmp_path: Path) -> None:
    data = _checked(tmp_path, ("Cobalt", "Copper", "Lithium", "Mica", "Nickel"))
    assert data["findings"] == [] and data["checker_missing"] == 0
    metals = [row["metal"] for row in data["smelters"]]  # type: ignore[attr-defined]
    assert metals == ["Cobalt", "Cobalt", "Copper", "Lithium", "Mica", "Nickel"]
    path = tmp_path / "emrt.xlsx"
    mines = check_path(path).declaration.mines  # type: ignore[union-attr]
    assert [m.get("metal") for m in mines] == metals
    assert mines[0].get("mine_name") == "Chemaf mine"


@pytest.mark.parametrize("name", ["cmr__RMI_EMRT_2.0.xlsx", "cmr__RMI_EMRT_2.1.xlsx"])
def test_the_official_template_labels_rows_with_all_six_minerals(name: str) -> None:
    path = CORPUS / name
    if not path.exists():
        pytest.skip("corpus not present")
    result = check_path(path)
    assert result.declaration is not None
    q1 = [a.mineral for a in result.declaration.answers if a.question == "Q1"]
    assert q1 == ["Cobalt", "Copper", "Graphite", "Lithium", "Mica", "Nickel"]
    flagged = [f.cell for f in result.findings if f.code == "template_flagged"]
    assert not [c for c in flagged if (c or "").startswith("'Declaration'!D3")], flagged


def test_rows_without_cached_labels_take_the_template_order(tmp_path: Path) -> None:
    """A file saved by a tool that does not recalculate has no label text in column B: the
    chosen minerals, sorted without gaps, name the rows as the template's formulas would."""
    draft = emrt_draft("Mica Parts Ltd", "2.1", ("Nickel", "Mica"))
    for row in (30, 31, 42, 43, 120, 121):
        draft.labels[("Declaration", f"B{row}")] = ""
    path = tmp_path / "no-labels.xlsx"
    write_draft(draft, path)
    declaration = check_path(path).declaration
    assert declaration is not None
    assert declaration.answers_to("Q1") == {"Mica": "Yes", "Nickel": "Yes"}
    q2 = declaration.answer("Q2", "Nickel")
    assert q2 is not None and q2.answer.ref == "D43"
    assert [a.mineral for a in declaration.company_answers if a.question == "C"] == [
        "Mica",
        "Nickel",
    ]
