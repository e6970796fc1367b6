"""What a declaration's answers mean, whatever the revision asked them as.

Every template revision numbers its questions differently: the covered-countries question
is Q2 in CMRT 2.x, Q3 in 3.x–6.x; recycled-or-scrap is Q3, Q4 or Q5; the response rate is
"No but > 75%" in 2.x, "No, but greater than 75%" in 3.x and "Greater than 75%" in 6.x.
This module maps each revision's questions (keys and answer lists as in
:mod:`oretrace.cmrt.layouts`) onto one revision-independent vocabulary, per metal
(:class:`MetalAnswers`) and per company (:class:`CompanyAnswers`), so assessment and
year-over-year comparison never look at question numbers.

A meaning a revision does not ask is :attr:`Reply.NOT_ASKED`; a question asked but left
empty is :attr:`Reply.UNANSWERED`; text that is none of the allowed answers counts as
:attr:`Reply.UNKNOWN` (the checks report it as ``answer_not_allowed``).

Older revisions are mapped best effort: CMRT 1.00/2.x ask whether a metal is *necessary*
(read here as intentionally added and remaining) and whether it *comes from* a recycler or
scrap supplier (read as recycled-only; :attr:`MetalAnswers.approximate` names such
meanings). 4.x/5.x use the 3.x map, as their cell map does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from oretrace.cmrt.answers import answer_key
from oretrace.cmrt.model import Declaration


class Reply(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"  # "Unknown", "Uncertain or Unknown", or text that is no allowed answer
    UNANSWERED = "unanswered"  # asked, left empty
    NOT_ASKED = "not_asked"  # this revision does not ask it (or the mineral is not declared)


class ResponseBand(StrEnum):
    """The share of relevant upstream suppliers that responded, as the templates band it."""

    ALL = "100%"
    OVER_90 = "greater than 90%"
    OVER_75 = "greater than 75%"
    OVER_50 = "greater than 50%"
    OVER_25 = "greater than 25%"
    AT_MOST_50 = "50% or less"
    UNDER_25 = "less than 25%"
    NONE = "none"
    NOT_SURVEYED = "did not survey"
    UNKNOWN = "unknown"

    @property
    def floor(self) -> float:
        """The lowest share the band allows (a lower bound: unknown bands give 0)."""
        return _FLOORS.get(self, 0.0)


_FLOORS = {
    ResponseBand.ALL: 1.0,
    ResponseBand.OVER_90: 0.9,
    ResponseBand.OVER_75: 0.75,
    ResponseBand.OVER_50: 0.5,
    ResponseBand.OVER_25: 0.25,
}


class Meaning(StrEnum):
    """Revision-independent per-metal meanings."""

    INTENTIONAL = "intentional"  # intentionally added or used (1.00/2.x: necessary)
    REMAINS = "remains"  # remains in the product
    COVERED_COUNTRIES = "covered_countries"  # smelters source from the DRC or adjoining countries
    CAHRA = "cahra"  # smelters source from conflict-affected and high-risk areas
    RECYCLED_ONLY = "recycled_only"  # 100% from recycled or scrap sources
    RESPONSE = "response"  # share of relevant suppliers that responded
    ALL_SMELTERS_IDENTIFIED = "all_smelters_identified"
    ALL_REPORTED = "all_reported"  # all smelter information received is reported
    ALL_SMELTERS_VALIDATED = "all_smelters_validated"  # 1.00/2.x: all on the CFS list


class CompanyMeaning(StrEnum):
    HAS_POLICY = "has_policy"
    POLICY_PUBLIC = "policy_public"
    REQUIRES_VALIDATED_SMELTERS = "requires_validated_smelters"
    DUE_DILIGENCE_MEASURES = "due_diligence_measures"
    SURVEYS_SUPPLIERS = "surveys_suppliers"
    REVIEWS_SUPPLIER_INFORMATION = "reviews_supplier_information"
    CORRECTIVE_ACTIONS = "corrective_actions"
    FILES_DISCLOSURE = "files_disclosure"


M, C = Meaning, CompanyMeaning


def _numbered(*meanings: Meaning) -> dict[Meaning, str]:
    """Meaning → question key, for a revision asking ``meanings`` as Q1, Q2, … in order."""
    return {meaning: f"Q{number}" for number, meaning in enumerate(meanings, start=1)}


#: Per layout family: meaning → question key. Revision ranges are chosen in ``_maps``.
_CMRT_1 = _numbered(
    M.INTENTIONAL,  # "necessary to the functionality or production"
    M.COVERED_COUNTRIES,
    M.RECYCLED_ONLY,  # "come from a recycler or scrap supplier"
    M.ALL_SMELTERS_IDENTIFIED,
    M.ALL_SMELTERS_VALIDATED,
)
_CMRT_2 = _numbered(
    M.INTENTIONAL,
    M.COVERED_COUNTRIES,
    M.RECYCLED_ONLY,
    M.RESPONSE,  # "received completed templates from all of your suppliers"
    M.ALL_SMELTERS_IDENTIFIED,
    M.ALL_SMELTERS_VALIDATED,
)
_CMRT_3 = _numbered(
    M.INTENTIONAL,
    M.REMAINS,  # "necessary to the production … and contained in the finished product"
    M.COVERED_COUNTRIES,
    M.RECYCLED_ONLY,
    M.RESPONSE,
    M.ALL_SMELTERS_IDENTIFIED,
    M.ALL_REPORTED,
)
_CMRT_6 = _numbered(
    M.INTENTIONAL,
    M.REMAINS,
    M.COVERED_COUNTRIES,
    M.CAHRA,
    M.RECYCLED_ONLY,
    M.RESPONSE,
    M.ALL_SMELTERS_IDENTIFIED,
    M.ALL_REPORTED,
)
#: EMRT 1.x and 2.x: Q3 asks about CAHRAs; Q4 (recycled) is cobalt-only in 1.x.
_EMRT = _numbered(
    M.INTENTIONAL,
    M.REMAINS,
    M.CAHRA,
    M.RECYCLED_ONLY,
    M.RESPONSE,
    M.ALL_SMELTERS_IDENTIFIED,
    M.ALL_REPORTED,
)
_CRT = _numbered(
    M.INTENTIONAL,
    M.CAHRA,
    M.RECYCLED_ONLY,
    M.RESPONSE,
    M.ALL_SMELTERS_IDENTIFIED,
    M.ALL_REPORTED,
)
_AMRT = _numbered(M.INTENTIONAL, M.RESPONSE)


def _lettered(letters: str) -> dict[CompanyMeaning, str]:
    """CompanyMeaning (in declaration order) → question letter; ``-`` where not asked."""
    return {m: key for m, key in zip(CompanyMeaning, letters, strict=False) if key != "-"}


_COMPANY_CMRT_1 = _lettered("ABDEGIJK")  # C: suppliers DRC conflict-free; F, H: other
_COMPANY_CMRT_2_5 = _lettered("ABDEFHIJ")  # C: suppliers DRC conflict-free; G: smelter names
_COMPANY_CMRT_6 = _lettered("ABCDEFGH")
_COMPANY_EMRT = _lettered("ABCDEFG")  # C is asked per mineral
_COMPANY_CRT = _lettered("A-ECGHI")  # B, D, F: policy and supplier duties per OECD Annex II

#: Meanings read from a differently worded question in older revisions.
_APPROXIMATE_CMRT_1_2 = frozenset({M.INTENTIONAL, M.RECYCLED_ONLY})

_REPLIES = {
    answer_key(text): reply
    for text, reply in (
        ("Yes", Reply.YES),
        ("No", Reply.NO),
        ("Unknown", Reply.UNKNOWN),
        ("Uncertain or Unknown", Reply.UNKNOWN),
        ("Yes all smelters have been provided", Reply.YES),
        ("DRC only", Reply.YES),
        ("India and/or Madagascar only", Reply.YES),
        ("DRC or adjoining countries only", Reply.YES),
        ("Not applicable for this declaration", Reply.NOT_ASKED),
        ("Not declaring", Reply.NOT_ASKED),
        ("Planned once lists become available", Reply.NO),  # not yet required
        ("Yes, when more processors are validated", Reply.NO),  # not yet required
        ("Yes, with the SEC", Reply.YES),
        ("Yes, with the EU", Reply.YES),
        ("Yes, with the SEC and the EU", Reply.YES),
    )
}
#: Origin answers that name the DRC or its neighbours: covered countries as well as CAHRA.
_COVERED_ORIGINS = frozenset(answer_key(t) for t in ("DRC only", "DRC or adjoining countries only"))

_BANDS = {
    answer_key(text): band
    for text, band in (
        ("100%", ResponseBand.ALL),
        ("Yes", ResponseBand.ALL),
        ("Yes, 100%", ResponseBand.ALL),
        ("Greater than 90%", ResponseBand.OVER_90),
        ("Greater than 75%", ResponseBand.OVER_75),
        ("No but > 75%", ResponseBand.OVER_75),
        ("No, but greater than 75%", ResponseBand.OVER_75),
        ("Greater than 50%", ResponseBand.OVER_50),
        ("No but > 50%", ResponseBand.OVER_50),
        ("No, but greater than 50%", ResponseBand.OVER_50),
        ("No but > 25%", ResponseBand.OVER_25),
        ("No, but greater than 25%", ResponseBand.OVER_25),
        ("50% or less", ResponseBand.AT_MOST_50),
        ("No but < 25%", ResponseBand.UNDER_25),
        ("No, but less than 25%", ResponseBand.UNDER_25),
        ("None", ResponseBand.NONE),
        ("No - none", ResponseBand.NONE),
        ("Did not survey", ResponseBand.NOT_SURVEYED),
        ("Unknown", ResponseBand.UNKNOWN),
    )
}


@dataclass(frozen=True, slots=True)
class MetalAnswers:
    """One metal's answers in revision-independent terms."""

    metal: str
    intentional: Reply = Reply.NOT_ASKED
    remains: Reply = Reply.NOT_ASKED
    covered_countries: Reply = Reply.NOT_ASKED
    cahra: Reply = Reply.NOT_ASKED
    recycled_only: Reply = Reply.NOT_ASKED
    response: ResponseBand | None = None  # None: not asked or not answered
    all_smelters_identified: Reply = Reply.NOT_ASKED
    all_reported: Reply = Reply.NOT_ASKED
    all_smelters_validated: Reply = Reply.NOT_ASKED
    approximate: frozenset[str] = frozenset()  # meanings read from older, different wording

    @property
    def in_scope(self) -> Reply:
        """Whether the metal is necessary to the declared products (SEC sense).

        Yes when intentionally added and remaining (or remaining is not asked, as in
        1.00/2.x, whose Q1 asks about necessity itself); No when either is No.
        """
        if Reply.NO in (self.intentional, self.remains):
            return Reply.NO
        if self.intentional is Reply.YES and self.remains in (Reply.YES, Reply.NOT_ASKED):
            return Reply.YES
        if Reply.UNKNOWN in (self.intentional, self.remains):
            return Reply.UNKNOWN
        if self.intentional is Reply.NOT_ASKED:
            return Reply.NOT_ASKED
        return Reply.UNANSWERED

    @property
    def response_floor(self) -> float | None:
        return None if self.response is None else self.response.floor

    def replies(self) -> dict[str, Reply | ResponseBand | None]:
        """Meaning → reply, for comparing two declarations meaning by meaning."""
        return {meaning.value: getattr(self, meaning.value) for meaning in Meaning}


