"""Extended minerals (EMRT, CRT, AMRT): per mineral, the figures `oretrace status`, the
dashboard and the internal report show next to 3TG, computed once here.

The population is the suppliers whose EMRT, CRT (cobalt) or AMRT declaration is in force for
the period (one per supplier and template, chosen as for CMRT). A mineral is listed when at
least one of them declares it; when a supplier's declarations of several templates declare
the same mineral, the first template of ``MINERAL_TEMPLATES`` answers for it (ADR 0026).
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
from dataclasses import dataclass, field

from oretrace.assessment.inputs import Product, SupplierInput
from oretrace.assessment.overview import PeriodAssessment
from oretrace.assessment.products import all_parts
from oretrace.assessment.rcoi import Conclusion, conclude
from oretrace.assessment.red_flags import RiskLevel
from oretrace.assessment.risk import assess_supplier
from oretrace.assessment.settings import AssessmentSettings
from oretrace.cmrt.layouts import METALS_3TG
from oretrace.cmrt.semantics import Reply
from oretrace.smelters.metals import canonical_metal, known_metals

#: The minerals of EMRT 2.x, in the template's order.
EXTENDED_MINERALS = ("Cobalt", "Copper", "Graphite", "Lithium", "Mica", "Nickel")
#: Every extended mineral a template can declare, in the order lines are shown: EMRT's six,
#: then the further minerals of the AMRT (a declared name outside it follows, A to Z).
KNOWN_MINERALS = EXTENDED_MINERALS + tuple(
    m for m in known_metals() if m not in EXTENDED_MINERALS and m not in METALS_3TG
)
#: The templates that declare extended minerals; for a supplier whose declarations of
#: several of them declare one mineral, the first answers (EMRT is the current, fullest one).
MINERAL_TEMPLATES = ("EMRT", "CRT", "AMRT")
NO_STATUS = "no rmap status"
_CONCLUSIONS = {Conclusion.NO_3TG_NECESSARY.value: "not_necessary"}


@dataclass(frozen=True, slots=True)
class MineralLine:
    """One extended mineral's figures for the period (see the module docstring)."""

    mineral: str
    declarations: int  # declarations in force answering for the mineral (one per supplier)
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
    #: Who is behind the supplier figures (supplier id → risk for the mineral; the ids of
    #: those using it), for the web's filtered lists; not part of ``as_json``.
    supplier_risks: dict[str, str] = field(default_factory=dict)
    users: tuple[str, ...] = ()

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


#: (supplier id, template) → mineral → identification decision → smelter rows.
RowCounts = Mapping[tuple[str, str], Mapping[str, Mapping[str, int]]]
#: (supplier id, template) → mineral → Mine List rows.
MineCounts = Mapping[tuple[str, str], Mapping[str, int]]


def mineral_lines(
    assessment: PeriodAssessment,
    suppliers: Sequence[SupplierInput],
    smelter_rows: RowCounts,
    mines: MineCounts,
    products: Iterable[Product] = (),
    settings: AssessmentSettings | None = None,
) -> tuple[MineralLine, ...]:
    """The lines of every extended mineral some supplier declares, in ``KNOWN_MINERALS``
    order.

    ``suppliers``: one input per supplier and template in force, in ``MINERAL_TEMPLATES``
    order (a supplier may appear once per template; per mineral its first input declaring
    it answers); ``assessment``: the period assessed over them for their minerals;
    ``smelter_rows`` and ``mines``: the rows of each supplier's declaration per template.
    """
    settings = settings or AssessmentSettings()
    catalogue = {p.product_id: p for p in products}
    lines = []
    for mineral in declared_minerals(suppliers):
        declaring = _answering(suppliers, mineral)
        using = [s for s in declaring if _uses(s, mineral)]
        risks = {
            s.supplier_id: assess_supplier(s, assessment.smelters, settings, (mineral,)).level
            for s in declaring
        }
        smelters = [a for a in assessment.smelters.values() if a.metal == mineral]
        rcoi = conclude(mineral, declaring, assessment.smelters, settings, assessment.period)
        levels = {supplier_id: level.value for supplier_id, level in risks.items()}
        answering = [_key(s) for s in declaring]
        rows: Counter[str] = Counter()
        for key in answering:
            rows.update(smelter_rows.get(key, {}).get(mineral, {}))
        lines.append(
            MineralLine(
                mineral=mineral,
                declarations=len(declaring),
                suppliers_using=len(using),
                conclusion=_CONCLUSIONS.get(rcoi.conclusion.value, rcoi.conclusion.value),
                coverage=rcoi.coverage,
                smelter_rows=dict(sorted(rows.items())),
                smelters_identified=len(smelters),
                smelters_by_status=_tally(
                    "conformant" if a.conformant else (a.status or NO_STATUS).casefold()
                    for a in smelters
                ),
                smelters_in_cahras=sum(1 for a in smelters if a.in_cahra),
                mines_listed=sum(mines.get(key, {}).get(mineral, 0) for key in answering),
                suppliers_by_risk=_tally(levels.values()),
                products_by_risk=_products_by_risk(catalogue, using, risks),
                supplier_risks=dict(sorted(levels.items())),
                users=tuple(sorted(s.supplier_id for s in using)),
            )
        )
    return tuple(lines)


def mineral_name(text: str) -> str:
    """The name a line shows for a declared mineral: canonical when known, else as written."""
    return canonical_metal(text) or text.strip()


def declared_minerals(suppliers: Iterable[SupplierInput]) -> list[str]:
    """The extended minerals the suppliers' readable declarations declare, in line order."""
    found = {
        mineral_name(name)
        for s in suppliers
        if s.usable_declaration is not None
        for name in s.usable_declaration.metals
    } - set(METALS_3TG)
    rank = {m: i for i, m in enumerate(KNOWN_MINERALS)}
    return sorted(found, key=lambda m: (rank.get(m, len(rank)), m))


def _answering(suppliers: Sequence[SupplierInput], mineral: str) -> list[SupplierInput]:
    """Per supplier, its first input whose declaration declares ``mineral``."""
    chosen: dict[str, SupplierInput] = {}
    for supplier in suppliers:
        if supplier.supplier_id not in chosen and _answers_for(supplier, mineral):
            chosen[supplier.supplier_id] = supplier
    return list(chosen.values())


def _key(supplier: SupplierInput) -> tuple[str, str]:
    declaration = supplier.usable_declaration
    return (supplier.supplier_id, declaration.template if declaration else "")


def _answers_for(supplier: SupplierInput, mineral: str) -> bool:
    declaration = supplier.usable_declaration
    return declaration is not None and any(
        mineral_name(name) == mineral for name in declaration.metals
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
