"""Data-quality findings: each real-world mistake gets its code and the cell it sits in."""

from __future__ import annotations

import datetime as dt

from oretrace.cmrt.answers import SCOPES
from oretrace.cmrt.check import FileCheck, check_bytes
from oretrace.cmrt.checks import CheckSettings
from oretrace.cmrt.revisions import Family, Revision
from oretrace.cmrt.writer import CellInput, Draft, draft_bytes
from oretrace.demo import cmrt_draft

SETTINGS = CheckSettings(today=dt.date(2026, 11, 26))


def _clean_draft(revision: str = "6.4") -> Draft:
    """A complete, correct 6.x declaration (the demo's): tin only, one conformant smelter."""
    draft = cmrt_draft("Acme Metals", revision, ("Tin",))
    draft.smelters = [_smelter("Minsur", "CID001182", "PERU")]
    return draft


def _smelter(
    name: str, cid: str | None, country: str | None, **extra: CellInput
) -> dict[str, CellInput]:
    row: dict[str, CellInput] = {
        "metal": "Tin",
        "lookup": name,
        "name": name,
        "country": country,
        "smelter_id": cid,
        "id_source": "RMI",
    }
    row.update(extra)
    return row


def _check(draft: Draft) -> FileCheck:
    result = check_bytes(draft_bytes(draft), "supplier.xlsx", settings=SETTINGS)
    assert result.error is None, result.error
    return result


def _codes(result: FileCheck) -> dict[str, list[str | None]]:
    found: dict[str, list[str | None]] = {}
    for item in result.findings:
        found.setdefault(item.code, []).append(item.cell)
    return found


def test_clean_declaration_has_no_findings() -> None:
    assert _codes(_check(_clean_draft())) == {}


def test_company_block_mistakes() -> None:
    draft = _clean_draft()
    draft.company["contact_email"] = "toru,nishio@cgco.co.jp"
    draft.company["authorizer"] = "same"
    draft.company["contact_name"] = "   "
    draft.company["effective_date"] = "02-May-2024"
    codes = _codes(_check(draft))
    assert codes["invalid_email"] == ["'Declaration'!D16"]
    assert codes["authorizer_placeholder"] == ["'Declaration'!D18"]
    assert codes["whitespace_only"] == ["'Declaration'!D15"]
    assert codes["date_as_text"] == ["'Declaration'!D22"]


def test_dates_out_of_range() -> None:
    future, early = _clean_draft(), _clean_draft()
    future.company["effective_date"] = dt.date(2027, 1, 1)
    early.company["effective_date"] = dt.date(2005, 6, 1)
    assert "date_in_future" in _codes(_check(future))
    assert "date_too_early" in _codes(_check(early))
    garbage = _clean_draft()
    garbage.company["effective_date"] = "next spring"
    assert _codes(_check(garbage))["date_unreadable"] == ["'Declaration'!D22"]


def test_scope_rules() -> None:
    product_scope = _clean_draft()
    product_scope.company["scope"] = SCOPES[1]
    assert _codes(_check(product_scope))["scope_b_without_products"] == ["'Product List'!B6"]
    product_scope.products = [{"name": "Sputtering target"}]
    assert _codes(_check(product_scope))["product_without_number"] == ["'Product List'!B6"]
    user_defined = _clean_draft()
    user_defined.company["scope"] = SCOPES[2]
    assert _codes(_check(user_defined))["scope_c_without_description"] == ["'Declaration'!D10"]


def test_answers_outside_the_list_and_missing_url() -> None:
    draft = _clean_draft()
    draft.answers[("Q3", "Tin")] = "Probably not"
    draft.company_comments["B"] = "see our website"
    codes = _codes(_check(draft))
    assert codes["answer_not_allowed"] == ["'Declaration'!D39"]
    assert codes["policy_url_missing"] == ["'Declaration'!G77"]


def test_smelter_id_problems() -> None:
    draft = _clean_draft()
    draft.smelters += [
        _smelter("Old Id Smelter", "2PER019", "PERU"),
        _smelter("Placeholder", "NA", "CHINA"),
        _smelter("Typo Id", "CID12345", "CHINA"),
        _smelter("Minsur", "CID001182", "PERU"),
    ]
    codes = _codes(_check(draft))
    assert codes["smelter_id_legacy"] == ["'Smelter List'!F6"]
    assert codes["smelter_id_placeholder"] == ["'Smelter List'!F7"]
    assert codes["smelter_id_malformed"] == ["'Smelter List'!F8"]
    assert codes["smelter_duplicate"] == ["'Smelter List'!B9"]


def test_not_listed_without_country_and_shifted_columns() -> None:
    draft = _clean_draft()
    draft.smelters.append({"metal": "Tin", "lookup": "Smelter not listed", "name": "Tiny Tin Co"})
    draft.smelters.append(
        _smelter(
            "Shifted",
            None,
            "BOLIVIA",
            contact_name="info@vinto.gob.bo",
            contact_email="0717 7020519",
        )
    )
    codes = _codes(_check(draft))
    assert codes["smelter_not_listed_incomplete"] == ["'Smelter List'!C6"]
    assert codes["column_shift"] == ["'Smelter List'!K7", "'Smelter List'!L7"]


def test_metals_answered_no_but_listed_and_yes_without_smelters() -> None:
    draft = _clean_draft()
    draft.smelters.append({**_smelter("Some Gold Refinery", "CID000015", "USA"), "metal": "Gold"})
    draft.answers[("Q1", "Tungsten")] = "Yes"
    draft.answers[("Q2", "Tungsten")] = "Yes"
    codes = _codes(_check(draft))
    assert codes["smelter_for_metal_not_used"] == ["'Smelter List'!B6"]
    assert codes["no_smelters_for_metal"] == ["'Declaration'!D29"]


def test_pasted_values_over_lookup_formulas() -> None:
    draft = _clean_draft()
    draft.pasted_values = True
    codes = _codes(_check(draft))
    assert codes["formula_overwritten"] == ["'Smelter List'!F5"]


def test_minimum_revision_is_a_setting() -> None:
    old = _clean_draft("6.1")
    assert "revision_outdated" not in _codes(_check(old))
    strict = CheckSettings(today=SETTINGS.today, minimum_revision={Family.CMRT: Revision("6.4")})
    result = check_bytes(draft_bytes(old), "old.xlsx", settings=strict)
    cells = [f.cell for f in result.findings if f.code == "revision_outdated"]
    assert cells == ["'Declaration'!J3"]
