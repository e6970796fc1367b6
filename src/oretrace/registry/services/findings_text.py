"""Findings in plain language: what is wrong, where, and how a supplier fixes it.

The checker's own messages (``oretrace.cmrt``) are precise but written for compliance staff.
A supplier answering through the portal needs to know, in its own language, what is wrong,
on which sheet and cell, and what to do about it. This module keeps one explanation per
finding code the project emits (docs/findings.md), per read error (``ErrorCode``: the file
could not be read at all) and per problem a submission can have against the campaign that
asked for it. Every text is marked for translation; :func:`explain` and
:func:`explain_error` resolve them in the language active when they are called (the portal
activates the supplier's language per request). A test walks every code the code base
defines and fails when one has no explanation here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class FindingLike(Protocol):
    """A finding as the checker or the registry holds it."""

    @property
    def code(self) -> str: ...
    @property
    def cell(self) -> str | None: ...
    @property
    def message(self) -> str: ...


@dataclass(frozen=True, slots=True)
class PlainFinding:
    """One finding explained: ``what`` is wrong and ``how_to_fix`` it, at ``sheet``/``cell``.

    ``detail`` is the checker's own message (English, with the values it found), shown
    under the explanation for whoever wants the exact wording.
    """

    code: str
    severity: str
    sheet: str | None
    cell: str | None
    what: str
    how_to_fix: str
    detail: str = ""

    @property
    def where(self) -> str:
        """``Declaration sheet, cell D8`` (translated), or empty when about the whole file."""
        if self.sheet and self.cell:
            return gettext("%(sheet)s sheet, cell %(cell)s") % {
                "sheet": self.sheet,
                "cell": self.cell,
            }
        if self.sheet:
            return gettext("%(sheet)s sheet") % {"sheet": self.sheet}
        if self.cell:
            return gettext("cell %(cell)s") % {"cell": self.cell}
        return ""


@dataclass(frozen=True, slots=True)
class Explanation:
    what: Promise
    how_to_fix: Promise


def _e(what: Promise, how_to_fix: Promise) -> Explanation:
    return Explanation(what, how_to_fix)


_FIX_AND_UPLOAD = _("Correct it in your file, save it and upload it again.")

#: Every finding code stored on a declaration: the checker's (``oretrace.cmrt.findings.CODES``)
#: and those the registry adds when it files a declaration.
FINDINGS: dict[str, Explanation] = {
    "required_missing": _e(
        _("A field the template requires is empty."),
        _("Fill in this cell. The template's Checker sheet lists every field still missing."),
    ),
    "whitespace_only": _e(
        _("A required field contains only spaces, so it looks filled but says nothing."),
        _("Delete the spaces and type the real answer in this cell."),
    ),
    "invalid_email": _e(
        _("The e-mail address is not a valid address."),
        _("Type a complete address such as name@example.com, without spaces or extra text."),
    ),
    "date_as_text": _e(
        _("The effective date was typed as text, not entered as a date."),
        _(
            "Enter the date as a real date (for example 31-Jan-2026) so Excel recognises it; "
            "we read it as shown in the detail."
        ),
    ),
    "date_ambiguous": _e(
        _("The effective date could mean two different days (day-first or month-first)."),
        _("Enter the date with the month as a word, for example 05-Mar-2026."),
    ),
    "date_unreadable": _e(
        _("The effective date cannot be read as a date."),
        _("Enter the date your declaration takes effect, for example 31-Jan-2026."),
    ),
    "date_in_future": _e(
        _("The effective date lies in the future."),
        _("Enter the date on which this declaration was completed, today or earlier."),
    ),
    "date_too_early": _e(
        _("The effective date is before 31 December 2006, which the template does not accept."),
        _("Enter the date on which this declaration was completed."),
    ),
    "scope_not_allowed": _e(
        _("The declaration scope is not one of the choices the template offers."),
        _("Choose the scope from the drop-down list in this cell (company, product or user)."),
    ),
    "scope_b_without_products": _e(
        _("The scope says the declaration covers certain products, but no product is listed."),
        _("List the products on the Product List sheet, or choose company-wide scope."),
    ),
    "scope_c_without_description": _e(
        _("The scope is user defined, but the scope description is empty."),
        _("Describe what the declaration covers in the scope description cell."),
    ),
    "product_without_number": _e(
        _("A row of the Product List has no product number."),
        _("Enter the product number for this row, or delete the row."),
    ),
    "answer_not_allowed": _e(
        _("An answer is not one of the answers the template allows."),
        _("Choose the answer from the drop-down list in this cell instead of typing it."),
    ),
    "policy_url_missing": _e(
        _("You say your sourcing policy is public, but give no web address for it."),
        _("Enter the web address (URL) of your policy in the comment cell next to the answer."),
    ),
    "authorizer_placeholder": _e(
        _("The authorizer is not a named person (for example 'same' or 'N/A')."),
        _("Enter the name of the person who authorises this declaration."),
    ),
    "smelter_id_malformed": _e(
        _("A smelter identification number is not in the form CID000000."),
        _(
            "Choose the smelter from the template's drop-down list so its ID is filled in, "
            "or leave the ID empty if you do not know it."
        ),
    ),
    "smelter_id_legacy": _e(
        _("An old (pre-2014) smelter identification number is used."),
        _("Nothing has to change; if you can, use the current ID (CID followed by six digits)."),
    ),
    "smelter_id_placeholder": _e(
        _("A placeholder such as 'NA' stands where the smelter ID belongs."),
        _("Leave the ID empty if you do not know it, or enter the smelter's CID number."),
    ),
    "smelter_duplicate": _e(
        _("The same smelter is listed more than once."),
        _("Delete the repeated row from the Smelter List."),
    ),
    "smelter_not_listed_incomplete": _e(
        _("A smelter is marked 'Smelter not listed' but its name or country is missing."),
        _("Enter the smelter's name and country in this row."),
    ),
    "smelter_metal_missing": _e(
        _("A row of the Smelter List has no metal."),
        _("Choose the metal for this row from the drop-down list."),
    ),
    "smelter_metal_unknown": _e(
        _("A row of the Smelter List names a metal this template does not cover."),
        _("Choose one of the template's metals from the drop-down list, or delete the row."),
    ),
    "smelter_for_metal_not_used": _e(
        _("Smelters are listed for a metal you said you do not use (question 1 answered No)."),
        _("Either change the answer to question 1, or delete those smelter rows."),
    ),
    "no_smelters_for_metal": _e(
        _("You said you use a metal (question 1 answered Yes), but list no smelter for it."),
        _("Add the smelters that process this metal to the Smelter List."),
    ),
    "formula_overwritten": _e(
        _("Values were pasted over cells the template fills by itself."),
        _(
            "Start again from a blank template or paste values only into the white input "
            "cells, leaving the template's own columns alone."
        ),
    ),
    "column_shift": _e(
        _("A value seems to be in the wrong column, as if the columns were shifted."),
        _("Check this row and move each value back to its own column."),
    ),
    "revision_outdated": _e(
        _("The file uses an old revision of the template."),
        _(
            "Download the current blank template from this page, copy your answers into it "
            "and upload it."
        ),
    ),
    "revision_unknown": _e(
        _("The file's template revision is not one we know; it was read as the nearest one."),
        _("Use the blank template offered on this page so every answer is read correctly."),
    ),
    "layout_inferred": _e(
        _("This template revision is read with an inferred layout."),
        _("Nothing to do; if an answer shown here looks wrong, use the current template."),
    ),
    "checker_mismatch": _e(
        _("The template's own Checker counts a different number of missing fields than we do."),
        _("Nothing to do unless other findings are listed; they say what is missing."),
    ),
    "template_required": _e(
        _("The template marks this cell as still to be filled in."),
        _("Fill in the highlighted cell; the template colours it until it is answered."),
    ),
    "template_flagged": _e(
        _("The template shows this cell in red: an answer contradicts another or is unknown."),
        _("Open the file in Excel, look at the red cell and correct it as its note says."),
    ),
    "template_prompt": _e(
        _("The template asks for more detail in this cell."),
        _("Add the detail the template asks for (see the note in the cell)."),
    ),
    "template_invalid": _e(
        _("A value is not accepted by the template's own checks (list, date or condition)."),
        _("Choose or enter a value the template accepts; Excel shows the allowed values."),
    ),
    "template_caution": _e(
        _("A value is accepted by the template, but it warns about it."),
        _("Check the value; change it if the template's warning applies to you."),
    ),
    "supplier_created": _e(
        _("The company named in the file is not one we know yet."),
        _("Check the company name and unique ID on the Declaration sheet."),
    ),
    "supplier_name_differs": _e(
        _("The file names a different company than the one this request was sent to."),
        _(
            "If the file is for your company, correct the company name on the Declaration "
            "sheet; if you sent another company's file by mistake, upload your own."
        ),
    ),
    "declaration_unreadable": _e(
        _("The file could not be read as a reporting template."),
        _("Send the completed RMI template in its Excel format (.xlsx), without a password."),
    ),
}

#: Why a file could not be read at all (``oretrace.cmrt.errors.ErrorCode``), and what the
#: submission and ingest steps add: a job that failed, a file that never reached the ingest.
READ_ERRORS: dict[str, Explanation] = {
    "not_a_workbook": _e(
        _("The file is not an Excel workbook."),
        _(
            "Upload the template as the Excel file itself (.xlsx, .xlsm or .xls), not a "
            "picture, PDF or a file renamed to look like one."
        ),
    ),
    "corrupt": _e(
        _("The file is damaged and cannot be opened."),
        _("Open it in Excel, save it again as .xlsx and upload the saved copy."),
    ),
    "encrypted": _e(
        _("The file is protected with a password, so it cannot be read."),
        _(
            "Open it in Excel, remove the password (File → Info → Protect Workbook), save and "
            "upload it again."
        ),
    ),
    "too_large": _e(
        _("The file is larger than we accept."),
        _("Delete pictures and unused sheets, save the file and upload it again."),
    ),
    "not_a_template": _e(
        _("The workbook is not an RMI reporting template (CMRT, EMRT, CRT or AMRT)."),
        _("Download the blank template from this page, fill it in and upload it."),
    ),
    "unreadable_file": _e(
        _("The file could not be read."),
        _("Upload it again; if it fails again, save a fresh copy from Excel first."),
    ),
    "outside_folder": _e(
        _("The file could not be read."),
        _("Upload the file itself again."),
    ),
    "processing_failed": _e(
        _("The file could not be processed because of a problem on our side."),
        _("Please upload it again later, or contact the person who sent you the request."),
    ),
    "not_ingested": _e(
        _("The file was not processed."),
        _("Please upload it again."),
    ),
}

#: Problems of a readable file against the campaign that asked for it.
SUBMISSION_PROBLEMS: dict[str, Explanation] = {
    "template_family_not_asked": _e(
        _("This is not the template this request asks for."),
        _("Download the blank template from this page, fill it in and upload it."),
    ),
    "revision_below_campaign_minimum": _e(
        _("The file uses an older revision of the template than this request asks for."),
        _(
            "Download the current blank template from this page, copy your answers into it "
            "and upload it."
        ),
    ),
    "scope_not_asked": _e(
        _("The declaration's scope is not the scope this request asks for."),
        _("Change the scope on the Declaration sheet as the request asks and upload again."),
    ),
}

#: Why a request takes no files at all.
REFUSALS: dict[str, Explanation] = {
    "campaign_closed": _e(
        _("This request is closed and takes no more files."),
        _("Please contact the person who sent you the request."),
    ),
    "campaign_not_sent": _e(
        _("This request has not been sent yet and takes no files."),
        _("Please use the link in the e-mail you receive once the request is sent."),
    ),
}

_SEVERITY_WORD = {
    "error": pgettext_lazy("finding severity", "must be corrected"),
    "warning": pgettext_lazy("finding severity", "please check"),
    "info": pgettext_lazy("finding severity", "for information"),
}

_CELL = re.compile(r"^(?:'(?P<quoted>(?:[^']|'')+)'|(?P<bare>[^!]+))!(?P<cell>.+)$")


def known_codes() -> set[str]:
    """Every code this module explains."""
    return set(FINDINGS) | set(READ_ERRORS) | set(SUBMISSION_PROBLEMS) | set(REFUSALS)


def split_cell(address: str | None) -> tuple[str | None, str | None]:
    """``"'Smelter List'!D5"`` → ``("Smelter List", "D5")``; a bare ``"D5"`` has no sheet."""
    if not address:
        return None, None
    match = _CELL.match(address)
    if match is None:
        return None, address.replace("$", "")
    sheet = match["quoted"].replace("''", "'") if match["quoted"] else match["bare"]
    return sheet, match["cell"].replace("$", "")


def explain(finding: FindingLike, severity: str | None = None) -> PlainFinding:
    """The plain explanation of a stored or checked finding."""
    code = finding.code
    text = FINDINGS.get(code) or SUBMISSION_PROBLEMS.get(code) or READ_ERRORS.get(code)
    sheet, cell = split_cell(finding.cell)
    level = severity or str(getattr(finding, "severity", "") or "warning")
    if text is None:  # a code newer than this catalogue: say what the checker said
        return PlainFinding(code, level, sheet, cell, finding.message, str(_FIX_AND_UPLOAD))
    return PlainFinding(
        code, level, sheet, cell, str(text.what), str(text.how_to_fix), finding.message
    )


def explain_error(code: str, message: str = "") -> PlainFinding:
    """Why a whole file could not be read (``ErrorCode`` values and the submission codes)."""
    text = (
        READ_ERRORS.get(code)
        or SUBMISSION_PROBLEMS.get(code)
        or REFUSALS.get(code)
        or READ_ERRORS["corrupt"]
    )
    return PlainFinding(code, "error", None, None, str(text.what), str(text.how_to_fix), message)


def severity_word(severity: str) -> str:
    """How urgent a finding is, in words a supplier understands."""
    return str(_SEVERITY_WORD.get(severity, _SEVERITY_WORD["warning"]))
