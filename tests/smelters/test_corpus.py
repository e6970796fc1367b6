"""The real templates, lists and supplier files of ../shared/corpus (skipped when absent)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pycountry
import pytest

from oretrace.cmrt.container import load_calamine, open_bytes
from oretrace.cmrt.identify import identify
from oretrace.cmrt.workbook import Workbook
from oretrace.smelters import (
    Decision,
    Identification,
    Identifier,
    Method,
    SmelterQuery,
    country_code,
    fold,
    import_file,
    load_reference,
    query_from_row,
    shipped_snapshots,
)
from oretrace.smelters.build_reference import template_snapshots
from oretrace.smelters.crosswalk import build_crosswalk

from .conftest import corpus_or_skip

pytestmark = pytest.mark.corpus

#: Real supplier declarations in the corpus (SOURCES.md); the others are synthetic samples.
REAL = (
    "msys__RMI_CMRT_6.4_20240426_CG20240510_基佳giga.xlsx",
    "msys__RMI_CMRT_6.4_20240509(WF6)_SK.xlsx",
    "msys__RMI_WF6_CMRT_6.4_Apr2024_Merck.xlsx",
    "ddm__2.02_-_invalid_column_shift.xls",
)


def _book(path: Path) -> Workbook:
    return Workbook(load_calamine(open_bytes(path.read_bytes())))


def test_template_lookups_match_the_csv_exports() -> None:
    """Our workbook reader against the independent CSV exports, revision by revision."""
    reference = corpus_or_skip("reference")
    snapshots = template_snapshots(corpus_or_skip("cmrt"))
    assert len(snapshots) == 20
    for snapshot in snapshots:
        family, revision = snapshot.info.family.lower(), snapshot.info.revision
        exported = reference / f"smelter-lookup-{family}-{revision}.csv"
        if not exported.exists():
            continue
        [from_csv] = import_file(exported)
        # fold(): the CSV export mangled the quotes of two names (JSC "Kirovgrad …""")
        ours = {(r.metal, fold(r.name), r.smelter_id, r.legacy_id) for r in snapshot.rows}
        theirs = {(r.metal, fold(r.name), r.smelter_id, r.legacy_id) for r in from_csv.rows}
        assert ours == theirs, snapshot.info.key
        assert snapshot.info.as_of is not None


def test_shipped_reference_is_built_from_the_corpus() -> None:
    """data/reference.json is what build_reference makes today (regenerate when not)."""
    built = template_snapshots(corpus_or_skip("cmrt"))
    built.append(build_crosswalk(built))
    shipped = shipped_snapshots()
    assert [s.info for s in shipped] == [s.info for s in built]
    assert [set(s.rows) for s in shipped] == [set(s.rows) for s in built]


def test_every_template_country_name_maps_to_its_own_code() -> None:
    """The templates' country lists (sheet C) give a code next to each name: ours agrees."""
    paths = [
        *sorted(corpus_or_skip("cmrt").glob("cmr__*.xlsx")),
        corpus_or_skip("cmrt", "ddm__3.01_-_empty.xls"),
    ]
    checked = 0
    for path in paths:
        sheet = _book(path).sheet("C")
        assert sheet is not None
        code_first = "code" in str(sheet.cell("A1")).casefold()
        for _, values in sheet.rows(2):
            name, code = (values[1], values[0]) if code_first else (values[0], values[1])
            try:
                expected = pycountry.countries.lookup(str(code)).alpha_2
            except LookupError:
                continue  # historic codes (TMP, ANT, YUG, FXX) and ZZ
            assert country_code(str(name)) == expected, (path.name, name, code)
            checked += 1
    assert checked > 3000


def test_rmi_list_copy_imports_with_its_errors_noted() -> None:
    snapshots = import_file(corpus_or_skip("reference", "crb__RMI List.xlsx"))
    by_label = {s.info.label: s for s in snapshots}
    conformant = by_label["RMI list 'Conformant'"]
    assert len({r.smelter_id for r in conformant.rows}) == 267
    assert all(r.status == "Conformant" and r.last_audit for r in conformant.rows)
    notes = [n for s in snapshots for n in s.notes]
    assert any("CID0027634" in n and "CID002763" in n for n in notes)
    assert conformant.info.as_of is not None


def _rows(path: Path) -> list[tuple[int, SmelterQuery]]:
    """(row, query) for every filled Smelter List row, by the layout of the revision."""
    book = _book(path)
    revision = identify(book).revision
    sheet = book.sheet("Smelter List")
    assert sheet is not None
    found: list[tuple[int, SmelterQuery]] = []
    for number, v in sheet.rows(5, 2504):
        v = v + [""] * (10 - len(v))
        if not str(v[1]).strip() and not str(v[2]).strip():
            continue
        if revision.major >= 3 or revision.text >= "2.02":
            query = query_from_row(v[1], v[2], v[3], v[4], v[5], v[0])
        else:  # 2.00/2.01 have no ID column
            query = query_from_row(v[1], v[2], v[3], v[4], None, v[0])
        found.append((number, query))
    return found


def _identify_file(identifier: Identifier, name: str) -> list[Identification]:
    rows = _rows(corpus_or_skip("cmrt", name))
    return [identifier.identify(query) for _, query in rows]


def test_every_real_supplier_row_is_identified_with_a_reason(tmp_path: Path) -> None:
    identifier = Identifier(load_reference(directory=tmp_path))
    results = {name: _identify_file(identifier, name) for name in REAL}
    assert sum(map(len, results.values())) == 35
    for rows in results.values():
        assert all(r.reason and r.decision in set(Decision) for r in rows)
    # 6.4 files: the template filled the CID from the look-up, the name agrees
    for name in REAL[:3]:
        assert all(r.decision is Decision.AUTO and r.method is Method.CID for r in results[name])
    decisions = Counter(r.decision for r in results[REAL[3]])
    assert sum(decisions.values()) == 28 and decisions[Decision.AUTO] >= 20
    trader = next(r for r in results[REAL[3]] if "Trotter" in str(r.query.name))
    assert (trader.decision, trader.smelter_id) == (Decision.NONE, None)


def test_column_shift_rows_resolve_by_legacy_id(tmp_path: Path) -> None:
    identifier = Identifier(load_reference(directory=tmp_path))
    rows = dict(_rows(corpus_or_skip("cmrt", "ddm__2.02_-_invalid_column_shift.xls")))
    vinto = identifier.identify(rows[5])
    assert (vinto.method, vinto.decision) == (Method.LEGACY_ID, Decision.AUTO)
    assert vinto.smelter_id is not None and vinto.smelter_id.startswith("CID")
    shifted = identifier.identify(rows[26])  # ID typed in A, street in the ID column F
    assert (shifted.smelter_id, shifted.method) == ("CID001113", Method.LEGACY_ID)
    not_listed = identifier.identify(rows[10])  # "Smelter Not Listed" + a typed name
    assert not_listed.query.name == "Jean Goldschmidt International"


def test_every_sample_file_row_gets_a_result() -> None:
    identifier = Identifier(load_reference(directory=Path("/nonexistent")))
    total = 0
    for path in sorted(corpus_or_skip("cmrt").glob("ddm__*")):
        if "invalid_cmrt" in path.name or "empty" in path.name:
            continue
        for _, query in _rows(path):
            assert identifier.identify(query).reason
            total += 1
    assert total > 50
