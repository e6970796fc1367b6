"""Assess a reporting period: fill ``oretrace.assessment`` inputs from the registry, in bulk."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from oretrace.assessment.inputs import (
    METALS_3TG,
    DeclarationSummary,
    Period,
    Product,
    SmelterFacts,
    SmelterRef,
    StatusEvent,
    SupplierInput,
)
from oretrace.assessment.overview import PeriodAssessment
from oretrace.assessment.overview import assess_period as assess
from oretrace.cmrt.semantics import company_answers_from, metal_answers_from
from oretrace.registry.models import (
    BomLine,
    Declaration,
    DeclarationProduct,
    DeclarationSmelter,
    Finding,
    PartSource,
    ReferenceSmelter,
    ReportingPeriod,
    ReviewDecision,
    SmelterStatus,
    Supplier,
)
from oretrace.registry.models import Product as ProductRow
from oretrace.registry.services.corrections import withdrawn_ids

# Columns a report never reads: the full cell-by-cell content of a declaration is by far its
# biggest column (tens of kB), so loading it for thousands of declarations costs memory only.
_UNUSED = ("content", "scope_text", "source_path")
# Read once per declaration, to summarise it (``responses_inputs``): streamed, not kept.
_ANSWERS = ("answers", "company_answers")

IDENTIFIED = ("auto", "confirmed")  # decisions a report may rely on
_SCOPE_PREFERENCE = {"company": 0, "user": 1, "product": 2, "unknown": 3}


@dataclass(slots=True)
class Responses:
    """Who was surveyed for a period and what each sent, as the registry stood on a date.

    The counting rules of every report figure start here (docs/reporting.md):

    - ``surveyed``: suppliers known on ``as_of`` (confirmed ones, plus any that sent a file);
    - ``chosen``: per supplier the readable CMRT declaration in force (newest revision per
      scope; company scope before user-defined before product scope) — one per supplier,
      however many scopes or revisions it sent;
    - ``unreadable``: per supplier that sent only files that could not be read, the newest of
      them — a response that needs follow-up, never "no response";
    - ``unattributed``: unreadable files whose sender is not known (nothing in them names a
      supplier); counted as declarations received, never as a supplier's response.
    """

    surveyed: dict[int, str] = field(default_factory=dict)  # supplier id → name
    chosen: dict[int, Declaration] = field(default_factory=dict)
    unreadable: dict[int, Declaration] = field(default_factory=dict)
    unattributed: list[Declaration] = field(default_factory=list)
    #: the suppliers everything was narrowed to (None: the whole group)
    supplier_ids: frozenset[int] | None = None

    def responded(self, supplier_id: int) -> bool:
        return supplier_id in self.chosen or supplier_id in self.unreadable


def period_responses(
    period: ReportingPeriod,
    as_of: dt.date | None = None,
    supplier_ids: Collection[int] | None = None,
) -> Responses:
    """The suppliers surveyed and their responses (see :class:`Responses`).

    ``supplier_ids`` narrows everything to those suppliers (e.g. the suppliers of an
    officer's group companies); unattributed files are then left out, as they belong to no
    one's scope. The narrowing happens in the queries, so a scope costs what its own
    suppliers cost (ADR 0022).
    """
    allowed = None if supplier_ids is None else frozenset(supplier_ids)
    chosen = chosen_declarations(period, as_of, supplier_ids=allowed)
    files = Declaration.objects.filter(period=period, status=Declaration.Status.UNREADABLE)
    if as_of is not None:
        files = files.filter(ingested_at__date__lte=as_of)
    if allowed is not None:
        files = files.filter(supplier_id__in=allowed)
    unreadable: dict[int, Declaration] = {}
    unattributed: list[Declaration] = []
    for item in files.select_related("stored_file").defer(*_UNUSED).order_by("ingested_at", "id"):
        if item.supplier_id is None:
            unattributed.append(item)
        elif item.supplier_id not in chosen:
            unreadable[item.supplier_id] = item  # the newest wins
    known = Supplier.objects.filter(unverified=False)
    if as_of is not None:
        known = known.filter(created_at__date__lte=as_of)
    if allowed is not None:
        known = known.filter(pk__in=allowed)
    senders = set(chosen) | set(unreadable)
    surveyed = dict(known.values_list("id", "name"))
    surveyed.update(Supplier.objects.filter(pk__in=senders).values_list("id", "name"))
    if allowed is not None:
        unattributed = []
    return Responses(surveyed, chosen, unreadable, unattributed, allowed)


def assess_period(period: ReportingPeriod, as_of: dt.date | None = None) -> PeriodAssessment:
    """RCOI, supplier and product risk, smelter status at period end, for 3TG (CMRT files).

    With ``as_of``, only what the registry held on that date counts: declarations ingested by
    then, status lists dated by then, review decisions taken by then.
    """
    return assess_suppliers(period, supplier_inputs(period, as_of), as_of)


def assess_suppliers(
    period: ReportingPeriod,
    suppliers: list[SupplierInput],
    as_of: dt.date | None = None,
    metals: Sequence[str] = METALS_3TG,
) -> PeriodAssessment:
    identified = {
        s.smelter_id
        for x in suppliers
        if x.declaration
        for s in x.declaration.smelters
        if s.smelter_id is not None
    }
    return assess(
        Period.calendar_year(period.year),
        suppliers,
        smelter_facts=_facts(identified),
        status_events=_events(identified, as_of),
        products=products_of_record(),
        metals=metals,
    )


def supplier_inputs(
    period: ReportingPeriod,
    as_of: dt.date | None = None,
    supplier_ids: Collection[int] | None = None,
) -> list[SupplierInput]:
    """Every supplier surveyed (of ``supplier_ids``; None: the whole group), with its chosen
    declaration for ``period`` (if any)."""
    return responses_inputs(period_responses(period, as_of, supplier_ids), as_of)


def chosen_declarations(
    period: ReportingPeriod,
    as_of: dt.date | None = None,
    template: str = "CMRT",
    *,
    supplier_ids: Collection[int] | None = None,
) -> dict[int, Declaration]:
    """Per supplier the declaration in force of ``template`` (newest revision per scope;
    company scope first), as the registry stood on ``as_of`` (default: now), for the
    suppliers in ``supplier_ids`` (None: all). Withdrawn ones do not count."""
    candidates = (
        Declaration.objects.filter(period=period, template=template)
        .exclude(supplier=None)
        .exclude(status=Declaration.Status.UNREADABLE)
        .exclude(pk__in=withdrawn_ids(as_of))
        .select_related("stored_file")
        .defer(*_UNUSED, *_ANSWERS)
    )
    if as_of is not None:
        candidates = candidates.filter(ingested_at__date__lte=as_of)
    if supplier_ids is not None:
        candidates = candidates.filter(supplier_id__in=supplier_ids)
    newest: dict[tuple[int, str], Declaration] = {}
    for item in candidates.order_by("effective_date", "id"):
        assert item.supplier_id is not None
        newest[item.supplier_id, item.scope_key] = item  # later revisions overwrite
    chosen: dict[int, Declaration] = {}
    for (supplier_id, _), item in sorted(newest.items(), key=lambda kv: -kv[1].pk):
        known = chosen.get(supplier_id)
        if known is None or _SCOPE_PREFERENCE[item.scope] < _SCOPE_PREFERENCE[known.scope]:
            chosen[supplier_id] = item
    return chosen


def responses_inputs(responses: Responses, as_of: dt.date | None = None) -> list[SupplierInput]:
    """The assessment's input per supplier surveyed: its declaration in force, summarised;
    an unreadable file as a response that could not be read (a red flag)."""
    chosen = responses.chosen
    ids = [d.pk for d in chosen.values()]
    findings = _group(
        Finding.objects.filter(declaration_id__in=ids).values_list("declaration_id", "code")
    )
    rows = _smelter_rows(ids, as_of)
    products = _group(
        DeclarationProduct.objects.filter(declaration_id__in=ids).values_list(
            "declaration_id", "number"
        )
    )
    bought = _parts_bought(responses.supplier_ids)
    by_id = {d.pk: d for d in chosen.values()}
    summaries: dict[int, DeclarationSummary] = {}
    answers = Declaration.objects.filter(pk__in=ids).values_list("pk", *_ANSWERS)
    for pk, metal_answers, company in answers.iterator(chunk_size=500):
        summaries[pk] = _summary(
            by_id[pk], findings.get(pk, []), rows.pop(pk, []), metal_answers, company
        )
    inputs = []
    for supplier_id, name in responses.surveyed.items():
        declaration = chosen.get(supplier_id)
        summary = None if declaration is None else summaries[declaration.pk]
        if summary is None and supplier_id in responses.unreadable:
            summary = DeclarationSummary.unreadable()
        parts = frozenset(bought.get(supplier_id, {}).values())
        covered = (
            None
            if declaration is None or declaration.scope != "product"
            else frozenset(
                part
                for number, part in bought.get(supplier_id, {}).items()
                if number in {n.casefold() for n in products.get(declaration.pk, [])}
            )
        )
        inputs.append(
            SupplierInput(
                str(supplier_id),
                name,
                responses.responded(supplier_id),
                summary,
                parts,
                covered,
            )
        )
    return inputs


def _summary(
    declaration: Declaration,
    codes: list[str],
    rows: list[SmelterRef],
    metal_answers: dict[str, dict[str, str | None]],
    company_answers: dict[str, dict[str, str | None]],
) -> DeclarationSummary:
    """The assessment's view of one declaration; its answers come apart from the row (read
    one chunk of declarations at a time, so thousands are never held at once)."""
    comments = {k: v.get("comment") for k, v in company_answers.items()}
    answers = {k: v.get("answer") for k, v in company_answers.items()}
    return DeclarationSummary(
        template=declaration.template,
        revision=declaration.version,
        readable=True,
        valid=declaration.status == Declaration.Status.VALID,
        finding_codes=frozenset(codes),
        metals=metal_answers_from(declaration.template, declaration.version, metal_answers),
        company=company_answers_from(declaration.template, declaration.version, answers, comments),
        smelters=tuple(rows),
        scope=declaration.scope,
        effective_date=declaration.effective_date,
    )


def _smelter_rows(
    declaration_ids: list[int], as_of: dt.date | None = None
) -> dict[int, list[SmelterRef]]:
    rows: dict[int, list[SmelterRef]] = defaultdict(list)
    undone = decisions_after(declaration_ids, as_of)
    query = DeclarationSmelter.objects.filter(declaration_id__in=declaration_ids).values_list(
        "id",
        "declaration_id",
        "metal",
        "smelter__smelter_id",
        "name",
        "decision",
        "smelter__country_iso2",
        "row",
    )
    same = {"": ""}.setdefault  # one string object per distinct text (see snapshot.py)
    for pk, declaration_id, metal, current_id, name, current, iso2, row in query.iterator(
        chunk_size=5000
    ):
        decision, smelter_id = undone.get(pk, (current, current_id))
        found = smelter_id if decision in IDENTIFIED else None
        rows[declaration_id].append(
            SmelterRef(
                metal=same(metal, metal),
                smelter_id=same(found, found) if found else found,
                name=same(name, name),
                identified=decision in IDENTIFIED,
                country_iso2=same(iso2, iso2) if iso2 else None,
                row=row,
            )
        )
    return rows


def decisions_after(
    declaration_ids: list[int], as_of: dt.date | None
) -> dict[int, tuple[str, str | None]]:
    """Rows reviewed after ``as_of`` → (decision, smelter id) as they stood before."""
    if as_of is None:
        return {}
    undone: dict[int, tuple[str, str | None]] = {}
    later = (
        ReviewDecision.objects.filter(
            row__declaration_id__in=declaration_ids, decided_at__date__gt=as_of
        )
        .order_by("-decided_at", "-id")
        .values_list("row_id", "previous_decision", "previous_smelter__smelter_id")
    )
    for row_id, decision, smelter_id in later:  # the earliest decision after as_of wins
        undone[row_id] = (decision, smelter_id)
    return undone


def _parts_bought(supplier_ids: Collection[int] | None = None) -> dict[int, dict[str, str]]:
    """supplier (of ``supplier_ids``; None: all) → {number the supplier knows the part by
    (folded) → our part number}."""
    bought: dict[int, dict[str, str]] = defaultdict(dict)
    sources = PartSource.objects.all()
    if supplier_ids is not None:
        sources = sources.filter(supplier_id__in=supplier_ids)
    for supplier_id, number, theirs in sources.values_list(
        "supplier_id", "part__number", "supplier_part_number"
    ):
        bought[supplier_id][(theirs or number).casefold()] = number
    return bought


def _facts(smelter_ids: set[str]) -> list[SmelterFacts]:
    return [
        SmelterFacts(s.smelter_id, s.metal, s.standard_name, s.country_iso2 or None)
        for s in ReferenceSmelter.objects.filter(smelter_id__in=smelter_ids)
    ]


def _events(smelter_ids: set[str], as_of: dt.date | None = None) -> list[StatusEvent]:
    query = SmelterStatus.objects.filter(smelter__smelter_id__in=smelter_ids)
    if as_of is not None:
        query = query.filter(as_of__lte=as_of)
    return [
        StatusEvent(cid, status, when)
        for cid, status, when in query.values_list("smelter__smelter_id", "status", "as_of")
        if when is not None
    ]


def products_of_record() -> list[Product]:
    """Every product with the parts of its bill of materials."""
    parts = _group(BomLine.objects.values_list("product_id", "part__number"))
    return [
        Product(p.number, p.name, frozenset(parts.get(p.pk, []))) for p in ProductRow.objects.all()
    ]


def _group(pairs: Iterable[tuple[int, str]]) -> dict[int, list[str]]:
    grouped: dict[int, list[str]] = defaultdict(list)
    for key, value in pairs:
        grouped[key].append(value)
    return grouped
