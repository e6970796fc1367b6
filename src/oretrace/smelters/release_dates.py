"""The as-of date of a template's look-up: its release date from the template's Revision sheet.

The Revision sheet lists every revision with a release date written by hand over the years
(``March 29th 2013``, ``Dec \\n21st 2012``, ``2017-05-12`` or a real date cell).
"""

from __future__ import annotations

import datetime as dt
import re

from oretrace.cmrt.revisions import parse_revision
from oretrace.cmrt.workbook import CellValue, Workbook

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_WORDS = re.compile(r"([a-z]{3})[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_date(value: CellValue) -> dt.date | None:
    """A date from a date cell or from the texts templates and RMI lists use (US order)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _serial(float(value))
    if not isinstance(value, str):
        return None
    text = " ".join(value.lower().split())
    try:
        if match := _ISO.search(text):
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        if (match := _WORDS.search(text)) and match[1] in _MONTHS:
            return dt.date(int(match[3]), _MONTHS[match[1]], int(match[2]))
        if match := _SLASHED.match(text):
            return dt.date(int(match[3]), int(match[1]), int(match[2]))
    except ValueError:
        return None
    return None


def _serial(value: float) -> dt.date | None:
    """An Excel serial day number in a cell without date format (1954 … 2119 only)."""
    if 20_000 <= value <= 80_000 and value == int(value):
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
    return None


def release_date(book: Workbook, revision: str) -> tuple[dt.date | None, str]:
    """(release date, how it was found) for ``revision`` of this template."""
    sheet = book.sheet("Revision")
    if sheet is None:
        return None, "no Revision sheet; as-of date unknown"
    wanted = parse_revision(revision)
    latest: dt.date | None = None
    for _, values in sheet.rows(1):
        dates = [d for d in (parse_date(v) for v in values) if d is not None]
        if not dates:
            continue
        label = parse_revision(str(values[1]).strip()) if len(values) > 1 else None
        if wanted is not None and label is not None and label.key == wanted.key:
            return dates[0], f"Revision sheet release date of {revision}"
        latest = max(latest, *dates) if latest else max(dates)
    if latest is None:
        return None, "no dates in the Revision sheet; as-of date unknown"
    return latest, f"latest date in the Revision sheet ({revision} has none)"
