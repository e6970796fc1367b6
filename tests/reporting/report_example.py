"""A small, realistic reporting snapshot for the report-document tests."""

from __future__ import annotations

import datetime as dt

from oretrace.reporting.data import (
    CorrectiveAction,
    MetalConclusion,
    Organisation,
    ProductLine,
    ReportData,
    ScopeEntry,
    SmelterLine,
    SmelterRowLine,
    SupplierLine,
)

ORGANISATION = Organisation(
    legal_name="Kasumi Electronics Corporation",
    short_name="Kasumi",
    cik="0001234567",
    address="1-2-3 Marunouchi, Chiyoda-ku, Tokyo 100-0005, Japan",
    website="https://www.kasumi.example/conflict-minerals",
    state_of_incorporation="Japan",
    commission_file_number="001-12345",
    irs_employer_id="98-7654321",
    contact_name="Aiko Tanaka",
    contact_title="General Counsel",
    contact_phone="+81 3 1234 5678",
    authorizer="Hiroshi Sato",
    authorizer_title="Chief Procurement Officer",
    company_overview="Kasumi designs and makes cameras, printers and medical imaging systems.",
    products_overview="Products in scope contain tin solder, tantalum capacitors and gold plating.",
    policy_summary="Kasumi's Responsible Minerals Policy follows Annex II of the OECD Guidance.",
    policy_url="https://www.kasumi.example/policy",
    team="A cross-functional team of procurement, legal and quality, sponsored by the CPO.",
    grievance_mechanism="Concerns can be raised through the Kasumi ethics hotline.",
    memberships=("Responsible Minerals Initiative (RMI)",),
    record_keeping="Records are kept for five years in oretrace.",
    supplier_engagement="Supplier contracts require the CMRT every year.",
    risk_mitigation=("Ask suppliers to remove non-conformant smelters.", "Raise response rate."),
    independent_audit="Kasumi relies on the RMAP audits of smelters and refiners.",
)

SCOPE = (
    ScopeEntry("Kasumi Imaging", "Cameras", "Interchangeable-lens cameras"),
    ScopeEntry("Kasumi Imaging", "Cameras", "Compact cameras"),
    ScopeEntry("Kasumi Office", "Printing", "Laser printers"),
    ScopeEntry("Kasumi Medical", "Imaging systems", "CT scanners"),
)


def _smelter(
    sid: str, name: str, metal: str, country: str, status: str, count: int = 1
) -> SmelterLine:
    return SmelterLine(
        smelter_id=sid,
        name=name,
        metal=metal,
        country=country,
        status=status,
        conformant=status == "Conformant",
        in_covered_country=country == "Rwanda",
        in_cahra=country in {"Rwanda", "Myanmar"},
        supplier_count=count,
    )


SMELTERS = (
    _smelter("CID000019", "Asahi Pretec Corp.", "Gold", "Japan", "Conformant", 3),
    _smelter(
        "CID000015", "Advanced Chemical Company", "Gold", "United States of America", "Active"
    ),
    _smelter("CID001909", "Umicore S.A.", "Gold", "Belgium", "Conformant", 2),
    _smelter("CID002290", "Safimet S.p.A", "Gold", "Italy", ""),
    _smelter("CID000211", "Global Advanced Metals Aizu", "Tantalum", "Japan", "Conformant"),
    _smelter("CID002544", "Jiujiang Tanbre", "Tantalum", "China", "Conformant", 2),
    _smelter("CID001070", "China Tin Group", "Tin", "China", "Conformant", 4),
    _smelter("CID002158", "Malaysia Smelting Corp.", "Tin", "Malaysia", "Conformant"),
    _smelter("CID003208", "Rwanda Tin Works", "Tin", "Rwanda", "Active"),
    _smelter("CID002500", "Myanmar Tin Mine Smelter", "Tin", "Myanmar", "Non-Conformant"),
    _smelter("CID000218", "Xiamen Tungsten", "Tungsten", "China", "Conformant"),
    _smelter(
        "CID000105", "Kennametal Huntsville", "Tungsten", "United States of America", "Active"
    ),
    _smelter("CID002833", "ACL Metais Eireli", "Tungsten", "Brazil", "Conformant"),
)


