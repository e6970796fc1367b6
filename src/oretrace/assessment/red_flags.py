"""Supplier red flags: stable codes, each with a severity, default points and meaning.

:data:`RED_FLAGS` is the table (docs/assessment.md lists it too). A supplier without a
response gets ``no_response`` only; one whose response could not be read as a template
(``responded`` without a declaration, or an unreadable one) ``declaration_unreadable`` only.
Otherwise every rule below is checked, per metal the declaration says is necessary
(``in_scope`` Yes) unless said otherwise. A code raised for several metals is one flag
naming them all, so a problem counts once in the risk points.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from oretrace.assessment.inputs import DeclarationSummary, SupplierInput
from oretrace.assessment.settings import AssessmentSettings
from oretrace.assessment.smelters import SmelterAssessment
from oretrace.cmrt.findings import CODES as FINDING_CODES
from oretrace.cmrt.findings import Severity
from oretrace.cmrt.revisions import parse_revision
from oretrace.cmrt.semantics import MetalAnswers, Reply


class RiskLevel(StrEnum):
    """A red flag's severity, and a supplier's or product's risk level."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return _RANKS[self]


_RANKS = {RiskLevel.LOW: 0, RiskLevel.MEDIUM: 1, RiskLevel.HIGH: 2}
H, M, L = RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW

#: code → (severity, default points, meaning)
RED_FLAGS: dict[str, tuple[RiskLevel, int, str]] = {
    "no_response": (H, 10, "The supplier sent no declaration for the period."),
    "declaration_unreadable": (H, 10, "The file sent cannot be read as a reporting template."),
    "declaration_invalid": (M, 4, "The declaration has errors beyond missing fields."),
    "declaration_incomplete": (M, 3, "Fields the template requires are empty."),
    "revision_outdated": (L, 1, "The template revision is older than the minimum accepted."),
    "metal_use_unknown": (M, 3, "Whether a metal is necessary is unanswered or Unknown."),
    "covered_countries_yes": (H, 8, "Smelters source a metal from the covered countries."),
    "covered_countries_unknown": (M, 3, "Covered-country sourcing is unknown or unanswered."),
    "cahra_yes": (H, 8, "Smelters source a metal from conflict-affected and high-risk areas."),
    "cahra_unknown": (M, 2, "CAHRA sourcing is unknown or unanswered."),
    "smelters_not_identified": (M, 3, "Not all smelters are identified for a metal used."),
    "no_smelters_listed": (M, 3, "A metal is used but no smelter is listed for it."),
    "smelters_not_conformant": (L, 2, "A named smelter is not RMAP conformant at period end."),
    "smelter_covered_country": (M, 4, "A named smelter sources from the covered countries."),
    "smelter_in_cahra": (M, 3, "A named smelter is located in a CAHRA."),
    "low_upstream_response": (M, 2, "The supplier's own suppliers responded below threshold."),
    "not_all_reported": (L, 1, "Not all smelter information received was reported."),
    "no_sourcing_policy": (M, 2, "No responsible minerals sourcing policy."),
    "no_due_diligence": (M, 2, "No due diligence measures for responsible sourcing."),
    "policy_not_public": (L, 1, "The sourcing policy is not publicly available."),
    "scope_not_covering_parts": (M, 4, "The declaration's scope leaves out parts bought."),
}

#: Finding codes that mean "incomplete" (the rest of the error findings mean "invalid").
INCOMPLETE_FINDINGS = frozenset(
    {
        "required_missing",
        "whitespace_only",
        "scope_b_without_products",
        "scope_c_without_description",
    }
)
_ERROR_FINDINGS = frozenset(c for c, (sev, _) in FINDING_CODES.items() if sev is Severity.ERROR)


@dataclass(frozen=True, slots=True)
class RedFlag:
    code: str
    detail: str
    metals: tuple[str, ...] = ()
    smelters: tuple[str, ...] = ()

    @property
    def severity(self) -> RiskLevel:
        return RED_FLAGS[self.code][0]

    @property
    def meaning(self) -> str:
        return RED_FLAGS[self.code][2]


def red_flags(
    supplier: SupplierInput,
    smelters: Mapping[str, SmelterAssessment] | None = None,
    settings: AssessmentSettings | None = None,
    metals: Iterable[str] | None = None,
) -> tuple[RedFlag, ...]:
    """The supplier's red flags for the period. ``metals``: limit to these (default: all)."""
    settings = settings or AssessmentSettings()
    declaration = supplier.declaration
    if declaration is None and not supplier.responded:
        return (RedFlag("no_response", "no declaration received"),)
    if declaration is None or not declaration.readable:
        return (RedFlag("declaration_unreadable", "what was sent could not be read"),)
    wanted = {m.casefold() for m in metals} if metals is not None else None
    chosen = [
        answers
        for name, answers in declaration.metals.items()
        if wanted is None or name.casefold() in wanted
    ]
    flags = [*_file_flags(declaration, settings), *_scope_flags(supplier)]
    for answers in chosen:
        flags += _metal_flags(declaration, answers, smelters or {}, settings)
    if any(a.in_scope is Reply.YES for a in chosen):
        flags += _company_flags(declaration)
    return _merged(flags)


