"""The demo's sample suppliers: each one shows the mistake it was written to show."""

from __future__ import annotations

from pathlib import Path

from oretrace.cmrt.batch import check_files, collect_files
from oretrace.demo import main, write_samples


def test_samples_show_their_mistakes(tmp_path: Path) -> None:
    write_samples(tmp_path)
    results = {Path(r.file).name: r for r in check_files(collect_files([tmp_path]), workers=1)}
    errors = {name: r.error.code.value for name, r in results.items() if r.error}
    assert errors == {
        "locked_unknown-password.xlsx": "encrypted",
        "scan-renamed.xls": "not_a_workbook",
    }

    def codes(name: str) -> set[str]:
        return {f.code for f in results[name].findings}

    assert codes("acme-metals_cmrt-6.5.xlsx") == set()
    assert codes("velvet_encrypted-default-password.xlsx") == set()
    assert {"invalid_email", "date_as_text"} <= codes("kaito_cmrt-6.4.xlsx")
    assert "scope_b_without_products" in codes("northwind_cmrt-6.4.xlsx")
    assert {"formula_overwritten", "smelter_duplicate"} <= codes("blue_cmrt-6.22.xlsx")
    assert {"smelter_id_placeholder", "column_shift", "answer_not_allowed"} <= codes(
        "sakura_cmrt-6.31.xlsx"
    )
    assert {"revision_outdated", "smelter_id_legacy"} <= codes("legacy_cmrt-3.01.xlsx")


def test_demo_entry_point(tmp_path: Path, capsys: object) -> None:
    assert main([str(tmp_path)]) == 0
    assert len(list((tmp_path / "suppliers").iterdir())) == 10