@dataclass(frozen=True, slots=True)
class CompanyAnswers:
    """The company-level answers (A–K in the templates) in revision-independent terms."""

    has_policy: Reply = Reply.NOT_ASKED
    policy_public: Reply = Reply.NOT_ASKED
    policy_url: str | None = None
    requires_validated_smelters: Reply = Reply.NOT_ASKED
    due_diligence_measures: Reply = Reply.NOT_ASKED
    surveys_suppliers: Reply = Reply.NOT_ASKED
    reviews_supplier_information: Reply = Reply.NOT_ASKED
    corrective_actions: Reply = Reply.NOT_ASKED
    files_disclosure: Reply = Reply.NOT_ASKED
    disclosure: str | None = None  # the disclosure answer as given, e.g. "Yes, with the EU"

    def replies(self) -> dict[str, Reply]:
        return {meaning.value: getattr(self, meaning.value) for meaning in CompanyMeaning}


def reply_of(text: str | None) -> Reply:
    """The reply an answer stands for (the allowed answer it matched, else its text)."""
    if not text:
        return Reply.UNANSWERED
    key = answer_key(text)
    if key in _REPLIES:
        return _REPLIES[key]
    return Reply.YES if key.startswith("yes") else Reply.UNKNOWN


def band_of(text: str | None) -> ResponseBand | None:
    if not text:
        return None
    return _BANDS.get(answer_key(text), ResponseBand.UNKNOWN)


