"""The identification cascade for one Smelter List row.

valid CID of that metal → legacy ID → exact look-up name or alias of that metal →
normalised name → learned alias → (known non-smelter) → fuzzy within the metal, country as
evidence → none. Every result carries a decision, a one-line reason and the candidates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import islice

from oretrace.smelters import names
from oretrace.smelters.aliases import AliasStore, LearnedAlias, MemoryAliasStore, alias_key
from oretrace.smelters.countries import country_of, same_country
from oretrace.smelters.frozen import maker
from oretrace.smelters.ids import IdKind, ParsedId, parse_smelter_id
from oretrace.smelters.matching import ANY_METAL, Candidate, NameIndex
from oretrace.smelters.metals import canonical_metal
from oretrace.smelters.names import clean, core, fold
from oretrace.smelters.not_smelters import not_a_smelter, sounds_like_trader
from oretrace.smelters.reference import Reference
from oretrace.smelters.results import (
    Decision,
    Flag,
    Identification,
    Method,
    SmelterQuery,
    Thresholds,
)

_ID_DOUBTS = {Flag.ID_UNKNOWN, Flag.ID_OTHER_METAL}
#: Queries of a batch worked out together by ``identify_many``.
_CHUNK = 4096
#: The fuzzy step's candidates per (metal or ANY_METAL, query core, country code), scored
#: for a batch at once.
_FuzzyFound = Mapping[tuple[str, str, str | None], list[Candidate]]
#: What the look-up, folded and core names found for a row: the method and the smelters.
_LookedUp = tuple[Method, set[str] | None]
#: ``Identification(...)`` (every field, in order) built in half the time, once per row.
_new_identification = maker(Identification)


@dataclass(slots=True)
class _Row:
    """A query after cleaning (never changed once made; not frozen, as frozen dataclasses
    cost several times more to create on this hot path)."""

    query: SmelterQuery
    metal: str | None
    name: str
    country: str | None  # ISO code
    parsed_id: ParsedId
    scope: str  # the metal, or ANY_METAL when it is unknown


@dataclass(slots=True)
class _Finding:
    """What one step concluded, before the decision caps of other steps apply (never
    changed once made: steps make new ones)."""

    smelter_id: str | None
    method: Method
    score: float
    decision: Decision
    reason: str
    flags: tuple[Flag, ...] = ()
    candidates: tuple[Candidate, ...] = ()


class Identifier:
    """Identifies rows against one reference; thread-compatible, no hidden global state."""

    def __init__(
        self,
        reference: Reference,
        thresholds: Thresholds | None = None,
        aliases: AliasStore | None = None,
    ) -> None:
        self.reference = reference
        self.thresholds = thresholds or Thresholds()
        self.aliases: AliasStore = aliases if aliases is not None else MemoryAliasStore()
        self.index = NameIndex(reference)

    # -- public API ---------------------------------------------------------------------------

    def identify(self, query: SmelterQuery) -> Identification:
        return self._identified(self._clean(query), None)

    def identify_many(self, queries: Iterable[SmelterQuery]) -> Iterator[Identification]:
        """Identify a batch; rows repeated within the batch are identified once, and the
        distinct rows of every ``_CHUNK`` queries together (:meth:`identify_distinct`)."""
        seen: dict[tuple[str, ...], Identification] = {}
        for chunk in _chunks(queries, _CHUNK):
            keys = [
                (clean(q.metal), clean(q.name), clean(q.country), clean(q.smelter_id))
                for q in chunk
            ]
            fresh: dict[tuple[str, ...], SmelterQuery] = {}
            for key, query in zip(keys, chunk, strict=True):
                if key not in seen and key not in fresh:
                    fresh[key] = query
            seen.update(zip(fresh, self.identify_distinct(list(fresh.values())), strict=True))
            for key, query in zip(keys, chunk, strict=True):
                known = seen[key]
                if fresh.pop(key, None) is not None:  # the row's first occurrence
                    yield known
                else:
                    yield _for_query(known, query)

    def identify_distinct(self, queries: Sequence[SmelterQuery]) -> list[Identification]:
        """:meth:`identify` of each query, in order, worked out together: the rows that
        reach the fuzzy step are scored in a few rapidfuzz calls
        (:meth:`NameIndex.fuzzy_many`) instead of two per row. For rows known to differ
        (repeats are identified again)."""
        rows = [self._clean(query) for query in queries]
        looked_up = self._looked_up
        found = [looked_up(row) if row.name else None for row in rows]
        asked: dict[tuple[str, str, str | None], None] = {}
        for row, named in zip(rows, found, strict=True):
            if named is not None and named[1] is None:
                asked[row.scope, core(row.name), row.country] = None
        t = self.thresholds
        scored = self.index.fuzzy_many(list(asked), t.floor, t.candidates) if asked else []
        fuzzy = dict(zip(asked, scored, strict=True))
        identified = self._identified
        return [identified(row, fuzzy, named) for row, named in zip(rows, found, strict=True)]

    def accept(
        self, query: SmelterQuery, smelter_id: str, decided_by: str, note: str = ""
    ) -> LearnedAlias:
        """Record a person's decision: the row's name means ``smelter_id`` from now on."""
        row = self._clean(query)
        smelter = self.reference.smelter(smelter_id)
        if smelter is None:
            raise ValueError(f"{smelter_id} is in no reference snapshot")
        if row.metal is not None and smelter.metal != row.metal:
            raise ValueError(f"{smelter_id} is a {smelter.metal} smelter, not {row.metal}")
        if not core(row.name):
            raise ValueError("an empty name cannot become an alias")
        alias = LearnedAlias(
            smelter.metal, row.name, smelter.smelter_id, decided_by, dt.datetime.now(dt.UTC), note
        )
        self.aliases.add(alias)
        return alias

    # -- steps --------------------------------------------------------------------------------

    def _identified(
        self, row: _Row, fuzzy: _FuzzyFound | None, named: _LookedUp | None = None
    ) -> Identification:
        id_finding, flags = self._by_id(row)
        name_finding = self._by_name(row, fuzzy, named)
        finding = self._combine(row, id_finding, name_finding, flags)
        return self._result(row, finding)

    def _clean(self, query: SmelterQuery) -> _Row:
        name = clean(query.name) if isinstance(query.name, str) else ""
        parsed = _parsed_id(query.smelter_id)
        if parsed.kind is IdKind.NONE and name and _may_be_id(name):
            in_name = parse_smelter_id(name)  # an ID typed into the name cell
            if in_name.kind in (IdKind.CID, IdKind.LEGACY):
                parsed = replace(in_name, note=f"the name cell holds the ID {name!r}")
                name = ""
        metal = _metal_of(query.metal)
        return _Row(query, metal, name, _country_of(query.country), parsed, metal or ANY_METAL)

    def _by_id(self, row: _Row) -> tuple[_Finding | None, list[Flag]]:
        parsed = row.parsed_id
        if parsed.kind is IdKind.NONE:
            return None, []
        if parsed.kind is IdKind.MALFORMED:
            return None, [Flag.ID_MALFORMED]
        assert parsed.value is not None
        smelter = self.reference.smelter(parsed.value)
        legacy = [Flag.LEGACY_ID] if parsed.kind is IdKind.LEGACY else []
        if smelter is None:
            return None, [*legacy, Flag.ID_UNKNOWN]
        if row.metal is not None and smelter.metal != row.metal:
            return None, [*legacy, Flag.ID_OTHER_METAL]
        method = Method.LEGACY_ID if legacy else Method.CID
        mapped = "" if smelter.smelter_id == parsed.value else f" (now {smelter.smelter_id})"
        reason = f"{parsed.value}{mapped} is {smelter.standard_name} ({smelter.metal})"
        finding = _Finding(smelter.smelter_id, method, 100.0, Decision.AUTO, reason, tuple(legacy))
        return finding, []

    def _looked_up(self, row: _Row) -> _LookedUp:
        """The smelters whose look-up name, folded name or core name is the row's name:
        look-up name (casefold = exact_key of a clean name), then folded, then core name;
        each key is computed only when the previous one found nothing."""
        index, scope, name = self.index, row.scope, row.name
        ids = index.exact.get((scope, name.casefold()))
        if ids:
            return Method.LOOKUP_NAME, ids
        ids = index.folded.get((scope, fold(name))) or index.cores.get((scope, core(name)))
        return Method.NORMALISED_NAME, ids or None

    def _by_name(
        self, row: _Row, fuzzy: _FuzzyFound | None = None, named: _LookedUp | None = None
    ) -> _Finding:
        if not row.name:
            value = row.query.name
            given = value not in (None, "") and not isinstance(value, str)
            reason = f"the name cell holds {value!r}, not a name" if given else "no name given"
            return _Finding(None, Method.NONE, 0.0, Decision.NONE, reason)
        method, ids = named or self._looked_up(row)
        if ids:
            widened = sorted(self._widen(row, method, ids))
            return self._exact(row, method, widened, ids)
        learned = self.aliases.find(row.metal, alias_key(row.name)) if row.metal else None
        if learned is not None:
            reason = (
                f"learned alias accepted by {learned.decided_by} on {learned.decided_at:%Y-%m-%d}"
            )
            return _Finding(learned.smelter_id, Method.LEARNED_ALIAS, 100.0, Decision.AUTO, reason)
        listed = not_a_smelter(row.name)
        if listed is not None:
            flag = {"placeholder": Flag.PLACEHOLDER, "trader": Flag.TRADER}.get(
                listed.kind, Flag.NOT_A_SMELTER
            )
            reason = f"{row.name!r} is not a smelter: {listed.note}"
            return _Finding(None, Method.NONE, 0.0, Decision.NONE, reason, (flag,))
        return self._fuzzy(row, fuzzy)

    def _widen(self, row: _Row, method: Method, ids: set[str]) -> set[str]:
        """Add the other smelters whose names contain the name, when the match is weak.

        "Heraeus" equals the core of "Heraeus limited" (Hong Kong) but names the group; an
        old alias ("HC Starck") may name a group that later lists split into plants.
        """
        if method is Method.LOOKUP_NAME and all(self.index.lists_now(i, row.name) for i in ids):
            return ids
        query = core(row.name)
        if method is Method.NORMALISED_NAME:
            listed = all((i, query) in self.index.current for i in ids) and len(query.split()) > 1
            if listed:
                return ids
        return ids | self.index.containing(row.scope, query)

    def _exact(
        self, row: _Row, method: Method, ids: list[str], named: Iterable[str] = ()
    ) -> _Finding:
        how = "a look-up name" if method is Method.LOOKUP_NAME else "a normalised name"
        chosen, note = self._disambiguate(ids, row.country, named)
        candidates = self._ranked(row.name, ids)
        if chosen is None:
            shown = ", ".join(c.smelter_id for c in candidates)
            reason = f"{row.name!r} matches names of {len(ids)} smelters: {shown}{note}"
            flags = (Flag.AMBIGUOUS_NAME,)
            best = self._still_listed(ids) or candidates[0].smelter_id
            return _Finding(best, method, 100.0, Decision.REVIEW, reason, flags, candidates)
        reason = f"{row.name!r} is {how} of {chosen}{note}"
        return _Finding(chosen, method, 100.0, Decision.AUTO, reason, (), candidates)

    def _ranked(self, name: str, ids: list[str]) -> tuple[Candidate, ...]:
        return self.index.ranked(name, ids, max(self.thresholds.candidates, 1))

    def _disambiguate(
        self, ids: list[str], country: str | None, named: Iterable[str] = ()
    ) -> tuple[str | None, str]:
        """The one smelter meant among several sharing a name, when the country says so.

        The one smelter of that metal and country whose name this is wins over smelters that
        only contain the name, even over one still listed elsewhere ("Wolfram Company CJSC",
        Russia, is not "Wolfram Bergbau und Hütten", Austria). Otherwise a name that once
        belonged to a smelter since dropped is not resolved silently: the newest list may
        have moved it to another plant, or corrected a wrong ID.
        """
        if len(ids) == 1:
            return ids[0], ""
        if country:
            own = [
                s for s in (self.reference.smelter(i) for i in named)
                if s is not None and same_country(s.country_code, country)
            ]  # fmt: skip
            if len(own) == 1:
                return own[0].smelter_id, " (the only one of that name in that country)"
        smelters = [s for s in (self.reference.smelter(i) for i in ids) if s is not None]
        local = [s for s in smelters if country and same_country(s.country_code, country)]
        if len(local) == 1 and not local[0].dropped:
            return local[0].smelter_id, " (the only one in that country)"
        listed = self._still_listed(ids)
        return None, f"; {listed} is the only one still listed" if listed else ""

    def _still_listed(self, ids: list[str]) -> str | None:
        smelters = [s for s in (self.reference.smelter(i) for i in ids) if s is not None]
        current = [s.smelter_id for s in smelters if not s.dropped]
        return current[0] if len(current) == 1 else None

    def _fuzzy(self, row: _Row, known: _FuzzyFound | None = None) -> _Finding:
        t = self.thresholds
        query = core(row.name)
        found = known.get((row.scope, query, row.country)) if known is not None else None
        if found is None:
            found = self.index.fuzzy(row.scope, query, row.country, t.floor, t.candidates)
        if not found:
            return _Finding(None, Method.NONE, 0.0, Decision.NONE, f"no name scores {t.floor:g}+")
        best = found[0]
        margin = best.score - (found[1].score if len(found) > 1 else 0.0)
        flags = (Flag.TRADER,) if sounds_like_trader(row.name) else ()
        text = f"{row.name!r} ~ {best.matched_name!r} {best.score:g}, lead {margin:g}"
        whole = self.index.plain_ratio(query, best.matched_name)  # "GAM" ≠ "GAM Boyertown"
        if best.score >= t.auto and margin >= t.margin and whole >= t.whole_name and not flags:
            decision = Decision.AUTO
        elif best.score >= t.review:
            decision = Decision.REVIEW
        else:
            return _Finding(
                None, Method.NONE, best.score, Decision.NONE, f"best {text}", flags, tuple(found)
            )
        return _Finding(
            best.smelter_id, Method.FUZZY, best.score, decision, text, flags, tuple(found)
        )

    # -- combining ----------------------------------------------------------------------------

    def _combine(
        self, row: _Row, by_id: _Finding | None, by_name: _Finding, flags: list[Flag]
    ) -> _Finding:
        if by_id is None:
            return self._capped(row, by_name, flags)
        assert by_id.smelter_id is not None
        if not row.name or by_name.smelter_id == by_id.smelter_id:
            return self._capped(row, _merge(by_id, by_name, "; the name agrees"), flags)
        trusted_name = by_name.decision is Decision.AUTO and by_name.smelter_id is not None
        if trusted_name:
            reason = f"{by_id.reason}, but {by_name.reason}"
            candidates = (self.index.candidate(by_id.smelter_id, "", 100.0), *by_name.candidates)
            conflict = _Finding(
                by_id.smelter_id, by_id.method, by_id.score, Decision.REVIEW, reason,
                (*by_id.flags, Flag.ID_NAME_CONFLICT), candidates,
            )  # fmt: skip
            return self._capped(row, conflict, flags)
        score, closest = self.index.similarity(row.name, by_id.smelter_id)
        if score >= self.thresholds.id_name_agreement:
            merged = _merge(by_id, by_name, f"; the name resembles {closest!r} ({score:.0f})")
            return self._capped(row, merged, flags)
        reason = f"{by_id.reason}, but the name {row.name!r} resembles none of its names"
        differs = replace(
            by_id, decision=Decision.REVIEW, reason=reason, flags=(*by_id.flags, Flag.NAME_DIFFERS)
        )
        return self._capped(row, differs, flags)

    def _capped(self, row: _Row, finding: _Finding, flags: list[Flag]) -> _Finding:
        """Doubts raised by other cells turn an automatic decision into a review."""
        smelter = self.reference.smelter(finding.smelter_id) if finding.smelter_id else None
        if (
            not flags
            and row.metal is not None
            and (smelter is None or not smelter.dropped)
            and (
                smelter is None
                or not row.country
                or not smelter.country_code
                or same_country(smelter.country_code, row.country)
            )
        ):  # no doubt from other cells (most rows): only a non-CID smelter is reviewed
            if finding.decision is Decision.AUTO and (
                smelter is None or smelter.smelter_id[0] != "C"
            ):
                return _Finding(
                    finding.smelter_id, finding.method, finding.score, Decision.REVIEW,
                    finding.reason, finding.flags, finding.candidates,
                )  # fmt: skip
            return finding
        flags = list(flags)
        if row.metal is None:
            flags.append(Flag.METAL_UNKNOWN)
        if (
            smelter
            and row.country
            and smelter.country_code
            and not same_country(smelter.country_code, row.country)
        ):
            flags.append(Flag.COUNTRY_MISMATCH)
        if smelter and smelter.dropped:
            flags.append(Flag.DROPPED)
        all_flags = tuple(dict.fromkeys((*finding.flags, *flags))) if flags else finding.flags
        doubt = row.metal is None or Flag.COUNTRY_MISMATCH in flags or _ID_DOUBTS & set(flags)
        decision = finding.decision
        if decision is Decision.AUTO and (doubt or smelter is None or smelter.smelter_id[0] != "C"):
            decision = Decision.REVIEW
        if decision is finding.decision and all_flags == finding.flags:
            return finding
        return _Finding(
            finding.smelter_id, finding.method, finding.score, decision, finding.reason,
            all_flags, finding.candidates,
        )  # fmt: skip

    def _result(self, row: _Row, finding: _Finding) -> Identification:
        smelter = self.reference.smelter(finding.smelter_id) if finding.smelter_id else None
        return _new_identification(
            row.query,
            smelter.smelter_id if smelter else finding.smelter_id,
            smelter.standard_name if smelter else "",
            smelter.metal if smelter else row.metal,
            smelter.country if smelter else "",
            finding.method,
            round(finding.score, 1),
            finding.decision,
            _explain(finding, row),
            finding.flags,
            finding.candidates,
        )


# Metal, country and ID cells repeat across rows: their readings are cached by cell value.


def _cached(value: object, cache: dict[object, object], read: Callable[[object], object]) -> object:
    key = (type(value), value)  # True, 1 and 1.0 are equal keys but different cells
    try:
        return cache[key]
    except KeyError:
        found = cache[key] = read(value)
        if len(cache) > 65536:
            cache.clear()
        return found
    except TypeError:  # an unhashable cell value
        return read(value)


_METALS: dict[object, object] = {}
_COUNTRIES: dict[object, object] = {}
_IDS: dict[object, object] = {}


def clear_caches() -> None:
    """Forget every cached reading of a cell and every normalised name (cold benchmarks)."""
    for cache in (_METALS, _COUNTRIES, _IDS):
        cache.clear()
    names.clear_caches()


def _read_metal(value: object) -> str | None:
    return canonical_metal(clean(value))


def _read_country(value: object) -> str | None:
    text = clean(value)
    return country_of(text) if text else None


def _metal_of(value: object) -> str | None:
    found = _cached(value, _METALS, _read_metal)
    return found if isinstance(found, str) else None


def _country_of(value: object) -> str | None:
    found = _cached(value, _COUNTRIES, _read_country)
    return found if isinstance(found, str) else None


def _parsed_id(value: object) -> ParsedId:
    found = _cached(value, _IDS, parse_smelter_id)
    assert isinstance(found, ParsedId)
    return found


def _for_query(known: Identification, query: SmelterQuery) -> Identification:
    """``replace(known, query=query)`` without the field introspection ``replace`` does on
    every call (repeated rows of a batch are most rows)."""
    return _new_identification(
        query, known.smelter_id, known.standard_name, known.metal, known.country, known.method,
        known.score, known.decision, known.reason, known.flags, known.candidates,
    )  # fmt: skip


def _chunks(queries: Iterable[SmelterQuery], size: int) -> Iterator[list[SmelterQuery]]:
    it = iter(queries)
    while chunk := list(islice(it, size)):
        yield chunk


def _may_be_id(name: str) -> bool:
    """Cheap test before parsing a name cell as an ID (CID…, or a legacy ID like 1DEU001)."""
    return name[:1].isdigit() or name[:3].upper() == "CID"


def _merge(by_id: _Finding, by_name: _Finding, agreement: str) -> _Finding:
    candidates = by_name.candidates or by_id.candidates
    return replace(by_id, reason=by_id.reason + agreement, candidates=candidates)


def _explain(finding: _Finding, row: _Row) -> str:
    if not row.parsed_id.note and not finding.flags:  # most rows
        return finding.reason
    notes = [finding.reason]
    if row.parsed_id.note:
        notes.append(row.parsed_id.note)
    if finding.flags:
        notes.append("flags: " + ", ".join(flag.value for flag in finding.flags))
    return "; ".join(notes)
