"""A period's status and assessment from the registry: response rate, smelters, RCOI, risk."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from oretrace.registry.models import ReportingPeriod, Supplier
from oretrace.registry.services.assessing import assess_period
from oretrace.registry.services.ingest import ingest
from oretrace.registry.services.reference import add_snapshots
from oretrace.registry.services.status import period_status
from oretrace.smelters import import_file
from tests.registry.conftest import write_supplier

pytestmark = pytest.mark.django_db


def _conformant_list(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    lines = ["Metal,Smelter ID,Standard Smelter Name,Country,RMI Status"]
    lines += [f"{metal},{cid},{name},PERU,Conformant" for metal, cid, name in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_status_counts_and_conclusions(tmp_path: Path) -> None:
    Supplier.objects.create(name="Silent Supplier", normalised_name="silent supplier")
    Supplier.objects.create(name="Acme Metals", normalised_name="acme metals")
    write_supplier(tmp_path / "in", "Acme Metals", dt.date(2025, 4, 1), metals=("Tin",))
    ingest([tmp_path / "in"], 2025, "test")
    status = period_status(2025)
    assert (status.suppliers_surveyed, status.suppliers_responded) == (2, 1)
    assert status.response_rate == 0.5
    assert dict(status.declarations) == {"valid": 1}
    assert dict(status.smelter_rows) == {"auto": 2}
    assert status.smelters_identified == 2
    assert dict(status.smelters_by_status) == {"no rmap status": 2}
    assert status.suppliers_by_risk["high"] >= 1  # the silent supplier: no response
    assert set(status.rcoi) == {"Tantalum", "Tin", "Gold", "Tungsten"}
    assert status.rcoi["Tin"] == "undeterminable"  # half the suppliers are silent


def test_conformance_comes_from_imported_lists(tmp_path: Path) -> None:
    listed = _conformant_list(
        tmp_path / "conformant.csv",
        [("Tin", "CID001182", "Minsur"), ("Tin", "CID001477", "PT Timah Tbk Kundur")],
    )
    add_snapshots(import_file(listed, as_of=dt.date(2025, 6, 1)), actor="test")
    write_supplier(tmp_path / "in", "Acme Metals", dt.date(2025, 4, 1), metals=("Tin",))
    ingest([tmp_path / "in"], 2025, "test")
    assessment = assess_period(ReportingPeriod.for_year(2025))
    assert {s.smelter_id: s.conformant for s in assessment.smelters.values()} == {
        "CID001182": True,
        "CID001477": True,
    }
    assert assessment.rcoi["Tin"].conclusion.value == "not_from_covered_countries"
    assert assessment.rcoi["Gold"].conclusion.value == "no_3tg_necessary"
    [risk] = assessment.suppliers.values()
    assert risk.level.value == "low", risk.reasons
