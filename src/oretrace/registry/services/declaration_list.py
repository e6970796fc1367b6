"""The declarations list of the staff web app: what ``oretrace status`` counts for a period in
a person's scope, with each declaration's finding count and without its cell-by-cell content."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from oretrace.registry.models import Declaration, Finding, ReportingPeriod
from oretrace.registry.services.scope import StaffScope
from oretrace.registry.services.status import counted_declarations

#: Declaration columns the list never shows; ``content`` alone is tens of kB a declaration.
LIST_UNUSED = ("content", "answers", "company_answers", "scope_text", "source_path")


def declaration_list(year: int, scope: StaffScope) -> QuerySet[Declaration]:
    """Counted declarations of ``year`` in ``scope``, annotated with ``finding_count``.

    The findings are counted per declaration shown (a subquery), not by a GROUP BY over the
    whole period, so a page of 25 costs the same whatever the period holds.
    """
    findings = (
        Finding.objects.filter(declaration=OuterRef("pk"))
        .order_by()
        .values("declaration")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        counted_declarations(ReportingPeriod.for_year(year), scope)
        .select_related("supplier", "stored_file")
        .defer(*LIST_UNUSED)
        .annotate(finding_count=Coalesce(Subquery(findings, output_field=IntegerField()), 0))
    )
