"""Reading reference snapshots from workbooks and lists the tests write themselves."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from oretrace.smelters import ReferenceImportError, SnapshotKind, import_bytes, import_file

from .conftest import write_workbook


def test_lookup_of_a_6x_template(template_65: Path) -> None:
    [snapshot] = import_file(template_65)
    info = snapshot.info
    assert (info.key, info.kind, info.family, info.revision) == (
        "template:CMRT:6.5", SnapshotKind.TEMPLATE, "CMRT", "6.5",
    )  # fmt: skip
    assert info.as_of == dt.date(2025, 4, 25)
    assert info.source == "cmrt65.xlsx" and len(info.sha256) == 64
    assert len(snapshot.rows) == 9  # the two pseudo rows are not smelters
    alias = next(r for r in snapshot.rows if r.name.startswith("Allgemeine"))
    assert (alias.smelter_id, alias.standard_name) == ("CID000035", "Agosi AG")
    xiamen = next(r for r in snapshot.rows if r.smelter_id == "CID002082")
    assert xiamen.street == ""  # the formula's 0 is no street


def test_standard_names_of_a_2x_template(template_202: Path) -> None:
    [snapshot] = import_file(template_202)
    assert snapshot.info.as_of == dt.date(2013, 3, 29)
    names = {(r.metal, r.name, r.legacy_id) for r in snapshot.rows}
    assert ("Gold", "Allgemeine Gold", "1DEU001") in names
    assert ("Gold", "Allgemeine Gold- & Silberscheideanstalt", "1DEU001") in names
    assert ("Tin", "China's Shangdong Gold Mining Co.,Ltd", "2CHN099") in names
    assert all(r.smelter_id is None for r in snapshot.rows)


def test_301_maps_old_ids_to_new(template_301: Path) -> None:
    [snapshot] = import_file(template_301)
    assert {(r.legacy_id, r.smelter_id) for r in snapshot.rows} == {
        ("1DEU001", "CID000035"), ("1USA033", "CID001113"),
    }  # fmt: skip
    assert snapshot.info.as_of == dt.date(2014, 4, 9)  # 3.01 has no date: the latest one
    assert "3.01 has none" in snapshot.info.as_of_basis


def test_facility_list_workbook(tmp_path: Path) -> None:
    conformant: list[list[object]] = [
        ["Sl #", "METAL", "SMELTER ID", "STANDARD SMELTER NAME", "COUNTRY LOCATION",
         "LAST AUDIT DATE", "AUDIT CYCLE"],
        [1, "Gold", "CID000035", "Agosi AG", "GERMANY", dt.date(2022, 8, 15), "3 Years"],
        [2, "Tungsten", "CID002082", "Xiamen Tungsten Co., Ltd.", "CHINA", "11/19/2022", "1 Year"],
        [3, "Gold", "CID0027634", "8853 S.p.A.", "ITALY", "", ""],
    ]  # fmt: skip
    active: list[list[object]] = [["METAL", "SMELTER ID", "STANDARD SMELTER NAME"]]
    active.append(["Tin", "CID001182", "Minsur"])
    path = write_workbook(tmp_path / "lists.xlsx", {"Conformant": conformant, "Active": active})
    first, second = import_file(path)
    assert first.info.kind is SnapshotKind.FACILITY_LIST
    assert first.info.as_of == dt.date(2022, 11, 19)  # newest audit date in the file
    agosi = first.rows[0]
    assert (agosi.status, agosi.last_audit, agosi.audit_cycle) == (
        "Conformant", dt.date(2022, 8, 15), "3 Years",
    )  # fmt: skip
    assert len(first.rows) == 2 and "CID002763" in first.notes[0]
    assert second.rows[0].status == "Active"
    dated = import_file(path, as_of=dt.date(2023, 1, 31))
    assert dated[0].info.as_of == dt.date(2023, 1, 31)
    assert dated[0].info.key.endswith("2023-01-31")


def test_lookup_csv_export() -> None:
    text = (
        "Metal,Standard Smelter Names,Known alias,Smelter Facility Location: Country,Smelter ID\n"
        'Gold (Au),Materion,"Materion Advanced Metals,Materion Inc.",UNITED STATES,1USA033\n'
    )
    [snapshot] = import_bytes(text.encode(), "smelter-lookup-cmrt-2.02.csv")
    assert snapshot.info.key == "template:CMRT:2.02"
    assert [r.name for r in snapshot.rows] == [
        "Materion",
        "Materion Advanced Metals",
        "Materion Inc.",
    ]


def test_files_without_reference_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ReferenceImportError):
        import_bytes(b"a,b\n1,2\n", "other.csv")
    path = write_workbook(tmp_path / "x.xlsx", {"Sheet1": [["hello"]]})
    with pytest.raises(ReferenceImportError):
        import_file(path)
