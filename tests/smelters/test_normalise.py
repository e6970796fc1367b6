from __future__ import annotations

import re
import unicodedata

import ftfy
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from oretrace.smelters import (
    Reference,
    canonical_metal,
    clean,
    core,
    country_code,
    fold,
    parse_smelter_id,
    shipped_snapshots,
)
from oretrace.smelters.ids import IdKind, cid_near_misses
from oretrace.smelters.names import ftfy_leaves_alone, split_aliases


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Cendres + MÃ©taux SA", "cendres and metaux sa"),  # mojibake repaired, accents folded
        ("Cendres + M?taux SA", "cendres and mtaux sa"),  # lost character dropped
        ("8853 S.p.A.", "8853 spa"),
        ("A.L.M.T. Corp.", "almt corp"),
        ("Ma’anshan  Weitai Tin Co.,Ltd.", "maanshan weitai tin co ltd"),
        ("ＰＴ　Ｔｉｍａｈ", "pt timah"),  # full-width forms (NFKC)
        ("Königliche Münze Straße", "konigliche munze strasse"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PT Timah Tbk", "timah"),
        ("Heraeus Precious Metals GmbH & Co. KG", "heraeus precious metals"),
        ("Jiangxi Copper Company Limited", "jiangxi copper"),
        ("Kyrgyzaltyn JSC", "kyrgyzaltyn"),
        ("Metalor HK", "metalor hong kong"),
        ("Co., Ltd.", "co ltd"),  # nothing but legal forms: keep the folded text
    ],
)
def test_core_drops_legal_forms(text: str, expected: str) -> None:
    assert core(text) == expected


def test_clean_of_cells_that_are_not_text() -> None:
    assert clean(None) == ""
    assert clean(True) == ""
    assert clean(242332.0) == "242332"
    assert clean("  a \n b ") == "a b"


def test_split_aliases_keeps_legal_forms_with_their_name() -> None:
    assert split_aliases(
        "Shandong Gold Mining (Laizhou),China's Shangdong Gold Mining Co.,Ltd"
    ) == [
        "Shandong Gold Mining (Laizhou)",
        "China's Shangdong Gold Mining Co.,Ltd",
    ]


@given(st.text())
@example("Ç¼")  # mojibake of Ǽ: NFKD leaves Æ, which must fold to "ae" too
def test_normalisation_never_fails_and_is_stable(text: str) -> None:
    folded = fold(text)
    assert fold(folded) == folded
    assert set(core(text).split()) <= set(folded.split()) | {
        "hong",
        "kong",
        "manufacturing",
        "national",
        "technology",
    }


@pytest.mark.parametrize(
    ("text", "metal"),
    [("Gold (Au)", "Gold"), ("tin/Sn", "Tin"), ("Wolfram", "Tungsten"), ("Ta", "Tantalum"),
     ("Aluminium", "Aluminum"), ("Rare Earth Elements", "Rare Earth Elements"), ("Gold/Tin", None),
     ("", None), ("Steel", None)],
)  # fmt: skip
def test_metal_spellings(text: str, metal: str | None) -> None:
    assert canonical_metal(text) == metal


def test_metal_of_non_text() -> None:
    assert canonical_metal(3.0) is None
    assert canonical_metal(None) is None


@pytest.mark.parametrize(
    ("text", "code"),
    [("KOREA, REPUBLIC OF", "KR"), ("VIET NAM", "VN"), ("UNITED STATES", "US"),
     ("United States of America", "US"), ("TAIWAN, PROVINCE OF CHINA", "TW"),
     ("CONGO, DEMOCRATIC REPUBLIC OF THE", "CD"), ("CROATIA (local name: Hrvatska)", "HR"),
     ("TÜRKİYE", "TR"), ("Turkey", "TR"), ("P.R. China", "CN"), ("DEU", "DE"), ("Unknown", None),
     ("", None), ("Atlantis", None)],
)  # fmt: skip
def test_country_spellings(text: str, code: str | None) -> None:
    assert country_code(text) == code


