"""Where a smelter reaches and what a product rests on, within a person's scope.

- :func:`smelters_reported`: reference smelters with how many current declaration rows of
  the period (in scope) name them (:func:`smelter_rows_named`, remembered per data version),
  and their latest RMI status.
- :func:`smelter_reach`: a smelter's status history, the suppliers that name it, the
  products it reaches through parts bought from those suppliers.
- :func:`product_bom`: a product's parts, each with the suppliers it is bought from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import overload

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from oretrace.registry.models import (
    BomLine,
    Declaration,
    DeclarationSmelter,
    PartSource,
    Product,
    ReferenceSmelter,
    SmelterStatus,
)
from oretrace.registry.services.assessment_cache import remembered
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


def smelter_rows_named(scope: StaffScope, year: int) -> dict[int, int]:
    """How many current declaration rows of ``year`` from suppliers in ``scope`` name each
    reference smelter (pk → rows; smelters no row names are absent), remembered until the
    registry's data next changes (:mod:`.assessment_cache`): one grouped count over the
    period's rows, not one per request."""
    companies = scope.group_company_ids
    key = "all" if companies is None else ",".join(str(pk) for pk in sorted(companies))
    # the group companies name the scope: a change to whom they buy from is a data change
    return remembered("smelter_rows", (year, key), lambda: _rows_named(scope, year))


def _rows_named(scope: StaffScope, year: int) -> dict[int, int]:
    current = Declaration.objects.filter(period__year=year, is_current=True)
    ids = supplier_ids_for(scope)
    if ids is not None:
        current = current.filter(supplier_id__in=ids)
    return dict(
        DeclarationSmelter.objects.filter(declaration_id__in=current.values("id"))
        .exclude(smelter=None)
        .order_by()
        .values_list("smelter_id")
        .annotate(n=Count("pk"))
        .values_list("smelter_id", "n")
    )


class ReportedSmelters(Sequence[ReferenceSmelter]):
    """Reference smelters in a fixed order, each with ``rows`` (rows naming it) and
    ``latest_status``. Only the slice asked for is read (one query), so a page of 50 costs
    the same whatever the number of smelters."""

    def __init__(self, pks: list[int], rows: Mapping[int, int]) -> None:
        self.pks = pks
        self.rows = rows

    def __len__(self) -> int:
        return len(self.pks)

    @overload
    def __getitem__(self, index: int) -> ReferenceSmelter: ...

    @overload
    def __getitem__(self, index: slice) -> list[ReferenceSmelter]: ...

    def __getitem__(self, index: int | slice) -> ReferenceSmelter | list[ReferenceSmelter]:
        if isinstance(index, int):
            return self._read([self.pks[index]])[0]
        return self._read(self.pks[index])

    def _read(self, chosen: list[int]) -> list[ReferenceSmelter]:
        if not chosen:
            return []
        latest = SmelterStatus.objects.filter(smelter=OuterRef("pk")).order_by("-as_of", "-pk")
        found = ReferenceSmelter.objects.filter(pk__in=chosen).annotate(
            latest_status=Subquery(latest.values("status")[:1])
        )
        smelters = {smelter.pk: smelter for smelter in found}
        for pk, smelter in smelters.items():
            smelter.rows = self.rows.get(pk, 0)  # type: ignore[attr-defined]
        return [smelters[pk] for pk in chosen if pk in smelters]


def smelters_reported(
    scope: StaffScope,
    year: int,
    smelters: QuerySet[ReferenceSmelter],
    *,
    most_named_first: bool = False,
    named_only: bool = False,
) -> ReportedSmelters:
    """``smelters`` (filtered and ordered by the caller) with the rows of ``year`` in
    ``scope`` naming each; ``most_named_first`` sorts by those rows, the queryset's order
    breaking ties; ``named_only`` drops smelters no row names. Sorting and filtering on the
    counts happen on the remembered counts (:func:`smelter_rows_named`), never in SQL."""
    rows = smelter_rows_named(scope, year)
    pks = list(smelters.values_list("pk", flat=True))
    if named_only:
        pks = [pk for pk in pks if rows.get(pk, 0) > 0]
    if most_named_first:
        pks.sort(key=lambda pk: -rows.get(pk, 0))  # stable: ties keep the queryset's order
    return ReportedSmelters(pks, rows)


@dataclass(frozen=True, slots=True)
class NamingSupplier:
    pk: int
    name: str
    rows: int  # rows of its current declarations of the period naming the smelter


@dataclass(frozen=True, slots=True)
class ReachedProduct:
    pk: int
    number: str
    name: str


@dataclass(frozen=True, slots=True)
class SmelterReach:
    smelter: ReferenceSmelter
    statuses: list[SmelterStatus]
    suppliers: list[NamingSupplier]
    products: list[ReachedProduct]


def smelter_reach(scope: StaffScope, smelter: ReferenceSmelter, year: int) -> SmelterReach:
    """A smelter's RMI status history (read live), and the suppliers in scope naming it in
    ``year`` and the products it reaches, remembered until the registry's data next changes."""
    companies = scope.group_company_ids
    key = "all" if companies is None else ",".join(str(pk) for pk in sorted(companies))
    suppliers, products = remembered(
        "smelter_reach", (year, key, smelter.pk), lambda: _reach(scope, smelter, year)
    )
    statuses = list(SmelterStatus.objects.filter(smelter=smelter).order_by("as_of", "pk"))
    return SmelterReach(smelter, statuses, suppliers, products)


def _reach(
    scope: StaffScope, smelter: ReferenceSmelter, year: int
) -> tuple[list[NamingSupplier], list[ReachedProduct]]:
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
        .order_by("name", "pk")
        .values_list("pk", "name", "rows")
    )
    products = (
        products_for(scope)
        .filter(bom__part__sources__supplier_id__in=naming)
        .distinct()
        .order_by("number", "pk")
        .values_list("pk", "number", "name")
    )
    return (
        [NamingSupplier(*supplier) for supplier in suppliers],
        [ReachedProduct(*product) for product in products],
    )


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
