"""EMRT declarations assessed per mineral next to 3TG: `oretrace status` (text and JSON) and
the internal report state the same figures; Form SD stays 3TG only."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from oretrace.cli import main
from oretrace.cmrt.writer import write_draft
from oretrace.demo import cmrt_draft, emrt_draft
from oretrace.registry.models import BomLine, Declaration, Part, PartSource, Product, Supplier
from oretrace.registry.services.ingest import ingest
from oretrace.registry.services.reference import add_snapshots
from oretrace.registry.services.snapshot import report_snapshot
from oretrace.registry.services.status import period_status
from oretrace.reporting.cmr import conflict_minerals_report
from oretrace.reporting.data import ReportData
from oretrace.reporting.form_sd import form_sd
from oretrace.reporting.management import management_report
from oretrace.reporting.sections import Document, Heading, Paragraph, Table
from oretrace.smelters import import_file
from tests.registry.conftest import write_supplier

pytestmark = pytest.mark.django_db

_3TG_KEYS = {
    "period", "suppliers_surveyed", "suppliers_responded", "suppliers_without_response",
    "response_rate", "declarations", "smelter_rows", "smelters_identified",
    "smelters_by_status", "smelters_by_metal", "rcoi", "suppliers_by_risk", "as_of",
    "declarations_received", "declarations_needing_follow_up", "smelter_entries",
    "smelter_entries_not_identified", "smelters_conformant", "smelters_known_not_conformant",
    "smelters_in_covered_countries", "smelters_in_cahras", "corrective_actions",
    "suppliers_with_corrective_actions",
}  # fmt: skip


def _group(tmp_path: Path) -> None:
    """A CMRT supplier, two EMRT suppliers, RMAP statuses for two cobalt refiners, and a
    product built from parts of both EMRT suppliers."""
    listed = tmp_path / "facility-list.csv"
    listed.write_text(
        "Metal,Smelter ID,Standard Smelter Name,Country,RMI Status\n"
        'Cobalt,CID003264,Chemaf Etoile,"CONGO, DEMOCRATIC REPUBLIC OF THE",Conformant\n'
        'Cobalt,CID003927,"Anhui Hanrui New Material Co., Ltd.",CHINA,Active\n',
        encoding="utf-8",
    )
    add_snapshots(import_file(listed, as_of=dt.date(2025, 6, 1)), actor="test")
    folder = tmp_path / "in"
    write_supplier(folder, "Acme Metals", dt.date(2025, 4, 1), metals=("Tin",))
    write_draft(emrt_draft("Cobalt Parts Ltd", "2.1", ("Cobalt", "Mica")), folder / "cobalt.xlsx")
    nickel = emrt_draft("Nickel Works", "2.1", ("Mica", "Nickel"))
    nickel.answers[("Q3", "Nickel")] = "Yes"  # smelters source nickel from CAHRAs
    write_draft(nickel, folder / "nickel.xlsx")
    ingest([folder], 2025, "test")
    product = Product.objects.create(number="BAT-1", name="Battery pack")
    for number, supplier in (("P-CO", "Cobalt Parts Ltd"), ("P-NI", "Nickel Works")):
        part = Part.objects.create(number=number)
        PartSource.objects.create(part=part, supplier=Supplier.objects.get(name=supplier))
        BomLine.objects.create(product=product, part=part)


def test_each_mineral_gets_smelter_status_red_flags_and_product_risk(tmp_path: Path) -> None:
    _group(tmp_path)
    data = period_status(2025).as_json()
    assert set(data) == _3TG_KEYS | {"extended_minerals"}
    assert set(data["rcoi"]) == {"Tantalum", "Tin", "Gold", "Tungsten"}
    minerals = data["extended_minerals"]
    assert list(minerals) == ["Cobalt", "Mica", "Nickel"]
    cobalt, mica, nickel = minerals["Cobalt"], minerals["Mica"], minerals["Nickel"]
    assert (cobalt["declarations"], mica["declarations"], nickel["declarations"]) == (1, 2, 1)
    assert cobalt["smelter_rows"] == {"auto": 2}
    assert cobalt["smelters_by_status"] == {"active": 1, "conformant": 1}
    assert cobalt["mines_listed"] == 2 and mica["mines_listed"] == 2
    assert cobalt["conclusion"] == "may_be_from_covered_countries"  # a refiner in the DRC
    assert nickel["suppliers_by_risk"] == {"high": 1}  # CAHRAs Yes
    assert nickel["products_by_risk"] == {"high": 1}
    assert mica["suppliers_by_risk"] == {"low": 2}  # Nickel Works's CAHRA answer is nickel's
    assert mica["products_by_risk"] == {"low": 1}
    assert mica["conclusion"] == "undeterminable"  # Arctic Minerals has no RMAP status
    assert (cobalt["coverage"], mica["coverage"]) == (1.0, 1.0)  # among those declaring it


def _text(document: Document) -> str:
    parts: list[str] = []
    for block in document.blocks:
        if isinstance(block, Heading | Paragraph):
            parts.append(block.text)
        elif isinstance(block, Table):
            parts += [cell for row in (block.header, *block.rows) for cell in row]
    return "\n".join(parts)


def test_status_text_json_and_internal_report_state_the_same_figures(tmp_path: Path) -> None:
    _group(tmp_path)
    result = CliRunner().invoke(main, ["status", "--period", "2025", "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)["extended_minerals"]
    data = report_snapshot(2025)
    assert shown == {m.mineral: m.as_json() for m in data.extended_minerals}
    text = CliRunner().invoke(main, ["status", "--period", "2025"]).output
    section = text.split(
        "Extended minerals (EMRT, CRT, AMRT declarations in force; not part of Form SD)"
    )[1]
    assert "Cobalt  1 declaring, 1 using; may be from covered countries" in section
    assert "conformant 1" in section and "mines 2" in section
    report = _text(management_report(data))
    assert "Extended minerals (EMRT, CRT, AMRT)" in report and "Nickel" in report
    assert "Cobalt" not in _text(conflict_minerals_report(data))
    assert "Cobalt" not in _text(form_sd(data, "cmr"))
    again = ReportData.from_json(data.to_json())
    assert again.extended_minerals == data.extended_minerals


def test_an_officer_sees_the_minerals_of_its_suppliers_only(tmp_path: Path) -> None:
    _group(tmp_path)
    nickel = Supplier.objects.get(name="Nickel Works").pk
    data = period_status(2025, None, supplier_ids={nickel}).as_json()
    assert list(data["extended_minerals"]) == ["Mica", "Nickel"]
    assert data["extended_minerals"]["Mica"]["declarations"] == 1


def test_mine_list_and_newer_product_columns_are_kept_in_the_declaration(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_draft(emrt_draft("Cobalt Parts Ltd", "2.1", ("Cobalt",)), folder / "cobalt.xlsx")
    future = cmrt_draft("Future Parts Ltd", "6.6", ("Tin",))
    future.columns["Product List"] = {
        "number": "B", "name": "C", "requester_number": "D", "requester_name": "E",
        "comments": "F",
    }  # fmt: skip
    future.products = [{"number": "FP-1", "name": "Widget", "requester_number": "RQ-9"}]
    write_draft(future, folder / "future.xlsx")
    ingest([folder], 2025, "test")
    emrt = Declaration.objects.get(template="EMRT")
    assert [m["mine_name"] for m in emrt.content["mines"]] == ["Chemaf mine", "Anhui mine"]
    cmrt = Declaration.objects.get(template="CMRT")
    assert cmrt.content["product_extras"] == [
        {"row": 6, "number": "FP-1", "name": "Widget", "requester_number": "RQ-9"}
    ]
    assert "mines" not in cmrt.content
