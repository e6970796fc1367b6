"""The Reasonable Country of Origin Inquiry conclusion, per metal and period, with its evidence.

Inputs: every supplier surveyed for the period (responding or not), and the period-end
smelter assessments. For the metal, a supplier is a *user* when its readable declaration
says the metal is necessary (intentionally added and remaining: ``in_scope`` Yes), a
*non-user* when it says No. *Coverage* is the share of surveyed suppliers whose **valid**
declaration answers Yes or No for the metal.

Rules, first match wins (``sufficient`` = :attr:`AssessmentSettings.sufficient_coverage`):

1. ``may_be_from_covered_countries`` — any readable declaration not ruling the metal out
   answers covered countries Yes, or names a smelter of the metal that sources from the
   covered countries (located in one, or known to source there), or names an
   unidentified smelter row whose country is a covered country. Evidence: those
   suppliers and smelters. Low coverage does not soften this: one reason to believe is
   enough (SEC Rule 13p-1, Item 1.01(c)).
2. ``no_3tg_necessary`` — no supplier is a user, at least one valid non-user, and coverage
   ≥ sufficient. Evidence: the non-users.
3. ``undeterminable`` — when any of these holds (each is a reason): no users and coverage
   < sufficient; coverage < sufficient; a user's declaration is not valid; a user that
   does not answer recycled-only Yes also does not answer covered countries No (EMRT and
   CRT ask about CAHRAs instead: CAHRAs No), or does not answer all smelters identified
   Yes, or names no smelter for the metal, or names a smelter that is not identified, or
   (when conformance is required) one not conformant at period end. Evidence: the
   suppliers and smelters behind each reason, plus the suppliers not counted in coverage.
4. ``recycled_or_scrap_only`` — every user answers recycled-only Yes. Evidence: the users.
5. ``not_from_covered_countries`` — otherwise: every user is either recycled-only or
   answered covered countries No with all its smelters identified (and conformant).
   Evidence: the users and the smelters they name.

Monotone by construction: adding a supplier that answers covered countries Yes yields
rule 1; adding a non-responding supplier only lowers coverage.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from oretrace.assessment.inputs import METALS_3TG, Period, SmelterRef, SupplierInput
from oretrace.assessment.reference_data import CountryList, CountryLists
from oretrace.assessment.settings import AssessmentSettings
from oretrace.assessment.smelters import SmelterAssessment
from oretrace.cmrt.semantics import MetalAnswers, Reply


class Conclusion(StrEnum):
    NO_3TG_NECESSARY = "no_3tg_necessary"
    RECYCLED_OR_SCRAP_ONLY = "recycled_or_scrap_only"
    NOT_FROM_COVERED_COUNTRIES = "not_from_covered_countries"
    UNDETERMINABLE = "undeterminable"
    MAY_BE_FROM_COVERED_COUNTRIES = "may_be_from_covered_countries"

    @property
    def concern(self) -> int:
        """0 for the favourable conclusions, 1 undeterminable, 2 may be from covered countries."""
        return {Conclusion.UNDETERMINABLE: 1, Conclusion.MAY_BE_FROM_COVERED_COUNTRIES: 2}.get(
            self, 0
        )

    @property
    def needs_due_diligence(self) -> bool:
        """Whether the SEC rule asks for due diligence and a Conflict Minerals Report."""
        return self.concern > 0


@dataclass(frozen=True, slots=True)
class RcoiResult:
    metal: str
    period: str
    conclusion: Conclusion
    reasons: tuple[str, ...]
    suppliers: tuple[str, ...]  # evidence: supplier ids
    smelters: tuple[str, ...]  # evidence: smelter ids
    coverage: float
    surveyed: int
    users: tuple[str, ...]
    non_users: tuple[str, ...]


@dataclass(slots=True)
class _Tally:
    users: list[SupplierInput]
    non_users: list[SupplierInput]  # valid declarations only
    counted: set[str]  # supplier ids counted in coverage
    surveyed: int

    @property
    def coverage(self) -> float:
        return len(self.counted) / self.surveyed if self.surveyed else 0.0


def conclude_all(
    suppliers: Sequence[SupplierInput],
    smelters: Mapping[str, SmelterAssessment],
    metals: Iterable[str] = METALS_3TG,
    settings: AssessmentSettings | None = None,
    period: Period | None = None,
    countries: CountryLists | None = None,
) -> dict[str, RcoiResult]:
    return {m: conclude(m, suppliers, smelters, settings, period, countries) for m in metals}


def conclude(
    metal: str,
    suppliers: Sequence[SupplierInput],
    smelters: Mapping[str, SmelterAssessment],
    settings: AssessmentSettings | None = None,
    period: Period | None = None,
    countries: CountryLists | None = None,
) -> RcoiResult:
    """The RCOI conclusion for ``metal`` (rules in the module docstring).

    ``countries`` (packaged lists by default) flags smelter rows that were not identified
    but give a covered country; they are judged on the lists valid at ``period``'s end.
    """
    settings = settings or AssessmentSettings()
    tally = _tally(metal, suppliers)
    covered = _covered_codes(period, countries)

    def result(
        conclusion: Conclusion, reasons: list[str], who: Iterable[str], which: Iterable[str]
    ) -> RcoiResult:
        return RcoiResult(
            metal=metal,
            period=period.label if period is not None else "",
            conclusion=conclusion,
            reasons=tuple(reasons),
            suppliers=tuple(sorted(set(who))),
            smelters=tuple(sorted(set(which))),
            coverage=tally.coverage,
            surveyed=tally.surveyed,
            users=tuple(sorted(s.supplier_id for s in tally.users)),
            non_users=tuple(sorted(s.supplier_id for s in tally.non_users)),
        )

    flagged = _covered_evidence(metal, suppliers, smelters, covered)
    if flagged is not None:
        return result(Conclusion.MAY_BE_FROM_COVERED_COUNTRIES, *flagged)
    uncounted = [s.supplier_id for s in suppliers if s.supplier_id not in tally.counted]
    short = tally.coverage < settings.sufficient_coverage
    coverage_reason = (
        f"{len(tally.counted)} of {tally.surveyed} suppliers answered validly for {metal} "
        f"({tally.coverage:.0%}, below {settings.sufficient_coverage:.0%})"
    )
    if not tally.users:
        if not short and tally.non_users:
            reason = f"no supplier declares {metal} necessary ({tally.coverage:.0%} answered)"
            return result(Conclusion.NO_3TG_NECESSARY, [reason], tally.counted, ())
        return result(Conclusion.UNDETERMINABLE, [coverage_reason], uncounted, ())
    reasons, who, which = _blockers(metal, tally.users, smelters, settings)
    if short:
        reasons.insert(0, coverage_reason)
        who += uncounted
    if reasons:
        return result(Conclusion.UNDETERMINABLE, reasons, who, which)
    users = [s.supplier_id for s in tally.users]
    named = [r.smelter_id for s in tally.users for r in _refs(s, metal) if r.smelter_id]
    if all(_declared(s, metal).recycled_only is Reply.YES for s in tally.users):
        reason = f"every supplier using {metal} declares it 100% recycled or scrap"
        return result(Conclusion.RECYCLED_OR_SCRAP_ONLY, [reason], users, named)
    reason = f"every supplier using {metal} rules out the covered countries or is recycled-only"
    return result(Conclusion.NOT_FROM_COVERED_COUNTRIES, [reason], users, named)


def _tally(metal: str, suppliers: Sequence[SupplierInput]) -> _Tally:
    users: list[SupplierInput] = []
    non_users: list[SupplierInput] = []
    counted: set[str] = set()
    for supplier in suppliers:
        declaration = supplier.usable_declaration
        uses = declaration.uses(metal) if declaration is not None else Reply.UNANSWERED
        if uses is Reply.YES:
            users.append(supplier)
        valid = supplier.valid_declaration is not None
        if valid and uses is Reply.NO:
            non_users.append(supplier)
        if valid and uses in (Reply.YES, Reply.NO):
            counted.add(supplier.supplier_id)
    return _Tally(users, non_users, counted, len(suppliers))


def _covered_codes(period: Period | None, countries: CountryLists | None) -> frozenset[str]:
    lists = countries or CountryLists.packaged()
    when = period.end if period is not None else dt.date.today()
    return lists.codes(CountryList.COVERED, when)


def _covered_evidence(
    metal: str,
    suppliers: Sequence[SupplierInput],
    smelters: Mapping[str, SmelterAssessment],
    covered: frozenset[str],
) -> tuple[list[str], list[str], list[str]] | None:
    reasons: list[str] = []
    who: list[str] = []
    which: list[str] = []
    for supplier in suppliers:
        declaration = supplier.usable_declaration
        if declaration is None or declaration.uses(metal) is Reply.NO:
            continue
        if declaration.metal(metal).covered_countries is Reply.YES:
            reasons.append(f"{supplier.supplier_id} answers covered countries Yes for {metal}")
            who.append(supplier.supplier_id)
        for ref in declaration.smelters_for(metal):
            known = smelters.get(ref.smelter_id or "")
            if known is not None and known.sources_covered_countries:
                reasons.append(
                    f"{supplier.supplier_id} names {known.smelter_id}, "
                    "which sources from the covered countries"
                )
                which.append(known.smelter_id)
            elif known is None and ref.country_iso2 in covered:
                name = ref.name or ref.smelter_id or "a smelter"
                reasons.append(f"{supplier.supplier_id} names {name} in {ref.country_iso2}")
            else:
                continue
            who.append(supplier.supplier_id)
    return (reasons, who, which) if reasons else None


def _blockers(
    metal: str,
    users: list[SupplierInput],
    smelters: Mapping[str, SmelterAssessment],
    settings: AssessmentSettings,
) -> tuple[list[str], list[str], list[str]]:
    """Why the users' declarations do not support a favourable conclusion."""
    reasons: list[str] = []
    who: list[str] = []
    which: list[str] = []
    for supplier in users:
        found = _user_blockers(supplier, metal, smelters, settings)
        for reason, smelter_id in found:
            reasons.append(f"{supplier.supplier_id}: {reason}")
            who.append(supplier.supplier_id)
            if smelter_id is not None:
                which.append(smelter_id)
    return reasons, who, which


