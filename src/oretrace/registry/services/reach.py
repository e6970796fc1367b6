"""Where a smelter reaches and what a product rests on, within a person's scope.

- :func:`smelters_reported`: reference smelters with how many current declaration rows of
  the period (in scope) name them, and their latest RMI status.
- :func:`smelter_reach`: a smelter's status history, the suppliers that name it, the
  products it reaches through parts bought from those suppliers.
- :func:`product_bom`: a product's parts, each with the suppliers it is bought from.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from oretrace.registry.models import (
    BomLine,
    Declaration,
    DeclarationSmelter,
    PartSource,
    Product,
    ReferenceSmelter,
    SmelterStatus,
    Supplier,
)
from oretrace.registry.services.scope import (
    StaffScope,
    products_for,
    smelter_rows_for,
    supplier_ids_for,
    suppliers_for,
)


def reference_smelters() -> QuerySet[ReferenceSmelter]:
    """The RMI reference list: the same for every person (reference data, not a company's)."""
    return ReferenceSmelter.objects.all()


def smelters_reported(scope: StaffScope, year: int) -> QuerySet[ReferenceSmelter]:
    """Every reference smelter, annotated with ``rows`` (in scope) and ``latest_status``."""
    current = Declaration.objects.filter(period__year=year, is_current=True)
    ids = supplier_ids_for(scope)
    if ids is not None:
        current = current.filter(supplier_id__in=ids)
    # one grouped count over the period's rows (by declaration), then a CASE per smelter
    # named: a join of every smelter row of every period took seconds at the reference scale
    named = dict(
        DeclarationSmelter.objects.filter(declaration_id__in=current.values("id"))
        .exclude(smelter=None)
        .order_by()
        .values_list("smelter_id")
        .annotate(n=Count("pk"))
        .values_list("smelter_id", "n")
    )
    rows = Case(
        *[When(pk=pk, then=Value(n)) for pk, n in sorted(named.items())],
        default=Value(0),
        output_field=IntegerField(),
    )
    latest = SmelterStatus.objects.filter(smelter=OuterRef("pk")).order_by("-as_of", "-pk")
    return ReferenceSmelter.objects.annotate(
        rows=rows,
        latest_status=Subquery(latest.values("status")[:1]),
    )


@dataclass(frozen=True, slots=True)
class SmelterReach:
    smelter: ReferenceSmelter
    statuses: list[SmelterStatus]
    suppliers: QuerySet[Supplier]
    products: QuerySet[Product]


def smelter_reach(scope: StaffScope, smelter: ReferenceSmelter, year: int) -> SmelterReach:
    naming = (
        smelter_rows_for(scope)
        .filter(smelter=smelter, declaration__period__year=year, declaration__is_current=True)
        .values("declaration__supplier_id")
    )
    suppliers = (
        suppliers_for(scope)
        .filter(pk__in=naming)
        .annotate(
            rows=Count(
                "declarations__smelters",
                filter=Q(
                    declarations__smelters__smelter=smelter,
                    declarations__period__year=year,
                    declarations__is_current=True,
                ),
            )
        )
        .order_by("name")
    )
    products = (
        products_for(scope)
        .filter(bom__part__sources__supplier_id__in=naming)
        .distinct()
        .order_by("number")
    )
    statuses = list(SmelterStatus.objects.filter(smelter=smelter).order_by("as_of", "pk"))
    return SmelterReach(smelter, statuses, suppliers, products)


@dataclass(frozen=True, slots=True)
class BomPart:
    number: str
    name: str
    quantity: str
    suppliers: list[tuple[int, str]]  # (supplier pk, name), only those in scope


def product_bom(scope: StaffScope, product: Product) -> list[BomPart]:
    lines = list(
        BomLine.objects.filter(product=product).select_related("part").order_by("part__number")
    )
    visible = suppliers_for(scope).values("pk")
    sources = PartSource.objects.filter(
        part_id__in=[line.part_id for line in lines], supplier_id__in=visible
    ).values_list("part_id", "supplier_id", "supplier__name")
    by_part: dict[int, list[tuple[int, str]]] = {}
    for part_id, supplier_id, name in sources:
        by_part.setdefault(part_id, []).append((supplier_id, name))
    return [
        BomPart(
            line.part.number,
            line.part.name,
            f"{line.quantity.normalize()}",
            sorted(by_part.get(line.part_id, []), key=lambda s: s[1]),
        )
        for line in lines
    ]
