"""Clean cell values: trimmed text, ISO dates, meaningful-or-empty. Pure functions."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from oretrace.cmrt.workbook import CellValue

_SPACES = re.compile(r"\s+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff"), None)
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    )
}

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$")
_DAY_MON_YEAR = re.compile(r"^(\d{1,2})[-/. ]([A-Za-z]{3,9})\.?[-/., ]+(\d{2,4})$")
_MON_DAY_YEAR = re.compile(r"^([A-Za-z]{3,9})\.?[-/. ](\d{1,2})(?:st|nd|rd|th)?,?[-/. ]+(\d{4})$")
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")


def clean_text(raw: CellValue | None) -> str | None:
    """Trimmed text with runs of white space (tabs, newlines, NBSP) folded; None when empty."""
    if raw is None or raw == "" or isinstance(raw, bool):
        return None if not isinstance(raw, bool) else str(raw).upper()
    if isinstance(raw, float) and raw.is_integer():
        text = str(int(raw))
    elif isinstance(raw, dt.datetime):
        text = raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat()
    elif isinstance(raw, dt.date):
        text = raw.isoformat()
    else:
        text = str(raw)
    text = _SPACES.sub(" ", text.translate(_INVISIBLE)).strip()
    return text or None


def is_blank(raw: CellValue | None) -> bool:
    """Empty, or white space only (which Excel's Checker counts as filled)."""
    return clean_text(raw) is None


def meaningful(raw: CellValue | None) -> bool:
    """Not empty and not the 0 a template formula shows for 'nothing chosen'."""
    text = clean_text(raw)
    return text is not None and text != "0"


@dataclass(frozen=True, slots=True)
class DateReading:
    iso: str | None
    typed_as_text: bool
    ambiguous: bool = False


def read_date(raw: CellValue | None) -> DateReading:
    """A date as ISO text, whether stored as a date, an Excel serial number, or typed text."""
    if isinstance(raw, dt.datetime):
        return DateReading(raw.date().isoformat(), False)
    if isinstance(raw, dt.date):
        return DateReading(raw.isoformat(), False)
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if 1 <= raw < 2958466:
            return DateReading((_EXCEL_EPOCH + dt.timedelta(days=int(raw))).isoformat(), False)
        return DateReading(None, False)
    text = clean_text(raw)
    if text is None:
        return DateReading(None, False)
    return _parse_text_date(text)


def _parse_text_date(text: str) -> DateReading:
    parsed: dt.date | None = None
    ambiguous = False
    if m := _ISO.match(text):
        parsed = _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    elif m := _DAY_MON_YEAR.match(text):
        parsed = _named(m.group(2), int(m.group(1)), m.group(3))
    elif m := _MON_DAY_YEAR.match(text):
        parsed = _named(m.group(1), int(m.group(2)), m.group(3))
    elif m := _NUMERIC.match(text):
        first, second, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        # The template asks for DD-MMM-YYYY; read numeric dates day-first unless impossible.
        parsed = _safe_date(year, second, first) or _safe_date(year, first, second)
        ambiguous = first <= 12 and second <= 12 and first != second
    return DateReading(parsed.isoformat() if parsed else None, True, ambiguous)


def _named(month_name: str, day: int, year_text: str) -> dt.date | None:
    month = _MONTHS.get(month_name[:3].lower())
    if month is None:
        return None
    year = int(year_text)
    if year < 100:
        year += 2000
    return _safe_date(year, month, day)


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


_SYMBOL = re.compile(r"\s*\([A-Za-z]{1,2}\)\s*$")


def canonical_metal(text: str | None) -> str | None:
    """``"Tantalum (Ta)"`` → ``"Tantalum"``; ``" tin "`` → ``"Tin"``."""
    if not text:
        return None
    stripped = _SYMBOL.sub("", text).strip()
    return stripped[:1].upper() + stripped[1:].lower() if stripped else None