def _maps(template: str, revision: str) -> tuple[dict[Meaning, str], dict[CompanyMeaning, str]]:
    return _maps_of(template, _major(revision))


def _maps_of(template: str, major: int) -> tuple[dict[Meaning, str], dict[CompanyMeaning, str]]:
    if template == "CMRT":
        if major <= 1:
            return _CMRT_1, _COMPANY_CMRT_1
        if major == 2:
            return _CMRT_2, _COMPANY_CMRT_2_5
        if major < 6:
            return _CMRT_3, _COMPANY_CMRT_2_5
        return _CMRT_6, _COMPANY_CMRT_6
    if template == "EMRT":
        return _EMRT, _COMPANY_EMRT
    if template == "CRT":
        return _CRT, _COMPANY_CRT
    return _AMRT, {}


def _major(revision: str) -> int:
    digits = revision.strip().split(".", 1)[0]
    return int(digits) if digits.isdigit() else 0


#: question key → mineral → answer (the allowed answer matched, else the cleaned text).
AnswerTable = Mapping[str, Mapping[str, str | None]]


def metal_answers(declaration: Declaration) -> dict[str, MetalAnswers]:
    """Metal → its answers in revision-independent terms, for every metal answered or asked."""
    table: dict[str, dict[str, str | None]] = {}
    for item in declaration.answers:
        table.setdefault(item.question, {})[item.mineral] = item.value or item.answer.value
    return metal_answers_from(declaration.template, declaration.revision, table)


