"""Name look-up structures over a reference: exact, folded and core-name dictionaries per
metal, and a rapidfuzz candidate search within a metal with the country as evidence."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from oretrace.smelters.countries import same_country
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
    cores: list[str]
    ids: list[str]
    names: list[str]


def exact_key(text: str) -> str:
    return clean(text).casefold()


class NameIndex:
    """Every name of every smelter, keyed three ways, per metal (and across metals)."""

    def __init__(self, reference: Reference) -> None:
        self.reference = reference
        self.exact: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.folded: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.cores: dict[tuple[str, str], set[str]] = defaultdict(set)
        self._tokens: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.current: set[tuple[str, str]] = set()  # (smelter, fold or core) of listed names
        seen: dict[str, dict[tuple[str, str], str]] = defaultdict(dict)
        for smelter in reference.smelters():
            for record in smelter.names:
                name = record.name
                if not smelter.dropped and smelter.last_seen in record.snapshots:
                    self.current.update(
                        {(smelter.smelter_id, fold(name)), (smelter.smelter_id, core(name))}
                    )
                for metal in (smelter.metal, ANY_METAL):
                    self.exact[metal, exact_key(name)].add(smelter.smelter_id)
                    self.folded[metal, fold(name)].add(smelter.smelter_id)
                    self.cores[metal, core(name)].add(smelter.smelter_id)
                    for token in core(name).split():
                        self._tokens[metal, token].add(smelter.smelter_id)
                    seen[metal].setdefault((core(name), smelter.smelter_id), name)
        self._choices = {
            metal: _Choices(
                [c for c, _ in entries], [i for _, i in entries], list(entries.values())
            )
            for metal, entries in seen.items()
        }

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
        """Best candidates by name similarity, one per smelter, country as evidence."""
        choices = self._choices.get(metal)
        if choices is None or not query_core:
            return []
        hits = process.extract(
            query_core, choices.cores, scorer=fuzz.WRatio, limit=limit * 4, score_cutoff=floor
        )
        best: dict[str, tuple[float, str]] = {}
        for _, score, position in hits:
            smelter_id = choices.ids[position]
            adjusted = score + self._country_bonus(smelter_id, country_code)
            if smelter_id not in best or adjusted > best[smelter_id][0]:
                best[smelter_id] = (adjusted, choices.names[position])
        ranked = sorted(best.items(), key=lambda item: -item[1][0])[:limit]
        return [self.candidate(sid, name, score) for sid, (score, name) in ranked]

    def _country_bonus(self, smelter_id: str, country_code: str | None) -> float:
        smelter = self.reference.smelter(smelter_id)
        if country_code is None or smelter is None or smelter.country_code is None:
            return 0.0
        return 2.0 if same_country(smelter.country_code, country_code) else -15.0

    def candidate(self, smelter_id: str, matched_name: str, score: float) -> Candidate:
        smelter = self.reference.smelter(smelter_id)
        standard = smelter.standard_name if smelter else ""
        country = smelter.country if smelter else ""
        return Candidate(smelter_id, standard, country, matched_name, round(min(score, 100.0), 1))

    def plain_ratio(self, query_core: str, matched_name: str) -> float:
        """Edit-distance similarity without partial or token-set credit."""
        return float(fuzz.ratio(query_core, core(matched_name)))

    def names_of(self, smelter_id: str) -> list[str]:
        smelter = self.reference.smelter(smelter_id)
        return [record.name for record in smelter.names] if smelter else []

    def similarity(self, name: str, smelter_id: str) -> tuple[float, str]:
        """How well ``name`` matches the closest name of one smelter."""
        query = core(name)
        scored = [(fuzz.WRatio(query, core(n)), n) for n in self.names_of(smelter_id)]
        return max(scored, default=(0.0, ""))
