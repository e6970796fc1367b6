"""The supplier list: suppliers in scope with their response for a period, filtered the way
the dashboard's figures count (response states from ``counted_declarations``, risk, red
flags and metals from ``scoped_assessment``, extended minerals from the status's
``extended_minerals`` lines), in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from oretrace.assessment.overview import PeriodAssessment
from oretrace.registry.models import (
    CorrectiveAction,
    Declaration,
    ReportingPeriod,
    Supplier,
    SupplierRelationship,
)
from oretrace.registry.services.scope import StaffScope, suppliers_for
from oretrace.registry.services.status import counted_declarations
from oretrace.reporting.minerals import MineralLine

#: ``response`` filter values: surveyed (what status counts as surveyed), responded, none
#: (surveyed, nothing received), and the state of a counted declaration.
RESPONSE_STATES = ("surveyed", "responded", "none", "valid", "findings", "unreadable")
#: ``mineral_use`` filter values: the suppliers whose EMRT in force declares the mineral,
#: or those of them that use it (the dashboard's "declarations" and "using" figures).
MINERAL_USES = ("declaring", "using")


@dataclass(frozen=True, slots=True)
class SupplierFilters:
    search: str = ""
    group_company: int | None = None
    risk: str = ""
    red_flag: str = ""
    response: str = ""
    metal: str = ""
    mineral: str = ""  # an extended mineral: suppliers declaring it (see ``mineral_use``)
    mineral_use: str = ""  # "using": only those using it
    mineral_risk: str = ""  # their risk for that mineral alone


def supplier_table(
    scope: StaffScope,
    period: ReportingPeriod,
    filters: SupplierFilters,
    assessment: PeriodAssessment | None = None,
    minerals: Sequence[MineralLine] = (),
) -> QuerySet[Supplier]:
    """Suppliers in scope, annotated with their newest counted declaration for ``period``
    (``declaration_id``, ``declaration_status``) and ``open_actions``; group companies
    prefetched. Risk, red-flag and metal filters need ``assessment``; the mineral filters
    need the period's ``extended_minerals`` lines (a mineral without a line: no supplier)."""
    counted = counted_declarations(period, scope)
    newest = counted.filter(supplier_id=OuterRef("pk")).order_by(
        "-is_current", "-ingested_at", "-id"
    )
    open_actions = (
        CorrectiveAction.objects.filter(supplier_id=OuterRef("pk"), closed_at=None)
        .values("supplier_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    rows = suppliers_for(scope).annotate(
        declaration_id=Subquery(newest.values("id")[:1]),
        declaration_status=Subquery(newest.values("status")[:1]),
        open_actions=Coalesce(Subquery(open_actions, output_field=IntegerField()), 0),
    )
    rows = rows.prefetch_related(
        Prefetch(
            "relationships",
            queryset=SupplierRelationship.objects.select_related("group_company").order_by(
                "group_company__name"
            ),
        )
    )
    shown = _filtered(rows, counted, filters, assessment)
    return _by_mineral(shown, filters, minerals) if filters.mineral else shown


def _filtered(
    rows: QuerySet[Supplier],
    counted: QuerySet[Declaration],
    filters: SupplierFilters,
    assessment: PeriodAssessment | None,
) -> QuerySet[Supplier]:
    if filters.search:
        term = filters.search.strip()
        rows = rows.filter(
            Q(name__icontains=term)
            | Q(unique_id__icontains=term)
            | Q(relationships__vendor_code__iexact=term)
        ).distinct()
    if filters.group_company is not None:
        rows = rows.filter(
            pk__in=SupplierRelationship.objects.filter(
                group_company_id=filters.group_company
            ).values("supplier_id")
        )
    responded = counted.values("supplier_id")
    if filters.response == "surveyed":
        rows = rows.filter(Q(unverified=False) | Q(pk__in=responded))
    elif filters.response == "responded":
        rows = rows.filter(pk__in=responded)
    elif filters.response == "none":
        rows = rows.filter(unverified=False).exclude(pk__in=responded)
    elif filters.response in ("valid", "findings", "unreadable"):
        rows = rows.filter(pk__in=counted.filter(status=filters.response).values("supplier_id"))
    if assessment is not None:
        rows = _by_assessment(rows, filters, assessment)
    return rows


def _by_assessment(
    rows: QuerySet[Supplier], filters: SupplierFilters, assessment: PeriodAssessment
) -> QuerySet[Supplier]:
    if filters.risk:
        levels = assessment.suppliers.items()
        rows = rows.filter(pk__in=[int(k) for k, r in levels if r.level.value == filters.risk])
    if filters.red_flag:
        rows = rows.filter(
            pk__in=[
                int(k)
                for k, r in assessment.suppliers.items()
                if any(f.code == filters.red_flag for f in r.flags)
            ]
        )
    if filters.metal:
        result = assessment.rcoi.get(filters.metal)
        rows = rows.filter(pk__in=[int(k) for k in (result.users if result else ())])
    return rows


def _by_mineral(
    rows: QuerySet[Supplier], filters: SupplierFilters, minerals: Sequence[MineralLine]
) -> QuerySet[Supplier]:
    line = next((m for m in minerals if m.mineral == filters.mineral), None)
    if line is None:
        return rows.none()
    chosen = set(line.users) if filters.mineral_use == "using" else set(line.supplier_risks)
    if filters.mineral_risk:
        chosen &= {k for k, level in line.supplier_risks.items() if level == filters.mineral_risk}
    return rows.filter(pk__in=sorted(int(k) for k in chosen))


def group_company_names(rows: QuerySet[Supplier]) -> dict[int, list[str]]:
    """Supplier id → its group companies' names (sorted), for every row of ``rows`` in one
    query: a download of thousands of rows without a prefetch per supplier object."""
    names: dict[int, list[str]] = {}
    pairs = (
        SupplierRelationship.objects.filter(supplier_id__in=rows.order_by().values("pk"))
        .order_by("group_company__name", "pk")
        .values_list("supplier_id", "group_company__name")
    )
    for supplier_id, name in pairs:
        names.setdefault(supplier_id, []).append(name)
    return names
