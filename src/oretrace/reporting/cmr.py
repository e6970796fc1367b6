"""Exhibit 1.01, the Conflict Minerals Report, structured as filers write it.

Overview, scope, the RCOI, due diligence along the five steps of the OECD Due Diligence
Guidance (from the organisation settings a person fills in), the survey results, planned
risk mitigation, the audit statement, and two appendices: product categories by business
unit, and the smelters and refiners by metal and country — conformant ones first, then
those known but not conformant, each sorted by metal, country and name.

No sentence describes a product as free of conflict: after *NAM v. SEC* (2014) and the SEC
statements of 29 April 2014 and 7 April 2017 no filer must, and a voluntary claim would
need an independent private sector audit.
"""

from __future__ import annotations

from collections import Counter

from oretrace.reporting import inquiry
from oretrace.reporting.data import ReportData
from oretrace.reporting.due_diligence import due_diligence
from oretrace.reporting.figures import (
    conformant_smelters,
    metals,
    not_conformant_smelters,
    period_figures,
    response_chart,
    smelter_counts,
    smelters_by_country_chart,
    smelters_by_metal_chart,
    status_label,
)
from oretrace.reporting.ordering import natural_keys
from oretrace.reporting.sections import (
    Block,
    Bullets,
    Document,
    Figure,
    Heading,
    Paragraph,
    Table,
    filled,
    plural,
    series_text,
)

SMELTERS = "smelters and refiners"
APPENDIX_1 = "Appendix 1: Product Categories by Business Unit"
APPENDIX_2 = "Appendix 2: Smelters and Refiners by Metal and Country"
CONFORMANT_TABLE = "Table A: Smelters and refiners conformant with the RMAP"
NOT_CONFORMANT_TABLE = "Table B: Smelters and refiners known but not conformant"


def conflict_minerals_report(data: ReportData) -> Document:
    blocks: list[Block] = [
        Paragraph("Exhibit 1.01", bold=True),
        Heading(f"Conflict Minerals Report of {data.organisation.legal_name}", 1),
        Paragraph(
            f"For the reporting period from January 1 to December 31, {data.period}",
            centered=True,
        ),
        *introduction(data),
        *overview(data),
        *scope(data),
        *rcoi(data),
        *due_diligence(data),
        *survey_results(data),
        *origin(data),
        *risk_mitigation(data),
        *audit_statement(data),
        *appendix_1(data),
        *appendix_2(data),
    ]
    title = f"Exhibit 1.01 Conflict Minerals Report {data.period} - {data.organisation.legal_name}"
    return Document(title=title, blocks=tuple(blocks))


def introduction(data: ReportData) -> list[Block]:
    org = data.organisation
    return [
        Heading("1. Introduction", 2),
        Paragraph(
            f"This Conflict Minerals Report of {org.legal_name} for the calendar year "
            f"{data.period} is filed as Exhibit 1.01 to Form SD under Rule 13p-1 of the "
            "Securities Exchange Act of 1934 (the Rule). Conflict minerals are columbite-"
            "tantalite (coltan), cassiterite, gold, wolframite and their derivatives, limited "
            "to tantalum, tin, tungsten and gold (3TG). The Covered Countries are "
            f"{series_text(list(inquiry.COVERED_COUNTRIES))}."
        ),
    ]


def overview(data: ReportData) -> list[Block]:
    org = data.organisation
    return [
        Heading("2. Company and Product Overview", 2),
        Paragraph(filled(org.company_overview, "company_overview")),
        Paragraph(filled(org.products_overview, "products_overview")),
    ]


def scope(data: ReportData) -> list[Block]:
    return [
        Heading("3. Scope", 2),
        Paragraph(
            inquiry.scope_sentence(data)
            + f" The product categories, by group company and business unit, are listed in "
            f"{APPENDIX_1.split(':')[0]}."
        ),
    ]


def rcoi(data: ReportData) -> list[Block]:
    return [
        Heading("4. Reasonable Country of Origin Inquiry", 2),
        *inquiry.description(data),
        Figure(response_chart(data)),
        inquiry.declarations_table(data),
        inquiry.results_table(data),
        *inquiry.determination(data, with_report=True),
    ]


