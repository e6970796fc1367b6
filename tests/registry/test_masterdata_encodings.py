"""CSV files in the encodings and separators real master data comes in: read right, or
refused with the candidates named — never imported as mojibake."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from oretrace.registry.models import Supplier
from oretrace.registry.services.encodings import EncodingUnclear, detect
from oretrace.registry.services.masterdata import MasterDataError, import_master_data

NAMES = {
    "cp1252": ["Müller GmbH", "Société Générale", "Straße AG", "Informação Ltda"],
    "cp932": ["株式会社日立", "トヨタ自動車株式会社", "㈱東芝"],
    "gb18030": ["深圳市金属有限公司", "江西铜业股份有限公司"],
    "utf-8": ["Müller GmbH", "株式会社日立", "深圳市金属有限公司"],
}


def _write(path: Path, names: list[str], encoding: str, separator: str = ",") -> Path:
    lines = [separator.join(["name", "unique_id", "country"])]
    lines += [separator.join([n, f"D{i}", "JP"]) for i, n in enumerate(names)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


@pytest.mark.parametrize(
    ("names", "encoding", "expected"),
    [
        (NAMES["cp1252"], "cp1252", "cp1252"),
        (NAMES["cp1252"][:1], "cp1252", "cp1252"),
        (NAMES["cp932"], "cp932", "cp932"),
        (NAMES["cp932"][:1], "shift_jis", "cp932"),
        (NAMES["gb18030"], "gb18030", "gb18030"),
        (NAMES["gb18030"][:1], "gb18030", "gb18030"),
        (NAMES["utf-8"], "utf-8", "utf-8"),
        (NAMES["utf-8"], "utf-8-sig", "utf-8-sig"),
        (NAMES["utf-8"], "utf-16", "utf-16"),
        (NAMES["utf-8"], "utf-16-le", "utf-16-le"),
        (["Plain Co"], "ascii", "utf-8"),
    ],
)
def test_detects_the_encoding(
    tmp_path: Path, names: list[str], encoding: str, expected: str
) -> None:
    assert detect(_write(tmp_path / "s.csv", names, encoding)).encoding == expected


def test_non_ascii_far_into_a_large_file_is_still_seen(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    filler = "".join(f"Plain {n},P{n},JP\n" for n in range(60_000)).encode()
    path.write_bytes(b"name,unique_id,country\n" + filler + "Müller GmbH,M1,DE\n".encode("cp1252"))
    assert path.stat().st_size > 1 << 20
    assert detect(path).encoding == "cp1252"


def test_bytes_valid_in_two_encodings_are_refused_with_both_readings(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes(b"name,unique_id\n\xe8\xa8\xe8\xb0,D1\n")
    with pytest.raises(EncodingUnclear) as caught:
        detect(path)
    assert caught.value.candidates == ["cp932", "gb18030"]
    assert "Shift-JIS (cp932) reads '險隹,D1'" in str(caught.value)
    assert "GB18030 reads '瑷璋,D1'" in str(caught.value)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "encoding", "separator", "label", "delimiter"),
    [
        ("cp1252", "cp1252", ";", "Latin-1 (cp1252)", "semicolon"),
        ("cp932", "cp932", ",", "Shift-JIS (cp932)", "comma"),
        ("gb18030", "gb18030", "\t", "GB18030", "tab"),
        ("utf-8", "utf-16", "\t", "UTF-16 (BOM)", "tab"),
        ("utf-8", "utf-8-sig", ";", "UTF-8 (BOM)", "semicolon"),
    ],
)
def test_imports_each_encoding_and_separator_exactly(
    tmp_path: Path, key: str, encoding: str, separator: str, label: str, delimiter: str
) -> None:
    path = _write(tmp_path / "suppliers.csv", NAMES[key], encoding, separator)
    result = import_master_data("suppliers", path, "test")
    assert (result.encoding, result.delimiter, result.rejected) == (label, delimiter, 0)
    assert sorted(Supplier.objects.values_list("name", flat=True)) == sorted(NAMES[key])


@pytest.mark.django_db
def test_unclear_encoding_stores_nothing_until_given(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes(b"name,unique_id\n\xe8\xa8\xe8\xb0,D1\n")
    with pytest.raises(MasterDataError, match="Pass --encoding") as caught:
        import_master_data("suppliers", path, "test")
    assert caught.value.code == "encoding_unclear"
    assert Supplier.objects.count() == 0
    import_master_data("suppliers", path, "test", encoding="shift_jis")
    assert Supplier.objects.get().name == "險隹"


@pytest.mark.django_db
def test_a_wrong_encoding_given_is_a_file_error_not_mojibake(tmp_path: Path) -> None:
    path = _write(tmp_path / "s.csv", ["Plain Co", "Müller GmbH"], "cp1252")
    with pytest.raises(MasterDataError, match="line 3: bytes that are not valid UTF-8"):
        import_master_data("suppliers", path, "test", encoding="utf-8")
    assert Supplier.objects.count() == 0
    with pytest.raises(MasterDataError, match="unknown encoding 'klingon'"):
        import_master_data("suppliers", path, "test", encoding="klingon")


@pytest.mark.django_db
def test_a_given_delimiter_wins(tmp_path: Path) -> None:
    path = _write(tmp_path / "s.csv", ["Acme; Inc"], "utf-8", "\t")
    assert import_master_data("suppliers", path, "t", delimiter="tab").created == 1
    assert Supplier.objects.get().name == "Acme; Inc"
    with pytest.raises(MasterDataError, match="lacks required column"):
        import_master_data("suppliers", path, "t", delimiter=";")


def test_every_label_names_a_real_codec() -> None:
    from oretrace.registry.services.encodings import LABELS

    assert all(codecs.lookup(name) for name in LABELS)
