"""The internal report's section on extended minerals (EMRT, CRT, AMRT): the figures of
:func:`oretrace.reporting.minerals.mineral_lines`, one row per mineral declared."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from oretrace.reporting.minerals import MineralLine
from oretrace.reporting.sections import Block, Heading, Paragraph, Table


def minerals_section(lines: Sequence[MineralLine]) -> list[Block]:
    """The internal report's section: one row per extended mineral declared."""
    if not lines:
        return []
    rows = tuple(
        (
            line.mineral,
            str(line.declarations),
            str(line.suppliers_using),
            line.conclusion.replace("_", " "),
            str(line.smelters_identified),
            str(line.smelters_by_status.get("conformant", 0)),
            str(line.mines_listed),
            _pairs(line.suppliers_by_risk),
            _pairs(line.products_by_risk),
        )
        for line in lines
    )
    return [
        Heading("Extended minerals (EMRT, CRT, AMRT)", 2),
        Paragraph(
            "Suppliers' EMRT, CRT and AMRT declarations in force, per mineral (a supplier "
            "counts once per mineral: its EMRT, else its CRT, else its AMRT). Not part of "
            "the Form SD or the Conflict Minerals Report, which cover tin, tantalum, "
            "tungsten and gold only."
        ),
        Table(
            header=(
                "Mineral",
                "Declarations",
                "Using it",
                "Conclusion",
                "Smelters",
                "Conformant",
                "Mines listed",
                "Supplier risk",
                "Product risk",
            ),
            rows=rows,
            caption="Extended minerals by mineral",
            numeric=(1, 2, 4, 5, 6),
        ),
    ]


def _pairs(values: Mapping[str, int]) -> str:
    return ", ".join(f"{key} {count}" for key, count in values.items()) or "none"