def _row(supplier: str, row: int, metal: str, name: str, sid: str, decision: str) -> SmelterRowLine:
    return SmelterRowLine(
        supplier=supplier,
        file=f"{supplier.split()[0].lower()}-2025.xlsx",
        row=row,
        metal=metal,
        reported_id=sid,
        reported_name=name,
        reported_country="",
        smelter_id=sid if decision in {"auto", "confirmed"} else "",
        standard_name=name if decision in {"auto", "confirmed"} else "",
        decision=decision,
        method="id" if sid else "fuzzy",
    )


SMELTER_ROWS = (
    *(_row("Alpha Components", 5 + i, s.metal, s.name, s.smelter_id, "auto")
      for i, s in enumerate(SMELTERS[:7])),
    *(_row("Beta Plating", 5 + i, s.metal, s.name, s.smelter_id, "confirmed")
      for i, s in enumerate(SMELTERS[7:])),
    _row("Beta Plating", 20, "Gold", "Unknown refiner", "", "none"),
    _row("Gamma Solder", 5, "Tin", "Smelter not yet identified", "", "review"),
    _row("Gamma Solder", 6, "Tin", "Thai Sarco", "", "none"),
)  # fmt: skip

SUPPLIERS = (
    SupplierLine("1", "Alpha Components", True, "valid", "CMRT", "6.5", "2025-03-01",
                 risk_level="low"),
    SupplierLine("2", "Beta Plating", True, "findings", "CMRT", "6.4", "2025-02-11", errors=2,
                 warnings=1, risk_level="high", reasons=("Names a smelter in Rwanda",)),
    SupplierLine("3", "Gamma Solder", True, "findings", "CMRT", "6.31", "2024-12-20", errors=1,
                 risk_level="medium", reasons=("Smelter not identified",)),
    SupplierLine("4", "Delta Wire", False, "no response", risk_level="high",
                 reasons=("No declaration",)),
)  # fmt: skip

CORRECTIVE_ACTIONS = (
    CorrectiveAction("Beta Plating", "beta-2025.xlsx", "Q_MISSING", "error", "Declaration!D10",
                     "Question 3 is not answered.", "Please answer question 3 (cell D10)."),
    CorrectiveAction("Beta Plating", "beta-2025.xlsx", "Q_MISSING", "error", "Declaration!D9",
                     "Question 2 is not answered.", "Please answer question 2 (cell D9)."),
    CorrectiveAction("Gamma Solder", "gamma-2025.xlsx", "SMELTER_UNKNOWN", "error",
                     "Smelter List!D6", "Thai Sarco is not a known smelter.",
                     "Please give the smelter ID of Thai Sarco (cell D6)."),
)  # fmt: skip

PRODUCTS = (
    ProductLine("P-100", "EOS-like camera body", "Interchangeable-lens cameras", "low", 1.0, 4),
    ProductLine("P-200", "Laser printer L5", "Laser printers", "high", 0.5, 6, 3),
    ProductLine("P-300", "CT scanner X1", "CT scanners", "medium", 0.75, 8, 2),
)

RCOI = (
    MetalConclusion("Gold", "undeterminable", ("Smelter not identified",), 0.75, 2),
    MetalConclusion("Tantalum", "not_from_covered_countries", (), 0.75, 1),
    MetalConclusion("Tin", "may_be_from_covered_countries", ("Rwanda Tin Works",), 0.75, 3),
    MetalConclusion("Tungsten", "not_from_covered_countries", (), 0.75, 2),
)


def example_report_data(**changes: object) -> ReportData:
    values: dict[str, object] = {
        "period": 2025,
        "as_of": dt.date(2026, 5, 15),
        "organisation": ORGANISATION,
        "scope": SCOPE,
        "suppliers_surveyed": 4,
        "suppliers_responded": 3,
        "declarations": {"valid": 1, "findings": 2},
        "rcoi": RCOI,
        "smelters": SMELTERS,
        "smelter_rows": SMELTER_ROWS,
        "suppliers": SUPPLIERS,
        "corrective_actions": CORRECTIVE_ACTIONS,
        "products": PRODUCTS,
        "reference": ("RMI smelter list 2026-04",),
        "status_as_of": dt.date(2026, 4, 30),
    }
    values.update(changes)
    return ReportData(**values)  # type: ignore[arg-type]
