"""Extended minerals (EMRT): per mineral, the figures `oretrace status` and the internal
report show next to 3TG, computed once here.

The population is the suppliers whose EMRT declaration is in force for the period (one per
supplier, chosen as for CMRT). A mineral is listed when at least one of them declares it.
Per mineral: how many declare it and how many use it (necessary: intentionally added and
remaining); the inquiry conclusion, by the RCOI rules of ``oretrace.assessment.rcoi`` over
the suppliers declaring the mineral (one that leaves a mineral unchosen in its EMRT is no
gap for it), CAHRAs No standing for covered countries No; smelter rows by identification
decision; identified smelters by RMAP status at period end; Mine List rows; supplier risk
from the red flags of that mineral alone; and products by the worst risk among the
suppliers using it. Form SD and the Conflict Minerals Report stay 3TG only.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from oretrace.assessment.inputs import Product, SupplierInput
from oretrace.assessment.overview import PeriodAssessment
from oretrace.assessment.products import all_parts
from oretrace.assessment.rcoi import Conclusion, conclude
from oretrace.assessment.red_flags import RiskLevel
from oretrace.assessment.risk import assess_supplier
from oretrace.assessment.settings import AssessmentSettings
from oretrace.cmrt.semantics import Reply

#: The minerals of EMRT 2.x, in the template's order.
EXTENDED_MINERALS = ("Cobalt", "Copper", "Graphite", "Lithium", "Mica", "Nickel")
NO_STATUS = "no rmap status"
_CONCLUSIONS = {Conclusion.NO_3TG_NECESSARY.value: "not_necessary"}


@dataclass(frozen=True, slots=True)
class MineralLine:
    """One extended mineral's figures for the period (see the module docstring)."""

    mineral: str
    declarations: int  # EMRT declarations in force that answer for the mineral
    suppliers_using: int
    conclusion: str  # an RCOI conclusion; "not_necessary" where 3TG says no_3tg_necessary
    coverage: float
    smelter_rows: dict[str, int]  # identification decision → rows
    smelters_identified: int
    smelters_by_status: dict[str, int]  # "conformant", else the RMAP status → smelters
    smelters_in_cahras: int
    mines_listed: int
    suppliers_by_risk: dict[str, int]
    products_by_risk: dict[str, int]

    def as_json(self) -> dict[str, object]:
        return {
            "declarations": self.declarations,
            "suppliers_using": self.suppliers_using,
            "conclusion": self.conclusion,
            "coverage": round(self.coverage, 4),
            "smelter_rows": dict(self.smelter_rows),
            "smelters_identified": self.smelters_identified,
            "smelters_by_status": dict(self.smelters_by_status),
            "smelters_in_cahras": self.smelters_in_cahras,
            "mines_listed": self.mines_listed,
            "suppliers_by_risk": dict(self.suppliers_by_risk),
            "products_by_risk": dict(self.products_by_risk),
        }


def mineral_lines(
    assessment: PeriodAssessment,
    suppliers: Sequence[SupplierInput],
    smelter_rows: Mapping[str, Mapping[str, int]],
    mines: Mapping[str, int],
    products: Iterable[Product] = (),
    settings: AssessmentSettings | None = None,
) -> tuple[MineralLine, ...]:
    """The lines of every extended mineral some supplier declares, in the template's order.

    ``assessment``: the period assessed over ``suppliers`` for ``EXTENDED_MINERALS``;
    ``smelter_rows``: mineral → decision → rows; ``mines``: mineral → Mine List rows.
    """
    settings = settings or AssessmentSettings()
    catalogue = {p.product_id: p for p in products}
    lines = []
    for mineral in EXTENDED_MINERALS:
        declaring = [s for s in suppliers if _answers_for(s, mineral)]
        if not declaring:
            continue
        using = [s for s in declaring if _uses(s, mineral)]
        risks = {
            s.supplier_id: assess_supplier(s, assessment.smelters, settings, (mineral,)).level
            for s in declaring
        }
        smelters = [a for a in assessment.smelters.values() if a.metal == mineral]
        rcoi = conclude(mineral, declaring, assessment.smelters, settings, assessment.period)
        lines.append(
            MineralLine(
                mineral=mineral,
                declarations=len(declaring),
                suppliers_using=len(using),
                conclusion=_CONCLUSIONS.get(rcoi.conclusion.value, rcoi.conclusion.value),
                coverage=rcoi.coverage,
                smelter_rows=dict(sorted(smelter_rows.get(mineral, {}).items())),
                smelters_identified=len(smelters),
                smelters_by_status=_tally(
                    "conformant" if a.conformant else (a.status or NO_STATUS).casefold()
                    for a in smelters
                ),
                smelters_in_cahras=sum(1 for a in smelters if a.in_cahra),
                mines_listed=mines.get(mineral, 0),
                suppliers_by_risk=_tally(level.value for level in risks.values()),
                products_by_risk=_products_by_risk(catalogue, using, risks),
            )
        )
    return tuple(lines)


def _answers_for(supplier: SupplierInput, mineral: str) -> bool:
    declaration = supplier.usable_declaration
    return declaration is not None and any(
        name.casefold() == mineral.casefold() for name in declaration.metals
    )


def _uses(supplier: SupplierInput, mineral: str) -> bool:
    declaration = supplier.usable_declaration
    return declaration is not None and declaration.uses(mineral) is Reply.YES


def _products_by_risk(
    catalogue: Mapping[str, Product],
    using: Sequence[SupplierInput],
    risks: Mapping[str, RiskLevel],
) -> dict[str, int]:
    """Products holding a part bought from a supplier that uses the mineral, by the worst
    of those suppliers' risk for it."""
    users_of_part: dict[str, set[str]] = defaultdict(set)
    for supplier in using:
        for part in supplier.parts_bought:
            users_of_part[part].add(supplier.supplier_id)
    levels = []
    for product_id in catalogue:
        users = {s for part in all_parts(product_id, catalogue) for s in users_of_part[part]}
        if users:
            levels.append(max((risks[s] for s in users), key=lambda level: level.rank).value)
    return _tally(levels)


def _tally(values: Iterable[str]) -> dict[str, int]:
    return dict(sorted(Counter(values).items()))
