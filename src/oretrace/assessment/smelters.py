"""Per smelter at period end: RMAP status from the dated history, country flags, who names it.

The status is the newest :class:`~oretrace.assessment.inputs.StatusEvent` effective on or
before the period's last day (none: ``None``, i.e. not known to RMAP). Conformant means
that status is one of :attr:`AssessmentSettings.conformant_statuses`. Country flags come
from the smelter's location and the dated country lists on the same day: located in a
covered country, in a CAHRA, its RMI country risk level. A smelter *sources from covered
countries* when it is located in one or the reference says it sources from them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from oretrace.assessment.inputs import SmelterFacts, SmelterRef, StatusEvent, SupplierInput
from oretrace.assessment.reference_data import CountryLists
from oretrace.assessment.settings import AssessmentSettings


@dataclass(frozen=True, slots=True)
class SmelterAssessment:
    smelter_id: str
    metal: str
    name: str | None
    country_iso2: str | None
    status: str | None  # RMAP status at period end, as RMI names it
    status_since: dt.date | None
    conformant: bool
    in_covered_country: bool
    in_cahra: bool
    rmi_risk_level: int | None
    sources_covered_countries: bool  # located in a covered country, or known to source there
    named_by: tuple[str, ...]  # supplier ids, sorted

    @property
    def supplier_count(self) -> int:
        return len(self.named_by)


def status_at(events: Iterable[StatusEvent], smelter_id: str, when: dt.date) -> StatusEvent | None:
    """The status event in force on ``when`` for ``smelter_id`` (newest effective first)."""
    known = [e for e in events if e.smelter_id == smelter_id and e.effective_date <= when]
    return max(known, key=lambda e: e.effective_date, default=None)


def assess_smelters(
    period_end: dt.date,
    suppliers: Iterable[SupplierInput],
    facts: Iterable[SmelterFacts] = (),
    events: Iterable[StatusEvent] = (),
    countries: CountryLists | None = None,
    settings: AssessmentSettings | None = None,
) -> dict[str, SmelterAssessment]:
    """Smelter id → assessment, for every smelter named by a supplier or in ``facts``."""
    countries = countries or CountryLists.packaged()
    settings = settings or AssessmentSettings()
    by_id = {f.smelter_id: f for f in facts}
    named = _named(suppliers)
    history = _history(events)
    result: dict[str, SmelterAssessment] = {}
    for smelter_id in sorted(set(by_id) | set(named)):
        refs = named.get(smelter_id, {})
        fact = by_id.get(smelter_id) or _facts_from_refs(smelter_id, list(refs.values()))
        event = status_at(history.get(smelter_id, ()), smelter_id, period_end)
        result[smelter_id] = _assess(fact, event, sorted(refs), period_end, countries, settings)
    return result


def _named(suppliers: Iterable[SupplierInput]) -> dict[str, dict[str, SmelterRef]]:
    """Smelter id → supplier id → the row naming it (identified rows of readable files)."""
    named: dict[str, dict[str, SmelterRef]] = defaultdict(dict)
    for supplier in suppliers:
        declaration = supplier.usable_declaration
        if declaration is None:
            continue
        for ref in declaration.smelters:
            if ref.smelter_id is not None and ref.identified:
                named[ref.smelter_id].setdefault(supplier.supplier_id, ref)
    return named


def _history(events: Iterable[StatusEvent]) -> dict[str, list[StatusEvent]]:
    history: dict[str, list[StatusEvent]] = defaultdict(list)
    for event in events:
        history[event.smelter_id].append(event)
    return history


def _facts_from_refs(smelter_id: str, refs: list[SmelterRef]) -> SmelterFacts:
    """No reference facts: take metal, name and country from the suppliers' rows."""
    first = refs[0]
    country = next((r.country_iso2 for r in refs if r.country_iso2), None)
    return SmelterFacts(smelter_id, first.metal, first.name or "", country)


def _assess(
    fact: SmelterFacts,
    event: StatusEvent | None,
    named_by: list[str],
    when: dt.date,
    countries: CountryLists,
    settings: AssessmentSettings,
) -> SmelterAssessment:
    covered = countries.is_covered(fact.country_iso2, when)
    status = event.status if event is not None else None
    return SmelterAssessment(
        smelter_id=fact.smelter_id,
        metal=fact.metal,
        name=fact.name or None,
        country_iso2=fact.country_iso2,
        status=status,
        status_since=event.effective_date if event is not None else None,
        conformant=is_conformant(status, settings),
        in_covered_country=covered,
        in_cahra=countries.is_cahra(fact.country_iso2, when),
        rmi_risk_level=countries.risk_level(fact.country_iso2, when),
        sources_covered_countries=covered or bool(fact.sources_covered_countries),
        named_by=tuple(named_by),
    )


def is_conformant(status: str | None, settings: AssessmentSettings) -> bool:
    if status is None:
        return False
    folded = " ".join(status.casefold().split())
    return folded in {" ".join(s.casefold().split()) for s in settings.conformant_statuses}