def metal_answers_from(template: str, revision: str, table: AnswerTable) -> dict[str, MetalAnswers]:
    """:func:`metal_answers` for answers kept as a table (as the registry stores them)."""
    major = _major(revision)
    per_key = [table.get(key) for key in _maps_of(template, major)[0].values()]
    metals = dict.fromkeys(m for per_metal in table.values() for m in per_metal if m)
    # per question the metal's cell as (text,) (None: left empty), or () when the table
    # holds none for it (not asked of this metal): the key of the remembered meaning
    return {
        metal: _metal_of(
            template,
            major,
            metal,
            tuple((c[metal],) if c is not None and metal in c else () for c in per_key),
        )
        for metal in metals
    }


@lru_cache(maxsize=8192)
def _metal_of(
    template: str, major: int, metal: str, cells: tuple[tuple[str | None, ...], ...]
) -> MetalAnswers:
    """:func:`_metal` for one metal's cells (see :func:`metal_answers_from`), remembered:
    suppliers give the same few answers thousands of times, and a period's assessment maps
    every declaration (ADR 0022). MetalAnswers is immutable, so sharing one is safe."""
    questions, _ = _maps_of(template, major)
    table = {
        key: {metal: cell[0]} for key, cell in zip(questions.values(), cells, strict=True) if cell
    }
    approximate = (
        frozenset(m.value for m in _APPROXIMATE_CMRT_1_2)
        if template == "CMRT" and major <= 2
        else frozenset()
    )
    return _metal(table, metal, questions, approximate)


