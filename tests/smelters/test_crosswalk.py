"""One smelter, one identity through time: legacy IDs become aliases of their CIDs."""

from __future__ import annotations

import datetime as dt

from oretrace.smelters import (
    Decision,
    Flag,
    Identifier,
    Reference,
    ReferenceRow,
    SmelterQuery,
    Snapshot,
    shipped_snapshots,
)
from oretrace.smelters.crosswalk import BY_CORE_NAME, BY_FOLDED_NAME, build_crosswalk

from .conftest import info


def _row(metal: str, name: str, country: str, cid: str | None = None, legacy: str | None = None,
         standard: str = "") -> ReferenceRow:  # fmt: skip
    return ReferenceRow(metal, name, standard or name, country, cid, legacy)


def history() -> list[Snapshot]:
    """2.02 (legacy IDs only), 3.01 (old and new IDs), 6.4 and 6.5 look-ups."""
    v202 = (
        _row("Tantalum", "Tantalite Resources", "SOUTH AFRICA", legacy="3ZAF013"),
        _row("Gold", "Materion", "UNITED STATES", legacy="1USA033"),
        _row("Tin", "CV Nurjanah", "INDONESIA", legacy="2IDN006"),
        _row("Tin", "PT Koba Tin", "INDONESIA", legacy="2IDN036"),
        _row("Tin", "PT Timah", "INDONESIA", legacy="2IDN099"),
        _row("Gold", "Codelco", "CHILE", legacy="1CHL014"),
    )
    v301 = (_row("Gold", "Materion", "UNITED STATES", "CID001113", "1USA033"),)
    v64 = (
        _row("Tantalum", "Tantalite Resources", "SOUTH AFRICA", "CID001879"),
        _row("Tungsten", "Wolfram Company CJSC", "RUSSIAN FEDERATION", "CID002047"),
        _row("Tungsten", "Wolfram JSC", "RUSSIAN FEDERATION", "CID002047",
             standard="Wolfram Company CJSC"),
        _row("Tungsten", "Wolfram Bergbau und Hütten AG", "AUSTRIA", "CID002044"),
        _row("Tin", "CV Nurjanah Co., Ltd.", "INDONESIA", "CID000309"),
        _row("Tin", "PT Timah Tbk Kundur", "INDONESIA", "CID001477"),
        _row("Tin", "PT Timah Tbk Mentok", "INDONESIA", "CID001482"),
        _row("Tin", "PT Timah", "INDONESIA", "CID001477", standard="PT Timah Tbk Kundur"),
        _row("Tin", "PT Timah", "INDONESIA", "CID001482", standard="PT Timah Tbk Mentok"),
    )  # fmt: skip
    v65 = (
        _row("Tungsten", "Wolfram Bergbau und Hütten AG", "AUSTRIA", "CID002044"),
        _row("Tungsten", "Wolfram [Austria]", "AUSTRIA", "CID002044",
             standard="Wolfram Bergbau und Hütten AG"),
        _row("Tantalum", "Global Advanced Metals Boyertown", "UNITED STATES", "CID002557"),
        _row("Tin", "CV Nurjanah Co., Ltd.", "INDONESIA", "CID000309"),
    )  # fmt: skip
    return [
        Snapshot(info("template:CMRT:2.02", dt.date(2013, 3, 29)), v202),
        Snapshot(info("template:CMRT:3.01", dt.date(2014, 4, 9)), v301),
        Snapshot(info("template:CMRT:6.4", dt.date(2024, 4, 26)), v64),
        Snapshot(info("template:CMRT:6.5", dt.date(2025, 4, 25)), v65),
    ]


