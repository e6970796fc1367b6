"""CRT (cobalt) and AMRT (the minerals a supplier chooses) declarations are assessed per
mineral beside EMRT: one line per mineral in `oretrace status --json`, the internal report
and the dashboard, one answer per supplier and mineral (EMRT before CRT before AMRT), and
Form SD and the CMR stay 3TG only."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from oretrace.cli import main
from oretrace.cmrt.layouts import LAYOUTS
from oretrace.cmrt.revisions import Family
from oretrace.cmrt.writer import write_draft
from oretrace.demo import amrt_draft, crt_draft, emrt_draft
from oretrace.registry.models import Declaration, Supplier
from oretrace.registry.services.ingest import ingest
from oretrace.registry.services.reference import add_snapshots
from oretrace.registry.services.snapshot import report_snapshot
from oretrace.registry.services.status import period_status
from oretrace.reporting.cmr import conflict_minerals_report
from oretrace.reporting.form_sd import form_sd
from oretrace.reporting.management import management_report
from oretrace.reporting.minerals import declared_minerals, mineral_name
from oretrace.reporting.xlsx_patch import SheetPatch, rewrite_zip, sheet_parts
from oretrace.smelters import import_file
from tests.conftest import CORPUS
from tests.registry.test_extended_minerals import _text

pytestmark = pytest.mark.django_db


def _reference(tmp_path: Path) -> None:
    listed = tmp_path / "facility-list.csv"
    listed.write_text(
        "Metal,Smelter ID,Standard Smelter Name,Country,RMI Status\n"
        'Cobalt,CID003264,Chemaf Etoile,"CONGO, DEMOCRATIC REPUBLIC OF THE",Conformant\n'
        'Cobalt,CID003927,"Anhui Hanrui New Material Co., Ltd.",CHINA,Active\n'
        "Aluminum,CID004629,Aluminerie Alouette Inc.,CANADA,Conformant\n",
        encoding="utf-8",
    )
    add_snapshots(import_file(listed, as_of=dt.date(2025, 6, 1)), actor="test")


def _group(tmp_path: Path) -> None:
    """A CRT-only supplier, one that sends an EMRT and a CRT, and an AMRT supplier."""
    _reference(tmp_path)
    folder = tmp_path / "in"
    folder.mkdir()
    write_draft(crt_draft("Cobalt Refining Ltd"), folder / "crt.xlsx")
    write_draft(emrt_draft("Mixed Parts Ltd", "2.1", ("Cobalt", "Mica")), folder / "mixed.xlsx")
    write_draft(crt_draft("Mixed Parts Ltd"), folder / "mixed-crt.xlsx")
    write_draft(amrt_draft("Alu Parts Ltd", ("Aluminum", "Silver")), folder / "amrt.xlsx")
    ingest([folder], 2025, "test")


def test_crt_and_amrt_minerals_are_assessed_like_emrt(tmp_path: Path) -> None:
    _group(tmp_path)
    assert sorted(Declaration.objects.values_list("template", flat=True)) == [
        "AMRT", "CRT", "CRT", "EMRT",
    ]  # fmt: skip
    written = Declaration.objects.filter(template__in=("CRT", "AMRT"))
    assert set(written.values_list("status", flat=True)) == {"valid"}  # as RMI's Checker reads
    minerals = period_status(2025).as_json()["extended_minerals"]
    assert list(minerals) == ["Cobalt", "Mica", "Aluminum", "Silver"]
    assert minerals["Cobalt"]["coverage"] == 1.0  # both cobalt declarations are valid
    cobalt, aluminum, silver = minerals["Cobalt"], minerals["Aluminum"], minerals["Silver"]
    # Mixed Parts Ltd counts once for cobalt, with its EMRT's rows, not its CRT's as well.
    assert cobalt["declarations"] == 2 and cobalt["suppliers_using"] == 2
    assert cobalt["smelter_rows"] == {"auto": 4}
    assert cobalt["smelters_by_status"] == {"active": 1, "conformant": 1}
    assert cobalt["mines_listed"] == 2  # the EMRT's Mine List; the CRT has none
    assert cobalt["conclusion"] == "may_be_from_covered_countries"  # a refiner in the DRC
    assert minerals["Mica"]["declarations"] == 1
    assert (aluminum["declarations"], aluminum["suppliers_using"]) == (1, 1)
    assert aluminum["coverage"] == 1.0
    assert aluminum["smelter_rows"] == {"auto": 1}
    assert aluminum["smelters_by_status"] == {"conformant": 1}
    assert aluminum["mines_listed"] == 1 and silver["mines_listed"] == 1
    assert silver["smelters_by_status"] == {"no rmap status": 1}
    assert sum(aluminum["suppliers_by_risk"].values()) == 1
    crt_only = Supplier.objects.get(name="Cobalt Refining Ltd").pk
    lines = {line.mineral: line for line in period_status(2025).extended_minerals}
    assert str(crt_only) in lines["Cobalt"].supplier_risks


def test_status_json_and_internal_report_agree_and_form_sd_stays_3tg(tmp_path: Path) -> None:
    _group(tmp_path)
    result = CliRunner().invoke(main, ["status", "--period", "2025", "--json"])
    assert result.exit_code == 0, result.output
    data = report_snapshot(2025)
    shown = json.loads(result.output)["extended_minerals"]
    assert shown == {m.mineral: m.as_json() for m in data.extended_minerals}
    report = _text(management_report(data))
    assert "Aluminum" in report and "Silver" in report
    for document in (conflict_minerals_report(data), form_sd(data, "cmr")):
        text = _text(document)
        assert "Aluminum" not in text and "Cobalt" not in text


def test_an_officer_sees_the_amrt_minerals_of_its_suppliers_only(tmp_path: Path) -> None:
    _group(tmp_path)
    alu = Supplier.objects.get(name="Alu Parts Ltd").pk
    lines = period_status(2025, None, supplier_ids={alu}).extended_minerals
    assert [line.mineral for line in lines] == ["Aluminum", "Silver"]


def test_mineral_names_are_canonical_and_unknown_ones_are_kept() -> None:
    assert mineral_name("Aluminium") == "Aluminum"
    assert mineral_name(" Cobalt (Co) ") == "Cobalt"
    assert mineral_name("Unobtainium") == "Unobtainium"  # shown as written, never dropped
    assert declared_minerals([]) == []


def _patched(template: Path, values: dict[str, str]) -> bytes:
    """The official blank template with Declaration input cells typed in (nothing else)."""
    archive = zipfile.ZipFile(io.BytesIO(template.read_bytes()))
    part = sheet_parts(archive)["Declaration"]
    sheet = SheetPatch.parse(archive.read(part.path))
    for ref, value in values.items():
        sheet.write(ref, value)
    return rewrite_zip(archive, {part.path: sheet.to_bytes()})


def test_the_official_crt_template_filled_in_counts_for_cobalt(tmp_path: Path) -> None:
    template = CORPUS / "cmrt" / "cmr__RMI_CRT_2.21.xlsx"
    if not template.is_file():
        pytest.skip(f"real template corpus not found at {template}")
    layout = LAYOUTS[(Family.CRT, "2.2")]
    refs = {q.key: f"{layout.answer_col}{q.rows[0][0]}" for q in layout.questions}
    values = {layout.company["company_name"]: "Official Cobalt Ltd"}
    values |= {refs[q.key]: q.allowed[0] for q in layout.questions}  # Yes, 100%
    values[refs["Q2"]] = "No"  # no cobalt from CAHRAs
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "crt.xlsx").write_bytes(_patched(template, values))
    ingest([folder], 2025, "test")
    declaration = Declaration.objects.get()
    assert (declaration.template, declaration.company_name) == ("CRT", "Official Cobalt Ltd")
    lines = period_status(2025).extended_minerals
    assert [(line.mineral, line.declarations, line.suppliers_using) for line in lines] == [
        ("Cobalt", 1, 1)
    ]
