"""The faster name index ranks exactly as the straightforward code it replaced (issue #11).

Each check runs the plain formulation kept here (as the index was written before the speed
work) and the index side by side on the shipped reference, over names of every metal with
seeded typos, case and legal-form noise, and query countries that agree, contradict or are
missing. Any difference in a candidate, its score or its place fails.
"""

from __future__ import annotations

import random
from functools import cache

import numpy
import pycountry
import pytest
from rapidfuzz import fuzz, process

from oretrace.smelters import Reference, shipped_snapshots
from oretrace.smelters.countries import same_country, same_place
from oretrace.smelters.matching import (
    COUNTRY_AGREES,
    COUNTRY_CONTRADICTS,
    Candidate,
    NameIndex,
    exact_key,
    highest_per_row,
)
from oretrace.smelters.names import core

COUNTRIES = [None, "CN", "HK", "JP", "DE", "US", "PE", "ZZ"]


@cache
def shipped_index() -> NameIndex:
    return NameIndex(Reference(shipped_snapshots()))


def noisy(name: str, rng: random.Random) -> str:
    kind = rng.randrange(5)
    if kind == 0 and len(name) > 4:
        i = rng.randrange(1, len(name) - 1)
        return name[:i] + name[i + 1 :]
    if kind == 1:
        return name.upper()
    if kind == 2:
        return name + " Co., Ltd."
    if kind == 3 and " " in name:
        return name.split(" ", 1)[1]
    return name


def queries(index: NameIndex, count: int = 1500) -> list[tuple[str, str, str | None]]:
    """(metal, query core, country code) drawn from every metal's names, seeded."""
    rng = random.Random(11)
    reference = index.reference
    smelters = sorted(reference.smelters(), key=lambda s: s.smelter_id)
    found = []
    for _ in range(count):
        smelter = rng.choice(smelters)
        name = rng.choice(index.names_of(smelter.smelter_id))
        metal = smelter.metal if rng.random() < 0.9 else "*"
        found.append((metal, core(noisy(name, rng)), rng.choice(COUNTRIES)))
    return found


def fuzzy_before(
    index: NameIndex, metal: str, query_core: str, country: str | None, floor: float, limit: int
) -> list[Candidate]:
    """``NameIndex.fuzzy`` as written before: best key per smelter kept in a dict (a later
    name replaces an earlier one only when strictly better), then the smelters sorted."""
    choices = index._choices.get(metal)
    if choices is None or not query_core:
        return []
    cores = choices.cores
    pool = {p for _, _, p in process.extract(query_core, cores, scorer=fuzz.ratio, limit=6)}
    shared = [choices.tokens[t] for t in set(query_core.split()) if t in choices.tokens]
    shared.sort(key=len)
    for holders in shared:
        if len(pool) + len(holders) > 16:
            break
        pool.update(holders)
    positions = sorted(pool)
    hits = process.extract(
        query_core, [cores[p] for p in positions], scorer=fuzz.WRatio, score_cutoff=floor,
        limit=None,
    )  # fmt: skip
    best: dict[str, tuple[float, int]] = {}
    for _, score, index_in_pool in hits:
        position = positions[index_in_pool]
        smelter_id = choices.ids[position]
        smelter_country = choices.countries[position]
        bonus = 0.0
        if country is not None and smelter_country is not None:
            agrees = same_country(smelter_country, country)
            bonus = COUNTRY_AGREES if agrees else COUNTRY_CONTRADICTS
        key = (-(score + bonus), position)
        known = best.get(smelter_id)
        if known is None or key[0] < known[0]:
            best[smelter_id] = key
    ranked = sorted(best.items(), key=lambda item: item[1])[:limit]
    return [
        index.candidate(smelter_id, choices.names[position], -score)
        for smelter_id, (score, position) in ranked
    ]


def similarity_before(index: NameIndex, name: str, smelter_id: str) -> tuple[float, str]:
    names = index.names_of(smelter_id)
    equal = [n for n in names if exact_key(n) == exact_key(name)]
    if equal:
        return 100.0, max(equal)
    query = core(name)
    equal = [n for n in names if core(n) == query]
    if equal:
        return 100.0, max(equal)
    return max(((fuzz.WRatio(query, core(n)), n) for n in names), default=(0.0, ""))