def survey_results(data: ReportData) -> list[Block]:
    figures = period_figures(data)
    counts = figures.smelters
    covered = figures.smelters_in_covered_countries
    cahra = figures.smelters_in_cahras
    return [
        Heading("6. Results of the Survey", 2),
        Paragraph(
            f"Suppliers identified {plural(counts.identified, 'smelter or refiner', SMELTERS)}"
            f" in the supply chain: {counts.conformant} conformant with the RMAP "
            f"{inquiry.status_basis(data)}, and {counts.known_not_conformant} known but not "
            f"conformant. {plural(counts.not_identified, 'entry', 'entries')} named by suppliers "
            "could not be identified as a smelter or refiner. "
            f"{plural(covered, 'smelter or refiner is', 'smelters and refiners are')} located in "
            f"a Covered Country and {cahra} in a conflict-affected or high-risk area."
        ),
        results_by_metal(data),
        Figure(smelters_by_metal_chart(data)),
        Figure(smelters_by_country_chart(data)),
        Paragraph(
            "The countries given are those where the smelters and refiners are located, as "
            "recorded in the RMI reference data; they are not necessarily the countries of "
            "origin of the minerals. The smelters and refiners are listed in "
            f"{APPENDIX_2.split(':')[0]}."
        ),
    ]


def results_by_metal(data: ReportData) -> Table:
    rows = []
    for metal in metals(data):
        c = smelter_counts(data, metal)
        rows.append(
            (
                metal,
                str(c.identified),
                str(c.conformant),
                str(c.known_not_conformant),
                str(c.not_identified),
            )
        )
    total = smelter_counts(data)
    rows.append(
        (
            "Total",
            str(total.identified),
            str(total.conformant),
            str(total.known_not_conformant),
            str(total.not_identified),
        )
    )
    return Table(
        header=(
            "Metal",
            "Smelters and refiners identified",
            "Conformant",
            "Known but not conformant",
            "Entries not identified",
        ),
        rows=tuple(rows),
        caption="Smelters and refiners by metal",
        numeric=(1, 2, 3, 4),
    )


ORIGIN = "7. Country of Origin and Efforts to Determine the Mine or Location of Origin"


def origin(data: ReportData) -> list[Block]:
    """What was done to learn the mine or location of origin, and the conclusion the data
    supports, metal by metal."""
    org = data.organisation
    figures = period_figures(data)
    counts = figures.smelters
    covered = figures.smelters_in_covered_countries
    blocks: list[Block] = [
        Heading(ORIGIN, 2),
        Paragraph(
            f"As a downstream company, {org.short_name} has no direct relationship with mines "
            "or smelters. Its efforts to determine the mine or location of origin were: asking "
            "each supplier in scope for a CMRT naming the smelters and refiners in its supply "
            "chain; identifying each name against the RMI reference data; and relying on the "
            "RMAP, whose audits review each conformant smelter's or refiner's sourcing and the "
            "countries its minerals come from. Mine-level information is not available to "
            f"{org.short_name} beyond what the RMAP and suppliers disclose."
        ),
        Paragraph(
            f"Of the {plural(counts.identified, 'smelter or refiner', SMELTERS)} identified, "
            f"{counts.conformant} are conformant {inquiry.status_basis(data)}; "
            f"{plural(covered, 'is', 'are')} located in a Covered Country and "
            f"{figures.smelters_in_cahras} in a conflict-affected or high-risk area; "
            f"{counts.not_identified} of {figures.smelter_entries} entries named by suppliers "
            "could not be identified."
        ),
    ]
    conclusions = [
        f"{c.metal}: {inquiry.CONCLUSION_TEXT.get(c.conclusion, c.conclusion).lower()}"
        + (f" ({'; '.join(c.reasons[:2])})" if c.reasons else "")
        for c in sorted(data.rcoi, key=lambda c: c.metal)
    ]
    if conclusions:
        blocks += [
            Paragraph(
                f"Conclusion: on this information, {org.short_name} draws the following "
                "conclusion on the country of origin of each necessary conflict mineral:"
            ),
            Bullets(tuple(conclusions)),
        ]
    return blocks