def _metal(
    table: AnswerTable, metal: str, questions: dict[Meaning, str], approximate: frozenset[str]
) -> MetalAnswers:
    replies: dict[Meaning, Reply] = {}
    band: ResponseBand | None = None
    for meaning, key in questions.items():
        if metal not in table.get(key, {}):
            continue  # the revision does not ask this question for this metal
        text = table[key][metal]
        if meaning is Meaning.RESPONSE:
            band = band_of(text)
            continue
        replies[meaning] = reply_of(text)
        covered = meaning is Meaning.CAHRA and answer_key(text or "") in _COVERED_ORIGINS
        if covered and Meaning.COVERED_COUNTRIES not in questions:
            replies[Meaning.COVERED_COUNTRIES] = Reply.YES

    def get(meaning: Meaning) -> Reply:
        return replies.get(meaning, Reply.NOT_ASKED)

    return MetalAnswers(
        metal=metal,
        intentional=get(M.INTENTIONAL),
        remains=get(M.REMAINS),
        covered_countries=get(M.COVERED_COUNTRIES),
        cahra=get(M.CAHRA),
        recycled_only=get(M.RECYCLED_ONLY),
        response=band,
        all_smelters_identified=get(M.ALL_SMELTERS_IDENTIFIED),
        all_reported=get(M.ALL_REPORTED),
        all_smelters_validated=get(M.ALL_SMELTERS_VALIDATED),
        approximate=approximate,
    )


def company_answers(declaration: Declaration) -> CompanyAnswers:
    """The company-level answers in revision-independent terms (best effort before 6.x)."""
    answers: dict[str, str | None] = {}
    comments: dict[str, str | None] = {}
    for item in declaration.company_answers:
        key = item.question if item.mineral is None else f"{item.question}:{item.mineral}"
        answers[key] = item.value or item.answer.value
        comments[key] = item.comment.value
    return company_answers_from(declaration.template, declaration.revision, answers, comments)


def company_answers_from(
    template: str,
    revision: str,
    answers: Mapping[str, str | None],
    comments: Mapping[str, str | None] | None = None,
) -> CompanyAnswers:
    """:func:`company_answers` for answers keyed ``"A"`` … or ``"C:Cobalt"`` (per mineral)."""
    major = _major(revision)
    public = _maps_of(template, major)[1].get(C.POLICY_PUBLIC)
    policy_url = (comments or {}).get(public) if public else None
    return _company_of(template, major, tuple(answers.items()), policy_url)


@lru_cache(maxsize=8192)
def _company_of(
    template: str, major: int, items: tuple[tuple[str, str | None], ...], policy_url: str | None
) -> CompanyAnswers:
    """:func:`company_answers_from`, remembered (the same few answers thousands of times)."""
    answers = dict(items)
    _, questions = _maps_of(template, major)
    replies: dict[CompanyMeaning, Reply] = {}
    for meaning, letter in questions.items():
        found = [text for key, text in answers.items() if key.split(":", 1)[0] == letter]
        if found:
            replies[meaning] = _worst(reply_of(text) for text in found)

    def get(meaning: CompanyMeaning) -> Reply:
        return replies.get(meaning, Reply.NOT_ASKED)

    disclosure = questions.get(C.FILES_DISCLOSURE)
    return CompanyAnswers(
        has_policy=get(C.HAS_POLICY),
        policy_public=get(C.POLICY_PUBLIC),
        policy_url=policy_url,
        requires_validated_smelters=get(C.REQUIRES_VALIDATED_SMELTERS),
        due_diligence_measures=get(C.DUE_DILIGENCE_MEASURES),
        surveys_suppliers=get(C.SURVEYS_SUPPLIERS),
        reviews_supplier_information=get(C.REVIEWS_SUPPLIER_INFORMATION),
        corrective_actions=get(C.CORRECTIVE_ACTIONS),
        files_disclosure=get(C.FILES_DISCLOSURE),
        disclosure=answers.get(disclosure) if disclosure else None,
    )


_WORST_FIRST = (Reply.NO, Reply.UNKNOWN, Reply.UNANSWERED, Reply.YES, Reply.NOT_ASKED)


def _worst(replies: Iterable[Reply]) -> Reply:
    """One reply for a question asked per mineral (EMRT C): the least reassuring."""
    given = set(replies)
    return next((r for r in _WORST_FIRST if r in given), Reply.NOT_ASKED)
