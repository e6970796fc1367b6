"""The templates' own rules against the official templates and real supplier files."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest

from oretrace.cmrt.build_rules import build_catalogue
from oretrace.cmrt.check import check_path
from oretrace.cmrt.container import load_calamine, open_bytes
from oretrace.cmrt.identify import identify
from oretrace.cmrt.revisions import Family, Revision
from oretrace.cmrt.rule_catalog import RULES_DIR, catalogue_for
from oretrace.cmrt.template_rules import allowed_values, run_rules
from oretrace.cmrt.workbook import Workbook, split_ref
from oretrace.reporting.xlsx_patch import SheetPatch, rewrite_zip, sheet_parts

pytestmark = pytest.mark.corpus

FILLED = [("CMRT", r) for r in ("6.01", "6.1", "6.22", "6.31", "6.4", "6.5")] + [
    ("EMRT", "2.0"),
    ("EMRT", "2.1"),
]


def test_the_shipped_catalogue_is_what_the_template_says(corpus_cmrt: Path) -> None:
    built = build_catalogue(corpus_cmrt / "cmr__RMI_CMRT_6.5.xlsx")
    shipped = json.loads((RULES_DIR / "CMRT-6.5.json").read_text())
    assert json.loads(json.dumps(built)) == shipped


def _patch(data: bytes, cells: dict[str, dict[str, object]]) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = sheet_parts(archive)
        replaced: dict[str, bytes] = {}
        for sheet, values in cells.items():
            patch = SheetPatch.parse(archive.read(parts[sheet].path))
            for ref, value in values.items():
                patch.write(ref, value)  # type: ignore[arg-type]
            replaced[parts[sheet].path] = patch.to_bytes()
        return rewrite_zip(archive, replaced)


def _choice(book: Workbook, family: str, revision: str, sheet: str, ref: str) -> object:
    catalogue = catalogue_for(Family(family), Revision(revision))
    assert catalogue is not None
    row, col = split_ref(ref)
    choices = allowed_values(book, catalogue, sheet, row, col)
    if choices:
        return "Yes" if "Yes" in choices else choices[0]
    for rule in catalogue.validations:
        if (
            rule.sheet == sheet
            and rule.type == "date"
            and any(t <= row <= b and lft <= col <= r for t, lft, b, r in rule.areas)
        ):
            return dt.date(2025, 6, 30)
    return "Example entry"


def _fill_what_is_asked(data: bytes, family: str, revision: str) -> tuple[bytes, int]:
    """Fill every cell the rules mark required with the template's own first choice, until
    none is asked (at most 12 rounds: answers open further questions)."""
    catalogue = catalogue_for(Family(family), Revision(revision))
    assert catalogue is not None
    for rounds in range(12):
        book = Workbook(load_calamine(open_bytes(data)))
        asked = [f for f in run_rules(book, catalogue).findings if f.code == "template_required"]
        if not asked:
            return data, rounds
        cells: dict[str, dict[str, object]] = {}
        for item in asked:
            assert item.cell is not None
            sheet, ref = item.cell.rsplit("!", 1)
            cells.setdefault(sheet.strip("'"), {})[ref] = _choice(
                book, family, revision, sheet.strip("'"), ref
            )
        data = _patch(data, cells)
    return data, 12


@pytest.mark.parametrize(("family", "revision"), FILLED)
def test_a_blank_template_filled_in_as_asked_breaks_no_rule(
    corpus_cmrt: Path, family: str, revision: str
) -> None:
    """Fill only what the template's own rules ask for, with its own choices, until nothing
    is asked; add one smelter row as a supplier would (a metal, then a name from the look-up
    list): what remains must be nothing at all (no red, no refusal, no prompt)."""
    data = (corpus_cmrt / f"cmr__RMI_{family}_{revision}.xlsx").read_bytes()
    catalogue = catalogue_for(Family(family), Revision(revision))
    assert catalogue is not None
    data, first_rounds = _fill_what_is_asked(data, family, revision)
    book = Workbook(load_calamine(open_bytes(data)))
    data = _patch(
        data, {"Smelter List": {"B5": _choice(book, family, revision, "Smelter List", "B5")}}
    )
    book = Workbook(load_calamine(open_bytes(data)))
    data = _patch(
        data, {"Smelter List": {"C5": _choice(book, family, revision, "Smelter List", "C5")}}
    )
    data, _ = _fill_what_is_asked(data, family, revision)
    book = Workbook(load_calamine(open_bytes(data)))
    findings = run_rules(book, catalogue).findings
    assert first_rounds > 0
    assert [(f.code, f.cell, f.message) for f in findings] == []
    assert identify(book).revision.text == revision


def test_real_supplier_files_get_no_new_finding_from_the_template_rules(
    corpus_cmrt: Path,
) -> None:
    """Filled supplier files saved by Excel (msys, crb): every rule runs, and none adds a
    finding that oretrace's own checks do not already make (Excel showed them no red cell)."""
    files = sorted(corpus_cmrt.glob("msys__*.xlsx")) + sorted(corpus_cmrt.glob("crb__*.xlsx"))
    assert len(files) >= 6
    for path in files:
        result = check_path(path)
        assert result.info is not None
        catalogue = catalogue_for(result.info.family, result.info.revision)
        assert catalogue is not None
        book = Workbook(load_calamine(open_bytes(path.read_bytes())))
        assert run_rules(book, catalogue).skipped == {}, path.name
        new = [f for f in result.findings if f.code.startswith("template_")]
        assert new == [], path.name