@pytest.mark.parametrize("limit", [5, 1, 0])
def test_fuzzy_candidates_are_those_of_the_plain_formulation(limit: int) -> None:
    index = shipped_index()
    differ = [
        (metal, query, country)
        for metal, query, country in queries(index)
        if index.fuzzy(metal, query, country, 50.0, limit)
        != fuzzy_before(index, metal, query, country, 50.0, limit)
    ]
    assert differ == []


def test_fuzzy_shows_one_candidate_per_smelter_best_first() -> None:
    index = shipped_index()
    for metal, query, country in queries(index, 300):
        found = index.fuzzy(metal, query, country, 50.0, 5)
        ids = [c.smelter_id for c in found]
        assert len(ids) == len(set(ids)) <= 5
        assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)


def test_similarity_and_ranked_are_those_of_the_plain_formulation() -> None:
    index = shipped_index()
    rng = random.Random(5)
    smelters = sorted(index.reference.smelters(), key=lambda s: s.smelter_id)
    for _ in range(400):
        group = [s.smelter_id for s in rng.sample(smelters, rng.randrange(1, 6))]
        name = noisy(rng.choice(index.names_of(rng.choice(group))), rng)
        plain = [(similarity_before(index, name, i), i) for i in group]
        assert [index.similarity(name, i) for i in group] == [s for s, _ in plain]
        plain.sort(key=lambda item: -item[0][0])
        expected = tuple(index.candidate(i, n, s) for (s, n), i in plain[:5])
        assert index.ranked(name, group, 5) == expected
    assert index.similarity("Smelter Nobody Knows", "CID999999") == (0.0, "")


def test_same_place_names_every_code_same_country_accepts() -> None:
    codes = [c.alpha_2 for c in pycountry.countries]
    for code in codes:
        assert {c for c in codes if same_country(c, code)} == same_place(code) & set(codes)
    assert same_place("HK") == {"CN", "HK", "MO"}
    assert same_place("DE") == {"DE"}


def tie_heavy_queries(index: NameIndex) -> list[tuple[str, str, str | None]]:
    """Short and one-token queries: many names share a plain-ratio score, so the short list's
    cut between equal scores decides (``extract`` keeps the earliest positions)."""
    found = []
    for metal in sorted(index.metals()) + ["*"]:
        for text in ("a", "gold", "metal", "tin smelting", "co", "xyz", "refinery", "zz top"):
            for country in (None, "CN", "DE"):
                found.append((metal, text, country))
    return found


@pytest.mark.parametrize("limit", [5, 1, 0])
def test_fuzzy_many_is_fuzzy_of_each_query(limit: int) -> None:
    index = shipped_index()
    asked = [
        *queries(index),
        *tie_heavy_queries(index),
        ("Gold", "", None),
        ("Unobtainium", "x", None),
    ]
    many = index.fuzzy_many(asked, 50.0, limit)
    differ = [
        q for q, found in zip(asked, many, strict=True) if found != index.fuzzy(*q, 50.0, limit)
    ]
    assert differ == []
    if limit > 0:  # the check compared candidates, not empty lists
        assert sum(1 for found in many if found) > len(asked) // 2


@pytest.mark.parametrize("floor", [0.0, 50.0, 90.0])
def test_fuzzy_many_keeps_the_floor_as_fuzzy_does(floor: float) -> None:
    index = shipped_index()
    asked = queries(index, 400)[::2] + tie_heavy_queries(index)
    many = index.fuzzy_many(asked, floor, 5)
    assert many == [index.fuzzy(*q, floor, 5) for q in asked]
    assert index.fuzzy_many([], floor, 5) == []


@pytest.mark.parametrize("seed", range(6))
def test_highest_per_row_keeps_what_extract_keeps(seed: int) -> None:
    """Ties everywhere (scores from a handful of values): the columns kept are extract's."""
    rng = random.Random(seed)
    columns = rng.choice([1, 5, 6, 7, 40, 300])
    values = [rng.choice([0.0, 50.0, 66.66666666666667, 80.0, 100.0]) for _ in range(columns)]
    rows = [rng.sample(values, columns) for _ in range(25)]
    matrix = numpy.array(rows, dtype=numpy.float64)
    names = [str(c) for c in range(columns)]
    for count in (1, 6):
        kept = highest_per_row(matrix, count)
        for row, columns_kept in zip(rows, kept, strict=True):
            by_extract = process.extract(
                row, names, scorer=lambda q, c, **_: q[int(c)], limit=count
            )
            assert columns_kept == sorted(position for _, _, position in by_extract)