def mitigation_taken(data: ReportData) -> list[str]:
    """The corrective actions actually raised, by kind, and how many were closed."""
    by_code: dict[str, list[str]] = {}
    for action in data.corrective_actions:
        by_code.setdefault(action.code, []).append(action.supplier)
    steps = [
        f"{plural(len(who), 'request')} to {plural(len(set(who)), 'supplier')} about "
        f"{code.replace('_', ' ')}"
        for code, who in sorted(by_code.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]
    if data.corrected:
        steps.append(
            f"{plural(data.corrected, 'supplier')} sent a corrected declaration that replaced "
            "one with findings during the period"
        )
    return steps


def risk_mitigation(data: ReportData) -> list[Block]:
    org = data.organisation
    taken = mitigation_taken(data)
    blocks: list[Block] = [Heading("8. Risk Mitigation and Planned Improvements", 2)]
    if taken:
        blocks += [
            Paragraph(
                f"During the period {org.short_name} sent these corrective action requests, "
                "each naming the finding and the cell concerned:"
            ),
            Bullets(tuple(taken)),
        ]
    steps = org.risk_mitigation
    blocks += [
        Paragraph(
            f"{org.short_name} intends to take the following steps to mitigate the "
            "risk that its necessary conflict minerals benefit armed groups, and to improve its "
            "due diligence:"
        ),
        Bullets(steps) if steps else Paragraph(filled("", "risk_mitigation")),
    ]
    return blocks


def audit_statement(data: ReportData) -> list[Block]:
    return [
        Heading("9. Independent Private Sector Audit", 2),
        Paragraph(
            "Under the statements of the SEC Division of Corporation Finance of April 29, 2014 "
            "and April 7, 2017, an independent private sector audit is required only when an "
            "issuer voluntarily elects to describe a product as free of conflict minerals from "
            f"the Covered Countries. {data.organisation.short_name} makes no such description, "
            "and this Conflict Minerals Report is not subject to an independent private sector "
            "audit."
        ),
    ]


def appendix_1(data: ReportData) -> list[Block]:
    entries = sorted(
        {(e.group_company, e.business_unit, e.product_category) for e in data.scope},
        key=lambda e: natural_keys(*e),
    )
    units = Counter((g, u) for g, u, _ in entries)
    return [
        Heading(APPENDIX_1, 2),
        Paragraph(
            f"{plural(len(entries), 'product category', 'product categories')} in "
            f"{plural(len(units), 'business unit')}."
        ),
        Table(
            header=("Group company", "Business unit", "Product category"),
            rows=tuple(entries),
            caption="Product categories in scope",
        ),
    ]


def appendix_2(data: ReportData) -> list[Block]:
    conformant = conformant_smelters(data)
    others = not_conformant_smelters(data)
    return [
        Heading(APPENDIX_2, 2),
        Paragraph(
            "Smelters and refiners identified in the supply chain, sorted by metal, country and "
            f"name, with their RMAP status {inquiry.status_basis(data)}."
        ),
        Heading(CONFORMANT_TABLE, 3),
        Table(
            header=("Metal", "Country", "Smelter or refiner", "Smelter ID"),
            rows=tuple((s.metal, s.country, s.name, s.smelter_id) for s in conformant),
            caption=plural(
                len(conformant), "conformant smelter or refiner", "conformant smelters and refiners"
            ),
        ),
        Heading(NOT_CONFORMANT_TABLE, 3),
        Table(
            header=("Metal", "Country", "Smelter or refiner", "Smelter ID", "RMAP status"),
            rows=tuple((s.metal, s.country, s.name, s.smelter_id, status_label(s)) for s in others),
            caption=plural(len(others), "smelter or refiner", "smelters and refiners")
            + " known but not conformant",
        ),
    ]
