"""Which reporting periods there are, and which one a page shows when none is asked for."""

from __future__ import annotations

import datetime as dt

from oretrace.registry.models import ReportingPeriod


def known_years() -> list[int]:
    """Years that have a reporting period row, newest first."""
    return list(ReportingPeriod.objects.order_by("-year").values_list("year", flat=True))


def default_year() -> int:
    """The newest period holding declarations; else the newest period; else last year."""
    with_declarations = (
        ReportingPeriod.objects.filter(declarations__isnull=False).order_by("-year").first()
    )
    if with_declarations is not None:
        return with_declarations.year
    newest = ReportingPeriod.objects.order_by("-year").first()
    return newest.year if newest is not None else dt.date.today().year - 1


def chosen_year(value: str | None) -> int:
    """A ``?period=`` value if it names a known period, else :func:`default_year`."""
    if value and value.isdigit() and ReportingPeriod.objects.filter(year=int(value)).exists():
        return int(value)
    return default_year()
