"""Product risk and coverage, rolled up through the bill of materials.

A product's parts are its own parts plus, recursively, those of its sub-products (a cycle
in the structure is cut where it closes). A part is *covered* when every supplier it is
bought from has a valid declaration whose scope covers the part (company scope covers
everything bought); a part with no known supplier is not covered. Coverage is covered
parts ÷ parts (1.0 for a product without parts).

Product risk is the worst risk level among the suppliers of its parts; a part with no
known supplier makes it at least medium, since nothing is known about that part.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from oretrace.assessment.inputs import Product, SupplierInput
from oretrace.assessment.red_flags import RiskLevel
from oretrace.assessment.risk import SupplierRisk


@dataclass(frozen=True, slots=True)
class ProductAssessment:
    product_id: str
    name: str
    level: RiskLevel
    coverage: float
    parts: tuple[str, ...]
    covered_parts: tuple[str, ...]
    uncovered_parts: tuple[str, ...]
    parts_without_supplier: tuple[str, ...]
    suppliers: tuple[str, ...]
    worst_suppliers: tuple[str, ...]  # the suppliers at the product's level
    reasons: tuple[str, ...]


def all_parts(product_id: str, products: Mapping[str, Product]) -> frozenset[str]:
    """The parts of ``product_id`` and of its sub-products, at any depth."""
    parts: set[str] = set()
    seen: set[str] = set()
    pending = [product_id]
    while pending:
        current = pending.pop()
        if current in seen or current not in products:
            continue
        seen.add(current)
        parts |= products[current].parts
        pending.extend(products[current].subproducts)
    return frozenset(parts)


def assess_products(
    products: Iterable[Product],
    suppliers: Iterable[SupplierInput],
    risks: Mapping[str, SupplierRisk],
) -> list[ProductAssessment]:
    """Every product's coverage and risk (``risks``: supplier id → its assessed risk)."""
    by_id = {p.product_id: p for p in products}
    sources: dict[str, list[SupplierInput]] = defaultdict(list)
    for supplier in suppliers:
        for part in supplier.parts_bought:
            sources[part].append(supplier)
    return [_assess(p, all_parts(p.product_id, by_id), sources, risks) for p in by_id.values()]


def _assess(
    product: Product,
    parts: frozenset[str],
    sources: Mapping[str, list[SupplierInput]],
    risks: Mapping[str, SupplierRisk],
) -> ProductAssessment:
    ordered = sorted(parts)
    orphans = [p for p in ordered if not sources.get(p)]
    covered = [p for p in ordered if sources.get(p) and all(s.covers(p) for s in sources[p])]
    uncovered = [p for p in ordered if p not in set(covered)]
    supplier_ids = sorted({s.supplier_id for p in ordered for s in sources.get(p, [])})
    known = [risks[s] for s in supplier_ids if s in risks]
    level = max((r.level for r in known), key=lambda lv: lv.rank, default=RiskLevel.LOW)
    reasons: list[str] = []
    if orphans:
        level = max(level, RiskLevel.MEDIUM, key=lambda lv: lv.rank)
        reasons.append(f"{len(orphans)} part(s) with no known supplier")
    worst = tuple(r.supplier_id for r in known if r.level is level)
    if worst:
        reasons.append(f"{level} risk supplier(s): {', '.join(worst)}")
    if uncovered:
        reasons.append(
            f"{len(uncovered)} of {len(ordered)} parts not backed by a valid declaration"
        )
    return ProductAssessment(
        product_id=product.product_id,
        name=product.name,
        level=level,
        coverage=len(covered) / len(ordered) if ordered else 1.0,
        parts=tuple(ordered),
        covered_parts=tuple(covered),
        uncovered_parts=tuple(uncovered),
        parts_without_supplier=tuple(orphans),
        suppliers=tuple(supplier_ids),
        worst_suppliers=worst,
        reasons=tuple(reasons),
    )
