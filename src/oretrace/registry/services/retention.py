"""Retention: what has been kept long enough, and its removal (never under a legal hold,
never the audit chain).

Policy (settings ``ORETRACE_RETENTION``, years after the end of the period a record belongs
to; None = kept for good):

- ``declarations`` (with findings, product and smelter rows, corrections),
  ``review_decisions`` and ``originals`` are removed together, when the longest of the three
  has run out: a declaration without its original or its review history is no evidence, and
  an original is removed only when no declaration kept names it;
- ``reports``: report documents are written to the folder given to ``oretrace report``,
  outside the data folder, so retention does not remove them; their hashes stay in the audit
  log;
- ``audit_entries``: always kept (None); a setting other than None is refused (ADR 0014).

Each removed record leaves a :class:`Tombstone` (kind, id, period, sha256 of the original's
bytes or of the declaration as the evidence package exports it) and a ``retention.purged``
audit entry, in the same transaction, so ``oretrace audit verify`` still passes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q

from oretrace.registry.models import (
    Correction,
    Declaration,
    LegalHold,
    PortalSubmission,
    ReportingPeriod,
    StoredFile,
    Tombstone,
)
from oretrace.registry.services.audit import record
from oretrace.registry.services.evidence import _declaration_json

KINDS = ("originals", "declarations", "review_decisions", "reports", "audit_entries")
_EVIDENCE = ("declarations", "review_decisions", "originals")


class RetentionError(ValueError):
    """The retention policy in the settings cannot be applied."""


def policy() -> dict[str, int | None]:
    configured: dict[str, int | None] = dict(getattr(settings, "ORETRACE_RETENTION", {}))
    years = int(getattr(settings, "ORETRACE_RETENTION_YEARS", 5))
    result = {kind: configured.get(kind, years) for kind in KINDS}
    result["audit_entries"] = configured.get("audit_entries")
    unknown = set(configured) - set(KINDS)
    if unknown:
        raise RetentionError(f"unknown record kind(s) in ORETRACE_RETENTION: {sorted(unknown)}")
    if result["audit_entries"] is not None:
        raise RetentionError(
            "audit entries are kept for good (the chain must stay verifiable): set "
            "ORETRACE_RETENTION['audit_entries'] to None"
        )
    for kind, value in result.items():
        if value is not None and (not isinstance(value, int) or value < 0):
            raise RetentionError(f"ORETRACE_RETENTION[{kind!r}] must be whole years or None")
    return result


@dataclass(frozen=True, slots=True)
class PlanItem:
    kind: str  # "declaration" | "original"
    object_id: str
    period: int
    label: str
    due: dt.date
    rule: str
    holds: tuple[int, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.object_id,
            "period": self.period,
            "label": self.label,
            "kept_until": self.due.isoformat(),
            "rule": self.rule,
            "holds": list(self.holds),
        }


@dataclass(slots=True)
class RetentionPlan:
    as_of: dt.date
    policy: dict[str, int | None]
    expired: list[PlanItem] = field(default_factory=list)
    held: list[PlanItem] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "policy": self.policy,
            "expired": [i.as_json() for i in self.expired],
            "held": [i.as_json() for i in self.held],
        }


def kept_until(year: int, years: int) -> dt.date:
    """The last day a record of period ``year`` is kept: ``years`` after the period's end."""
    return dt.date(year + years, 12, 31)


def retention_plan(as_of: dt.date | None = None) -> RetentionPlan:
    """What has expired on ``as_of`` (default today) and why; what is held back, and by what."""
    as_of = as_of or dt.date.today()
    rules = policy()
    plan = RetentionPlan(as_of, rules)
    spans = [rules[k] for k in _EVIDENCE]
    if any(s is None for s in spans):
        return plan
    years = max(s for s in spans if s is not None)
    active = list(LegalHold.objects.filter(lifted_at=None))
    by_period = _holds_by(active, LegalHold.Target.PERIOD)
    by_supplier = _holds_by(active, LegalHold.Target.SUPPLIER)
    by_declaration = _held_declarations(active)
    removed_files: dict[int, PlanItem] = {}
    for period in ReportingPeriod.objects.order_by("year"):
        due = kept_until(period.year, years)
        if as_of <= due:
            continue
        rule = (
            f"kept {years} years after the end of {period.year} (until {due}): "
            f"declarations {rules['declarations']}, review decisions "
            f"{rules['review_decisions']}, originals {rules['originals']} years"
        )
        for declaration in (
            Declaration.objects.filter(period=period)
            .select_related("supplier", "stored_file")
            .order_by("id")
        ):
            holds = (
                by_period.get(period.year, [])
                + by_supplier.get(declaration.supplier_id or 0, [])
                + by_declaration.get(declaration.pk, [])
            )
            item = PlanItem(
                "declaration",
                str(declaration.pk),
                period.year,
                _label(declaration),
                due,
                rule,
                tuple(sorted(set(holds))),
            )
            (plan.held if holds else plan.expired).append(item)
            if not holds:
                stored = declaration.stored_file
                removed_files[stored.pk] = PlanItem(
                    "original",
                    stored.sha256,
                    period.year,
                    stored.original_name,
                    due,
                    "removed with the last declaration that names it",
                )
    removing = {int(i.object_id) for i in plan.expired}
    still_named = set(
        Declaration.objects.filter(stored_file_id__in=removed_files)
        .exclude(pk__in=removing)
        .values_list("stored_file_id", flat=True)
    )
    plan.expired += [item for pk, item in sorted(removed_files.items()) if pk not in still_named]
    return plan


