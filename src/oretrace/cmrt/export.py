"""The JSON shape of a checked file (the `oretrace check --json` contract in DESIGN.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from oretrace.cmrt.model import TableRow
from oretrace.cmrt.normalise import canonical_metal

if TYPE_CHECKING:
    from oretrace.cmrt.check import FileCheck


def file_check_json(result: FileCheck) -> dict[str, Any]:
    declaration = result.declaration
    info = result.info
    company = declaration.company_value if declaration else (lambda _name: None)
    return {
        "file": result.file,
        "sha256": result.sha256,
        "template": info.family.value if info else None,
        "version": info.revision.text if info else None,
        "layout": declaration.layout if declaration else None,
        "company_name": company("company_name"),
        "scope": company("scope"),
        "effective_date": _iso_or_none(company("effective_date")),
        "q1": declaration.answers_to("Q1") if declaration else {},
        "smelters": [
            {
                "row": row.row,
                "metal": canonical_metal(row.metal),
                "smelter_id": row.smelter_id,
                "name": row.name,
                "country": row.country,
            }
            for row in (declaration.smelters if declaration else [])
        ],
        "products": [product_json(row) for row in (declaration.products if declaration else [])],
        "checker_missing": result.checker_missing,
        "checker_cached": result.checker_cached,
        "findings": [f.as_dict() for f in result.findings],
        "error": result.error.as_dict() if result.error else None,
    }


#: Product List fields the contract names; any other field with a value is added after them.
_PRODUCT_KEYS = ("number", "name")
_NOT_EXPORTED = frozenset({"comments"})


def product_json(row: TableRow) -> dict[str, Any]:
    """``row``, ``number``, ``name``; then, only when the row holds them, the requester's
    number and name (EMRT 2.1, AMRT 1.3, CMRT 6.6) and columns of newer revisions
    (``extra_<letters>``)."""
    item: dict[str, Any] = {"row": row.row, **{key: row.get(key) for key in _PRODUCT_KEYS}}
    for key, cell in row.fields.items():
        if key not in _PRODUCT_KEYS and key not in _NOT_EXPORTED and cell.value is not None:
            item[key] = cell.value
    return item


def _iso_or_none(value: str | None) -> str | None:
    if value is None or len(value) != 10 or value[4] != "-" or value[7] != "-":
        return None
    return value
