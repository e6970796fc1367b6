"""Tell which template (CMRT/EMRT/CRT/AMRT) and revision a workbook is, from its content.

Never from the file name: ``RMI_CRT_2.21.xlsx`` is revision 2.2 inside.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from oretrace.cmrt.errors import ErrorCode, WorkbookError
from oretrace.cmrt.revisions import Family, Revision, nearest_known, parse_revision
from oretrace.cmrt.workbook import Workbook

_REVISION_IN_TEXT = re.compile(r"(?:revision|version)\s*(\d+(?:\.\d+)?[a-z]?)", re.IGNORECASE)
_BARE_VERSION = re.compile(r"^\s*(\d+(?:\.\d+)?[a-z]?)[\s.]")
_FAMILY_IN_TITLE = re.compile(r"\((CMRT|EMRT|CRT|AMRT)\)\s*$", re.IGNORECASE)
_REVISION_CELLS = ("N3", "O3", "Q3", "P3")


@dataclass(frozen=True, slots=True)
class TemplateInfo:
    family: Family
    revision: Revision  # as written in the file
    layout_revision: Revision  # the known revision whose cell map is used
    exact: bool  # False when the revision is unknown and the nearest layout is used


def identify(book: Workbook) -> TemplateInfo:
    """Identify template and revision, or raise ``not_a_template``."""
    declaration = book.sheet("Declaration")
    if declaration is None:
        raise WorkbookError(
            ErrorCode.NOT_A_TEMPLATE,
            "The workbook has no 'Declaration' sheet, so it is no RMI reporting template "
            f"(sheets: {', '.join(book.sheet_names[:8])}).",
        )
    family = _family(book, str(declaration.cell("D2")))
    revision = _revision(book)
    if family is None or revision is None:
        raise WorkbookError(
            ErrorCode.NOT_A_TEMPLATE,
            "The workbook has a 'Declaration' sheet but no RMI template title (Declaration!D2) "
            "or revision (Declaration!J3).",
        )
    layout, exact = nearest_known(family, revision)
    return TemplateInfo(family, revision, layout, exact)


def _family(book: Workbook, title: str) -> Family | None:
    match = _FAMILY_IN_TITLE.search(title.strip())
    if match:
        return Family(match.group(1).upper())
    if "conflict minerals reporting template" in title.casefold():
        return Family.CMRT
    if book.has("Minerals Scope"):
        return Family.AMRT
    smelters = book.sheet("Smelter List")
    if smelters is not None:
        header = {str(smelters.cell(ref)).strip() for ref in ("W3", "X3", "Y3", "Z3", "AA3", "AB3")}
        if {"Tantalum", "Tin", "Tungsten", "Gold"} & header:
            return Family.CMRT
        if "Mica" in header:
            return Family.EMRT
        if "Cobalt" in header:
            return Family.CRT
    if any(book.has(n) for n in ("Smelter and Mine List", "Standard Smelter Names")):
        return Family.CMRT  # CMRT 1.00–3.01 saved without cached formula values
    return None


def _revision(book: Workbook) -> Revision | None:
    declaration = book.sheet("Declaration")
    assert declaration is not None
    j3 = str(declaration.cell("J3"))
    found = _from_text(j3)
    if found is None and "revision" in str(declaration.cell("I3")).casefold():
        bare = _BARE_VERSION.match(j3)
        found = parse_revision(bare.group(1)) if bare else None
    if found is None:
        smelters = book.sheet("Smelter List")
        for ref in _REVISION_CELLS if smelters is not None else ():
            assert smelters is not None
            found = _from_text(str(smelters.cell(ref)))
            if found is not None:
                break
    return found


def _from_text(text: str) -> Revision | None:
    match = _REVISION_IN_TEXT.search(text)
    return parse_revision(match.group(1)) if match else None
