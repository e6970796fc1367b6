"""Every real workbook in ../shared/corpus/cmrt: template, revision, company, counts, Checker.

Expected template and revision come from the corpus's own SOURCES.md (read from each file
by a different tool when the corpus was assembled), not from oretrace. Company names and
row counts of the filled files were checked by hand against the workbooks.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from oretrace.cmrt.check import FileCheck, check_path
from oretrace.cmrt.errors import ErrorCode

pytestmark = pytest.mark.corpus

#: file → (company name starts with, smelter rows, product rows), checked by hand.
FILLED = {
    "msys__RMI_CMRT_6.4_20240426_CG20240510_基佳giga.xlsx": ("Central Glass Co., Ltd.", 4, 0),
    "msys__RMI_CMRT_6.4_20240509(WF6)_SK.xlsx": ("SK specialty Co., Ltd", 2, 1),
    "msys__RMI_WF6_CMRT_6.4_Apr2024_Merck.xlsx": ("EMD Electronics", 1, 1),
    "crb__finalFile.xlsx": ("ABC", 0, 0),
    "ddm__2.02_-_invalid_column_shift.xls": ("Connor Winfield Corporation", 28, 3),
    "ddm__3.01_-_high_risk.xlsx": ("Green Status Pro", 4, 0),
    "ddm__2.03a_-_green@2c035c7.xlsx": ("Green Status Pro", 4, 1),
}


def _sources(corpus: Path) -> dict[str, tuple[str, str]]:
    """file name → (type/version column, status column) from SOURCES.md."""
    table: dict[str, tuple[str, str]] = {}
    for line in (corpus / "SOURCES.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 4 and cells[1].startswith("`") and cells[1].endswith("`"):
            table[cells[1].strip("`")] = (cells[2], cells[3])
    return table


@pytest.fixture(scope="module")
def checked(corpus_cmrt: Path) -> dict[str, FileCheck]:
    files = sorted(p for p in corpus_cmrt.iterdir() if p.suffix.lower() in {".xls", ".xlsx"})
    return {p.name: check_path(p) for p in files}


def test_sources_cover_every_workbook(corpus_cmrt: Path, checked: dict[str, FileCheck]) -> None:
    sources = _sources(corpus_cmrt)
    assert set(checked) <= set(sources), set(checked) - set(sources)


def test_template_and_revision_match_sources(
    corpus_cmrt: Path, checked: dict[str, FileCheck]
) -> None:
    sources = _sources(corpus_cmrt)
    for name, result in checked.items():
        expected, _status = sources[name]
        if expected == "n/a":
            assert result.error is not None and result.error.code is ErrorCode.NOT_A_WORKBOOK
            continue
        assert result.error is None, (name, result.error)
        template, version = expected.split()
        data = result.as_json()
        assert (data["template"], data["version"]) == (template, version), name


def test_blank_templates_have_no_rows(corpus_cmrt: Path, checked: dict[str, FileCheck]) -> None:
    sources = _sources(corpus_cmrt)
    blank = [n for n, (_, status) in sources.items() if status.startswith("blank") and n in checked]
    assert len(blank) >= 20
    for name in blank:
        data = checked[name].as_json()
        test_rows = 1 if "one test row" in sources[name][1] else 0
        assert (len(data["smelters"]), len(data["products"])) == (test_rows, 0), name
        assert data["company_name"] is None, name


@pytest.mark.parametrize("name", sorted(FILLED))
def test_filled_files(name: str, checked: dict[str, FileCheck]) -> None:
    company, smelters, products = FILLED[name]
    data = checked[name].as_json()
    assert data["company_name"].startswith(company)
    assert len(data["smelters"]) == smelters
    assert len(data["products"]) == products
    for row in data["smelters"]:
        assert row["metal"] in {"Tantalum", "Tin", "Gold", "Tungsten"}
        assert row["name"]


def test_checker_count_matches_the_files_own(checked: dict[str, FileCheck]) -> None:
    compared = 0
    for name, result in checked.items():
        if result.checker_cached is not None:
            assert result.checker_missing == result.checker_cached, name
            assert "checker_mismatch" not in {f.code for f in result.findings}
            compared += 1
    assert compared >= 40


def test_real_supplier_mistakes_are_found(checked: dict[str, FileCheck]) -> None:
    def codes(name: str) -> set[str]:
        return {f.code for f in checked[name].findings}

    assert "invalid_email" in codes("msys__RMI_CMRT_6.4_20240426_CG20240510_基佳giga.xlsx")
    assert "formula_overwritten" in codes("msys__RMI_CMRT_6.4_20240426_CG20240510_基佳giga.xlsx")
    assert "product_without_number" in codes("msys__RMI_CMRT_6.4_20240509(WF6)_SK.xlsx")
    shifted = codes("ddm__2.02_-_invalid_column_shift.xls")
    assert {"column_shift", "smelter_id_placeholder", "revision_outdated"} <= shifted
    q6 = checked["crb__finalFile.xlsx"].as_json()
    assert q6["effective_date"] is not None and re.match(
        r"\d{4}-\d{2}-\d{2}$", q6["effective_date"]
    )
    declaration = checked["crb__finalFile.xlsx"].declaration
    assert declaration is not None
    q6_cells = [a.answer.raw for a in declaration.answers if a.question == "Q6"]
    assert q6_cells == [1.0] * 4  # stored as the number 1 …
    assert set(declaration.answers_to("Q6").values()) == {"100%"}  # … read as the answer 100%
