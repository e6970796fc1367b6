"""Our own per-metal answers (CMRT 6.x Q1–Q8) for the roll-up CMRT, derived from suppliers.

Pure: the answers follow from the suppliers' declarations for the period (each already
mapped to revision-independent meanings, :class:`oretrace.cmrt.semantics.MetalAnswers`), the
consolidated smelter list and our response rate. The rules (also in ``docs/rollup.md``):

*Declarations counted* — every declaration that could be read, valid or not: a file with
findings still says what it says, and leaving it out could only make our answers rosier.
A *user* of a metal is a declaration answering Q1 (intentionally added or used) Yes and
Q2 (remains in the product) anything but No.

* **Q1** Yes if any declaration answers intentionally added/used Yes; otherwise No.
* **Q2** Yes if any declaration answering Q1 Yes does not answer remains No (Yes, Unknown,
  unanswered, or not asked as in CMRT 1.00/2.x, whose one question covers both); else No.
* **Q3** (covered countries) worst case: Yes if any user answers Yes or a listed smelter
  of the metal is located in a covered country; else Unknown if any user answers Unknown
  or leaves it unanswered (or its revision does not ask it), or there is no user; else No.
* **Q4** (conflict-affected and high-risk areas) the same, with the CAHRA answer and
  smelters located in a CAHRA. Revisions before 6.0 do not ask it, so they give Unknown.
* **Q5** (100% recycled or scrap) Yes only if every user answers Yes; No if any user
  answers No; else Unknown.
* **Q6** our own response rate (suppliers that responded ÷ suppliers surveyed; which
  non-responders supply which metal is unknowable, so every surveyed supplier counts as
  relevant) in the 6.x bands: 100%, Greater than 90%, Greater than 75%, Greater than 50%,
  50% or less, None.
* **Q7** (all smelters identified) Yes only if every surveyed supplier responded, every
  user answers its own Q7 Yes, every smelter row the users give for the metal was
  identified, and at least one smelter of the metal is listed; else No.
* **Q8** (all smelter information received is reported) Yes when every smelter the users
  name for the metal could be identified (we list every identified smelter); No when
  some rows could not be identified, because those rows are not in our list.

The template's Checker logic is kept: when Q1 is No, Q2–Q8 stay empty; when Q2 is No,
Q3–Q8 stay empty. Every answer comes with a comment giving its basis in numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from oretrace.assessment.inputs import DeclarationSummary, SupplierInput
from oretrace.cmrt.semantics import MetalAnswers, Reply
from oretrace.reporting.data import METALS_3TG, MetalAnswersLine, SmelterLine

YES, NO, UNKNOWN = "Yes", "No", "Unknown"

#: The 6.x Q6 bands, highest first: (lowest share strictly above which the band applies).
RESPONSE_BANDS = (
    ("Greater than 90%", 0.9),
    ("Greater than 75%", 0.75),
    ("Greater than 50%", 0.5),
)


def response_band(rate: float) -> str:
    """A response rate (0–1) as the CMRT 6.x Q6 answer."""
    if rate >= 1:
        return "100%"
    for band, floor in RESPONSE_BANDS:
        if rate > floor:
            return band
    return "50% or less" if rate > 0 else "None"


@dataclass(frozen=True, slots=True)
class _Metal:
    """What the answers for one metal are computed from."""

    metal: str
    declarations: tuple[DeclarationSummary, ...]
    smelters: tuple[SmelterLine, ...]
    response_rate: float
    # the declarations saying the metal is intentionally added, and of those the ones not
    # ruling out that it remains: read by most rules, so selected once (ADR 0022)
    declaring_intentional: tuple[DeclarationSummary, ...] = ()
    users: tuple[DeclarationSummary, ...] = ()

    @classmethod
    def of(
        cls,
        metal: str,
        declarations: tuple[DeclarationSummary, ...],
        smelters: tuple[SmelterLine, ...],
        response_rate: float,
    ) -> _Metal:
        intentional = tuple(d for d in declarations if d.metal(metal).intentional is Reply.YES)
        users = tuple(d for d in intentional if d.metal(metal).remains is not Reply.NO)
        return cls(metal, declarations, smelters, response_rate, intentional, users)

    def answers(self, declaration: DeclarationSummary) -> MetalAnswers:
        return declaration.metal(self.metal)


def derive_answers(
    suppliers: Sequence[SupplierInput],
    smelters: Sequence[SmelterLine],
    response_rate: float,
    metals: Iterable[str] = METALS_3TG,
) -> tuple[MetalAnswersLine, ...]:
    """Per metal, our Q1–Q8 answers and their comments (rules in the module docstring)."""
    declarations = tuple(d for s in suppliers if (d := s.usable_declaration) is not None)
    lines = []
    for metal in metals:
        ours = tuple(s for s in smelters if s.metal.casefold() == metal.casefold())
        lines.append(_line(_Metal.of(metal, declarations, ours, response_rate)))
    return tuple(lines)


def _line(facts: _Metal) -> MetalAnswersLine:
    answers: dict[str, str] = {}
    comments: dict[str, str] = {}
    for key, rule in _RULES:
        answer, comment = rule(facts)
        answers[key], comments[key] = answer, comment
        if answer == NO and key in ("Q1", "Q2"):
            break  # the template asks nothing more for this metal
    return MetalAnswersLine(facts.metal, answers, comments)


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def _q1(facts: _Metal) -> tuple[str, str]:
    found = len(facts.declaring_intentional)
    total = _count(len(facts.declarations), "supplier declaration")
    if found:
        return YES, f"{found} of {total} declare {facts.metal} intentionally added or used."
    return NO, f"None of {total} declares {facts.metal} intentionally added or used."


def _q2(facts: _Metal) -> tuple[str, str]:
    users, asked = len(facts.users), len(facts.declaring_intentional)
    if users:
        return (
            YES,
            f"{users} of {asked} declarations using {facts.metal} do not rule out "
            "that it remains in the product.",
        )
    return NO, f"All {asked} declarations using {facts.metal} say it does not remain."


def _worst_case(
    facts: _Metal,
    reply: Callable[[MetalAnswers], Reply],
    flagged: Callable[[SmelterLine], bool],
    place: str,
) -> tuple[str, str]:
    replies = [reply(facts.answers(d)) for d in facts.users]
    smelters = [s.smelter_id for s in facts.smelters if flagged(s)]
    said_yes = replies.count(Reply.YES)
    if said_yes or smelters:
        parts = []
        if said_yes:
            parts.append(f"{_count(said_yes, 'supplier declaration')} answer Yes")
        if smelters:
            parts.append(f"listed smelter(s) located in {place}: {', '.join(sorted(smelters))}")
        return YES, "; ".join(parts) + "."
    open_ = sum(r is not Reply.NO for r in replies)
    if open_ or not replies:
        return (
            UNKNOWN,
            f"{open_} of {len(replies)} declarations using {facts.metal} do not answer No.",
        )
    return (
        NO,
        f"All {len(replies)} declarations using {facts.metal} answer No; "
        f"no listed smelter is located in {place}.",
    )


def _q3(facts: _Metal) -> tuple[str, str]:
    return _worst_case(
        facts, lambda a: a.covered_countries, lambda s: s.in_covered_country, "a covered country"
    )


def _q4(facts: _Metal) -> tuple[str, str]:
    return _worst_case(facts, lambda a: a.cahra, lambda s: s.in_cahra, "a CAHRA")


def _q5(facts: _Metal) -> tuple[str, str]:
    replies = [facts.answers(d).recycled_only for d in facts.users]
    yes = replies.count(Reply.YES)
    basis = f"{yes} of {len(replies)} declarations using {facts.metal} declare it 100% recycled."
    if replies and yes == len(replies):
        return YES, basis
    if Reply.NO in replies:
        return NO, basis
    return UNKNOWN, basis


def _q6(facts: _Metal) -> tuple[str, str]:
    rate = facts.response_rate
    return response_band(rate), f"{rate:.0%} of the suppliers surveyed responded."


def _q7(facts: _Metal) -> tuple[str, str]:
    gaps = []
    if facts.response_rate < 1:
        gaps.append(f"only {facts.response_rate:.0%} of the suppliers surveyed responded")
    not_all = sum(facts.answers(d).all_smelters_identified is not Reply.YES for d in facts.users)
    if not_all:
        gaps.append(f"{not_all} declaration(s) do not say all their smelters are identified")
    unidentified = _unidentified_rows(facts)
    if unidentified:
        gaps.append(f"{unidentified} smelter row(s) could not be identified")
    if not facts.smelters:
        gaps.append(f"no {facts.metal} smelter is listed")
    if gaps:
        return NO, "Not all: " + "; ".join(gaps) + "."
    return YES, f"{_count(len(facts.smelters), 'smelter')} identified for {facts.metal}."


def _q8(facts: _Metal) -> tuple[str, str]:
    unidentified = _unidentified_rows(facts)
    if unidentified:
        return (
            NO,
            f"{unidentified} smelter row(s) received could not be identified and are "
            "not in the Smelter List.",
        )
    return YES, "Every smelter identified from the declarations is in the Smelter List."


def _unidentified_rows(facts: _Metal) -> int:
    return sum(
        not (ref.identified and ref.smelter_id)
        for d in facts.users
        for ref in d.smelters_for(facts.metal)
    )


_RULES: tuple[tuple[str, Callable[[_Metal], tuple[str, str]]], ...] = (
    ("Q1", _q1),
    ("Q2", _q2),
    ("Q3", _q3),
    ("Q4", _q4),
    ("Q5", _q5),
    ("Q6", _q6),
    ("Q7", _q7),
    ("Q8", _q8),
)
