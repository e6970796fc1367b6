"""Freeze a reporting period into a :class:`ReportData` snapshot, as the registry stood on a date.

Everything a report or roll-up shows comes from this snapshot, so a report is reproducible:
the same snapshot gives the same files, and the snapshot's fingerprint goes to the audit log.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Collection

from django.utils import timezone

from oretrace.assessment.overview import PeriodAssessment
from oretrace.registry.models import (
    Declaration,
    DeclarationSmelter,
    Finding,
    GroupCompany,
    ProductCategory,
    ReferenceSmelter,
    ReferenceSnapshot,
    ReportingPeriod,
)
from oretrace.registry.models import Product as ProductRow
from oretrace.registry.services.assessing import (
    Responses,
    assess_suppliers,
    decisions_after,
    period_responses,
    responses_inputs,
)
from oretrace.registry.services.minerals import extended_minerals
from oretrace.registry.services.profile import load_profile
from oretrace.reporting.data import (
    CorrectiveAction,
    MetalConclusion,
    ProductLine,
    ReportData,
    ScopeEntry,
    SmelterLine,
    SmelterRowLine,
    SupplierLine,
)
from oretrace.reporting.figures import appendix_order, declaration_tally
from oretrace.reporting.ordering import natural_keys
from oretrace.reporting.rollup_answers import derive_answers

_ACTIONABLE = ("error", "warning")


def report_snapshot(
    year: int, as_of: dt.date | None = None, *, supplier_ids: Collection[int] | None = None
) -> ReportData:
    """The period ``year`` as the registry held it on ``as_of`` (default: today).

    ``supplier_ids`` narrows the snapshot to those suppliers (an officer's scope).
    """
    as_of = as_of or dt.date.today()
    period = ReportingPeriod.for_year(year)
    responses = period_responses(period, as_of, supplier_ids)
    suppliers = responses_inputs(responses, as_of)
    assessment = assess_suppliers(period, suppliers, as_of)
    smelters = _smelters(assessment)
    lines = _suppliers(assessment, responses)
    unattributed = tuple(sorted(d.stored_file.original_name for d in responses.unattributed))
    reference, status_as_of = reference_in_force(as_of, dt.date(year, 12, 31))
    counted = [*responses.chosen.values(), *responses.unreadable.values(), *responses.unattributed]
    received = [timezone.localdate(d.ingested_at) for d in counted]
    responded = sum(1 for line in lines if line.responded)
    rate = responded / len(lines) if lines else 0.0
    return ReportData(
        period=year,
        as_of=as_of,
        organisation=load_profile(),
        scope=_scope(),
        suppliers_surveyed=len(lines),
        suppliers_responded=responded,
        declarations=declaration_tally(lines, unattributed),
        rcoi=_conclusions(assessment),
        smelters=smelters,
        smelter_rows=_smelter_rows(responses, as_of),
        suppliers=lines,
        corrective_actions=_corrective_actions(responses),
        products=_products(assessment),
        rollup_answers=derive_answers(suppliers, smelters, rate),
        reference=reference,
        status_as_of=status_as_of,
        unattributed_files=unattributed,
        group_companies_total=GroupCompany.objects.count(),
        received_first=min(received, default=None),
        received_last=max(received, default=None),
        corrected=_corrected(responses),
        extended_minerals=extended_minerals(year, as_of, supplier_ids=supplier_ids),
    )


def reference_in_force(
    as_of: dt.date, period_end: dt.date
) -> tuple[tuple[str, ...], dt.date | None]:
    """The reference data a report on ``as_of`` relies on, and the date of its RMAP status.

    The newest CMRT look-up dated by ``as_of`` (smelter identification) and the RMI facility
    lists of the newest date on or before both ``as_of`` and the period's end — the lists the
    assessment takes the status at period end from; older and other templates' look-ups
    (EMRT, CRT, AMRT) are not in force for a 3TG report.
    """
    dated = [
        s
        for s in ReferenceSnapshot.objects.order_by("as_of", "key").only(
            "key", "kind", "label", "as_of"
        )
        if s.as_of is not None and s.as_of <= as_of
    ]
    lookups = [s for s in dated if s.kind == "template" and s.key.startswith("template:CMRT:")]
    lists = [s for s in dated if s.kind == "facility_list" and s.as_of and s.as_of <= period_end]
    status_as_of = max((s.as_of for s in lists if s.as_of), default=None)
    chosen = lookups[-1:] + [s for s in lists if s.as_of == status_as_of]
    return tuple(f"{s.label} ({s.as_of})" for s in chosen), status_as_of


def _corrected(responses: Responses) -> int:
    """Suppliers whose declaration in force is valid and replaced one that had findings:
    corrective actions that were closed by a corrected file."""
    replaced = [
        d.supersedes_id
        for d in responses.chosen.values()
        if d.status == Declaration.Status.VALID and d.supersedes_id is not None
    ]
    # by primary key, unordered: the join through ``superseded_by`` with the model's
    # ordering took SQLite seconds at 3,500 declarations (ADR 0022)
    earlier = Declaration.objects.filter(pk__in=replaced, status=Declaration.Status.FINDINGS)
    return len(set(earlier.order_by().values_list("supplier_id", flat=True)))


def _scope() -> tuple[ScopeEntry, ...]:
    entries = [
        ScopeEntry(
            c.business_unit.group_company.name if c.business_unit else "",
            c.business_unit.name if c.business_unit else "",
            c.name,
        )
        for c in ProductCategory.objects.select_related("business_unit__group_company")
    ]
    return tuple(
        sorted(
            entries,
            key=lambda e: natural_keys(e.group_company, e.business_unit, e.product_category),
        )
    )


def _conclusions(assessment: PeriodAssessment) -> tuple[MetalConclusion, ...]:
    return tuple(
        MetalConclusion(metal, r.conclusion.value, tuple(r.reasons), r.coverage, len(r.users))
        for metal, r in assessment.rcoi.items()
    )


def _smelters(assessment: PeriodAssessment) -> tuple[SmelterLine, ...]:
    reference = {
        s.smelter_id: s
        for s in ReferenceSmelter.objects.filter(smelter_id__in=list(assessment.smelters))
    }
    lines = []
    for smelter_id, found in assessment.smelters.items():
        known = reference.get(smelter_id)
        lines.append(
            SmelterLine(
                smelter_id=smelter_id,
                name=known.standard_name if known else (found.name or smelter_id),
                metal=found.metal,
                country=known.country if known else "",
                country_iso2=found.country_iso2 or "",
                status=found.status or "",
                conformant=found.conformant,
                in_covered_country=found.in_covered_country,
                in_cahra=found.in_cahra,
                supplier_count=found.supplier_count,
            )
        )
    return tuple(appendix_order(lines))


def _smelter_rows(responses: Responses, as_of: dt.date) -> tuple[SmelterRowLine, ...]:
    chosen = responses.chosen
    ids = [d.pk for d in chosen.values()]
    undone = decisions_after(ids, as_of)
    by_id = {d.pk: d for d in chosen.values()}
    names = responses.surveyed
    rows = []
    keys: list[tuple[int, int]] = []  # (declaration, row) of each line, to order them
    query = DeclarationSmelter.objects.filter(declaration_id__in=ids).values_list(
        "pk", "declaration_id", "row", "metal", "reported_id", "name", "country", "decision",
        "method", "reason", "smelter__smelter_id", "smelter__standard_name",
    )  # fmt: skip
    files = {pk: d.stored_file.original_name for pk, d in by_id.items()}
    suppliers = {pk: names.get(d.supplier_id or 0, "") for pk, d in by_id.items()}
    # Suppliers name the same smelters, metals, methods and reasons thousands of times: one
    # string object per distinct text keeps tens of thousands of rows small.
    same = {"": ""}.setdefault
    for (pk, declaration_id, number, metal, reported_id, name, country, current, method,
         reason, current_id, standard_name) in query.iterator(chunk_size=5000):  # fmt: skip
        decision, smelter_id = undone.get(pk, (current, current_id))
        keys.append((declaration_id, number))
        rows.append(
            SmelterRowLine(
                supplier=suppliers[declaration_id],
                file=files[declaration_id],
                row=number,
                metal=same(metal, metal),
                reported_id=same(reported_id, reported_id),
                reported_name=same(name, name),
                reported_country=same(country, country),
                smelter_id=same(smelter_id or "", smelter_id or ""),
                standard_name=same(standard_name, standard_name)
                if current_id and smelter_id
                else "",
                decision=same(decision, decision),
                method=same(method, method),
                reason=same(reason, reason),
            )
        )
    # ordered by supplier and file (one sort key per declaration, not per row), then row
    order = {pk: natural_keys(suppliers[pk], files[pk]) for pk in by_id}
    keyed = sorted(zip(keys, rows, strict=True), key=lambda kr: (order[kr[0][0]], kr[0][1]))
    return tuple(row for _, row in keyed)


def _finding_counts(declaration_ids: list[int]) -> dict[int, Counter[str]]:
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    for declaration_id, severity in Finding.objects.filter(
        declaration_id__in=declaration_ids
    ).values_list("declaration_id", "severity"):
        counts[declaration_id][severity] += 1
    return counts


def _suppliers(assessment: PeriodAssessment, responses: Responses) -> tuple[SupplierLine, ...]:
    chosen = responses.chosen
    counts = _finding_counts([d.pk for d in chosen.values()])
    lines = []
    for supplier_id, risk in assessment.suppliers.items():
        declaration = chosen.get(int(supplier_id))
        unreadable = responses.unreadable.get(int(supplier_id))
        found = counts.get(declaration.pk, Counter()) if declaration else Counter()
        status = declaration.status if declaration else "no response"
        lines.append(
            SupplierLine(
                supplier_id=supplier_id,
                name=risk.name,
                responded=responses.responded(int(supplier_id)),
                status="unreadable" if unreadable is not None else status,
                template=declaration.template if declaration else "",
                version=declaration.version if declaration else "",
                effective_date=(
                    declaration.effective_date.isoformat()
                    if declaration and declaration.effective_date
                    else ""
                ),
                errors=found["error"] + (1 if unreadable is not None else 0),
                warnings=found["warning"],
                risk_level=risk.level.value,
                reasons=tuple(risk.reasons),
            )
        )
    return tuple(sorted(lines, key=lambda s: natural_keys(s.name, s.supplier_id)))


def _corrective_actions(responses: Responses) -> tuple[CorrectiveAction, ...]:
    by_id = {d.pk: d for d in responses.chosen.values()}
    names = responses.surveyed
    actions = [
        CorrectiveAction(
            supplier=names.get(supplier_id, ""),
            file=item.stored_file.original_name,
            code="declaration_unreadable",
            severity="error",
            cell="",
            finding=f"The file could not be read as a reporting template"
            f"{': ' + item.error_message if item.error_message else '.'}",
            request=(
                f"The file you sent ({item.stored_file.original_name}) could not be read as a "
                "reporting template. Please send your declaration again as the completed RMI "
                "template in its Excel format (.xlsx), without a password."
            ),
        )
        for supplier_id, item in responses.unreadable.items()
    ]
    for finding in Finding.objects.filter(
        declaration_id__in=list(by_id), severity__in=_ACTIONABLE
    ).order_by("declaration_id", "id"):
        declaration = by_id[finding.declaration_id]
        where = f" ({finding.cell})" if finding.cell else ""
        actions.append(
            CorrectiveAction(
                supplier=names.get(declaration.supplier_id or 0, ""),
                file=declaration.stored_file.original_name,
                code=finding.code,
                severity=finding.severity,
                cell=finding.cell,
                finding=finding.message,
                request=(
                    f"In your {declaration.template} {declaration.version} declaration{where}: "
                    f"{finding.message} Please correct it and send the updated file."
                ),
            )
        )
    return tuple(sorted(actions, key=lambda a: natural_keys(a.supplier, a.file, a.cell, a.code)))


def _products(assessment: PeriodAssessment) -> tuple[ProductLine, ...]:
    categories = dict(ProductRow.objects.values_list("number", "category__name"))
    return tuple(
        ProductLine(
            number=p.product_id,
            name=p.name,
            category=categories.get(p.product_id) or "",
            risk_level=p.level.value,
            coverage=round(p.coverage, 4),
            parts=len(p.parts),
            parts_uncovered=len(p.uncovered_parts),
        )
        for p in sorted(assessment.products, key=lambda p: p.product_id)
    )
