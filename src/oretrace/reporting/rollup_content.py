"""What goes into our roll-up CMRT, and the own-layout workbook when no template is given.

:class:`RollupContent` holds every value the roll-up writes, keyed like
:mod:`oretrace.cmrt.layouts` (company fields, Q1–Q8 per metal, A–H). It is built from the
frozen :class:`~oretrace.reporting.data.ReportData` by :func:`rollup_content`; the same
content is written either into the official template
(:func:`oretrace.reporting.template_fill.fill_template`) or, by :func:`write_own_layout`,
into a workbook of oretrace's own layout at revision 6.5 with the same input cells.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from oretrace.cmrt.answers import SCOPES
from oretrace.cmrt.layouts import Layout
from oretrace.cmrt.revisions import Family
from oretrace.cmrt.writer import CellInput, Draft, draft_bytes, layout_of
from oretrace.reporting.data import MetalAnswersLine, Organisation, ReportData, SmelterLine
from oretrace.reporting.rollup_labels import own_layout_labels, own_layout_widths

SCOPE_COMPANY, SCOPE_PRODUCTS, SCOPE_USER_DEFINED = SCOPES
LATEST_REVISION = "6.5"

#: Company-block field (layout key) ← Organisation attribute.
COMPANY_FIELDS = (
    ("company_name", "legal_name"),
    ("unique_id", "unique_id"),
    ("unique_id_authority", "unique_id_authority"),
    ("address", "address"),
    ("contact_name", "contact_name"),
    ("contact_email", "contact_email"),
    ("contact_phone", "contact_phone"),
    ("authorizer", "authorizer"),
    ("authorizer_title", "authorizer_title"),
    ("authorizer_email", "authorizer_email"),
    ("authorizer_phone", "authorizer_phone"),
)


@dataclass(frozen=True, slots=True)
class RollupContent:
    """Every value of our roll-up declaration.

    ``company``: company-block text by layout key (``company_name``, ``contact_email`` …;
    empty values are left out). ``answers``: per metal, Q1–Q8 with comments.
    ``company_answers``/``company_comments``: A–H. ``products``: (number, name) pairs for
    the Product List. ``revision``: the revision of the own-layout workbook (a template
    keeps its own).
    """

    company: dict[str, str]
    effective_date: dt.date
    scope: str = SCOPE_COMPANY
    scope_description: str = ""
    answers: tuple[MetalAnswersLine, ...] = ()
    company_answers: dict[str, str] | None = None
    company_comments: dict[str, str] | None = None
    smelters: tuple[SmelterLine, ...] = ()
    products: tuple[tuple[str, str], ...] = ()
    revision: str = LATEST_REVISION

    def __post_init__(self) -> None:
        if self.scope not in SCOPES:
            raise ValueError(f"scope must be one of {SCOPES}, not {self.scope!r}")
        if self.scope == SCOPE_PRODUCTS and not self.products:
            raise ValueError("a product-level roll-up needs at least one product")


def rollup_content(
    data: ReportData,
    products: Sequence[tuple[str, str]] | None = None,
    description: str = "",
) -> RollupContent:
    """The roll-up for ``data``: company scope, or product scope when ``products`` are given.

    ``description`` (Declaration D10) is optional for scopes A and B. The effective date
    is the snapshot's ``as_of`` date.
    """
    organisation = data.organisation
    company = company_block(organisation)
    if data.draft:  # a draft must not pass for our declaration
        company["company_name"] = f"DRAFT - {company.get('company_name', '')}".strip(" -")
    return RollupContent(
        company=company,
        effective_date=data.as_of,
        scope=SCOPE_PRODUCTS if products else SCOPE_COMPANY,
        scope_description=description,
        answers=data.rollup_answers,
        company_answers=dict(organisation.company_answers),
        company_comments=dict(organisation.company_comments),
        smelters=tuple(sorted(data.smelters, key=_smelter_order)),
        products=tuple((number, name) for number, name in products or ()),
    )


def company_block(organisation: Organisation) -> dict[str, str]:
    """Layout key → text, for the company-block fields the organisation has filled (the
    placeholder company name of an empty profile is never written)."""
    block = {key: str(getattr(organisation, attr)).strip() for key, attr in COMPANY_FIELDS}
    if block["company_name"] == Organisation().legal_name:
        block["company_name"] = ""
    return {key: value for key, value in block.items() if value}


def _smelter_order(line: SmelterLine) -> tuple[str, str, str]:
    return line.metal, line.name.casefold(), line.smelter_id


def declaration_cells(content: RollupContent, layout: Layout) -> dict[str, CellInput]:
    """Declaration cell → value: company block, scope, Q1–Q8 (D/G), A–H (D/G)."""
    cells: dict[str, CellInput] = {}
    values: dict[str, CellInput] = {**content.company, "scope": content.scope}
    values["effective_date"] = content.effective_date
    if content.scope_description:
        values["scope_description"] = content.scope_description
    for key, value in values.items():
        cells[layout.company[key]] = value
    by_metal = {line.metal.casefold(): line for line in content.answers}
    for question in layout.questions:
        for row, metal in question.rows:
            line = by_metal.get((metal or "").casefold())
            if line is None:
                continue
            _put(cells, f"{layout.answer_col}{row}", line.answers.get(question.key))
            _put(cells, f"{layout.comment_col}{row}", line.comments.get(question.key))
    for item in layout.company_questions:
        for row, _mineral in item.rows:
            _put(cells, f"{layout.answer_col}{row}", (content.company_answers or {}).get(item.key))
            comment = (content.company_comments or {}).get(item.key)
            _put(cells, f"{layout.comment_col}{row}", comment)
    return cells


def _put(cells: dict[str, CellInput], ref: str, value: str | None) -> None:
    if value:
        cells[ref] = value


def write_own_layout(content: RollupContent) -> bytes:
    """The roll-up as a workbook of oretrace's own layout (no RMI text, formulas or lists)."""
    draft = Draft(Family.CMRT, content.revision)
    draft.company = {**content.company, "scope": content.scope}
    draft.company["effective_date"] = content.effective_date
    if content.scope_description:
        draft.company["scope_description"] = content.scope_description
    for line in content.answers:
        for key, answer in line.answers.items():
            draft.answers[(key, line.metal)] = answer
            if line.comments.get(key):
                draft.comments[(key, line.metal)] = line.comments[key]
    draft.company_answers = dict(content.company_answers or {})
    draft.company_comments = dict(content.company_comments or {})
    draft.smelters = [_own_smelter_row(line) for line in content.smelters]
    draft.products = [{"number": number, "name": name} for number, name in content.products]
    layout = layout_of(draft)
    draft.labels = own_layout_labels(layout)
    draft.widths = own_layout_widths(layout)
    return draft_bytes(draft)


def _own_smelter_row(line: SmelterLine) -> dict[str, CellInput]:
    return {
        "metal": line.metal,
        "lookup": line.name,
        "country": line.country,
        "smelter_id": line.smelter_id,
        "id_source": "RMI",
    }
