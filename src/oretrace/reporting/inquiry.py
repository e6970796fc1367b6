"""The Reasonable Country of Origin Inquiry as filers describe it: how it was run, its
results per metal with the real numbers, and the determination that follows.

Form SD Item 1.01 and section 4 of the Conflict Minerals Report both print these blocks.
"""

from __future__ import annotations

from oretrace.reporting.data import ReportData
from oretrace.reporting.figures import (
    declaration_counts,
    percent,
    period_figures,
    smelter_counts,
)
from oretrace.reporting.sections import (
    Block,
    Paragraph,
    Table,
    long_date,
    plural,
    series_text,
)

CONCLUSION_TEXT = {
    "no_3tg_necessary": "Not necessary to the products in scope",
    "recycled_or_scrap_only": "From recycled or scrap sources only",
    "not_from_covered_countries": "No reason to believe it may have originated in the Covered "
    "Countries",
    "may_be_from_covered_countries": "Reason to believe it may have originated in the Covered "
    "Countries and may not be from recycled or scrap sources",
    "undeterminable": "Country of origin could not be determined",
}
ENTRIES = "smelter or refiner entries"
DISTINCT = "distinct smelters and refiners"
FAVOURABLE = frozenset({"no_3tg_necessary", "recycled_or_scrap_only", "not_from_covered_countries"})
COVERED_COUNTRIES = (
    "the Democratic Republic of the Congo",
    "Angola",
    "Burundi",
    "the Central African Republic",
    "the Republic of the Congo",
    "Rwanda",
    "South Sudan",
    "Tanzania",
    "Uganda",
    "Zambia",
)


def needs_due_diligence(data: ReportData) -> bool:
    """Whether any metal's conclusion brings the filer under Item 1.01(c)."""
    return any(c.conclusion not in FAVOURABLE for c in data.rcoi)


def scope_sentence(data: ReportData) -> str:
    groups = len({e.group_company for e in data.scope})
    units = len({(e.group_company, e.business_unit) for e in data.scope})
    categories = len({e.product_category for e in data.scope})
    companies = plural(groups, "group company", "group companies")
    if data.group_companies_total > groups:
        companies = (
            f"{groups} of {plural(data.group_companies_total, 'group company', 'group companies')}"
        )
    return (
        f"The inquiry covered {plural(categories, 'product category', 'product categories')} "
        f"of {plural(units, 'business unit')} in {companies} and "
        f"{plural(len(data.products), 'product')}."
    )


def status_basis(data: ReportData) -> str:
    """Where the RMAP status comes from: the dated RMI lists in force, never the build day."""
    if data.status_as_of is None:
        return (
            "according to RMI's facility lists (none dated within the period was imported, so "
            "none is counted as conformant)"
        )
    return (
        f"according to the RMI facility lists dated {long_date(data.status_as_of)}, the newest "
        "on or before the end of the period"
    )


def description(data: ReportData) -> list[Block]:
    """How the RCOI was run, with the survey's real numbers."""
    org = data.organisation
    counts = smelter_counts(data)
    reference = f" ({series_text(list(data.reference))})" if data.reference else ""
    entries = plural(len(data.smelter_rows), "smelter or refiner entry", ENTRIES)
    distinct = plural(counts.identified, "distinct smelter or refiner", DISTINCT)
    return [
        Paragraph(
            f"{org.legal_name} conducted a reasonable country of origin inquiry (RCOI) for the "
            f"calendar year {data.period}, reasonably designed to determine whether any of the "
            "tin, tantalum, tungsten or gold (conflict minerals) necessary to the functionality "
            "or production of its products originated in the Democratic Republic of the Congo or "
            "an adjoining country (the Covered Countries) or came from recycled or scrap sources. "
            + scope_sentence(data)
        ),
        Paragraph(
            f"{org.short_name} surveyed {plural(data.suppliers_surveyed, 'supplier')} that supply "
            "materials, parts or components containing conflict minerals, asking each for the "
            "Responsible Minerals Initiative (RMI) Conflict Minerals Reporting Template (CMRT). "
            f"It received {plural(data.suppliers_responded, 'response')}, a response rate of "
            f"{percent(data.response_rate)}. Each declaration was checked for completeness and "
            "consistency, and each smelter or refiner a supplier named was compared with the RMI "
            f"smelter reference data{reference}."
        ),
        Paragraph(
            f"Suppliers named {entries}. They were identified as {distinct}, of which "
            f"{counts.conformant} were conformant with the RMI Responsible Minerals "
            f"Assurance Process (RMAP) {status_basis(data)} and "
            f"{counts.known_not_conformant} were known but not conformant; "
            f"{counts.not_identified} of the entries could not be "
            "identified as a smelter or refiner."
        ),
    ]


