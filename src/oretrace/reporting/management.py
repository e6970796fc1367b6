"""The internal management report (``report.html``): the period's key figures, the four
charts, the RCOI by metal, and the suppliers and products that need action.

Not for EDGAR: it embeds the charts as images. It says nothing the filed documents do not
also support — the numbers come from :mod:`oretrace.reporting.figures`.
"""

from __future__ import annotations

from collections import Counter

from oretrace.reporting import inquiry
from oretrace.reporting.data import ReportData
from oretrace.reporting.figures import charts, percent
from oretrace.reporting.figures import key_figures as figure_lines
from oretrace.reporting.minerals_section import minerals_section
from oretrace.reporting.ordering import natural
from oretrace.reporting.sections import Block, Document, Figure, Heading, Paragraph, Table

ATTENTION_RISK = ("high", "medium")


def management_report(data: ReportData) -> Document:
    org = data.organisation
    blocks: list[Block] = [
        Heading(f"Conflict minerals programme {data.period}: management report", 1),
        Paragraph(f"{org.legal_name}. Snapshot as of {data.as_of.isoformat()}."),
        Heading("Key figures", 2),
        key_figures(data),
        Heading("Charts", 2),
        *(Figure(chart) for chart in charts(data)),
        Heading("RCOI by metal", 2),
        inquiry.results_table(data),
        *inquiry.determination(data, with_report=None),
        Heading("Suppliers needing action", 2),
        suppliers_needing_action(data),
        Heading("Products at risk", 2),
        products_at_risk(data),
        *minerals_section(data.extended_minerals),
    ]
    if data.reference:
        blocks += [Heading("Reference data", 2), Paragraph(", ".join(data.reference))]
    return Document(
        title=f"Conflict minerals {data.period} - management report", blocks=tuple(blocks)
    )


def key_figures(data: ReportData) -> Table:
    rows = tuple((label, str(value)) for label, value in figure_lines(data))
    caption = f"Key figures, calendar year {data.period}, as of {data.as_of.isoformat()}"
    return Table(header=("Figure", "Value"), rows=rows, caption=caption, numeric=(1,))


def suppliers_needing_action(data: ReportData) -> Table:
    requests = Counter(a.supplier for a in data.corrective_actions)
    chosen = [
        s
        for s in data.suppliers
        if s.risk_level in ATTENTION_RISK
        or requests[s.name]
        or requests[s.supplier_id]
        or not s.responded
    ]
    chosen.sort(
        key=lambda s: (s.risk_level not in ATTENTION_RISK, s.risk_level != "high", natural(s.name))
    )
    rows = tuple(
        (
            s.name,
            s.status,
            s.risk_level or "not assessed",
            str(requests[s.name] + requests[s.supplier_id]),
            "; ".join(s.reasons),
        )
        for s in chosen
    )
    return Table(
        header=("Supplier", "Declaration", "Risk level", "Corrective actions", "Reasons"),
        rows=rows,
        numeric=(3,),
    )


def products_at_risk(data: ReportData) -> Table:
    chosen = sorted(
        (p for p in data.products if p.risk_level in ATTENTION_RISK),
        key=lambda p: (p.risk_level != "high", p.number),
    )
    rows = tuple(
        (p.number, p.name, p.category, p.risk_level, percent(p.coverage), str(p.parts_uncovered))
        for p in chosen
    )
    return Table(
        header=("Product", "Name", "Category", "Risk level", "Coverage", "Parts not covered"),
        rows=rows,
        numeric=(4, 5),
    )
