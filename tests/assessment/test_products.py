"""Product roll-up through the bill of materials: coverage and worst supplier risk."""

from __future__ import annotations

from oretrace.assessment.inputs import DeclarationSummary, Product, SupplierInput
from oretrace.assessment.products import ProductAssessment, all_parts, assess_products
from oretrace.assessment.red_flags import RiskLevel
from oretrace.assessment.risk import assess_supplier
from oretrace.assessment.smelters import assess_smelters

from .builders import END, Y, declaration, ref, silent, supplier, used


def _clean() -> DeclarationSummary:
    return declaration(used(), smelters=[ref("CID000001")])


def _run(products: list[Product], suppliers: list[SupplierInput]) -> dict[str, ProductAssessment]:
    # CID000001 has no status here, so every clean supplier carries smelters_not_conformant.
    smelters = assess_smelters(END, suppliers)
    risks = {s.supplier_id: assess_supplier(s, smelters) for s in suppliers}
    return {p.product_id: p for p in assess_products(products, suppliers, risks)}


def test_all_parts_follows_subproducts_and_survives_cycles() -> None:
    products = {
        "A": Product("A", "Camera", frozenset({"P1"}), frozenset({"B"})),
        "B": Product("B", "Lens", frozenset({"P2"}), frozenset({"C", "A"})),
        "C": Product("C", "Motor", frozenset({"P3"}), frozenset({"B", "missing"})),
    }
    assert all_parts("A", products) == {"P1", "P2", "P3"}
    assert all_parts("C", products) == {"P1", "P2", "P3"}
    assert all_parts("nothing", products) == frozenset()


def test_coverage_counts_parts_backed_by_a_valid_declaration_covering_them() -> None:
    suppliers = [
        supplier("S1", _clean(), parts=["P1", "P2"]),  # company scope
        supplier("S2", _clean(), parts=["P3", "P4"], covered_parts=["P3"]),
        supplier("S3", declaration(used(), valid=False), parts=["P5"]),
    ]
    products = [Product("X", "Phone", frozenset({"P1", "P2", "P3", "P4", "P5", "P6"}))]
    found = _run(products, suppliers)["X"]
    assert found.coverage == 3 / 6
    assert found.covered_parts == ("P1", "P2", "P3")
    assert found.uncovered_parts == ("P4", "P5", "P6")
    assert found.parts_without_supplier == ("P6",)
    assert found.suppliers == ("S1", "S2", "S3")


def test_a_dual_sourced_part_needs_every_source_covered() -> None:
    suppliers = [supplier("S1", _clean(), parts=["P1"]), silent("S2", parts=["P1"])]
    found = _run([Product("X", "Phone", frozenset({"P1"}))], suppliers)["X"]
    assert found.coverage == 0.0
    assert found.level is RiskLevel.HIGH
    assert found.worst_suppliers == ("S2",)


def test_product_risk_is_the_worst_supplier() -> None:
    risky = declaration(used(covered=Y), smelters=[ref("CID000001")])
    suppliers = [
        supplier("S1", _clean(), parts=["P1"]),
        supplier("S2", risky, parts=["P2"]),
        supplier("S3", _clean(), parts=["P3"]),
    ]
    products = [
        Product("X", "Phone", frozenset({"P1"}), frozenset({"Y"})),
        Product("Y", "Board", frozenset({"P2"})),
        Product("Z", "Case", frozenset({"P3"})),
    ]
    found = _run(products, suppliers)
    assert (found["X"].level, found["X"].worst_suppliers) == (RiskLevel.HIGH, ("S2",))
    assert found["X"].coverage == 1.0
    assert found["Z"].level is RiskLevel.LOW  # a non-conformant smelter alone is low


def test_parts_without_supplier_make_at_least_medium() -> None:
    found = _run([Product("X", "Phone", frozenset({"P9"}))], [])["X"]
    assert (found.level, found.coverage) == (RiskLevel.MEDIUM, 0.0)
    assert found.reasons[0] == "1 part(s) with no known supplier"
    empty = _run([Product("E", "Manual")], [])["E"]
    assert (empty.level, empty.coverage) == (RiskLevel.LOW, 1.0)
