"""Section 5 of the Conflict Minerals Report: due diligence along the five OECD steps.

Step 1 prints what a person wrote in the organisation settings (policy, team, supplier
engagement, grievance mechanism, memberships, record keeping); steps 2–5 add the facts the
snapshot proves (risk levels, findings, corrective actions, RMAP conformance). An empty
setting shows as a visible ``[To be completed: Organisation.<field>]`` placeholder.
"""

from __future__ import annotations

from oretrace.reporting.data import ReportData
from oretrace.reporting.figures import period_figures, smelter_counts, suppliers_by_risk_chart
from oretrace.reporting.ordering import natural
from oretrace.reporting.sections import (
    Block,
    Bullets,
    Figure,
    Heading,
    Paragraph,
    filled,
    long_date,
    plural,
)

OECD_GUIDANCE = (
    "the OECD Due Diligence Guidance for Responsible Supply Chains of Minerals from "
    "Conflict-Affected and High-Risk Areas (Third Edition, 2016), including its Supplements "
    "on Tin, Tantalum and Tungsten and on Gold"
)
STEPS = (
    "Step 1: Establish Strong Company Management Systems",
    "Step 2: Identify and Assess Risk in the Supply Chain",
    "Step 3: Design and Implement a Strategy to Respond to Identified Risks",
    "Step 4: Carry Out Independent Third-Party Audit of Smelter and Refiner Due Diligence",
    "Step 5: Report Annually on Supply Chain Due Diligence",
)


def due_diligence(data: ReportData) -> list[Block]:
    return [
        Heading("5. Due Diligence", 2),
        Paragraph(
            f"The due diligence measures of {data.organisation.short_name} were designed to "
            f"conform, in all material respects, with {OECD_GUIDANCE}, as they apply to a "
            "downstream company."
        ),
        *step_1(data),
        *step_2(data),
        *step_3(data),
        *step_4(data),
        *step_5(data),
    ]


def step_1(data: ReportData) -> list[Block]:
    org = data.organisation
    policy = filled(org.policy_summary, "policy_summary")
    if org.policy_url.strip():
        policy += f" The policy is published at {org.policy_url.strip()}."
    memberships: Block = (
        Bullets(org.memberships) if org.memberships else Paragraph(filled("", "memberships"))
    )
    return [
        Heading(STEPS[0], 3),
        Heading("Conflict Minerals Policy", 4),
        Paragraph(policy),
        Heading("Internal Team", 4),
        Paragraph(filled(org.team, "team")),
        Heading("Supplier Engagement", 4),
        Paragraph(filled(org.supplier_engagement, "supplier_engagement")),
        Heading("Grievance Mechanism", 4),
        Paragraph(filled(org.grievance_mechanism, "grievance_mechanism")),
        Heading("Industry Memberships", 4),
        memberships,
        Heading("Record Keeping", 4),
        Paragraph(filled(org.record_keeping, "record_keeping")),
    ]


def step_2(data: ReportData) -> list[Block]:
    figures = period_figures(data)
    with_findings = figures.declarations_needing_follow_up
    high = figures.suppliers_by_risk.get("high", 0)
    return [
        Heading(STEPS[1], 3),
        Paragraph(
            f"{data.organisation.short_name} identified the suppliers in scope, requested a CMRT "
            "from each, checked every declaration received against the template's own rules "
            "and for data quality, and identified each smelter or refiner named against the "
            "RMI reference data. Each supplier was assessed for red flags in the sense of the "
            "OECD Guidance - sourcing from the Covered Countries or other conflict-affected and "
            "high-risk areas, smelters not conformant or not identified, and incomplete or "
            "inconsistent declarations - and given a risk level."
        ),
        Paragraph(
            f"{plural(with_findings, 'declaration')} received had findings or could not be "
            f"read, and {plural(high, 'supplier was', 'suppliers were')} assessed as high risk."
        ),
        Figure(suppliers_by_risk_chart(data)),
    ]


def step_3(data: ReportData) -> list[Block]:
    figures = period_figures(data)
    suppliers = figures.suppliers_with_corrective_actions
    requests = plural(figures.corrective_actions, "corrective action request")
    blocks: list[Block] = [
        Heading(STEPS[2], 3),
        Paragraph(
            f"{data.organisation.short_name} sent {requests} to {plural(suppliers, 'supplier')}, "
            "each naming the finding, the cell of the "
            "declaration concerned and the correction requested. The steps taken and planned "
            "are described in section 8."
        ),
    ]
    if data.received_first and data.received_last:
        blocks.append(
            Paragraph(
                "The declarations counted in this report were received between "
                f"{long_date(data.received_first)} and {long_date(data.received_last)}."
            )
        )
    measures = sorted(data.organisation.measures, key=natural)
    if measures:
        blocks += [Paragraph("Measures performed during the period:"), Bullets(tuple(measures))]
    return blocks


def step_4(data: ReportData) -> list[Block]:
    counts = smelter_counts(data)
    return [
        Heading(STEPS[3], 3),
        Paragraph(filled(data.organisation.independent_audit, "independent_audit")),
        Paragraph(
            f"Of the {plural(counts.identified, 'smelter or refiner', 'smelters and refiners')} "
            f"identified in the supply chain, {counts.conformant} had been audited and found "
            "conformant under the RMI Responsible Minerals Assurance Process (RMAP) or a "
            "cross-recognised standard."
        ),
    ]


def step_5(data: ReportData) -> list[Block]:
    org = data.organisation
    return [
        Heading(STEPS[4], 3),
        Paragraph(
            f"{org.short_name} reports annually on its supply chain due diligence by filing "
            "Form SD and this Conflict Minerals Report with the SEC, and publishes them on its "
            f"website at {filled(org.website, 'website')}."
        ),
    ]
