"""Findings: what is wrong with a declaration, with a stable code, severity and cell address."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"  # the declaration is incomplete or wrong; ask the supplier to correct it
    WARNING = "warning"  # probably wrong or risky; review
    INFO = "info"  # worth knowing, no action needed


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: Severity
    cell: str | None  # e.g. "'Declaration'!D16"; None when the finding is about the file
    message: str

    def as_dict(self) -> dict[str, str | None]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "cell": self.cell,
            "message": self.message,
        }


#: Every finding code oretrace emits, with its severity and what it means (docs/findings.md).
CODES: dict[str, tuple[Severity, str]] = {
    "required_missing": (Severity.ERROR, "A field the template's Checker requires is empty."),
    "whitespace_only": (
        Severity.ERROR,
        "A required field holds only spaces; Excel counts it filled.",
    ),
    "invalid_email": (Severity.ERROR, "An e-mail address is not a valid address."),
    "date_as_text": (
        Severity.WARNING,
        "The effective date was typed as text, not entered as a date.",
    ),
    "date_ambiguous": (
        Severity.WARNING,
        "A numeric text date could be read day-first or month-first.",
    ),
    "date_unreadable": (Severity.ERROR, "The effective date cannot be read as a date."),
    "date_in_future": (Severity.ERROR, "The effective date lies in the future."),
    "date_too_early": (Severity.ERROR, "The effective date is before 31 December 2006."),
    "scope_not_allowed": (Severity.ERROR, "The declaration scope is not one of the template's."),
    "scope_b_without_products": (Severity.ERROR, "Product scope, but the Product List is empty."),
    "scope_c_without_description": (Severity.ERROR, "User-defined scope without a description."),
    "product_without_number": (Severity.ERROR, "A Product List row has no product number."),
    "answer_not_allowed": (Severity.ERROR, "An answer is not in the revision's list of answers."),
    "policy_url_missing": (Severity.WARNING, "Policy said to be public, but no URL is given."),
    "authorizer_placeholder": (Severity.WARNING, "The authorizer is a placeholder such as 'same'."),
    "smelter_id_malformed": (Severity.WARNING, "A smelter ID is not of the form CID000000."),
    "smelter_id_legacy": (Severity.INFO, "A pre-2014 smelter ID (e.g. 1DEU001) is used."),
    "smelter_id_placeholder": (Severity.WARNING, "A placeholder such as 'NA' stands in the ID."),
    "smelter_duplicate": (Severity.WARNING, "The same smelter is listed more than once."),
    "smelter_not_listed_incomplete": (
        Severity.ERROR,
        "'Smelter not listed' without the smelter's name or country.",
    ),
    "smelter_metal_missing": (Severity.ERROR, "A smelter row has no metal."),
    "smelter_metal_unknown": (
        Severity.WARNING,
        "A smelter row's metal is not one of the template's.",
    ),
    "smelter_for_metal_not_used": (
        Severity.WARNING,
        "Smelters are listed for a metal answered Q1 = No.",
    ),
    "no_smelters_for_metal": (
        Severity.WARNING,
        "Q1 = Yes for a metal, but no smelter is listed for it.",
    ),
    "formula_overwritten": (
        Severity.WARNING,
        "Values were pasted over a column the template fills by formula.",
    ),
    "column_shift": (
        Severity.WARNING,
        "A value belongs to another column (e.g. an e-mail in a name column).",
    ),
    "revision_outdated": (Severity.WARNING, "The template revision is older than the minimum."),
    "revision_unknown": (
        Severity.WARNING,
        "A revision oretrace has no cell map for; nearest used.",
    ),
    "layout_inferred": (Severity.INFO, "The cell map for this revision is inferred, not verified."),
    "checker_mismatch": (Severity.INFO, "The file's own Checker count differs from ours."),
    "template_required": (
        Severity.ERROR,
        "The template's own formatting marks a required cell as still to be filled.",
    ),
    "template_flagged": (
        Severity.ERROR,
        "The template's own formatting shows a cell in red (a contradiction or a bad look-up).",
    ),
    "template_prompt": (
        Severity.WARNING,
        "The template's own formatting shows a prompt asking for more detail.",
    ),
    "template_invalid": (
        Severity.ERROR,
        "A value the template's data validation refuses (list, date bound, condition).",
    ),
    "template_caution": (
        Severity.WARNING,
        "A value the template's data validation warns about but accepts.",
    ),
}


def finding(code: str, cell: str | None, message: str) -> Finding:
    severity, _ = CODES[code]
    return Finding(code, severity, cell, message)