def results_table(data: ReportData) -> Table:
    rows = tuple(
        (
            c.metal,
            str(c.users),
            percent(c.coverage),
            CONCLUSION_TEXT.get(c.conclusion, c.conclusion),
        )
        for c in sorted(data.rcoi, key=lambda c: c.metal)
    )
    return Table(
        header=("Metal", "Suppliers using the metal", "Coverage", "RCOI result"),
        rows=rows,
        caption=f"RCOI results by metal, calendar year {data.period}. Coverage: the share of "
        f"the {data.suppliers_surveyed} suppliers surveyed whose valid declaration states "
        "whether they use the metal.",
        numeric=(1, 2),
    )


def determination(data: ReportData, with_report: bool | None) -> list[Block]:
    """The determination and, for a filing (``with_report`` not None), what the filer does
    about it in this mode."""
    org = data.organisation
    if not data.rcoi:
        return [Paragraph("[To be completed: no RCOI conclusion was recorded for the period.]")]
    if not needs_due_diligence(data):
        return [
            Paragraph(
                f"Based on the RCOI described above, {org.short_name} has no reason to believe "
                "that the conflict minerals necessary to its products may have originated in the "
                "Covered Countries, or has reason to believe that they came from recycled or "
                "scrap sources."
            )
        ]
    ordered = sorted(data.rcoi, key=lambda c: c.metal)
    covered = [c.metal.lower() for c in ordered if c.conclusion == "may_be_from_covered_countries"]
    unknown = [
        c.metal.lower()
        for c in ordered
        if c.conclusion not in FAVOURABLE and c.conclusion != "may_be_from_covered_countries"
    ]
    found: list[str] = []
    if covered:
        found.append(
            f"has reason to believe that some of the {series_text(covered)} necessary to its "
            "products may have originated in the Covered Countries and may not be from recycled "
            "or scrap sources"
        )
    if unknown:
        found.append(
            f"could not determine the country of origin of all of the {series_text(unknown)}"
        )
    blocks: list[Block] = [
        Paragraph(f"Based on the RCOI described above, {org.short_name} {' and '.join(found)}.")
    ]
    if with_report is not None:
        blocks.append(Paragraph(_follow_up(data, with_report)))
    return blocks


def _follow_up(data: ReportData, with_report: bool) -> str:
    if with_report:
        return (
            f"{data.organisation.short_name} therefore exercised due diligence on the source and "
            "chain of custody of these conflict minerals, and files a Conflict Minerals Report "
            "as Exhibit 1.01 to this Form SD."
        )
    return (
        "Consistent with the statement of the SEC Division of Corporation Finance of "
        "April 7, 2017, this Form SD provides the disclosure required by Item 1.01(a) and (b) "
        "only; no Conflict Minerals Report is filed."
    )


def declarations_table(data: ReportData) -> Table:
    rows = tuple((label, str(n)) for label, n in declaration_counts(data))
    total = period_figures(data).declarations_received
    return Table(
        header=("Declaration status", "Declarations"),
        rows=(*rows, ("Total", str(total))),
        caption="Supplier declarations received",
        numeric=(1,),
    )
