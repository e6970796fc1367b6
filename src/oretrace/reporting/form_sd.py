"""Form SD (17 CFR 249b.400) for Rule 13p-1, in either of the two modes filers use.

``rcoi``: Item 1.01(a)–(b) only — the RCOI, its results, the determination and the
website statement; no exhibit (the SEC staff statement of 7 April 2017). ``cmr``: Item
1.01 referring to the Conflict Minerals Report, Item 1.02, and Item 3.01 listing Exhibit
1.01. The cover page and signature follow the form's own layout.
"""

from __future__ import annotations

from oretrace.reporting import inquiry
from oretrace.reporting.data import ReportData
from oretrace.reporting.figures import response_chart
from oretrace.reporting.sections import (
    Block,
    Document,
    Figure,
    Heading,
    Paragraph,
    Table,
    filled,
    long_date,
)

MODES = ("rcoi", "cmr")
EXHIBIT_FILENAME = "ex-1.01.htm"


def form_sd(data: ReportData, mode: str) -> Document:
    if mode not in MODES:
        raise ValueError(f"unknown report mode {mode!r}: expected one of {', '.join(MODES)}")
    with_report = mode == "cmr"
    blocks: list[Block] = [*cover(data), *item_101(data, with_report)]
    if with_report:
        blocks += item_102_and_301(data)
    blocks += signature(data)
    return Document(
        title=f"Form SD {data.period} - {data.organisation.legal_name}", blocks=tuple(blocks)
    )


def cover(data: ReportData) -> list[Block]:
    org = data.organisation
    return [
        Paragraph("UNITED STATES", bold=True, centered=True),
        Paragraph("SECURITIES AND EXCHANGE COMMISSION", bold=True, centered=True),
        Paragraph("Washington, D.C. 20549", centered=True),
        Heading("FORM SD", 1),
        Paragraph("SPECIALIZED DISCLOSURE REPORT", bold=True, centered=True),
        Paragraph(org.legal_name, bold=True, centered=True),
        Paragraph(
            "(Exact name of registrant as specified in its charter)", centered=True, small=True
        ),
        Table(  # as on the SEC's form: the three facts, each above its caption
            header=(
                filled(org.state_of_incorporation, "state_of_incorporation"),
                filled(org.commission_file_number, "commission_file_number"),
                filled(org.irs_employer_id, "irs_employer_id"),
            ),
            rows=(
                (
                    "(State or other jurisdiction of incorporation)",
                    "(Commission File Number)",
                    "(IRS Employer Identification No.)",
                ),
            ),
            centered=True,
        ),
        Paragraph(filled(org.address, "address"), centered=True),
        Paragraph("(Address of principal executive offices)", centered=True, small=True),
        Paragraph(contact_line(data), centered=True),
        Paragraph(
            "(Name and telephone number, including area code, of the person to contact in "
            "connection with this report)",
            centered=True,
            small=True,
        ),
        Paragraph(
            "Check the appropriate box to indicate the rule pursuant to which this form is being "
            "filed, and provide the period to which the information in this form applies:"
        ),
        Paragraph(
            "[X] Rule 13p-1 under the Securities Exchange Act (17 CFR 240.13p-1) for the "
            f"reporting period from January 1 to December 31, {data.period}."
        ),
    ]


def contact_line(data: ReportData) -> str:
    org = data.organisation
    parts = [p for p in (org.contact_name, org.contact_title, org.contact_phone) if p.strip()]
    return ", ".join(parts) or filled("", "contact_name")


def website_sentence(data: ReportData, with_report: bool) -> str:
    org = data.organisation
    what = (
        "This Form SD and the Conflict Minerals Report filed as Exhibit 1.01"
        if with_report
        else "The information in this Form SD"
    )
    return (
        f"{what} are publicly available on the website of {org.short_name} at "
        f"{filled(org.website, 'website')}. The content of that website is not incorporated "
        "by reference into, and is not part of, this Form SD."
    )


def item_101(data: ReportData, with_report: bool) -> list[Block]:
    blocks: list[Block] = [
        Heading("Section 1 - Conflict Minerals Disclosure", 2),
        Heading("Item 1.01 Conflict Minerals Disclosure and Report", 3),
        Heading("Reasonable Country of Origin Inquiry", 4),
        *inquiry.description(data),
        Figure(response_chart(data)),
        Heading("Results of the Inquiry", 4),
        inquiry.results_table(data),
        Heading("Determination", 4),
        *inquiry.determination(data, with_report),
    ]
    if with_report:
        blocks += [
            Heading("Conflict Minerals Report", 4),
            Paragraph(
                f"{data.organisation.legal_name} has filed a Conflict Minerals Report as "
                "Exhibit 1.01 to this Form SD."
            ),
        ]
    blocks += [Heading("Public Availability", 4), Paragraph(website_sentence(data, with_report))]
    return blocks


def item_102_and_301(data: ReportData) -> list[Block]:
    return [
        Heading("Item 1.02 Exhibit", 3),
        Paragraph(
            "The Conflict Minerals Report required by Item 1.01 is filed as Exhibit 1.01 to "
            "this Form SD."
        ),
        Heading("Section 3 - Exhibits", 2),
        Heading("Item 3.01 Exhibits", 3),
        Table(
            header=("Exhibit Number", "Description"),
            rows=(
                (
                    "1.01",
                    "Conflict Minerals Report for the reporting period from January 1 to "
                    f"December 31, {data.period}, as required by Items 1.01 and 1.02 of this "
                    "Form SD",
                ),
            ),
        ),
    ]


def signature(data: ReportData) -> list[Block]:
    org = data.organisation
    return [
        Heading("Signatures", 2),
        Paragraph(
            "Pursuant to the requirements of the Securities Exchange Act of 1934, the registrant "
            "has duly caused this report to be signed on its behalf by the duly authorized "
            "undersigned."
        ),
        Table(
            header=("Registrant", org.legal_name),
            rows=(
                ("By:", f"/s/ {filled(org.authorizer, 'authorizer')}"),
                ("Name:", filled(org.authorizer, "authorizer")),
                ("Title:", filled(org.authorizer_title, "authorizer_title")),
                ("Date:", long_date(data.as_of)),
            ),
        ),
    ]
