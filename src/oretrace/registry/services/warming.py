"""Compute a period's figures right after a background ingest, so the first person to open
the dashboard or the supplier list afterwards reads them back instead of waiting for them.

Only the whole group's figures are computed (an officer's scope is computed on its first
request); a failure here never fails the job — the pages compute on demand anyway.
"""

from __future__ import annotations

import logging

from oretrace.registry.models import ReportingPeriod
from oretrace.registry.services.standing import scoped_assessment
from oretrace.registry.services.status import period_status

log = logging.getLogger(__name__)


def warm_period(year: int) -> bool:
    """Remember ``period_status`` and the assessment of ``year`` for the whole group at the
    current data version; False (logged) when that failed."""
    try:
        period_status(year)
        scoped_assessment(ReportingPeriod.for_year(year))
    except Exception:
        log.exception("could not compute the figures of %s ahead of time", year)
        return False
    return True
