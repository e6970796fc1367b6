"""One set of numbers: a period with every awkward case, and every output states the same figures.

The period holds a supplier with a company-scope and a product-scope declaration, one with a
superseded revision, one whose only file cannot be read, one whose file is encrypted with
Excel's default password, one with findings that master data did not know, one that never
answered, and two unreadable files nobody can attribute. `oretrace status --json`, the
snapshot, Form SD, the Conflict Minerals Report (HTML and DOCX), its tables, report.html and
exports.xlsx must all say the same.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import docx
import lxml.html
import openpyxl
import pytest
from click.testing import CliRunner
from msoffcrypto.format.ooxml import OOXMLFile

from oretrace.cli import main
from oretrace.cmrt.answers import SCOPES
from oretrace.cmrt.writer import draft_bytes
from oretrace.demo import cmrt_draft
from oretrace.registry.models import Declaration, Supplier
from oretrace.registry.services.ingest import ingest
from oretrace.registry.services.profile import update_profile
from oretrace.registry.services.reports import issue_report
from oretrace.reporting.figures import period_figures
from oretrace.reporting.report_set import read_snapshot
from tests.registry.conftest import demo_profile, write_supplier

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(512)
FILER = {
    "legal_name": "Awkward Period Corp.",
    "short_name": "Awkward",
    "state_of_incorporation": "Delaware",
    "irs_employer_id": "12-3456789",
    "commission_file_number": "001-99999",
    "cik": "0001999999",
    "address": "1 Main Street, Springfield, IL 62701",
    "contact_name": "Pat Doe",
    "contact_title": "Compliance Officer",
    "contact_phone": "+1 217 555 0100",
    "contact_email": "pat@awkward.example",
    "authorizer": "Lee Roe",
    "authorizer_title": "General Counsel",
}


def _encrypted(company: str, password: str) -> bytes:
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(draft_bytes(cmrt_draft(company, "6.4", ("Tantalum",))))).encrypt(
        password, out
    )
    return out.getvalue()


def _awkward_period(folder: Path) -> None:
    for name in ("Acme Metals", "Beta Wire", "Cobalt Parts", "Delta Alloys", "Echo Silent"):
        Supplier.objects.create(name=name, normalised_name=name.casefold())
    write_supplier(folder, "Acme Metals", dt.date(2025, 4, 1), metals=("Tin", "Gold"))
    scoped = cmrt_draft("Acme Metals", "6.4", ("Tin",))
    scoped.company["scope"] = SCOPES[1]
    scoped.products = [{"number": "P-100", "name": "Widget"}]
    (folder / "acme-products.xlsx").write_bytes(draft_bytes(scoped))
    write_supplier(folder, "Beta Wire", dt.date(2025, 3, 1), metals=("Tin",))
    write_supplier(folder, "Beta Wire", dt.date(2025, 6, 1), metals=("Tin", "Tungsten"))
    (folder / "delta-encrypted.xlsx").write_bytes(_encrypted("Delta Alloys", "VelvetSweatshop"))
    findings = cmrt_draft("Foxtrot Newcomer", "6.4", ("Tin",))
    findings.answers[("Q3", "Tin")] = "Maybe"
    (folder / "foxtrot.xlsx").write_bytes(draft_bytes(findings))
    (folder / "cobalt-scan.xls").write_bytes(JPEG)
    (folder / "unknown-scan.xls").write_bytes(JPEG + b"other")
    (folder / "locked.xlsx").write_bytes(_encrypted("Golf Locked", "supplier-secret"))
    ingest([folder], 2025, "test")
    # The portal knows who uploaded a file even when it cannot be read: attribute Cobalt's.
    cobalt = Supplier.objects.get(name="Cobalt Parts")
    Declaration.objects.filter(stored_file__original_name="cobalt-scan.xls").update(supplier=cobalt)


def _text(path: Path) -> str:
    return " ".join(lxml.html.parse(str(path)).getroot().text_content().split())


def _number(pattern: str, text: str) -> int:
    match = re.search(pattern, text)
    assert match, f"{pattern!r} not found"
    return int(match.group(1).replace(",", ""))


def _table(path: Path, caption: str) -> dict[str, str]:
    """First two columns of the table whose caption (or preceding text) starts with caption."""
    root = lxml.html.parse(str(path)).getroot()
    for table in root.iter("table"):
        found = table.find("caption")
        title = " ".join(found.text_content().split()) if found is not None else ""
        if title.startswith(caption):
            rows = {}
            for tr in table.iter("tr"):
                cells = [" ".join(c.text_content().split()) for c in tr if c.tag in ("td", "th")]
                if len(cells) >= 2:
                    rows[cells[0]] = cells[1]
            return rows
    raise AssertionError(f"no table {caption!r} in {path.name}")


def test_every_output_states_the_same_figures(tmp_path: Path) -> None:
    _awkward_period(tmp_path / "in")
    update_profile(demo_profile() | FILER, "test")
    status = json.loads(
        CliRunner()
        .invoke(main, ["status", "--period", "2025", "--json", "--as-of", TODAY.isoformat()])
        .output
    )
    issue_report(2025, tmp_path / "out", "cmr", "test", TODAY)
    out = tmp_path / "out"
    figures = period_figures(read_snapshot(out / "snapshot.json"))

    # The counting rules, by hand: one declaration per supplier, whatever its scopes and
    # revisions; an unreadable file from a known supplier is a response needing follow-up;
    # files nobody can attribute are declarations received, not responses.
    assert status["suppliers_surveyed"] == figures.suppliers_surveyed == 6
    assert status["suppliers_responded"] == figures.suppliers_responded == 5
    assert (
        status["declarations"]
        == figures.declarations
        == {
            "findings": 1,
            "unattributed": 2,
            "unreadable": 1,
            "valid": 3,
        }
    )
    assert status["declarations_needing_follow_up"] == 4
    assert status["smelter_entries"] == figures.smelter_entries == 3 + 3 + 1 + 2
    assert status["smelter_rows"] == figures.smelter_rows
    assert status["smelters_identified"] == figures.smelters.identified
    assert status["corrective_actions"] == figures.corrective_actions
    assert status["suppliers_with_corrective_actions"] == 2  # Cobalt (unreadable), Foxtrot
    assert status["suppliers_by_risk"] == figures.suppliers_by_risk
    assert status["rcoi"] == figures.rcoi

    snapshot = read_snapshot(out / "snapshot.json")
    cobalt = next(s for s in snapshot.suppliers if s.name == "Cobalt Parts")
    assert (cobalt.responded, cobalt.status, cobalt.risk_level) == (True, "unreadable", "high")
    assert "what was sent could not be read" in "; ".join(cobalt.reasons)
    assert any(
        a.supplier == "Cobalt Parts" and a.code == "declaration_unreadable"
        for a in snapshot.corrective_actions
    )

    rate = f"{figures.response_rate * 100:.1f}%"
    for name in ("form-sd.htm", "ex-1.01.htm"):
        text = _text(out / name)
        assert _number(r"surveyed (\d+) suppliers", text) == figures.suppliers_surveyed, name
        assert _number(r"received (\d+) responses", text) == figures.suppliers_responded, name
        assert f"a response rate of {rate}" in text, name
        assert _number(r"named (\d+) smelter or refiner entr", text) == figures.smelter_entries
        assert _number(r"as (\d+) distinct smelter", text) == figures.smelters.identified
        assert _number(r"; (\d+) of the entries could not be", text) == (
            figures.smelters.not_identified
        )
    cmr = _text(out / "ex-1.01.htm")
    assert _number(r"(\d+) declarations? received had findings", cmr) == 4
    assert _number(r"sent (\d+) corrective action", cmr) == figures.corrective_actions
    assert _number(r"corrective action requests? to (\d+) supplier", cmr) == 2
    table = _table(out / "ex-1.01.htm", "Supplier declarations received")
    assert table == {
        "Declaration status": "Declarations",
        "Valid": "3",
        "With findings": "1",
        "Unreadable": "1",
        "Unreadable, sender unknown": "2",
        "Total": str(figures.declarations_received),
    }
    assert int(table["With findings"]) + int(table["Unreadable"]) + int(
        table["Unreadable, sender unknown"]
    ) == _number(r"(\d+) declarations? received had findings", cmr)
    response = _table(out / "ex-1.01.htm", "Response rate")
    assert response["Responded"] == str(figures.suppliers_responded)
    assert int(response["Total"]) == figures.suppliers_surveyed

    docx_text = " ".join(
        " ".join(p.text for p in docx.Document(str(out / "ex-1.01.docx")).paragraphs).split()
    )
    assert f"received {figures.suppliers_responded} responses, a response rate of {rate}" in (
        docx_text
    )
    assert "4 declarations received had findings or could not be read" in docx_text

    key = _table(out / "report.html", "Key figures")
    workbook = openpyxl.load_workbook(out / "exports.xlsx")
    sheet = {r[0]: r[1] for r in workbook["Key figures"].iter_rows(min_row=2, values_only=True)}
    expected = {
        "Suppliers surveyed": figures.suppliers_surveyed,
        "Suppliers that responded": figures.suppliers_responded,
        "Declarations received": figures.declarations_received,
        "Declarations with findings or unreadable": 4,
        "Smelter or refiner entries": figures.smelter_entries,
        "Smelters and refiners identified": figures.smelters.identified,
        "Corrective action requests": figures.corrective_actions,
    }
    for label, value in expected.items():
        assert key[label] == str(value) == str(sheet[label]), label
    suppliers = list(workbook["Suppliers"].iter_rows(min_row=2, values_only=True))
    assert len(suppliers) == figures.suppliers_surveyed
    assert sum(1 for r in suppliers if r[2] == "yes") == figures.suppliers_responded
    assert workbook["Smelter rows"].max_row - 1 == figures.smelter_entries
    assert workbook["Smelters"].max_row - 1 == figures.smelters.identified
    assert workbook["Corrective actions"].max_row - 1 == figures.corrective_actions
