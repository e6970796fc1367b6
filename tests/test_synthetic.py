"""The synthetic group: deterministic, master data consistent, mistakes present, files readable."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from oretrace.cmrt.batch import check_files
from oretrace.synthetic import GroupSpec, MistakeRates, generate


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_group_is_deterministic_and_consistent(tmp_path: Path) -> None:
    spec = GroupSpec(suppliers=40, group_companies=3, parts=200, products=8, seed=7, pad_rows=0)
    first = generate(tmp_path / "a", spec)
    second = generate(tmp_path / "b", spec)
    assert [p.name for p in first.declarations] == [p.name for p in second.declarations]
    assert first.responders + first.non_responders == 40
    suppliers = _rows(tmp_path / "a" / "suppliers.csv")
    assert len(suppliers) == 40 and len({s["unique_id"] for s in suppliers}) == 40
    assert len({s["group_company"] for s in suppliers}) <= 3
    parts = {p["number"] for p in _rows(tmp_path / "a" / "parts.csv")}
    assert {b["part"] for b in _rows(tmp_path / "a" / "bom.csv")} <= parts
    assert {p["supplier"] for p in _rows(tmp_path / "a" / "parts.csv")} <= {
        s["unique_id"] for s in suppliers
    }


def test_declarations_carry_the_mistakes_asked_for(tmp_path: Path) -> None:
    rates = MistakeRates(
        non_responder=0,
        unreadable=0,
        encrypted_default=0.5,
        text_date=0.5,
        email_typo=0.5,
        pasted_values=0.5,
        placeholder_id=0.2,
    )
    group = generate(
        tmp_path, GroupSpec(suppliers=30, parts=50, products=2, rates=rates, pad_rows=0, seed=3)
    )
    results = list(check_files(group.declarations, workers=1))
    assert all(r.error is None for r in results)
    codes = Counter(f.code for r in results for f in r.findings)
    for code in ("date_as_text", "invalid_email", "formula_overwritten", "smelter_id_placeholder"):
        assert codes[code] > 0, code
    names = {r.declaration.company_value("company_name") for r in results if r.declaration}
    assert len(names) == 30
