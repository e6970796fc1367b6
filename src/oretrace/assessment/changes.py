"""Year over year, per supplier: what changed between two periods' declarations.

Auditors ask why a smelter appeared or vanished and why an answer changed. Smelters are
matched first by smelter id, then (for rows left over) by metal and folded name, so a row
that gained its ID still matches. Answers are compared by revision-independent meaning
(:mod:`oretrace.cmrt.semantics`), per metal and for the company; a meaning one of the two
revisions does not ask is not reported as a change (the revision change is reported).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from oretrace.assessment.inputs import DeclarationSummary, SmelterRef, SupplierInput
from oretrace.cmrt.semantics import MetalAnswers, Reply, ResponseBand


@dataclass(frozen=True, slots=True)
class AnswerChange:
    meaning: str  # e.g. "covered_countries", "has_policy"
    metal: str | None  # None for company-level answers
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class SupplierChanges:
    supplier_id: str
    name: str
    responded: tuple[bool, bool]  # (previous, current)
    revision: tuple[str | None, str | None] | None  # None when unchanged
    smelters_added: tuple[SmelterRef, ...]
    smelters_removed: tuple[SmelterRef, ...]
    answers_changed: tuple[AnswerChange, ...]

    @property
    def changed(self) -> bool:
        return bool(
            self.responded[0] != self.responded[1]
            or self.revision
            or self.smelters_added
            or self.smelters_removed
            or self.answers_changed
        )


def compare_suppliers(
    previous: Iterable[SupplierInput], current: Iterable[SupplierInput]
) -> list[SupplierChanges]:
    """Changes for every supplier in either period, ordered by supplier id."""
    before = {s.supplier_id: s for s in previous}
    after = {s.supplier_id: s for s in current}
    result = []
    for supplier_id in sorted(set(before) | set(after)):
        old, new = before.get(supplier_id), after.get(supplier_id)
        name = new.name if new else old.name if old else supplier_id
        result.append(
            compare_declarations(
                supplier_id,
                name,
                old.usable_declaration if old else None,
                new.usable_declaration if new else None,
                responded=(bool(old and old.responded), bool(new and new.responded)),
            )
        )
    return result


def compare_declarations(
    supplier_id: str,
    name: str,
    old: DeclarationSummary | None,
    new: DeclarationSummary | None,
    responded: tuple[bool, bool] = (True, True),
) -> SupplierChanges:
    old_revision = _revision(old)
    new_revision = _revision(new)
    added, removed = smelter_changes(old.smelters if old else (), new.smelters if new else ())
    return SupplierChanges(
        supplier_id=supplier_id,
        name=name,
        responded=responded,
        revision=(old_revision, new_revision) if old_revision != new_revision else None,
        smelters_added=added,
        smelters_removed=removed,
        answers_changed=answer_changes(old, new) if old and new else (),
    )


def _revision(declaration: DeclarationSummary | None) -> str | None:
    return f"{declaration.template} {declaration.revision}" if declaration else None


def _name_key(ref: SmelterRef) -> tuple[str, str] | None:
    if not ref.name:
        return None
    return ref.metal.casefold(), " ".join(ref.name.casefold().split())


def smelter_changes(
    old: Iterable[SmelterRef], new: Iterable[SmelterRef]
) -> tuple[tuple[SmelterRef, ...], tuple[SmelterRef, ...]]:
    """(added, removed): by smelter id first, then by metal and name for the rest."""
    old_rows, new_rows = list(old), list(new)
    old_ids = {r.smelter_id for r in old_rows if r.smelter_id}
    new_ids = {r.smelter_id for r in new_rows if r.smelter_id}
    common = old_ids & new_ids
    old_left = [r for r in old_rows if r.smelter_id not in common]
    new_left = [r for r in new_rows if r.smelter_id not in common]
    old_names = {_name_key(r) for r in old_left} - {None}
    new_names = {_name_key(r) for r in new_left} - {None}
    added = _unique(r for r in new_left if _name_key(r) not in old_names)
    removed = _unique(r for r in old_left if _name_key(r) not in new_names)
    return added, removed


def _unique(rows: Iterable[SmelterRef]) -> tuple[SmelterRef, ...]:
    """One row per smelter (id, else metal and name), in first-seen order."""
    seen: set[object] = set()
    kept: list[SmelterRef] = []
    for row in rows:
        key: object = row.smelter_id or _name_key(row) or id(row)
        if key not in seen:
            seen.add(key)
            kept.append(row)
    return tuple(kept)


def answer_changes(old: DeclarationSummary, new: DeclarationSummary) -> tuple[AnswerChange, ...]:
    changes: list[AnswerChange] = []
    metals = dict.fromkeys([*old.metals, *new.metals])
    for metal in metals:
        changes += _metal_changes(metal, old.metal(metal), new.metal(metal))
    old_company, new_company = old.company.replies(), new.company.replies()
    for meaning, before in old_company.items():
        after = new_company[meaning]
        if _comparable(before, after) and before != after:
            changes.append(AnswerChange(meaning, None, str(before), str(after)))
    return tuple(changes)


def _metal_changes(metal: str, old: MetalAnswers, new: MetalAnswers) -> list[AnswerChange]:
    changes = []
    after = new.replies()
    for meaning, before in old.replies().items():
        if _comparable(before, after[meaning]) and before != after[meaning]:
            changes.append(AnswerChange(meaning, metal, _text(before), _text(after[meaning])))
    return changes


def _comparable(before: Reply | ResponseBand | None, after: Reply | ResponseBand | None) -> bool:
    return Reply.NOT_ASKED not in (before, after) and None not in (before, after)


def _text(value: Reply | ResponseBand | None) -> str:
    return "" if value is None else str(value)
