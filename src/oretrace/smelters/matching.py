"""Name look-up structures over a reference: exact, folded and core-name dictionaries per
metal, and a rapidfuzz candidate search within a metal with the country as evidence."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import numpy
from rapidfuzz import fuzz, process

from oretrace.smelters.countries import same_place
from oretrace.smelters.frozen import maker
from oretrace.smelters.names import clean, core, fold
from oretrace.smelters.reference import Reference

ANY_METAL = "*"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A smelter a name may mean, with the score of its best-matching name (0–100)."""

    smelter_id: str
    standard_name: str
    country: str
    matched_name: str
    score: float


@dataclass(frozen=True, slots=True)
class _Choices:
    """The names of one metal: core form, smelter, name as listed, smelter's country code;
    per core token, the positions of the names holding it; and per position the fields of
    its candidate but the score (smelter, standard name, country, name as listed)."""

    cores: list[str]
    ids: list[str]
    names: list[str]
    countries: list[str | None]
    tokens: dict[str, list[int]]
    shown: list[tuple[str, str, str, str]]


#: ``Candidate(...)`` built in half the time (several per fuzzy row).
_new_candidate = maker(Candidate)

#: Candidates taken by plain edit similarity before the full (slower) WRatio is computed.
_BY_RATIO = 6
#: Names sharing a token with the query join them, rarest token first, up to this many.
_POOL = 16


def highest_per_row(scores: numpy.ndarray, count: int) -> list[list[int]]:
    """Per row of a score matrix, the columns of its ``count`` highest scores, equal scores
    taken by column (the names ``process.extract(..., limit=count)`` returns), ascending.

    The ``count``-th highest score of each row is found by partitioning (not sorting); every
    column above it is taken, then the first columns equal to it until ``count``.
    """
    rows, columns = scores.shape
    if columns <= count:
        return [list(range(columns)) for _ in range(rows)]
    if rows == 0 or count <= 0:
        return [[] for _ in range(rows)]
    kth = numpy.partition(scores, columns - count, axis=1)[:, columns - count, None]
    above = scores > kth
    equal = scores == kth
    room = count - above.sum(axis=1, keepdims=True)
    chosen = above | (equal & (numpy.cumsum(equal, axis=1) <= room))
    found: list[list[int]] = numpy.nonzero(chosen)[1].reshape(rows, count).tolist()
    return found


def exact_key(text: str) -> str:
    return clean(text).casefold()


#: Country as evidence: added to a name's score when the smelter's country agrees with the
#: row's (:func:`same_country`), or contradicts it; nothing when either is unknown.
COUNTRY_AGREES = 2.0
COUNTRY_CONTRADICTS = -15.0