@pytest.mark.parametrize(
    ("value", "kind", "normalised"),
    [("CID002082", IdKind.CID, "CID002082"), ("cid 2082", IdKind.CID, "CID002082"),
     ("1deu001", IdKind.LEGACY, "1DEU001"), ("N/A", IdKind.NONE, None), (None, IdKind.NONE, None),
     ("CID0027634", IdKind.MALFORMED, None), (242332.0, IdKind.MALFORMED, None),
     ("2978 Main Street", IdKind.MALFORMED, None)],
)  # fmt: skip
def test_smelter_ids(value: object, kind: IdKind, normalised: str | None) -> None:
    parsed = parse_smelter_id(value)
    assert (parsed.kind, parsed.value) == (kind, normalised)


def test_legacy_id_metal_digit() -> None:
    assert parse_smelter_id("4CHN005").legacy_metal == "Tungsten"


def test_near_misses_of_a_seven_digit_cid() -> None:
    assert "CID002763" in cid_near_misses("CID0027634")
    assert cid_near_misses("CID002763") == ()


# The ftfy fast path (issue #11): a name of plain Latin characters that ftfy's mojibake
# detector does not flag is not given to ftfy, which must indeed return it unchanged.
_LATIN = st.characters(min_codepoint=0x20, max_codepoint=0x17F)
_MOJIBAKE_PRONE = st.sampled_from(["Ã©", "Ã£", "Ã§", "Ã¶", "Ã¼", "Ã³", "Ã ", "Ã", "Â", "â€", "Ã‰"])


@given(st.text(_LATIN, max_size=60))
@example("Indústria e Comércio Ltda.")
@example("MineraÃ§Ã£o Taboca S.A.")  # mojibake: the detector fires, ftfy repairs it
@example("Tom & Jerry Métaux")  # "&" may start an HTML entity: ftfy decides
@example("Ĳssel ŉ")  # ligatures ftfy splits
def test_ftfy_is_skipped_only_where_it_changes_nothing(text: str) -> None:
    if ftfy_leaves_alone(text):
        assert ftfy.fix_text(text) == text


@given(st.lists(st.one_of(st.text(_LATIN, max_size=8), _MOJIBAKE_PRONE), max_size=8))
def test_ftfy_is_skipped_only_where_it_changes_nothing_near_mojibake(parts: list[str]) -> None:
    text = "".join(parts)
    if ftfy_leaves_alone(text):
        assert ftfy.fix_text(text) == text


def test_ftfy_fast_path_on_every_shipped_name_and_its_mojibake() -> None:
    """On the shipped reference's names (and their mojibake), the fast path takes most
    accented names and every skipped one is one ftfy leaves alone; cleaning is unchanged."""
    names = {r.name for s in Reference(shipped_snapshots()).smelters() for r in s.names}
    accented = [n for n in names if not n.isascii()]
    garbled = [n.encode("utf-8").decode("latin-1", errors="replace") for n in accented]
    skipped = [n for n in [*accented, *garbled] if ftfy_leaves_alone(n)]
    assert len(skipped) > len(accented) // 2  # the fast path is taken
    assert all(ftfy.fix_text(n) == n for n in skipped)
    for name in [*accented, *garbled]:
        expected = " ".join(unicodedata.normalize("NFKC", ftfy.fix_text(name)).split())
        assert clean(name) == expected
    assert clean("MineraÃ§Ã£o Taboca S.A.") == "Mineração Taboca S.A."


def fold_before(text: str) -> str:
    """:func:`fold` as written before its ASCII path (issue #11), for ASCII text."""
    value = clean(text).casefold()
    if "?" in value:
        value = re.sub(r"(?<=\w)[?\ufffd]+(?=\w)", "", value)
    value = value.replace("&", " and ").replace("+", " and ").replace("'", "")
    value = re.sub(r"(?<=\b\w)\.", "", value)
    return " ".join(re.sub(r"[^\w]+|_", " ", value).split())


_ASCII_NAMES = st.lists(
    st.sampled_from([*"aAzZ09 .,&+'?-_()/\t\n\x0b\x0c\r\x1c\x1f\x7f", "Co.", "S.p.A.", "Ltd"]),
    max_size=30,
).map("".join)


@given(st.one_of(st.text(st.characters(max_codepoint=0x7F)), _ASCII_NAMES))
@example("  S.p.A.  &  A+B ?x? x?y  ")
@example("a\x1c?b \x1c.c.")
def test_fold_of_ascii_text_is_the_general_formulation(text: str) -> None:
    assert fold(text) == fold_before(text)
