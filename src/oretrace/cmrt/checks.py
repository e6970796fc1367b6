"""Data-quality checks beyond the template's Checker. Each returns findings with cell addresses."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from oretrace.cmrt.answers import SCOPES, SCOPES_2X
from oretrace.cmrt.findings import Finding, finding
from oretrace.cmrt.layouts import EMRT1_MINERALS, EMRT2_MINERALS, METALS_3TG, Layout
from oretrace.cmrt.model import CID, LEGACY_ID, Declaration, Field, SmelterRow
from oretrace.cmrt.normalise import canonical_metal, read_date
from oretrace.cmrt.revisions import Family, Revision

EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
PLACEHOLDER_IDS = {
    "na",
    "n/a",
    "n.a.",
    "none",
    "notlisted",
    "unknown",
    "tbd",
    "-",
    "--",
    "?",
    "notavailable",
    "nil",
    "null",
    "0",
    "x",
    "smelternotlisted",
    "notapplicable",
}
PLACEHOLDER_PEOPLE = {"same", "sameasabove", "n/a", "na", "-", "none", "tbd", "x"}
EARLIEST_DATE = dt.date(2006, 12, 31)
_URL = re.compile(r"(https?://|www\.|\.[a-z]{2,}/)", re.IGNORECASE)

_REQUIRED_PEOPLE = ("company_name", "contact_name", "authorizer")
_EMAILS = ("contact_email", "authorizer_email")


@dataclass(frozen=True, slots=True)
class CheckSettings:
    """Settings of the data-quality checks. ``today`` bounds the effective date."""

    today: dt.date = field(default_factory=dt.date.today)
    minimum_revision: dict[Family, Revision] = field(
        default_factory=lambda: {
            Family.CMRT: Revision("6.01"),
            Family.EMRT: Revision("1.1"),
            Family.CRT: Revision("2.2"),
            Family.AMRT: Revision("1.2"),
        }
    )


def check_declaration(
    declaration: Declaration, layout: Layout, settings: CheckSettings
) -> list[Finding]:
    findings: list[Finding] = []
    findings += _company_checks(declaration, settings)
    findings += _scope_checks(declaration, layout)
    findings += _answer_checks(declaration, layout)
    findings += smelter_checks(declaration, layout)
    return findings


# --- company block --------------------------------------------------------------------


def _company_checks(declaration: Declaration, settings: CheckSettings) -> Iterator[Finding]:
    company = declaration.company
    for name in (*_REQUIRED_PEOPLE, *_EMAILS, "scope"):
        cell = company.get(name)
        if cell is not None and cell.raw != "" and cell.value is None:
            yield finding(
                "whitespace_only",
                cell.address,
                f"{_label(name)} holds only spaces; the template's Checker counts it as "
                "filled, but it says nothing.",
            )
    for name in _EMAILS:
        cell = company.get(name)
        if cell is not None and cell.value and not EMAIL.match(cell.value):
            yield finding(
                "invalid_email",
                cell.address,
                f"{_label(name)} {cell.value!r} is not a valid e-mail address.",
            )
    authorizer = company.get("authorizer")
    if (
        authorizer is not None
        and authorizer.value
        and _squash(authorizer.value) in PLACEHOLDER_PEOPLE
    ):
        yield finding(
            "authorizer_placeholder",
            authorizer.address,
            f"Authorizer is {authorizer.value!r}; a named person must sign.",
        )
    if "effective_date" in company:
        yield from _date_checks(company["effective_date"], settings)


def _date_checks(cell: Field, settings: CheckSettings) -> Iterator[Finding]:
    if cell.raw == "":
        return
    reading = read_date(cell.raw)
    if reading.iso is None:
        yield finding(
            "date_unreadable",
            cell.address,
            f"Effective date {cell.raw!r} cannot be read as a date (use DD-MMM-YYYY).",
        )
        return
    if reading.typed_as_text:
        yield finding(
            "date_as_text",
            cell.address,
            f"Effective date was typed as text {cell.raw!r}; read as {reading.iso}.",
        )
    if reading.ambiguous:
        yield finding(
            "date_ambiguous",
            cell.address,
            f"{cell.raw!r} could be day-first or month-first; read day-first as {reading.iso}.",
        )
    date = dt.date.fromisoformat(reading.iso)
    if date > settings.today:
        yield finding(
            "date_in_future",
            cell.address,
            f"Effective date {reading.iso} is after today ({settings.today}).",
        )
    if date < EARLIEST_DATE:
        yield finding(
            "date_too_early",
            cell.address,
            f"Effective date {reading.iso} is before 31-Dec-2006, which the template "
            "does not accept.",
        )


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _squash(text: str) -> str:
    return "".join(text.casefold().split()).strip(".")


# --- scope and products ---------------------------------------------------------------


def _scope_checks(declaration: Declaration, layout: Layout) -> Iterator[Finding]:
    scope = declaration.company.get("scope")
    if scope is None or scope.value is None:
        return
    allowed = SCOPES_2X if layout.scopes == SCOPES_2X else SCOPES
    if scope.value not in allowed:
        yield finding(
            "scope_not_allowed",
            scope.address,
            f"Scope {scope.value!r} is not one of: {'; '.join(allowed)}.",
        )
        return
    product_scope = allowed[3] if allowed is SCOPES_2X else allowed[1]
    described = allowed[1:3] if allowed is SCOPES_2X else allowed[2:3]
    if scope.value == product_scope and not declaration.products:
        yield finding(
            "scope_b_without_products",
            "'Product List'!B6",
            f"Scope is {scope.value!r} but the Product List names no product.",
        )
    description = declaration.company.get("scope_description")
    if scope.value in described and (description is None or description.value is None):
        ref = description.address if description else "'Declaration'!D10"
        yield finding(
            "scope_c_without_description",
            ref,
            f"Scope {scope.value!r} needs a description of scope.",
        )
    for product in declaration.products:
        if product.get("number") is None:
            cell = product.fields["number"]
            yield finding(
                "product_without_number",
                cell.address,
                f"Product List row {product.row} has no product number "
                f"(name: {product.get('name')!r}).",
            )


# --- answers --------------------------------------------------------------------------


def _answer_checks(declaration: Declaration, layout: Layout) -> Iterator[Finding]:
    for answer in declaration.answers:
        if answer.answer.value is not None and answer.value is None:
            yield finding(
                "answer_not_allowed",
                answer.answer.address,
                f"{answer.question} for {answer.mineral}: {answer.answer.value!r} is "
                f"not an allowed answer ({' / '.join(answer.allowed)}).",
            )
    for item in declaration.company_answers:
        if item.answer.value is not None and item.value is None:
            yield finding(
                "answer_not_allowed",
                item.answer.address,
                f"Question {item.question}: {item.answer.value!r} is not an allowed "
                f"answer ({' / '.join(item.allowed)}).",
            )
        if (
            layout.family is Family.CMRT
            and item.question == "B"
            and item.value == "Yes"
            and not _URL.search(item.comment.value or "")
        ):
            yield finding(
                "policy_url_missing",
                item.comment.address,
                "Question B says the sourcing policy is public, but the comment gives no URL.",
            )


# --- smelter list ---------------------------------------------------------------------


def _family_minerals(layout: Layout) -> tuple[str, ...] | None:
    if layout.family is Family.CMRT:
        return METALS_3TG
    if layout.family is Family.CRT:
        return ("Cobalt",)
    if layout.family is Family.EMRT:
        return EMRT2_MINERALS if layout.mines is not None else EMRT1_MINERALS
    return None  # AMRT: the responder names the minerals


def smelter_checks(declaration: Declaration, layout: Layout) -> Iterator[Finding]:
    minerals = _family_minerals(layout)
    modern_ids = Revision(declaration.revision).major >= 3
    for row in declaration.smelters:
        yield from _row_checks(row, minerals, modern_ids)
    yield from _duplicates(declaration.smelters)
    yield from _metal_consistency(declaration)


def _row_checks(
    row: SmelterRow, minerals: tuple[str, ...] | None, modern: bool
) -> Iterator[Finding]:
    metal = canonical_metal(row.metal)
    metal_cell = row.fields["metal"].address
    if metal is None:
        yield finding(
            "smelter_metal_missing", metal_cell, f"Smelter List row {row.row} has no metal."
        )
    elif minerals is not None and metal not in minerals:
        yield finding(
            "smelter_metal_unknown",
            metal_cell,
            f"Metal {row.metal!r} is not one of {', '.join(minerals)}.",
        )
    for key in ("id_input", "smelter_id"):
        if key in row.fields:
            yield from _id_checks(row.fields[key], modern)
    if row.not_listed and (row.get("name") is None or row.get("country") is None):
        missing = " and ".join(k for k in ("name", "country") if row.get(k) is None)
        yield finding(
            "smelter_not_listed_incomplete",
            row.fields["lookup"].address,
            f"Row {row.row} says 'Smelter not listed' but gives no {missing}.",
        )
    yield from _shift_checks(row)


def _id_checks(cell: Field, modern: bool) -> Iterator[Finding]:
    value = cell.value
    if value is None:
        return
    compact = value.replace(" ", "").upper()
    if CID.match(compact):
        return
    if LEGACY_ID.match(compact):
        if modern:
            yield finding(
                "smelter_id_legacy",
                cell.address,
                f"{value!r} is a pre-2014 smelter ID; RMI IDs are now CID + 6 digits.",
            )
        return
    if _squash(value) in PLACEHOLDER_IDS:
        yield finding(
            "smelter_id_placeholder",
            cell.address,
            f"{value!r} is a placeholder, not a smelter ID; leave it empty or give the CID.",
        )
        return
    yield finding(
        "smelter_id_malformed",
        cell.address,
        f"{value!r} is not a smelter ID of the form CID000000.",
    )


def _shift_checks(row: SmelterRow) -> Iterator[Finding]:
    for key in ("name", "lookup", "contact_name", "street", "city"):
        value = row.get(key)
        if value and "@" in value and " " not in value:
            yield finding(
                "column_shift",
                row.fields[key].address,
                f"Row {row.row}: an e-mail address {value!r} stands in the {_label(key)} "
                "column; the columns may be shifted.",
            )
    for key in ("street", "city", "contact_name", "contact_email"):
        value = row.get(key)
        if value and (CID.match(value.upper()) or LEGACY_ID.match(value.upper())):
            yield finding(
                "column_shift",
                row.fields[key].address,
                f"Row {row.row}: a smelter ID {value!r} stands in the {_label(key)} column.",
            )
    email = row.get("contact_email")
    if email and "@" not in email:
        yield finding(
            "column_shift",
            row.fields["contact_email"].address,
            f"Row {row.row}: {email!r} in the contact e-mail column is no e-mail address "
            "(a phone number or URL?); the columns may be shifted.",
        )


def _smelter_key(row: SmelterRow) -> tuple[str, str] | None:
    metal = canonical_metal(row.metal) or ""
    ident = (row.smelter_id or "").replace(" ", "").upper()
    if CID.match(ident) or LEGACY_ID.match(ident):
        return metal, ident
    name = row.name
    if name is None:
        return None
    return metal, f"{' '.join(name.casefold().split())}|{(row.country or '').casefold()}"


def _duplicates(rows: list[SmelterRow]) -> Iterator[Finding]:
    first: dict[tuple[str, str], SmelterRow] = {}
    for row in rows:
        key = _smelter_key(row)
        if key is None:
            continue
        if key in first:
            cell = row.fields["metal"].address
            yield finding(
                "smelter_duplicate",
                cell,
                f"Row {row.row} repeats row {first[key].row} ({key[0]}, "
                f"{row.smelter_id or row.name}).",
            )
        else:
            first[key] = row


def _metal_consistency(declaration: Declaration) -> Iterator[Finding]:
    q1 = {canonical_metal(k): v for k, v in declaration.answers_to("Q1").items()}
    rows_by_metal: dict[str, list[SmelterRow]] = {}
    for row in declaration.smelters:
        metal = canonical_metal(row.metal)
        if metal:
            rows_by_metal.setdefault(metal, []).append(row)
    for metal, rows in rows_by_metal.items():
        if q1.get(metal) == "No":
            yield finding(
                "smelter_for_metal_not_used",
                rows[0].fields["metal"].address,
                f"{len(rows)} smelter row(s) for {metal}, but Q1 says {metal} is not used.",
            )
    for metal, answer in q1.items():
        if (
            answer == "Yes"
            and metal
            and metal not in rows_by_metal
            and _smelters_expected(declaration, metal)
        ):
            item = declaration.answer("Q1", metal)
            yield finding(
                "no_smelters_for_metal",
                item.answer.address if item else None,
                f"Q1 = Yes for {metal}, but the Smelter List names no {metal} smelter.",
            )


def _smelters_expected(declaration: Declaration, metal: str) -> bool:
    """6.x asks for smelters only when Q2 (remains in product) is not No."""
    q2 = declaration.answer("Q2", metal)
    return not (
        declaration.template == "CMRT"
        and Revision(declaration.revision).major >= 6
        and q2 is not None
        and q2.value == "No"
    )
