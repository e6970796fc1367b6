"""Not ready, not final: missing filer facts and empty periods are refused with a list; a
draft builds anyway with DRAFT on every page; a final report holds no placeholder; dates are
the ones the registry can vouch for."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from django.utils import timezone

from oretrace.cli import main
from oretrace.cmrt.check import check_path
from oretrace.registry.models import Declaration, Supplier
from oretrace.registry.services.ingest import ingest
from oretrace.registry.services.profile import update_profile
from oretrace.registry.services.reference import add_snapshots
from oretrace.smelters import import_file
from tests.registry.conftest import demo_profile, write_supplier

pytestmark = pytest.mark.django_db

PLACEHOLDERS = re.compile(r"To be completed|Example Corporation|0000000000|\[XX+\]|TODO|DRAFT")


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _texts(folder: Path) -> dict[str, str]:
    """Every word of every output a reader can open, headers and footers included."""
    texts = {}
    for path in sorted(folder.rglob("*")):
        if path.suffix in (".htm", ".html", ".json", ".svg"):
            texts[path.name] = path.read_text(encoding="utf-8", errors="replace")
        elif path.suffix in (".docx", ".xlsx"):
            with zipfile.ZipFile(path) as archive:
                texts[path.name] = " ".join(  # the text of every part, without markup
                    re.sub(r"<[^>]+>", " ", archive.read(n).decode("utf-8", "replace"))
                    for n in archive.namelist()
                    if n.endswith(".xml")
                )
    return texts


def _period(tmp_path: Path) -> None:
    write_supplier(tmp_path / "in", "Acme Metals", dt.date(2025, 4, 1), metals=("Tin", "Gold"))
    write_supplier(tmp_path / "in", "Beta Wire", dt.date(2025, 5, 2), metals=("Tungsten",))
    ingest([tmp_path / "in"], 2025, "test")


def test_a_period_without_data_fails_with_the_list(tmp_path: Path) -> None:
    result = _run("report", "--period", "2019", "--out", str(tmp_path / "r"))
    assert result.exit_code == 1
    for missing in (
        "legal_name",
        "state_of_incorporation",
        "irs_employer_id",
        "commission_file_number",
        "contact_name",
        "authorizer",
        "no supplier declarations were received for 2019",
        "no suppliers were surveyed for 2019",
    ):
        assert missing in result.output, missing
    assert "Traceback" not in result.output
    assert not (tmp_path / "r").exists()
    rollup = _run("rollup", "--period", "2019", "-o", str(tmp_path / "ours.xlsx"))
    assert rollup.exit_code == 1 and "legal_name" in rollup.output
    assert not (tmp_path / "ours.xlsx").exists()


def test_missing_facts_are_listed_exactly(tmp_path: Path) -> None:
    _period(tmp_path)
    update_profile(demo_profile() | {"irs_employer_id": "", "authorizer_title": " "}, "test")
    result = _run("report", "--period", "2025", "--out", str(tmp_path / "r"))
    assert result.exit_code == 1
    listed = [line.strip() for line in result.output.splitlines() if line.strip().startswith("-")]
    assert listed == [
        "- profile field irs_employer_id: IRS Employer Identification No.",
        "- profile field authorizer_title: title of the officer who signs",
    ]


def test_early_as_of_is_a_draft_only_and_stamped_on_every_output(tmp_path: Path) -> None:
    _period(tmp_path)
    update_profile(demo_profile(), "test")
    refused = _run(
        "report", "--period", "2025", "--out", str(tmp_path / "r"), "--as-of", "2020-01-01"
    )
    assert refused.exit_code == 1
    assert "as-of date 2020-01-01 is not after the end of the reporting period" in refused.output
    draft = _run(
        "report",
        "--period",
        "2025",
        "--out",
        str(tmp_path / "d"),
        "--as-of",
        "2025-06-30",
        "--draft",
    )
    assert draft.exit_code == 0, draft.output
    texts = _texts(tmp_path / "d")
    for name in ("form-sd.htm", "ex-1.01.htm", "form-sd.docx", "ex-1.01.docx", "report.html"):
        assert "DRAFT - NOT FOR FILING" in texts[name], name
    for name in ("form-sd.docx", "ex-1.01.docx"):  # in the header: on every page
        with zipfile.ZipFile(tmp_path / "d" / name) as archive:
            headers = [n for n in archive.namelist() if n.startswith("word/header")]
            assert any(b"DRAFT - NOT FOR FILING" in archive.read(n) for n in headers), name
    with zipfile.ZipFile(tmp_path / "d" / "exports.xlsx") as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert all(b"DRAFT - NOT FOR FILING" in archive.read(n) for n in sheets)
    assert "signed" in texts["form-sd.htm"] and "June 30, 2025" in texts["form-sd.htm"]
    ours = tmp_path / "ours.xlsx"
    assert _run("rollup", "--period", "2025", "-o", str(ours), "--as-of", "2025-06-30").exit_code
    assert (
        _run(
            "rollup", "--period", "2025", "-o", str(ours), "--as-of", "2025-06-30", "--draft"
        ).exit_code
        == 0
    )
    read = check_path(ours).declaration
    assert read is not None
    assert (read.company_value("company_name") or "").startswith("DRAFT - Oretrace Demo")


def test_final_outputs_hold_no_placeholder(tmp_path: Path) -> None:
    _period(tmp_path)
    update_profile(demo_profile(), "test")
    result = _run("report", "--period", "2025", "--out", str(tmp_path / "r"))
    assert result.exit_code == 0, result.output
    assert (
        _run("rollup", "--period", "2025", "-o", str(tmp_path / "r" / "ours.xlsx")).exit_code == 0
    )
    texts = _texts(tmp_path / "r")
    assert {"form-sd.htm", "ex-1.01.htm", "form-sd.docx", "ex-1.01.docx", "report.html",
            "exports.xlsx", "ours.xlsx", "snapshot.json"} <= set(texts)  # fmt: skip
    for name, text in texts.items():
        found = PLACEHOLDERS.search(text)
        assert found is None, f"{name}: {found.group(0) if found else ''}"
    assert "12-3456789" in texts["form-sd.htm"]  # the IRS Employer Identification No. box
    assert "IRS Employer Identification No." in texts["form-sd.htm"]


def test_dates_are_the_ones_the_registry_vouches_for(tmp_path: Path) -> None:
    for day in (dt.date(2025, 12, 15), dt.date(2026, 1, 15)):  # the second: after the period
        listed = tmp_path / f"conformant-{day}.csv"
        listed.write_text(
            "Metal,Smelter ID,Standard Smelter Name,Country,RMI Status\n"
            "Tin,CID001182,Minsur,PERU,Conformant\n",
            encoding="utf-8",
        )
        add_snapshots(import_file(listed, as_of=day), actor="test")
    _period(tmp_path)
    Declaration.objects.update(ingested_at=timezone.make_aware(dt.datetime(2026, 1, 10, 12)))
    update_profile(demo_profile(), "test")
    late = Supplier.objects.create(name="Joined Later", normalised_name="joined later")
    Supplier.objects.filter(pk=late.pk).update(
        created_at=timezone.make_aware(dt.datetime(2026, 6, 1, 12))
    )
    out = tmp_path / "r"
    result = _run("report", "--period", "2025", "--out", str(out), "--as-of", "2026-03-31")
    assert result.exit_code == 0, result.output
    cmr = " ".join(
        re.sub(r"<[^>]+>", " ", (out / "ex-1.01.htm").read_text(encoding="ascii")).split()
    )
    assert "according to the RMI facility lists dated December 15, 2025" in cmr
    assert "January 15, 2026" not in cmr  # a list after the period is not the status at its end
    assert "as of March 31, 2026" not in cmr  # the build day never stands for the list's date
    assert "surveyed 2 suppliers" in cmr  # the supplier created in June does not count yet
    assert "March 31, 2026" in (out / "form-sd.htm").read_text(encoding="ascii")  # signature