def _user_blockers(
    supplier: SupplierInput,
    metal: str,
    smelters: Mapping[str, SmelterAssessment],
    settings: AssessmentSettings,
) -> list[tuple[str, str | None]]:
    if supplier.valid_declaration is None:
        return [("declaration is not valid", None)]
    answers = _declared(supplier, metal)
    if answers.recycled_only is Reply.YES:
        return []
    found: list[tuple[str, str | None]] = []
    covered = covered_countries(answers)
    if covered is not Reply.NO:
        asked = "" if answers.cahra is Reply.NOT_ASKED else f", CAHRAs answered {answers.cahra}"
        found.append((f"covered countries answered {covered}{asked}", None))
    if answers.all_smelters_identified is not Reply.YES:
        found.append((f"all smelters identified answered {answers.all_smelters_identified}", None))
    refs = _refs(supplier, metal)
    if not refs:
        found.append((f"names no smelter for {metal}", None))
    for ref in refs:
        known = smelters.get(ref.smelter_id or "") if ref.identified else None
        if known is None:
            found.append((f"smelter {ref.smelter_id or ref.name or '?'} is not identified", None))
        elif settings.require_conformant_smelters and not known.conformant:
            status = known.status or "no RMAP status"
            found.append(
                (f"smelter {known.smelter_id} is not conformant ({status})", ref.smelter_id)
            )
    return found


def covered_countries(answers: MetalAnswers) -> Reply:
    """Covered-country sourcing as declared. EMRT and CRT ask about CAHRAs instead: a No there
    rules out the covered countries too, as each of them is a CAHRA."""
    if answers.covered_countries is Reply.NOT_ASKED and answers.cahra is Reply.NO:
        return Reply.NO
    return answers.covered_countries


def _declared(supplier: SupplierInput, metal: str) -> MetalAnswers:
    declaration = supplier.usable_declaration
    return declaration.metal(metal) if declaration is not None else MetalAnswers(metal)


def _refs(supplier: SupplierInput, metal: str) -> tuple[SmelterRef, ...]:
    declaration = supplier.usable_declaration
    return declaration.smelters_for(metal) if declaration is not None else ()
