"""The identification cascade on a small reference the tests build themselves."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oretrace.smelters import (
    Decision,
    Flag,
    Identifier,
    JsonFileAliasStore,
    Method,
    Reference,
    SmelterQuery,
    Thresholds,
    shipped_snapshots,
)
from oretrace.smelters.identify import clear_caches

from .conftest import small_reference


def check(identifier: Identifier, *cells: object) -> Any:
    return identifier.identify(SmelterQuery(*cells))


def test_valid_cid_of_that_metal(identifier: Identifier) -> None:
    result = check(identifier, "Tungsten", "Xiamen Tungsten Co., Ltd.", "CHINA", "CID002082")
    assert (result.decision, result.method, result.smelter_id) == (
        Decision.AUTO, Method.CID, "CID002082",
    )  # fmt: skip
    assert result.standard_name == "Xiamen Tungsten Co., Ltd." and result.country == "CHINA"
    assert "name agrees" in result.reason


def test_cid_with_empty_name_and_cid_typed_into_the_name(identifier: Identifier) -> None:
    assert check(identifier, "Gold", "", None, "CID000035").decision is Decision.AUTO
    typed = check(identifier, "Gold", "cid 35")
    assert (typed.smelter_id, typed.method) == ("CID000035", Method.CID)
    assert "name cell holds the ID" in typed.reason


def test_legacy_id_maps_to_its_cid(identifier: Identifier) -> None:
    result = check(identifier, "Gold (Au)", "Allgemeine Gold", "GERMANY", "1DEU001")
    assert (result.method, result.smelter_id, result.decision) == (
        Method.LEGACY_ID, "CID000035", Decision.AUTO,
    )  # fmt: skip
    assert Flag.LEGACY_ID in result.flags


def test_exact_lookup_name_and_alias(identifier: Identifier) -> None:
    result = check(identifier, "Gold", "Allgemeine Gold-und Silberscheideanstalt A.G.", "GERMANY")
    assert (result.method, result.smelter_id, result.decision) == (
        Method.LOOKUP_NAME, "CID000035", Decision.AUTO,
    )  # fmt: skip


@pytest.mark.parametrize("name", ["CENDRES + MÃ©TAUX S.A.", "Cendres & Metaux", "cendres metaux"])
def test_normalised_name(identifier: Identifier, name: str) -> None:
    result = check(identifier, "Gold", name, "Switzerland")
    assert (result.method, result.smelter_id, result.decision) == (
        Method.NORMALISED_NAME, "CID000189", Decision.AUTO,
    )  # fmt: skip


def test_fuzzy_match_of_a_typo_is_automatic(identifier: Identifier) -> None:
    result = check(identifier, "Tin", "Alpha Metls", "USA")
    assert (result.method, result.smelter_id, result.decision) == (
        Method.FUZZY, "CID000292", Decision.AUTO,
    )  # fmt: skip
    assert result.candidates[0].smelter_id == "CID000292"


def test_a_group_name_goes_to_review_with_its_plants(identifier: Identifier) -> None:
    result = check(identifier, "Gold", "Heraeus")
    assert result.decision is Decision.REVIEW
    assert {c.smelter_id for c in result.candidates} >= {"CID000707", "CID000711"}


def test_a_prefix_of_a_longer_name_is_not_automatic(identifier: Identifier) -> None:
    result = check(identifier, "Tungsten", "Xiamen Tungsten H")
    assert result.decision is not Decision.AUTO or result.smelter_id == "CID002320"


def test_thresholds_are_settings(reference: Reference) -> None:
    strict = Identifier(reference, Thresholds(auto=99.5))
    assert strict.identify(SmelterQuery("Tin", "Alpha Metls", "USA")).decision is Decision.REVIEW


def test_country_contradicting_the_smelter_sends_to_review(identifier: Identifier) -> None:
    result = check(identifier, "Tin", "Minsur", "BOLIVIA")
    assert result.decision is Decision.REVIEW and Flag.COUNTRY_MISMATCH in result.flags


def test_id_and_name_point_to_different_smelters(identifier: Identifier) -> None:
    result = check(identifier, "Gold", "Agosi AG", "GERMANY", "CID000711")
    assert result.decision is Decision.REVIEW
    assert Flag.ID_NAME_CONFLICT in result.flags
    assert {c.smelter_id for c in result.candidates} >= {"CID000711", "CID000035"}


def test_id_of_another_metal(identifier: Identifier) -> None:
    result = check(identifier, "Gold", "Xiamen Tungsten Co., Ltd.", "CHINA", "CID002082")
    assert Flag.ID_OTHER_METAL in result.flags
    assert result.decision is not Decision.AUTO


def test_id_in_no_snapshot(identifier: Identifier) -> None:
    result = check(identifier, "Tin", "Minsur", "PERU", "CID009999")
    assert Flag.ID_UNKNOWN in result.flags
    assert (result.smelter_id, result.decision) == ("CID001182", Decision.REVIEW)


def test_dropped_smelter_still_resolves_with_a_flag(identifier: Identifier) -> None:
    result = check(identifier, "Gold", "Materion", "UNITED STATES", "CID001113")
    assert result.smelter_id == "CID001113" and Flag.DROPPED in result.flags


@pytest.mark.parametrize(
    ("name", "flag"),
    [("Smelter not listed", Flag.PLACEHOLDER), ("N/A", Flag.PLACEHOLDER),
     ("Nathan Trotter & Co., Inc.", Flag.TRADER), ("Kester", Flag.NOT_A_SMELTER)],
)  # fmt: skip
def test_known_non_smelters(identifier: Identifier, name: str, flag: Flag) -> None:
    result = check(identifier, "Tin", name, "UNITED STATES")
    assert (result.decision, result.smelter_id) == (Decision.NONE, None)
    assert flag in result.flags and "not a smelter" in result.reason


def test_unknown_name_gets_none_with_a_reason(identifier: Identifier) -> None:
    result = check(identifier, "Tin", "Zzyzx Quuxworks")
    assert result.decision is Decision.NONE and result.reason


def test_unknown_metal_never_decides_automatically(identifier: Identifier) -> None:
    result = check(identifier, "Steel", "Minsur", "PERU")
    assert Flag.METAL_UNKNOWN in result.flags
    assert (result.smelter_id, result.decision) == ("CID001182", Decision.REVIEW)


def test_learning_an_alias(reference: Reference, tmp_path: Any) -> None:
    store = JsonFileAliasStore(tmp_path / "aliases.json")
    identifier = Identifier(reference, aliases=store)
    query = SmelterQuery("Tungsten", "XTC Haicang", "CHINA")
    assert identifier.identify(query).decision is not Decision.AUTO
    alias = identifier.accept(query, "CID002082", decided_by="reviewer@example.com")
    assert alias.key == "xtc haicang"
    later = Identifier(reference, aliases=JsonFileAliasStore(tmp_path / "aliases.json"))
    result = later.identify(SmelterQuery("Tungsten", "XTC Haicang Co., Ltd.", "CHINA"))
    assert (result.method, result.smelter_id, result.decision) == (
        Method.LEARNED_ALIAS, "CID002082", Decision.AUTO,
    )  # fmt: skip
    assert "reviewer@example.com" in result.reason


def test_accept_refuses_a_smelter_of_another_metal(identifier: Identifier) -> None:
    with pytest.raises(ValueError, match="Tungsten"):
        identifier.accept(SmelterQuery("Gold", "XTC"), "CID002082", "someone")


def test_batch_identifies_repeats_once_and_keeps_each_query(identifier: Identifier) -> None:
    queries = [SmelterQuery("Tin", "Minsur", "PERU"), SmelterQuery("Tin", "Minsur", "PERU")]
    first, second = identifier.identify_many(queries)
    assert first.smelter_id == second.smelter_id == "CID001182"
    assert second.query is queries[1]


def test_json_contract(identifier: Identifier) -> None:
    data = check(identifier, "Tin", "Minsur", "PERU").to_json()
    assert {"smelter_id", "standard_name", "metal", "country", "method", "score", "decision",
            "candidates"} <= data.keys()  # fmt: skip
    assert data["decision"] == "auto" and data["candidates"][0]["smelter_id"] == "CID001182"


cells = st.one_of(
    st.none(), st.text(max_size=40), st.integers(), st.floats(allow_nan=True), st.booleans(),
    st.sampled_from(["Gold", "Tin", "CID000035", "1DEU001", "CID0027634", "Smelter not listed"]),
)  # fmt: skip


_SMALL = Identifier(small_reference())


@settings(max_examples=200, deadline=None)
@given(cells, cells, cells, cells)
def test_bad_input_always_gets_a_result_with_a_reason(
    metal: object, name: object, country: object, smelter_id: object
) -> None:
    result = _SMALL.identify(SmelterQuery(metal, name, country, smelter_id))
    assert result.reason
    assert result.decision in set(Decision)
    assert (result.smelter_id is None) == (result.decision is Decision.NONE)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(cells, cells, cells, cells), max_size=12))
def test_a_batch_of_bad_input_is_identified_as_row_by_row(rows: list[tuple[object, ...]]) -> None:
    queries = [SmelterQuery(*row) for row in rows]
    assert _SMALL.identify_distinct(queries) == [_SMALL.identify(q) for q in queries]


def shipped_queries(count: int) -> list[SmelterQuery]:
    """Rows of every kind on the shipped reference: names as listed, with typos, case and
    legal-form noise, cut short, unknown; IDs right, wrong, of another metal, typed into
    the name; metals and countries spelled, missing or wrong; cells that are not text."""
    rng = random.Random(29)
    smelters = sorted(_SHIPPED.reference.smelters(), key=lambda s: s.smelter_id)
    found = []
    for _ in range(count):
        smelter = rng.choice(smelters)
        name = rng.choice([r.name for r in smelter.names])
        kind = rng.randrange(8)
        if kind == 0 and len(name) > 5:
            i = rng.randrange(1, len(name) - 1)
            name = name[:i] + name[i + 1 :]
        elif kind == 1:
            name = name.upper() + " Co., Ltd."
        elif kind == 2:
            name = name.split(" ")[0]
        elif kind == 3:
            name = rng.choice(["Smelter not listed", "ABC Trading Co", "Unknown refinery", ""])
        metal: object = rng.choice([smelter.metal, smelter.metal.upper(), None, "Gold", 7])
        country: object = rng.choice([smelter.country, "", None, "Germany", "HONG KONG"])
        smelter_id: object = rng.choice([None, None, smelter.smelter_id, "CID999999", 3.0])
        if kind == 4:
            name, smelter_id = smelter.smelter_id, None
        found.append(SmelterQuery(metal, name, country, smelter_id))
    return found


_SHIPPED = Identifier(Reference(shipped_snapshots()))


@pytest.mark.parametrize(
    "thresholds", [Thresholds(), Thresholds(floor=0.0, candidates=1), Thresholds(candidates=0)]
)
def test_a_batch_is_identified_as_row_by_row(thresholds: Thresholds) -> None:
    """identify_distinct (fuzzy rows scored together) and identify_many (repeats once)
    give every row exactly what identify gives it, from cold caches either way."""
    identifier = Identifier(_SHIPPED.reference, thresholds)
    identifier.accept(SmelterQuery("Tin", "Some Tin Plant Nobody Lists"), "CID001182", "tests")
    queries = shipped_queries(1200)
    queries += [SmelterQuery("Tin", "Some Tin Plant Nobody Lists Ltd"), *queries[:50]]
    clear_caches()
    one_by_one = [identifier.identify(q) for q in queries]
    clear_caches()
    together = identifier.identify_distinct(queries)
    assert together == one_by_one
    assert [r.query for r in together] == queries
    if thresholds.candidates > 0:  # the fuzzy step was batched
        assert sum(r.method is Method.FUZZY for r in together) > 100
    assert together[1200].method is Method.LEARNED_ALIAS
    clear_caches()
    many = list(identifier.identify_many(queries))
    assert [r.query for r in many] == queries
    blank = SmelterQuery(None, None)
    assert [replace(r, query=blank) for r in many] == [replace(r, query=blank) for r in one_by_one]