def _merged(flags: list[RedFlag]) -> tuple[RedFlag, ...]:
    """One flag per code: the same problem in several metals counts once, naming them all."""
    by_code: dict[str, list[RedFlag]] = {}
    for flag in flags:
        by_code.setdefault(flag.code, []).append(flag)
    return tuple(
        RedFlag(
            code,
            "; ".join(f.detail for f in same),
            tuple(dict.fromkeys(m for f in same for m in f.metals)),
            tuple(sorted({s for f in same for s in f.smelters})),
        )
        for code, same in by_code.items()
    )


def _file_flags(declaration: DeclarationSummary, settings: AssessmentSettings) -> list[RedFlag]:
    flags: list[RedFlag] = []
    codes = declaration.finding_codes
    incomplete = sorted(codes & INCOMPLETE_FINDINGS)
    if incomplete:
        flags.append(RedFlag("declaration_incomplete", ", ".join(incomplete)))
    errors = sorted((codes & _ERROR_FINDINGS) - INCOMPLETE_FINDINGS)
    if errors or (not declaration.valid and not incomplete):
        flags.append(RedFlag("declaration_invalid", ", ".join(errors) or "marked not valid"))
    minimum = settings.minimum_revision.get(declaration.template)
    revision = parse_revision(declaration.revision)
    older = minimum is not None and revision is not None and revision < minimum
    if older or "revision_outdated" in codes:
        detail = f"{declaration.template} {declaration.revision} (minimum {minimum})"
        flags.append(RedFlag("revision_outdated", detail))
    return flags


def _scope_flags(supplier: SupplierInput) -> list[RedFlag]:
    missing = sorted(supplier.parts_not_covered)
    if not missing:
        return []
    shown = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
    return [RedFlag("scope_not_covering_parts", f"{len(missing)} part(s) not covered: {shown}")]


def _metal_flags(
    declaration: DeclarationSummary,
    answers: MetalAnswers,
    smelters: Mapping[str, SmelterAssessment],
    settings: AssessmentSettings,
) -> list[RedFlag]:
    metal = answers.metal
    scope = answers.in_scope
    if scope in (Reply.UNKNOWN, Reply.UNANSWERED):
        return [RedFlag("metal_use_unknown", f"{metal}: necessary? {scope}", (metal,))]
    if scope is not Reply.YES:
        return []
    flags = _answer_flags(answers, settings)
    flags += _smelter_flags(declaration, metal, smelters)
    if answers.all_smelters_identified is Reply.NO and not any(
        f.code == "smelters_not_identified" for f in flags
    ):
        flags.append(RedFlag("smelters_not_identified", f"{metal}: declared No", (metal,)))
    return flags


def _answer_flags(answers: MetalAnswers, settings: AssessmentSettings) -> list[RedFlag]:
    metal = answers.metal
    flags: list[RedFlag] = []
    for meaning, reply in (
        ("covered_countries", answers.covered_countries),
        ("cahra", answers.cahra),
    ):
        if reply is Reply.YES:
            flags.append(RedFlag(f"{meaning}_yes", f"{metal}: answered Yes", (metal,)))
        elif reply in (Reply.UNKNOWN, Reply.UNANSWERED):
            flags.append(RedFlag(f"{meaning}_unknown", f"{metal}: {reply}", (metal,)))
    floor = answers.response_floor
    if floor is not None and floor < settings.minimum_upstream_response:
        detail = f"{metal}: {answers.response}"
        flags.append(RedFlag("low_upstream_response", detail, (metal,)))
    if answers.all_reported is Reply.NO:
        flags.append(RedFlag("not_all_reported", f"{metal}: declared No", (metal,)))
    return flags


def _smelter_flags(
    declaration: DeclarationSummary, metal: str, smelters: Mapping[str, SmelterAssessment]
) -> list[RedFlag]:
    refs = declaration.smelters_for(metal)
    if not refs:
        return [RedFlag("no_smelters_listed", f"{metal}: no smelter rows", (metal,))]
    flags: list[RedFlag] = []
    unidentified = [r.name or r.smelter_id or f"row {r.row}" for r in refs if not r.identified]
    if unidentified:
        detail = f"{metal}: {len(unidentified)} of {len(refs)} rows not identified"
        flags.append(RedFlag("smelters_not_identified", detail, (metal,)))
    ids_named = {r.smelter_id for r in refs if r.identified and r.smelter_id is not None}
    known = [smelters[i] for i in sorted(ids_named) if i in smelters]
    for code, chosen in (
        ("smelters_not_conformant", [s for s in known if not s.conformant]),
        ("smelter_covered_country", [s for s in known if s.sources_covered_countries]),
        ("smelter_in_cahra", [s for s in known if s.in_cahra]),
    ):
        ids = tuple(sorted({s.smelter_id for s in chosen}))
        if ids:
            flags.append(RedFlag(code, f"{metal}: {', '.join(ids)}", (metal,), ids))
    return flags


def _company_flags(declaration: DeclarationSummary) -> list[RedFlag]:
    company = declaration.company
    flags: list[RedFlag] = []
    for code, reply in (
        ("no_sourcing_policy", company.has_policy),
        ("no_due_diligence", company.due_diligence_measures),
    ):
        if reply in (Reply.NO, Reply.UNANSWERED, Reply.UNKNOWN):
            flags.append(RedFlag(code, f"answered {reply}"))
    if company.has_policy is Reply.YES and company.policy_public is Reply.NO:
        flags.append(RedFlag("policy_not_public", "answered No"))
    return flags
