"""End to end: supplier files written by oretrace, read, summarised and assessed for a period."""

from __future__ import annotations

import datetime as dt

from oretrace.assessment.inputs import DeclarationSummary, Product, StatusEvent, SupplierInput
from oretrace.assessment.overview import assess_period
from oretrace.assessment.rcoi import Conclusion
from oretrace.assessment.red_flags import RiskLevel
from oretrace.assessment.summary import summarise
from oretrace.cmrt.answers import SCOPES
from oretrace.cmrt.check import check_bytes
from oretrace.cmrt.checks import CheckSettings
from oretrace.cmrt.writer import CellInput, Draft, draft_bytes
from oretrace.demo import cmrt_draft

from .builders import PERIOD, silent

CHECK = CheckSettings(today=dt.date(2025, 3, 1))


def _draft(tin_covered: str = "No", smelters: list[dict[str, CellInput]] | None = None) -> Draft:
    """A complete tin-only 6.4 declaration (the demo's), with Q3 for tin as given."""
    draft = cmrt_draft("Acme Metals", "6.4", ("Tin",))
    draft.company["effective_date"] = dt.date(2025, 1, 15)
    draft.answers[("Q3", "Tin")] = tin_covered
    draft.smelters = smelters or [_row("Minsur", "CID001182", "PERU")]
    return draft


def _row(name: str, cid: str | None, country: str) -> dict[str, CellInput]:
    return {"metal": "Tin", "lookup": name, "name": name, "country": country,
            "smelter_id": cid, "id_source": "RMI"}  # fmt: skip


def _summary(draft: Draft) -> DeclarationSummary:
    result = check_bytes(draft_bytes(draft), "supplier.xlsx", settings=CHECK)
    assert result.declaration is not None
    return summarise(result.declaration, result.findings)


def test_summarise_a_read_declaration() -> None:
    summary = _summary(_draft())
    assert (summary.template, summary.revision, summary.valid) == ("CMRT", "6.4", True)
    assert summary.finding_codes == frozenset()
    assert summary.uses("Tin").value == "yes" and summary.uses("Gold").value == "no"
    assert summary.company.policy_url == "https://acme.example/policy"
    assert summary.scope == SCOPES[0]
    assert summary.effective_date == dt.date(2025, 1, 15)
    (row,) = summary.smelters
    assert (row.metal, row.smelter_id, row.identified, row.country_iso2) == (
        "Tin",
        "CID001182",
        True,
        "PE",
    )


def test_default_identification_trusts_only_well_formed_ids() -> None:
    draft = _draft(smelters=[_row("Someone", "NA", "RWANDA"), _row("Other", None, "CHINA")])
    rows = _summary(draft).smelters
    assert [(r.smelter_id, r.identified, r.country_iso2) for r in rows] == [
        (None, False, "RW"),
        (None, False, "CN"),
    ]


def test_invalid_file_is_not_valid() -> None:
    draft = _draft()
    del draft.company["authorizer"]
    summary = _summary(draft)
    assert not summary.valid
    assert "required_missing" in summary.finding_codes


def test_a_period_end_to_end() -> None:
    suppliers = [
        SupplierInput("S1", "Clean Co", True, _summary(_draft()), frozenset({"P1"})),
        SupplierInput("S2", "Also Clean", True, _summary(_draft()), frozenset({"P2"})),
        silent("S3", parts=["P3"]),
    ]
    events = [StatusEvent("CID001182", "Conformant", dt.date(2020, 5, 1))]
    products = [
        Product("X", "Phone", frozenset({"P1", "P2"})),
        Product("Y", "Tab", frozenset({"P3"})),
    ]
    found = assess_period(PERIOD, suppliers, status_events=events, products=products)
    assert found.smelters["CID001182"].conformant
    assert found.smelters["CID001182"].named_by == ("S1", "S2")
    assert found.rcoi["Gold"].conclusion is Conclusion.UNDETERMINABLE  # 2 of 3 answered
    assert found.rcoi["Tin"].conclusion is Conclusion.UNDETERMINABLE
    assert found.suppliers["S1"].level is RiskLevel.LOW
    assert found.suppliers["S3"].level is RiskLevel.HIGH
    by_id = {p.product_id: p for p in found.products}
    assert (by_id["X"].level, by_id["X"].coverage) == (RiskLevel.LOW, 1.0)
    assert (by_id["Y"].level, by_id["Y"].coverage) == (RiskLevel.HIGH, 0.0)

    answered = assess_period(PERIOD, suppliers[:2], status_events=events)
    assert answered.rcoi["Tin"].conclusion is Conclusion.NOT_FROM_COVERED_COUNTRIES
    assert answered.rcoi["Gold"].conclusion is Conclusion.NO_3TG_NECESSARY

    covered = SupplierInput("S4", "Kivu", True, _summary(_draft(tin_covered="Yes")))
    worse = assess_period(PERIOD, [*suppliers[:2], covered], status_events=events)
    assert worse.rcoi["Tin"].conclusion is Conclusion.MAY_BE_FROM_COVERED_COUNTRIES
    assert worse.rcoi["Tin"].suppliers == ("S4",)
    assert worse.suppliers["S4"].level is RiskLevel.HIGH


def test_a_summary_finds_metals_and_rows_by_folded_name_in_order() -> None:
    """The summary's lookups are indexed once (ADR 0022) and answer as a scan would: any
    case, the first of two names that fold alike, rows in the declaration's order."""
    from oretrace.assessment.inputs import SmelterRef
    from oretrace.cmrt.semantics import MetalAnswers, Reply

    first, second = MetalAnswers("Tin", intentional=Reply.YES), MetalAnswers("tin")
    rows = (
        SmelterRef("Tin", "CID1", row=5),
        SmelterRef("Gold", "CID2", row=6),
        SmelterRef("TIN", "CID3", row=7),
    )
    summary = DeclarationSummary("CMRT", "6.4", metals={"Tin": first, "tin": second},
                                 smelters=rows)  # fmt: skip
    assert summary.metal("tIN") is first and summary.uses("TIN") is Reply.YES
    assert summary.metal("Gold") == MetalAnswers("Gold")
    assert summary.smelters_for("tin") == (rows[0], rows[2])
    assert summary.smelters_for("Cobalt") == ()
    again = DeclarationSummary("CMRT", "6.4", metals={"Tin": first, "tin": second},
                               smelters=rows)  # fmt: skip
    assert summary == again and "_by_metal" not in repr(summary)