def apply_retention(actor: str, as_of: dt.date | None = None) -> RetentionPlan:
    """Remove exactly what :func:`retention_plan` lists as expired; return that plan."""
    with transaction.atomic():
        plan = retention_plan(as_of)
        declarations = [int(i.object_id) for i in plan.expired if i.kind == "declaration"]
        items = {(i.kind, i.object_id): i for i in plan.expired}
        tombstones: list[tuple[Tombstone, PlanItem]] = []
        for declaration in (
            Declaration.objects.filter(pk__in=declarations)
            .select_related("period", "supplier", "stored_file")
            .order_by("id")
        ):
            document = _declaration_json(declaration)
            item = items["declaration", str(declaration.pk)]
            tombstones.append(
                (_tombstone("declaration", item, _digest(document), document, actor), item)
            )
        originals = [i.object_id for i in plan.expired if i.kind == "original"]
        Correction.objects.filter(declaration_id__in=declarations).delete()
        # who uploaded a purged file through the portal goes with it (ADR 0017)
        PortalSubmission.objects.filter(
            Q(declaration_id__in=declarations) | Q(stored_file__sha256__in=originals)
        ).delete()
        Declaration.objects.filter(pk__in=declarations).delete()
        for item in plan.expired:
            if item.kind != "original":
                continue
            stored = StoredFile.objects.get(sha256=item.object_id)
            name = str(stored.content.name)
            summary = {"original_name": stored.original_name, "size": stored.size, "file": name}
            tombstones.append((_tombstone("original", item, stored.sha256, summary, actor), item))
            stored.delete()
            transaction.on_commit(_deleter(name))
        for tombstone, item in tombstones:
            record(
                actor,
                "retention.purged",
                tombstone,
                kind=item.kind,
                object_id=item.object_id,
                period=item.period,
                sha256=tombstone.sha256,
                rule=item.rule,
            )
    return plan


def _deleter(name: str) -> Callable[[], None]:
    """Remove a stored original's bytes once the purge has committed (never before)."""

    def delete() -> None:
        default_storage.delete(name)

    return delete


def _tombstone(
    kind: str, item: PlanItem, digest: str, summary: dict[str, Any], actor: str
) -> Tombstone:
    if kind == "declaration":
        summary = {
            "supplier": summary.get("supplier"),
            "original_sha256": summary["original"]["sha256"],
            "status": summary.get("status"),
            "label": item.label,
        }
    return Tombstone.objects.create(
        kind=kind,
        object_id=item.object_id,
        period=item.period,
        sha256=digest,
        summary=summary,
        rule=item.rule,
        purged_by=actor,
    )


def _digest(document: dict[str, Any]) -> str:
    canonical = json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _label(declaration: Declaration) -> str:
    who = declaration.company_name or (declaration.supplier.name if declaration.supplier else "")
    what = f"{declaration.template} {declaration.version}".strip() or declaration.status
    return f"{who or declaration.stored_file.original_name} {what} r{declaration.revision_number}"


def _holds_by(holds: list[LegalHold], target: str) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for hold in holds:
        if hold.target == target:
            found.setdefault(hold.target_id, []).append(hold.pk)
    return found


def _held_declarations(holds: list[LegalHold]) -> dict[int, list[int]]:
    """Held declarations and the earlier revisions they supersede (kept to make sense of
    them, and the database protects them anyway)."""
    found: dict[int, list[int]] = {}
    for hold in holds:
        if hold.target != LegalHold.Target.DECLARATION:
            continue
        current: int | None = hold.target_id
        seen: set[int] = set()
        while current is not None and current not in seen:
            seen.add(current)
            found.setdefault(current, []).append(hold.pk)
            current = (
                Declaration.objects.filter(pk=current)
                .values_list("supersedes_id", flat=True)
                .first()
            )
    return found
