"""Every finding code the code base defines has a plain explanation for suppliers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation

from oretrace.cmrt.check import check_bytes
from oretrace.cmrt.errors import ErrorCode
from oretrace.cmrt.findings import CODES
from oretrace.cmrt.writer import draft_bytes
from oretrace.demo import cmrt_draft
from oretrace.registry.services import findings_text, submissions
from oretrace.registry.services.findings_text import explain, explain_error, split_cell

SRC = Path(__file__).resolve().parents[2] / "src" / "oretrace"
#: ``code="..."`` in the source: findings the registry adds, refusal codes.
_LITERAL = re.compile(r'\bcode="([a-z][a-z_]+)"')
#: codes the submission service returns as problems or row outcomes.
_QUOTED_PROBLEM = re.compile(r'"([a-z]+(?:_[a-z]+)+)"')


def _codes_in_source() -> set[str]:
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        found |= set(_LITERAL.findall(path.read_text(encoding="utf-8")))
    return found


def _every_code() -> set[str]:
    problems = set(
        _QUOTED_PROBLEM.findall(Path(submissions.__file__).read_text(encoding="utf-8"))
    ) & (set(findings_text.SUBMISSION_PROBLEMS) | {"processing_failed", "not_ingested"})
    return set(CODES) | {e.value for e in ErrorCode} | _codes_in_source() | problems


def test_the_source_scan_finds_the_registrys_own_codes() -> None:
    assert {"supplier_created", "supplier_name_differs", "declaration_unreadable"} <= (
        _codes_in_source()
    )


@pytest.mark.parametrize("code", sorted(_every_code()))
def test_every_code_has_an_explanation(code: str) -> None:
    assert code in findings_text.known_codes(), f"{code} has no plain explanation"


def test_every_explanation_says_what_and_how_and_is_marked_for_translation() -> None:
    tables = (
        findings_text.FINDINGS,
        findings_text.READ_ERRORS,
        findings_text.SUBMISSION_PROBLEMS,
        findings_text.REFUSALS,
    )
    for table in tables:
        for code, text in table.items():
            what, how = str(text.what), str(text.how_to_fix)
            assert what.endswith(".") and how.endswith("."), code
            assert what != how, code
            # lazy: resolved per request, in the language then active
            assert type(text.what).__name__ == "__proxy__", code


def test_a_checked_finding_is_explained_with_its_sheet_and_cell() -> None:
    draft = cmrt_draft("Acme Metals", "6.4", ("Tin",))
    draft.company["contact_email"] = "not an address"
    result = check_bytes(draft_bytes(draft), "acme.xlsx")
    email = next(f for f in result.findings if f.code == "invalid_email")
    plain = explain(email)
    assert plain.sheet == "Declaration" and plain.cell and re.fullmatch(r"[A-Z]+\d+", plain.cell)
    assert plain.severity == "error" and "e-mail" in plain.what
    assert plain.detail == email.message
    with translation.override("en"):
        assert plain.where == f"Declaration sheet, cell {plain.cell}"


@pytest.mark.parametrize(
    ("address", "sheet", "cell"),
    [
        ("'Smelter List'!D5", "Smelter List", "D5"),
        ("Declaration!$D$8", "Declaration", "D8"),
        ("'It''s'!A1", "It's", "A1"),
        ("B6", None, "B6"),
        (None, None, None),
        ("", None, None),
    ],
)
def test_cells_are_split_into_sheet_and_cell(
    address: str | None, sheet: str | None, cell: str | None
) -> None:
    assert split_cell(address) == (sheet, cell)


def test_read_errors_and_unknown_codes_still_explain_something() -> None:
    plain = explain_error("encrypted", "The workbook is encrypted with a password")
    assert "password" in plain.what and plain.sheet is None and plain.severity == "error"
    assert explain_error("something_new").what  # falls back to a damaged-file text

    class Newer:
        code, cell, message, severity = "brand_new_rule", "'Declaration'!D9", "Say more.", "info"

    newer = explain(Newer())
    assert newer.what == "Say more." and newer.how_to_fix and newer.cell == "D9"