class NameIndex:
    """Every name of every smelter, keyed three ways, per metal (and across metals)."""

    def __init__(self, reference: Reference) -> None:
        self.reference = reference
        self.exact: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.folded: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.cores: dict[tuple[str, str], set[str]] = defaultdict(set)
        self._tokens: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.current: set[tuple[str, str]] = set()  # (smelter, fold or core) of listed names
        self._current_exact: set[tuple[str, str]] = set()
        seen: dict[str, dict[tuple[str, str], str]] = defaultdict(dict)
        self._shown: dict[str, tuple[str, str]] = {}  # smelter → (standard name, country)
        self._names: dict[str, list[tuple[str, str, str]]] = {}  # → [(exact key, core, name)]
        for smelter in reference.smelters():
            self._shown[smelter.smelter_id] = (smelter.standard_name, smelter.country)
            self._names[smelter.smelter_id] = [
                (exact_key(r.name), core(r.name), r.name) for r in smelter.names
            ]
            for record in smelter.names:
                name = record.name
                if not smelter.dropped and smelter.last_seen in record.snapshots:
                    self.current.update(
                        {(smelter.smelter_id, fold(name)), (smelter.smelter_id, core(name))}
                    )
                    self._current_exact.add((smelter.smelter_id, exact_key(name)))
                for metal in (smelter.metal, ANY_METAL):
                    self.exact[metal, exact_key(name)].add(smelter.smelter_id)
                    self.folded[metal, fold(name)].add(smelter.smelter_id)
                    self.cores[metal, core(name)].add(smelter.smelter_id)
                    for token in core(name).split():
                        self._tokens[metal, token].add(smelter.smelter_id)
                    seen[metal].setdefault((core(name), smelter.smelter_id), name)
        self._choices = {metal: self._block(entries) for metal, entries in seen.items()}
        self._countries = {
            s.country_code for s in reference.smelters() if s.country_code is not None
        }
        self._bonus_cache: dict[str, dict[str | None, float]] = {}
        #: −score → ``round(min(score, 100), 1)``: scores repeat (whole numbers, the same
        #: fractions of short names), and ``round`` to a digit is slow.
        self._rounded: dict[float, float] = {}
        #: Every listed name's core, computed once here rather than per query.
        self._cores = {name: core(name) for names in self._names.values() for _, _, name in names}
        #: Per smelter: exact key → the greatest name with it, core → likewise, and every
        #: (core, name) pair: :meth:`similarity` without scanning the names per call.
        self._closest: dict[str, tuple[dict[str, str], dict[str, str], list[tuple[str, str]]]] = {}
        for smelter_id, listed in self._names.items():
            by_key: dict[str, str] = {}
            by_core: dict[str, str] = {}
            for key, name_core, name in listed:
                if key not in by_key or name > by_key[key]:
                    by_key[key] = name
                if name_core not in by_core or name > by_core[name_core]:
                    by_core[name_core] = name
            pairs = [(name_core, name) for _, name_core, name in listed]
            self._closest[smelter_id] = (by_key, by_core, pairs)

    def _block(self, entries: dict[tuple[str, str], str]) -> _Choices:
        cores = [c for c, _ in entries]
        ids = [i for _, i in entries]
        countries = [self._country_of(i) for i in ids]
        tokens: dict[str, list[int]] = defaultdict(list)
        for position, text in enumerate(cores):
            for token in set(text.split()):
                tokens[token].append(position)
        names = list(entries.values())
        shown = [
            (i, *self._shown.get(i, ("", "")), name) for i, name in zip(ids, names, strict=True)
        ]
        return _Choices(cores, ids, names, countries, dict(tokens), shown)

    def _country_of(self, smelter_id: str) -> str | None:
        smelter = self.reference.smelter(smelter_id)
        return smelter.country_code if smelter else None

    def lists_now(self, smelter_id: str, name: str) -> bool:
        """Whether the newest look-up lists ``name`` (a clean name) for that smelter, as
        written or folded."""
        return (smelter_id, name.casefold()) in self._current_exact or (
            smelter_id,
            fold(name),
        ) in self.current

    def containing(self, metal: str, query_core: str) -> set[str]:
        """Smelters with a name whose core holds every token of ``query_core``."""
        found: set[str] | None = None
        for token in query_core.split():
            ids = self._tokens.get((metal, token), set())
            found = set(ids) if found is None else found & ids
            if not found:
                return set()
        return found or set()

    def metals(self) -> set[str]:
        return {m for m in self._choices if m != ANY_METAL}

    def fuzzy(
        self, metal: str, query_core: str, country_code: str | None, floor: float, limit: int
    ) -> list[Candidate]:
        """Best candidates by name similarity, one per smelter, country as evidence.

        WRatio (partial and token-set credit) is slow, so it scores only a short list: the
        names closest by plain edit similarity, and the names sharing a rare token with the
        query (where WRatio's partial and token-order credit comes from).
        """
        choices = self._choices.get(metal)
        if choices is None or not query_core:
            return []
        cores = choices.cores
        pool = {
            position
            for _, _, position in process.extract(
                query_core, cores, scorer=fuzz.ratio, limit=_BY_RATIO
            )
        }
        tokens = choices.tokens
        shared = [tokens[t] for t in set(query_core.split()) if t in tokens]
        shared.sort(key=len)
        for holders in shared:  # rarest token first, within a budget
            if len(pool) + len(holders) > _POOL:
                break
            pool.update(holders)
        positions = sorted(pool)
        hits = process.extract(
            query_core, [cores[p] for p in positions], scorer=fuzz.WRatio, score_cutoff=floor,
            limit=None,
        )  # fmt: skip
        scored = [(score, positions[index]) for _, score, index in hits]
        return self._best_per_smelter(choices, scored, country_code, limit)

    def fuzzy_many(
        self,
        queries: Sequence[tuple[str, str, str | None]],
        floor: float,
        limit: int,
    ) -> list[list[Candidate]]:
        """:meth:`fuzzy` of many (metal, query core, country code) queries at once: the
        same candidates, in the same order, with far fewer calls into rapidfuzz.

        The plain-ratio short list of every query of a metal comes from one ``cdist`` over
        that metal's names (``extract`` converts every name again on every call); its first
        ``_BY_RATIO`` names by (score descending, position) are the names ``extract`` keeps.
        WRatio then scores every (query, pooled name) pair of the batch in one ``cpdist``.
        """
        found: list[list[Candidate]] = [[] for _ in queries]
        by_metal: dict[str, list[int]] = defaultdict(list)
        for number, (metal, query_core, _) in enumerate(queries):
            if query_core and metal in self._choices:
                by_metal[metal].append(number)
        numbers: list[int] = []
        pools: list[list[int]] = []
        for metal, members in by_metal.items():
            choices = self._choices[metal]
            texts = [queries[number][1] for number in members]
            ratios = process.cdist(
                texts, choices.cores, scorer=fuzz.ratio, dtype=numpy.float64, workers=1
            )
            closest = highest_per_row(ratios, _BY_RATIO)
            tokens = choices.tokens
            for number, text, nearest in zip(members, texts, closest, strict=True):
                pool = set(nearest)
                shared = [tokens[t] for t in set(text.split()) if t in tokens]
                shared.sort(key=len)
                for holders in shared:  # rarest token first, within a budget (as fuzzy)
                    if len(pool) + len(holders) > _POOL:
                        break
                    pool.update(holders)
                numbers.append(number)
                pools.append(sorted(pool))
        if not numbers:
            return found
        # One row per (query, pooled name): WRatio of all in one call, then every query's
        # names ranked at once by (query, −(score + country bonus), position), as
        # _best_per_smelter ranks one query's.
        sizes = [len(positions) for positions in pools]
        pair_names: list[str] = []
        pair_bonuses: list[float] = []
        for number, positions in zip(numbers, pools, strict=True):
            metal, _, country_code = queries[number]
            cores = self._choices[metal].cores
            pair_names.extend([cores[p] for p in positions])
            if country_code is None:
                pair_bonuses.extend([0.0] * len(positions))
            else:
                bonus, countries = self._bonuses(country_code), self._choices[metal].countries
                pair_bonuses.extend([bonus.get(countries[p], 0.0) for p in positions])
        pair_queries = [
            queries[n][1] for n, size in zip(numbers, sizes, strict=True) for _ in range(size)
        ]
        scores = process.cpdist(
            pair_queries, pair_names, scorer=fuzz.WRatio, score_cutoff=floor,
            dtype=numpy.float64, workers=1,
        )  # fmt: skip
        group = numpy.repeat(numpy.arange(len(numbers)), sizes)
        position = numpy.fromiter(chain.from_iterable(pools), dtype=numpy.int64, count=len(group))
        keys = -(scores + numpy.array(pair_bonuses))  # + 0.0 leaves a score as it is
        kept = numpy.flatnonzero(scores >= floor)  # cpdist gives 0 under the cutoff
        order = kept[numpy.lexsort((position[kept], keys[kept], group[kept]))]
        rounded = self._rounded
        current = -1
        ids: list[str] = []
        shown: list[tuple[str, str, str, str]] = []
        ranked: list[Candidate] = []
        taken: set[str] = set()
        for number, key, at in zip(
            group[order].tolist(), keys[order].tolist(), position[order].tolist(), strict=True
        ):
            if number != current:
                current = number
                choices = self._choices[queries[numbers[number]][0]]
                ids, shown = choices.ids, choices.shown
                ranked = found[numbers[number]]
                taken = set()
            elif len(ranked) == limit:
                continue
            smelter_id = ids[at]
            if smelter_id in taken:
                continue
            taken.add(smelter_id)
            shown_score = rounded.get(key)
            if shown_score is None:
                shown_score = rounded[key] = round(min(-key, 100.0), 1)
            ranked.append(_new_candidate(*shown[at], shown_score))
        if limit <= 0:  # (a limit of 0 or less slices as it always did)
            found = [candidates[:limit] for candidates in found]
        return found

    def _best_per_smelter(
        self,
        choices: _Choices,
        scored: list[tuple[float, int]],
        country_code: str | None,
        limit: int,
    ) -> list[Candidate]:
        """Candidates from (WRatio score, position) pairs: one per smelter, best first."""
        if not scored:
            return []
        # (−score, position) per name: sorted, they rank by score, then list order; the
        # first of each smelter is its best name (a smelter's names share its country).
        if country_code is None:
            keys = [(-score, position) for score, position in scored]
        else:
            bonus, countries = self._bonuses(country_code), choices.countries
            keys = [
                (-(score + bonus.get(countries[position], 0.0)), position)
                for score, position in scored
            ]
        keys.sort()
        ids, shown, rounded = choices.ids, choices.shown, self._rounded
        found: list[Candidate] = []
        taken: set[str] = set()
        for score, position in keys:
            smelter_id = ids[position]
            if smelter_id in taken:
                continue
            taken.add(smelter_id)
            shown_score = rounded.get(score)
            if shown_score is None:
                shown_score = rounded[score] = round(min(-score, 100.0), 1)
            found.append(_new_candidate(*shown[position], shown_score))
            if len(found) == limit:
                break
        return found[:limit]  # (a limit of 0 or less slices as it always did)

    def _shown_score(self, score: float) -> float:
        """``round(min(score, 100), 1)``, remembered per score: scores repeat (whole numbers,
        the same fractions of short names), and ``round`` to a digit is slow."""
        shown = self._rounded.get(-score)
        if shown is None:
            shown = self._rounded[-score] = round(min(score, 100.0), 1)
        return shown

    def _bonuses(self, country_code: str | None) -> dict[str | None, float]:
        """The country bonus of every smelter country for one query country, made once per
        country (a smelter without a country, or a query without one, gets none)."""
        if country_code is None:
            return {}
        found = self._bonus_cache.get(country_code)
        if found is None:  # same_place(code) = the countries with same_country(…, code)
            countries = self._countries
            found = dict.fromkeys(countries, COUNTRY_CONTRADICTS)
            found.update(dict.fromkeys(countries & same_place(country_code), COUNTRY_AGREES))
            self._bonus_cache[country_code] = found
        return found

    def candidate(self, smelter_id: str, matched_name: str, score: float) -> Candidate:
        standard, country = self._shown.get(smelter_id, ("", ""))
        return _new_candidate(smelter_id, standard, country, matched_name, self._shown_score(score))

    def plain_ratio(self, query_core: str, matched_name: str) -> float:
        """Edit-distance similarity without partial or token-set credit."""
        matched = self._cores.get(matched_name)
        return float(fuzz.ratio(query_core, core(matched_name) if matched is None else matched))

    def names_of(self, smelter_id: str) -> list[str]:
        return [name for _, _, name in self._names.get(smelter_id, ())]

    def similarity(self, name: str, smelter_id: str) -> tuple[float, str]:
        """How well ``name`` matches the closest name of one smelter."""
        return self._similarity(name, exact_key(name), smelter_id)

    def ranked(self, name: str, ids: list[str], limit: int) -> tuple[Candidate, ...]:
        """The smelters ``ids`` as candidates for ``name``, closest first (stable), at most
        ``limit``: :meth:`similarity` of each, the name's key computed once."""
        written = exact_key(name)
        closest = self._similarity
        if len(ids) == 1 and limit >= 1:  # most exact hits: nothing to rank
            score, matched = closest(name, written, ids[0])
            return (self.candidate(ids[0], matched, score),)
        scored = [(closest(name, written, i), i) for i in ids]
        scored.sort(key=lambda item: -item[0][0])
        candidate = self.candidate
        return tuple(candidate(i, matched, score) for (score, matched), i in scored[:limit])

    def _similarity(self, name: str, written: str, smelter_id: str) -> tuple[float, str]:
        """:meth:`similarity` given ``exact_key(name)``."""
        closest = self._closest.get(smelter_id)
        if closest is None:
            return 0.0, ""
        by_key, by_core, pairs = closest
        equal = by_key.get(written)
        if equal is not None:  # the name as written is the closest
            return 100.0, equal
        query = core(name)
        equal = by_core.get(query)
        if equal is not None:  # a name equal apart from legal forms is the closest
            return 100.0, equal
        return max(((fuzz.WRatio(query, c), n) for c, n in pairs), default=(0.0, ""))
