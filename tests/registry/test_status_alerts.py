"""Status-change alerts: importing a newer RMI list says what changed and what it touches."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from oretrace.registry.models import (
    AuditEntry,
    BomLine,
    DeclarationSmelter,
    Part,
    PartSource,
    Product,
    Supplier,
)
from oretrace.registry.services.ingest import ingest
from oretrace.registry.services.reference import current_status_alerts, import_snapshots
from oretrace.smelters import import_bytes
from tests.registry.conftest import write_supplier

pytestmark = pytest.mark.django_db

HEADER = "Metal,Smelter ID,Smelter Name,Country,RMI Status,Last Audit Date,Audit Cycle\n"


def rmi_list(day: str, rows: list[str]) -> list:  # type: ignore[type-arg]
    text = HEADER + "\n".join(rows) + "\n"
    return import_bytes(text.encode(), f"rmi-list-{day}.csv", dt.date.fromisoformat(day))


def test_a_newer_list_says_what_changed_and_who_is_affected(tmp_path: Path) -> None:
    write_supplier(tmp_path / "in", "Acme Metals", dt.date(2025, 4, 1), metals=("Tin",))
    ingest([tmp_path / "in"], 2025, "test")
    named = DeclarationSmelter.objects.exclude(smelter=None).select_related("smelter").first()
    assert named is not None and named.smelter is not None
    tin = named.smelter.smelter_id
    supplier = Supplier.objects.get(name="Acme Metals")
    part = Part.objects.create(number="P-1")
    PartSource.objects.create(part=part, supplier=supplier)
    BomLine.objects.create(product=Product.objects.create(number="PHONE-9"), part=part)

    first = import_snapshots(
        rmi_list("2025-01-01", [
            f"Tin,{tin},Tin Plant,CHINA,Conformant,,",
            "Gold,CID000035,Agosi AG,GERMANY,Active,,",
            "Gold,CID000711,Heraeus Germany GmbH Co. KG,GERMANY,Conformant,,",
            "Tungsten,CID002082,Xiamen Tungsten Co. Ltd.,CHINA,Conformant,,",
            "Gold,CID000189,Cendres + Métaux SA,SWITZERLAND,Conformant,2024-03-01,12 months",
        ]),
        "test",
    )  # fmt: skip
    assert first["changes"] == []  # nothing before it to compare with
    alerts = import_snapshots(
        rmi_list("2025-07-01", [
            f"Tin,{tin},Tin Plant,CHINA,Active,,",
            "Gold,CID000035,Agosi AG,GERMANY,Conformant,,",
            "Gold,CID000707,Heraeus Germany GmbH Co. KG,CHINA,Conformant,,",
            "Tungsten,CID002082,Xiamen Tungsten Co. Ltd.,CHINA,Suspended,,",
            "Gold,CID000189,Cendres + Métaux SA,SWITZERLAND,Conformant,2024-03-01,12 months",
        ]),
        "test",
    )  # fmt: skip
    changes = {c["smelter_id"]: c for c in alerts["changes"]}
    assert (alerts["since"], alerts["until"]) == ("2025-01-01", "2025-07-01")
    assert changes[tin]["change"] == "lost_conformance"
    assert (changes[tin]["before"], changes[tin]["after"]) == ("Conformant", "Active")
    assert changes[tin]["affected"]["suppliers"] == ["Acme Metals"]
    assert changes[tin]["affected"]["products"] == ["PHONE-9"]
    assert len(changes[tin]["affected"]["declarations"]) == 1
    assert changes["CID000035"]["change"] == "became_conformant"
    assert changes["CID002082"]["change"] == "suspended"
    assert changes["CID000711"]["change"] == "merged"
    assert changes["CID000711"]["merged_into"] == "CID000707"
    assert changes["CID000189"]["change"] == "reassessment_due"
    assert "2025-03-01" in changes["CID000189"]["note"]
    assert (changes["CID000707"]["change"], changes["CID000707"]["before"]) == (
        "became_conformant", "",
    )  # newly listed, conformant from the start  # fmt: skip

    entry = AuditEntry.objects.filter(action="reference.status_changes").get()
    assert {c["smelter_id"] for c in entry.data["changes"]} == set(changes)
    assert current_status_alerts() == alerts  # the same figures, read back later
    since_first = current_status_alerts("2025-01-01")
    assert since_first["changes"] == alerts["changes"]


def test_a_smelter_dropped_from_the_lists_is_removed() -> None:
    import_snapshots(rmi_list("2025-01-01", ["Gold,CID000035,Agosi AG,GERMANY,Active,,",
                                             "Gold,CID000189,Cendres,SWITZERLAND,Active,,"]),
                     "test")  # fmt: skip
    alerts = import_snapshots(
        rmi_list("2025-07-01", ["Gold,CID000189,Cendres,SWITZERLAND,Active,,"]), "test"
    )
    assert [(c["smelter_id"], c["change"]) for c in alerts["changes"]] == [("CID000035", "removed")]
