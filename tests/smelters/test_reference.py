from __future__ import annotations

import datetime as dt
from pathlib import Path

from oretrace.smelters import Reference, ReferenceRow, Snapshot, SnapshotKind, load_reference
from oretrace.smelters.storage import dump_snapshots, load_snapshots

from .conftest import info, rows_65


def test_history_keeps_dropped_smelters(reference: Reference) -> None:
    materion = reference.smelter("CID001113")
    assert materion is not None
    assert materion.dropped
    assert materion.last_seen == "template:CMRT:3.01"
    assert materion.legacy_ids == ("1USA033",)
    assert reference.smelter("CID000711") is not None
    assert not reference.smelter("CID000711").dropped  # type: ignore[union-attr]


def test_legacy_ids_map_to_cids_and_bring_their_names(reference: Reference) -> None:
    agosi = reference.smelter("1DEU001")
    assert agosi is not None and agosi.smelter_id == "CID000035"
    assert "Allgemeine Gold" in {n.name for n in agosi.names}
    assert agosi.first_seen == "template:CMRT:3.01"
    assert agosi.standard_name == "Agosi AG"  # from the newest snapshot


def test_status_is_a_dated_history() -> None:
    def listed(day: dt.date, status: str) -> Snapshot:
        row = ReferenceRow("Gold", "Agosi AG", "Agosi AG", "GERMANY", "CID000035", status=status)
        return Snapshot(info(f"facility_list:x:{day}", day, SnapshotKind.FACILITY_LIST), (row,))

    reference = Reference(
        [listed(dt.date(2024, 6, 1), "Active"), listed(dt.date(2023, 1, 1), "Conformant")]
    )
    agosi = reference.smelter("CID000035")
    assert agosi is not None
    assert [s.status for s in agosi.statuses] == ["Conformant", "Active"]
    assert agosi.status_at(dt.date(2025, 12, 31)).status == "Active"  # type: ignore[union-attr]
    assert agosi.status_at(dt.date(2023, 6, 30)).status == "Conformant"  # type: ignore[union-attr]
    assert agosi.status_at(dt.date(2022, 12, 31)) is None


def test_snapshots_round_trip_through_the_file_format(reference: Reference) -> None:
    snapshots = [Snapshot(info("template:CMRT:6.5", dt.date(2025, 4, 25)), rows_65(), ("n",))]
    again = load_snapshots(dump_snapshots(snapshots))
    assert again == snapshots


def test_shipped_reference_works_out_of_the_box(tmp_path: Path) -> None:
    shipped = load_reference(directory=tmp_path)  # no imports: the shipped data alone
    keys = {s.key for s in shipped.snapshots}
    assert {
        "template:CMRT:6.5",
        "template:EMRT:2.1",
        "template:CRT:2.2",
        "template:AMRT:1.3",
    } <= keys
    looked_up = [s for s in shipped.snapshots if s.kind is SnapshotKind.TEMPLATE]
    assert all(s.as_of is not None and s.source for s in looked_up)
    assert shipped.smelter("1DEU001") is not None  # legacy IDs resolve through 3.01
    assert len(list(shipped.smelters("Gold"))) > 150
