"""Compute a period's figures right after the registry's data changed, so the first person to
open the dashboard, the supplier list or the smelters afterwards reads them back
(:mod:`.assessment_cache`) instead of waiting seconds for them.

- :func:`warm_periods` computes them now, in this process: at the end of ``oretrace
  ingest``, corrections, RMI list and master-data imports, and in a worker after an upload job.
- :func:`warm_later` queues a ``warm`` job for the worker (:mod:`.jobs`), so a reviewer's
  request stays fast: review decisions and undo, from the web and from the CLI.

What is computed, per period: ``period_status`` (the dashboard, ``oretrace status``), the
scoped assessment (suppliers, supplier, products pages), year over year (supplier page),
the rows naming each smelter (smelters list), and once the dashboard's status-change
alerts — for the whole group, then for each distinct set of group companies that an
active compliance officer covers (ADR 0021). Each is the same call a page makes, so
warming cannot change a figure; it only stores it earlier. Warming stops when the data
changes again meanwhile (what it would store is already stale; the writer warms again),
and a failure is logged, never raised: the pages compute on demand.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from oretrace.registry.models import (
    Declaration,
    DeclarationSmelter,
    Job,
    ReportingPeriod,
    StaffRole,
)
from oretrace.registry.services.assessment_cache import data_version
from oretrace.registry.services.scope import StaffScope

if TYPE_CHECKING:
    from oretrace.registry.services.jobs import Progress

log = logging.getLogger(__name__)


def officer_scopes() -> list[StaffScope]:
    """One scope per distinct set of group companies covered by an active officer (an officer
    without group companies sees nothing: nothing to warm)."""
    covered: dict[int, set[int]] = {}
    officers = StaffRole.objects.filter(role=StaffRole.Role.OFFICER, user__is_active=True)
    for role_id, company_id in officers.values_list("pk", "group_companies"):
        companies = covered.setdefault(role_id, set())
        if company_id is not None:
            companies.add(company_id)
    distinct = sorted({tuple(sorted(ids)) for ids in covered.values() if ids})
    return [StaffScope("", StaffRole.Role.OFFICER, frozenset(ids)) for ids in distinct]


def warm_periods(years: Iterable[int], *, officers: bool = True) -> int:
    """Remember the figures of ``years`` (whole group first, then each officer scope when
    ``officers``) at the current data version; the number of scopes warmed. Never raises."""
    chosen = sorted(set(years))
    try:
        return _warm(chosen, officers)
    except Exception as exc:  # one line for the person at the terminal, the trace for debugging
        log.warning(
            "could not compute the figures of %s ahead of time (%s: %s); the pages compute "
            "them when opened",
            ", ".join(map(str, chosen)),
            type(exc).__name__,
            exc,
        )
        log.debug("warming failed", exc_info=True)
        return 0


def _warm(years: list[int], officers: bool) -> int:
    from oretrace.registry.services.changes import year_over_year
    from oretrace.registry.services.reach import smelter_rows_named
    from oretrace.registry.services.reference import scope_status_alerts
    from oretrace.registry.services.standing import scoped_assessment
    from oretrace.registry.services.status import period_status

    started = data_version()
    scopes = [StaffScope.everything(), *(officer_scopes() if officers else [])]
    warmed = 0
    for scope in scopes:
        shown = False
        for year in years:
            if data_version() != started:
                log.info("data changed while warming; the next writer warms again")
                return warmed
            period = ReportingPeriod.objects.filter(year=year).first()
            if period is None:  # nothing to show (and creating it would be a write)
                continue
            shown = True
            period_status(year, scope)
            scoped_assessment(period, scope)
            smelter_rows_named(scope, year)
            if scope.whole_group and ReportingPeriod.objects.filter(year=year - 1).exists():
                year_over_year(year)  # (asked without a previous period, it would create one)
        if shown:  # the dashboard's status-change alerts (without a period, no dashboard,
            scope_status_alerts(scope)  # and the shipped RMI lists may still be unloaded)
        warmed += 1
    return warmed


def warm_later(years: Iterable[int], owner: str) -> Job | None:
    """Queue a ``warm`` job for ``years`` (the worker runs it; ``oretrace worker``). At most
    one waits per period and data version: queuing again before it ran gives the same job.
    None (logged) when it could not be queued: the pages compute on demand anyway."""
    from oretrace.registry.services.jobs import queue

    chosen = sorted(set(years))
    if not chosen:
        return None
    try:
        label = ",".join(str(year) for year in chosen)
        waiting = Job.objects.filter(
            kind="warm", status=Job.Status.QUEUED, key__startswith=f"warm:{label}:v"
        )
        found = waiting.order_by("pk").first()
        if found is not None:
            return found  # it computes at the version current when it runs
        return queue("warm", f"warm:{label}:v{data_version()}", owner, {"years": chosen})
    except Exception:
        log.exception("could not queue warming the figures of %s", chosen)
        return None


def years_of_rows(row_ids: Iterable[int]) -> set[int]:
    """The periods of these smelter rows (what a review decision on them changes)."""
    rows = DeclarationSmelter.objects.filter(pk__in=list(row_ids))
    return set(rows.values_list("declaration__period__year", flat=True).distinct())


def years_of_declarations(declaration_ids: Iterable[int]) -> set[int]:
    """The periods of these declarations (what a correction of them changes)."""
    found = Declaration.objects.filter(pk__in=list(declaration_ids))
    return set(found.values_list("period__year", flat=True).distinct())


def run_warm_job(job: Job, progress: Progress) -> dict[str, Any]:
    """The ``warm`` job's handler: :func:`warm_periods` for the job's years."""
    years = [int(year) for year in job.params.get("years", [])]
    progress.update(total=len(years), stage="computing figures")
    scopes = warm_periods(years)
    progress.update(done=len(years))
    return {"years": years, "scopes": scopes}
