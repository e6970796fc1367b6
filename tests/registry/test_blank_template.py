"""The blank template offered on a request: the official one when kept, else our layout."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from oretrace.cmrt.check import check_bytes
from oretrace.registry.models import Campaign, ReportingPeriod, Supplier, SupplierRequest
from oretrace.registry.services.blank_template import blank_template_for

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "cmrt"


def _request(family: str = "CMRT", minimum: str = "") -> SupplierRequest:
    campaign = Campaign.objects.create(
        name=f"{family} {minimum}",
        period=ReportingPeriod.for_year(2025),
        due_on=dt.date(2026, 3, 31),
        created_by="test",
        template_family=family,
        minimum_revision=minimum,
    )
    supplier = Supplier.objects.create(name="Acme", normalised_name="acme")
    return SupplierRequest.objects.create(campaign=campaign, supplier=supplier)


@pytest.fixture(autouse=True)
def _template_dir(settings: Any, tmp_path: Path) -> Path:
    settings.ORETRACE_TEMPLATE_DIR = tmp_path / "templates"
    return settings.ORETRACE_TEMPLATE_DIR


@pytest.mark.parametrize("family", ["CMRT", "EMRT", "CRT", "AMRT"])
def test_without_an_official_template_our_own_layout_is_offered_and_reads_back(
    family: str,
) -> None:
    name, data = blank_template_for(_request(family))
    assert name.startswith(f"{family}_") and name.endswith("_blank_oretrace-layout.xlsx")
    result = check_bytes(data, name)
    assert result.error is None and result.declaration is not None
    assert result.declaration.template == family
    assert result.checker_missing and result.checker_missing > 0  # blank: everything to fill


def test_the_newest_official_template_at_or_above_the_minimum_is_offered(
    _template_dir: Path,
) -> None:
    _template_dir.mkdir()
    (_template_dir / "RMI_CMRT_6.31.xlsx").write_bytes(b"PK\x03\x04 6.31")
    (_template_dir / "RMI_CMRT_6.5.xlsx").write_bytes(b"PK\x03\x04 6.5")
    (_template_dir / "RMI_EMRT_2.1.xlsx").write_bytes(b"PK\x03\x04 emrt")
    (_template_dir / "notes.txt").write_text("CMRT 9.9")
    assert blank_template_for(_request("CMRT")) == ("RMI_CMRT_6.5.xlsx", b"PK\x03\x04 6.5")
    assert blank_template_for(_request("EMRT"))[0] == "RMI_EMRT_2.1.xlsx"
    # none at or above the minimum: our own layout, not an outdated official file
    assert blank_template_for(_request("CMRT", "6.6"))[0].endswith("oretrace-layout.xlsx")


@pytest.mark.corpus
def test_a_real_official_template_is_offered_byte_for_byte(_template_dir: Path) -> None:
    source = CORPUS / "cmr__RMI_CMRT_6.5.xlsx"
    if not source.is_file():
        pytest.skip("corpus not present")
    _template_dir.mkdir()
    (_template_dir / "RMI_CMRT_6.5.xlsx").write_bytes(source.read_bytes())
    name, data = blank_template_for(_request("CMRT"))
    assert name == "RMI_CMRT_6.5.xlsx" and data == source.read_bytes()
    read = check_bytes(data, name).declaration
    assert read is not None and read.template == "CMRT"