def test_crosswalk_links_legacy_ids_by_metal_country_and_name() -> None:
    crosswalk = build_crosswalk(history())
    links = {row.legacy_id: (row.smelter_id, row.id_source) for row in crosswalk.rows}
    assert links["3ZAF013"] == ("CID001879", BY_FOLDED_NAME)
    assert links["2IDN006"] == ("CID000309", BY_CORE_NAME)  # "Co., Ltd." aside
    assert "1USA033" not in links  # 3.01 maps it already
    assert "2IDN036" not in links and "1CHL014" not in links  # no CID carries the name
    assert "2IDN099" not in links  # two CIDs carry "PT Timah": nobody guesses
    notes = "\n".join(crosswalk.notes)
    assert "2IDN036 'PT Koba Tin'" in notes and "kept as a legacy entity" in notes
    assert "2IDN099 'PT Timah': several CIDs fit (CID001477, CID001482)" in notes


def test_a_legacy_id_is_an_alias_of_its_cid_never_a_separate_smelter() -> None:
    snapshots = history()
    reference = Reference([*snapshots, build_crosswalk(snapshots)])
    tantalite = reference.smelter("3ZAF013")
    assert tantalite is not None and tantalite.smelter_id == "CID001879"
    assert tantalite.legacy_ids == ("3ZAF013",)
    assert tantalite.first_seen == "template:CMRT:2.02"  # the history starts with the old ID
    assert all(s.smelter_id != "3ZAF013" for s in reference.smelters())
    assert reference.smelter("2IDN036") is not None  # unlinked: stays a legacy entity
    assert reference.smelter("2IDN036").smelter_id == "2IDN036"  # type: ignore[union-attr]


def test_an_old_report_name_resolves_automatically_to_the_cid() -> None:
    snapshots = history()
    before = Identifier(Reference(snapshots))
    query = SmelterQuery("Tantalum", "Tantalite Resources", "South Africa")
    assert before.identify(query).decision is Decision.REVIEW  # two entities, one plant
    result = Identifier(Reference([*snapshots, build_crosswalk(snapshots)])).identify(query)
    assert (result.decision, result.smelter_id) == (Decision.AUTO, "CID001879")
    assert [c.smelter_id for c in result.candidates] == ["CID001879"]
    assert Flag.DROPPED in result.flags  # still said: RMI no longer lists it


def test_the_legacy_id_itself_maps_to_the_cid() -> None:
    snapshots = history()
    identifier = Identifier(Reference([*snapshots, build_crosswalk(snapshots)]))
    result = identifier.identify(SmelterQuery("Tantalum", "Tantalite Resources", None, "3ZAF013"))
    assert (result.smelter_id, result.decision) == ("CID001879", Decision.AUTO)
    assert Flag.LEGACY_ID in result.flags


def test_exact_name_and_country_beats_still_listed_elsewhere() -> None:
    identifier = Identifier(Reference(history()))
    result = identifier.identify(
        SmelterQuery("Tungsten", "Wolfram Company CJSC", "Russian Federation")
    )
    assert (result.smelter_id, result.decision) == ("CID002047", Decision.AUTO)
    assert Flag.COUNTRY_MISMATCH not in result.flags
    # without a country nothing singles it out: a person decides
    unsure = identifier.identify(SmelterQuery("Tungsten", "Wolfram Company CJSC", None))
    assert unsure.decision is Decision.REVIEW


def test_shipped_reference_carries_the_crosswalk() -> None:
    reference = Reference(shipped_snapshots())
    assert "crosswalk:legacy-ids" in {s.key for s in reference.snapshots}
    assert reference.smelter("3ZAF013").smelter_id == "CID001879"  # type: ignore[union-attr]
    identifier = Identifier(reference)
    tantalite = identifier.identify(SmelterQuery("Tantalum", "Tantalite Resources", "South Africa"))
    assert (tantalite.smelter_id, tantalite.decision) == ("CID001879", Decision.AUTO)
    wolfram = identifier.identify(
        SmelterQuery("Tungsten", "Wolfram Company CJSC", "Russian Federation")
    )
    assert (wolfram.smelter_id, wolfram.decision) == ("CID002047", Decision.AUTO)
