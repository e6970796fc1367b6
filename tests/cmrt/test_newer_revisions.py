"""A revision newer than the newest layout (CMRT 6.6) is read by the nearest one, and the
columns it adds to the Product List are kept, not lost."""

from __future__ import annotations

from pathlib import Path

from oretrace.cmrt.check import check_path
from oretrace.cmrt.export import file_check_json
from oretrace.cmrt.writer import Draft, write_draft
from oretrace.demo import cmrt_draft

_CMRT_6_6_PRODUCTS = {
    "number": "B",
    "name": "C",
    "requester_number": "D",
    "requester_name": "E",
    "comments": "F",
}


def _cmrt_6_6(columns: dict[str, str]) -> Draft:
    draft = cmrt_draft("Future Parts Ltd", "6.6", ("Tin",))
    draft.columns["Product List"] = columns
    draft.products = [
        {"number": "FP-1", "name": "Widget", "requester_number": "RQ-9",
         "requester_name": "Their widget", "comments": "spring model", "pilot": "yes"},
        {"number": "FP-2", "name": "Gadget", "comments": "no requester part"},
    ]  # fmt: skip
    return draft


def test_requester_columns_of_cmrt_6_6_are_read_by_name(tmp_path: Path) -> None:
    path = tmp_path / "cmrt-6.6.xlsx"
    write_draft(_cmrt_6_6(_CMRT_6_6_PRODUCTS), path)
    result = check_path(path)
    data = file_check_json(result)
    assert (data["version"], data["layout"]) == ("6.6", "CMRT 6.22–6.5")
    assert [f["code"] for f in data["findings"]] == ["revision_unknown"]
    assert data["products"] == [
        {"row": 6, "number": "FP-1", "name": "Widget", "requester_number": "RQ-9",
         "requester_name": "Their widget"},
        {"row": 7, "number": "FP-2", "name": "Gadget"},
    ]  # fmt: skip
    assert result.declaration is not None
    assert result.declaration.products[1].get("comments") == "no requester part"
    assert result.declaration.products[0].fields["comments"].ref == "F6"


def test_a_further_unknown_column_is_kept_with_its_header(tmp_path: Path) -> None:
    path = tmp_path / "cmrt-6.7.xlsx"
    write_draft(_cmrt_6_6({**_CMRT_6_6_PRODUCTS, "pilot": "G"}), path)
    result = check_path(path)
    assert result.declaration is not None
    assert result.declaration.extra_columns == {"Product List": {"extra_G": "Pilot"}}
    assert file_check_json(result)["products"][0]["extra_G"] == "yes"


def test_a_known_revision_keeps_its_own_product_columns(tmp_path: Path) -> None:
    """6.5 has no requester columns: what a file holds right of them is not invented."""
    draft = _cmrt_6_6(_CMRT_6_6_PRODUCTS)
    draft.revision = "6.5"
    path = tmp_path / "cmrt-6.5.xlsx"
    write_draft(draft, path)
    result = check_path(path)
    data = file_check_json(result)
    assert data["products"][0] == {"row": 6, "number": "FP-1", "name": "Widget"}
    assert result.declaration is not None and result.declaration.extra_columns == {}
