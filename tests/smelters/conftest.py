"""Small reference data made by the tests themselves, and the corpus location."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
import xlsxwriter

from oretrace.smelters import (
    Identifier,
    Reference,
    ReferenceRow,
    Snapshot,
    SnapshotInfo,
    SnapshotKind,
)

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"

LOOKUP_65: list[tuple[object, ...]] = [
    # metal, look-up name, standard name, country, ID, source, street, city, state
    ("Gold", "Agosi AG", "Agosi AG", "GERMANY", "CID000035", "RMI", "", "Pforzheim", "BW"),
    ("Gold", "Allgemeine Gold-und Silberscheideanstalt A.G.", "Agosi AG", "GERMANY",
     "CID000035", "RMI", "", "Pforzheim", "BW"),
    ("Gold", "Heraeus Germany GmbH Co. KG", "Heraeus Germany GmbH Co. KG", "GERMANY",
     "CID000711", "RMI", "", "Hanau", "Hessen"),
    ("Gold", "Heraeus Metals Hong Kong Ltd.", "Heraeus Metals Hong Kong Ltd.", "CHINA",
     "CID000707", "RMI", "", "Hong Kong", ""),
    ("Gold", "Cendres + Métaux SA", "Cendres + Métaux SA", "SWITZERLAND", "CID000189",
     "RMI", "", "Biel-Bienne", "Bern"),
    ("Tungsten", "Xiamen Tungsten Co., Ltd.", "Xiamen Tungsten Co., Ltd.", "CHINA",
     "CID002082", "RMI", 0, "Xiamen", "Fujian Sheng"),
    ("Tungsten", "Xiamen Tungsten (H.C.) Co., Ltd.", "Xiamen Tungsten (H.C.) Co., Ltd.",
     "CHINA", "CID002320", "RMI", 0, "Xiamen", "Fujian Sheng"),
    ("Tin", "Alpha Metals", "Alpha Assembly Solutions Inc", "UNITED STATES OF AMERICA",
     "CID000292", "RMI", "", "Altoona", "Pennsylvania"),
    ("Tin", "Minsur", "Minsur", "PERU", "CID001182", "RMI", "", "Paracas", "Ica"),
    ("Tin", "Smelter not listed", "", "", "", "", "", "", ""),
    ("Tin", "Smelter not yet identified", "Unknown", "Unknown", "", "", "", "", ""),
]  # fmt: skip


def write_workbook(path: Path, sheets: Mapping[str, Sequence[Sequence[object]]]) -> Path:
    """A workbook with the given cell rows (row 1 first) per sheet."""
    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                if value is None or value == "":
                    continue
                if isinstance(value, dt.date):
                    sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()))
                else:
                    sheet.write(r, c, value)
    book.close()
    return path


def declaration(revision: str) -> list[list[object]]:
    return [
        [],
        ["", "", "", "Conflict Minerals Reporting Template (CMRT)"],
        ["", "", "", "", "", "", "", "", "", f"Revision {revision}"],
    ]


def revision_sheet(rows: Sequence[tuple[str, object]]) -> list[list[object]]:
    header: list[list[object]] = [[] for _ in range(11)]
    header.append(["", "REVISION", "ORIGINATOR", "RELEASE DATE"])
    return header + [["", rev, "RMI", date] for rev, date in rows]


@pytest.fixture
def template_65(tmp_path: Path) -> Path:
    lookup: list[list[object]] = [["notice"], [], [], ["Metal", "Look-up", "Std", "Country", "ID"]]
    lookup += [list(row) for row in LOOKUP_65]
    return write_workbook(
        tmp_path / "cmrt65.xlsx",
        {
            "Revision": revision_sheet([("6.4", "2024-04-26"), ("6.5", dt.date(2025, 4, 25))]),
            "Declaration": declaration("6.5"),
            "Smelter Look-up": lookup,
        },
    )


@pytest.fixture
def template_202(tmp_path: Path) -> Path:
    names: list[list[object]] = [
        ["Note: …"],
        ["Metal", "Standard Smelter Names", "Known alias", "Country", "Smelter ID"],
        ["Gold (Au)", "Allgemeine Gold- und Silberscheideanstalt A.G.",
         "Allgemeine Gold,Allgemeine Gold- & Silberscheideanstalt", "GERMANY", "1DEU001"],
        ["Gold (Au)", "Materion", "Materion Advanced Metals", "UNITED STATES", "1USA033"],
        ["Tin (Sn)", "Shandong Gold Mining (Laizhou)",
         "China's Shangdong Gold Mining Co.,Ltd", "CHINA", "2CHN099"],
        ["Tin (Sn)", "Smelter Not Listed", "", "", ""],
    ]  # fmt: skip
    return write_workbook(
        tmp_path / "cmrt202.xlsx",
        {
            "Revision": revision_sheet([("2.02", "March 29th 2013")]),
            "Declaration": declaration("2.02"),
            "Standard Smelter Names": names,
        },
    )


@pytest.fixture
def template_301(tmp_path: Path) -> Path:
    names: list[list[object]] = [
        ["Note"],
        ["Metal", "Standard Smelter Names", "Country", "Old Smelter ID", "New Smelter ID"],
        ["Gold", "Allgemeine Gold-und Silberscheideanstalt A.G.", "GERMANY", "1DEU001",
         "CID000035"],
        ["Gold", "Materion", "UNITED STATES", "1USA033", "CID001113"],
    ]  # fmt: skip
    return write_workbook(
        tmp_path / "cmrt301.xlsx",
        {
            "Revision": revision_sheet([("3.0", "April 9th, 2014"), ("3.01", "")]),
            "Declaration": declaration("3.01"),
            "Standard Smelter Names": names,
        },
    )


def info(key: str, as_of: dt.date, kind: SnapshotKind = SnapshotKind.TEMPLATE) -> SnapshotInfo:
    family, revision = (
        (key.split(":")[1:3] + ["", ""])[:2] if kind is SnapshotKind.TEMPLATE else ("", "")
    )
    return SnapshotInfo(key, kind, key, "tests", "", as_of, "test", family, revision)


def rows_65() -> tuple[ReferenceRow, ...]:
    rows = [tuple(str(cell) for cell in row) for row in LOOKUP_65]
    return tuple(
        ReferenceRow(m, n, s or n, c, i or None, None, src, "", city, st)
        for m, n, s, c, i, src, _, city, st in rows
        if i
    )


@pytest.fixture
def reference() -> Reference:
    return small_reference()


def small_reference() -> Reference:
    """CMRT 6.5 rows plus an older revision with a dropped smelter and a legacy ID."""
    old = (
        ReferenceRow("Gold", "Allgemeine Gold", "Allgemeine Gold", "GERMANY", None, "1DEU001"),
        ReferenceRow("Gold", "Materion", "Materion", "UNITED STATES", "CID001113", "1USA033"),
        ReferenceRow("Gold", "Agosi AG", "Agosi AG", "GERMANY", "CID000035", "1DEU001"),
    )
    return Reference(
        [
            Snapshot(info("template:CMRT:3.01", dt.date(2014, 5, 30)), old),
            Snapshot(info("template:CMRT:6.5", dt.date(2025, 4, 25)), rows_65()),
        ]
    )


@pytest.fixture
def identifier(reference: Reference) -> Identifier:
    return Identifier(reference)


def corpus_or_skip(*parts: str) -> Path:
    path = CORPUS.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"corpus not available at {path}")
    return path
