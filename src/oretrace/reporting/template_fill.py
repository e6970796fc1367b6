"""Fill the official RMI CMRT 6.x template with our roll-up, patching only its input cells.

:func:`fill_template` takes the template's bytes exactly as RMI publishes them (6.01–6.5,
any UI language) and writes :class:`~oretrace.reporting.rollup_content.RollupContent` into:

* Declaration: company block D8–D22 (the effective date as an Excel serial number in the
  cell's own date style), scope D9 and description D10, Q1–Q8 per metal in D26–D71 with
  comments in G, company questions A–H in D75–D89 with comments in G;
* Smelter List from row 5: metal B and look-up name C as the template's own look-up spells
  them, or "Smelter not listed" with name D and country E (see
  :mod:`oretrace.reporting.template_lookup`);
* Product List from row 6: number B, name C.

Strings are inline (sharedStrings.xml is untouched) and every cell keeps its style. The
look-up formulas of the Smelter List stay; their results are stored as cached values, and
Checker!D2 caches the missing count :func:`oretrace.cmrt.checker.run_checker` gives for
the filled workbook, so readers of cached values (``oretrace check``) see the truth at
once. workbook.xml gets ``fullCalcOnLoad="1"`` so Excel recalculates on opening; the
calculation chain loses the entries of cells whose formula a typed value replaced (B/C,
and E of "not listed" rows), as Excel itself does when a person picks from a drop-down.
Every other part and cell stays byte-for-byte as RMI made it.

Without a template, :func:`write_own_layout` (re-exported from
:mod:`oretrace.reporting.rollup_content`) writes the same cells into oretrace's own layout.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping

from oretrace.cmrt.checker import run_checker
from oretrace.cmrt.container import OpenedFile, load_calamine, open_bytes
from oretrace.cmrt.errors import WorkbookError
from oretrace.cmrt.identify import TemplateInfo, identify
from oretrace.cmrt.layouts import Layout, layout_for
from oretrace.cmrt.reader import read_declaration
from oretrace.cmrt.revisions import Family, Revision
from oretrace.cmrt.workbook import Workbook
from oretrace.reporting.rollup_content import RollupContent, declaration_cells, write_own_layout
from oretrace.reporting.template_lookup import TemplateLookup
from oretrace.reporting.xlsx_patch import (
    CellValue,
    PatchError,
    SheetPart,
    SheetPatch,
    calc_chain_part,
    full_calc_on_load,
    prune_calc_chain,
    rewrite_zip,
    sheet_parts,
)

__all__ = ["SUPPORTED", "TemplateError", "fill_template", "write_own_layout"]

SUPPORTED = ("6.01", "6.1", "6.22", "6.31", "6.4", "6.5")
#: Before 6.31 the first Q6 answer in the drop-down is the number 1 shown as "100%".
TEXT_HUNDRED_FROM = Revision("6.31")
DECLARATION, SMELTERS, PRODUCTS, CHECKER = "Declaration", "Smelter List", "Product List", "Checker"


class TemplateError(ValueError):
    """The template cannot be filled: not a blank CMRT 6.01–6.5 ``.xlsx``, or too small."""


def fill_template(template: bytes, content: RollupContent) -> bytes:
    """The template with ``content`` in its input cells (see the module docstring)."""
    opened, book, info = _open(template)
    layout = layout_for(info.family, info.revision, info.layout_revision)
    _require_blank(book, info)
    archive = zipfile.ZipFile(io.BytesIO(opened.data))
    parts = sheet_parts(archive)
    for name in (DECLARATION, SMELTERS, PRODUCTS, CHECKER):
        if name not in parts:
            raise TemplateError(f"The template has no {name!r} sheet.")
    try:
        patches = _patch_sheets(archive, parts, content, layout, book, info)
    except PatchError as exc:
        raise TemplateError(str(exc)) from exc
    members = _members(archive, parts, patches)
    draft = rewrite_zip(archive, members, compress=False)
    checker = SheetPatch.parse(archive.read(parts[CHECKER].path))
    missing = _missing(draft)
    checker.cache("D2", "0" if missing == 0 else missing)
    members[parts[CHECKER].path] = checker.to_bytes()
    return rewrite_zip(archive, members)


def _open(template: bytes) -> tuple[OpenedFile, Workbook, TemplateInfo]:
    try:
        opened = open_bytes(template)
        if opened.container != "xlsx":
            raise TemplateError(
                "The template is a .xls (BIFF) workbook; give the official CMRT 6.x .xlsx."
            )
        book = Workbook(load_calamine(opened))
        info = identify(book)
    except WorkbookError as exc:
        raise TemplateError(f"The template cannot be opened: {exc}") from exc
    if info.family is not Family.CMRT or info.revision.text not in SUPPORTED or not info.exact:
        raise TemplateError(
            f"The template is {info.family} {info.revision}; the roll-up fills the official "
            f"CMRT {', '.join(SUPPORTED)} templates only."
        )
    return opened, book, info


def _require_blank(book: Workbook, info: TemplateInfo) -> None:
    """Refuse a template that already holds a declaration: we never mix two."""
    declaration = read_declaration(book, info)
    filled = [f.address for f in declaration.company.values() if f.value is not None]
    filled += [a.answer.address for a in declaration.answers if a.answer.value is not None]
    filled += [a.answer.address for a in declaration.company_answers if a.answer.value is not None]
    filled += [f"'{r.sheet}'!row {r.row}" for r in (*declaration.smelters, *declaration.products)]
    if filled:
        shown = ", ".join(filled[:5]) + (" …" if len(filled) > 5 else "")
        raise TemplateError(
            f"The template is not blank ({len(filled)} input(s) filled: {shown}); "
            "give the official template as RMI publishes it."
        )


def _patch_sheets(
    archive: zipfile.ZipFile,
    parts: Mapping[str, SheetPart],
    content: RollupContent,
    layout: Layout,
    book: Workbook,
    info: TemplateInfo,
) -> dict[str, SheetPatch]:
    declaration = SheetPatch.parse(archive.read(parts[DECLARATION].path))
    for ref, value in declaration_cells(content, layout).items():
        if value is not None:
            declaration.write(ref, _declaration_value(value, info))
    smelters = SheetPatch.parse(archive.read(parts[SMELTERS].path))
    _write_smelters(smelters, content, layout, TemplateLookup.from_workbook(book))
    products = SheetPatch.parse(archive.read(parts[PRODUCTS].path))
    _write_products(products, content, layout)
    return {DECLARATION: declaration, SMELTERS: smelters, PRODUCTS: products}


def _declaration_value(value: CellValue, info: TemplateInfo) -> CellValue:
    if value == "100%" and info.revision < TEXT_HUNDRED_FROM:
        return 1
    return value


def _write_smelters(
    sheet: SheetPatch, content: RollupContent, layout: Layout, lookup: TemplateLookup
) -> None:
    table = layout.smelters
    _require_room(len(content.smelters), table.first_row, table.last_row, "Smelter List")
    for offset, line in enumerate(content.smelters):
        row = table.first_row + offset
        cells = lookup.cells(line)
        for column, value in cells.inputs.items():
            sheet.write(f"{column}{row}", value)
        for column, value in cells.cached.items():
            if sheet.has_formula(f"{column}{row}"):
                sheet.cache(f"{column}{row}", value)


def _write_products(sheet: SheetPatch, content: RollupContent, layout: Layout) -> None:
    table = layout.products
    assert table is not None  # every 6.x layout has a Product List
    _require_room(len(content.products), table.first_row, table.last_row, "Product List")
    for offset, (number, name) in enumerate(content.products):
        row = table.first_row + offset
        sheet.write(f"{table.columns['number']}{row}", number)
        if name:
            sheet.write(f"{table.columns['name']}{row}", name)


def _require_room(count: int, first: int, last: int, sheet: str) -> None:
    if count > last - first + 1:
        raise TemplateError(
            f"{count:,} rows do not fit the template's {sheet} (rows {first}–{last})."
        )


def _members(
    archive: zipfile.ZipFile, parts: Mapping[str, SheetPart], patches: Mapping[str, SheetPatch]
) -> dict[str, bytes]:
    members = {parts[name].path: patch.to_bytes() for name, patch in patches.items()}
    members["xl/workbook.xml"] = full_calc_on_load(archive.read("xl/workbook.xml"))
    removed = {
        parts[name].sheet_id: patch.replaced_formulas
        for name, patch in patches.items()
        if patch.replaced_formulas
    }
    chain = calc_chain_part(archive)
    if chain is not None and removed and chain in archive.namelist():
        members[chain] = prune_calc_chain(archive.read(chain), removed)
    return members


def _missing(data: bytes) -> int:
    """What the template's Checker counts as missing in the filled workbook."""
    book = Workbook(load_calamine(open_bytes(data)))
    result = run_checker(book, identify(book))
    if result is None:  # pragma: no cover - every supported revision has a Checker
        raise TemplateError("No Checker rules for this template revision.")
    return result.missing
