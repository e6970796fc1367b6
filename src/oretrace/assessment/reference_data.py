"""Country lists with validity dates: SEC covered countries, RMI country risk levels, CAHRAs.

The lists are data, not code: ``data/country_lists.csv`` ships with the package and a
company replaces or extends it with its own file (:meth:`CountryLists.from_csv`), e.g. when
the EU's indicative CAHRA list changes. Each row is valid from ``valid_from`` up to and
including ``valid_to`` (empty: still valid); every query takes the date it is asked for,
normally the end of the reporting period.

Columns: ``list`` (``covered`` | ``rmi_risk`` | ``cahra``), ``iso2``, ``country``,
``level`` (RMI risk level 1–3, only for ``rmi_risk``), ``valid_from``, ``valid_to``,
``source``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path

_PACKAGED = "country_lists.csv"


class CountryList(StrEnum):
    COVERED = "covered"  # SEC Rule 13p-1: the DRC and its nine adjoining countries
    RMI_RISK = "rmi_risk"  # RMI country risk level (2: CAHRA transit, 3: DRC + neighbours)
    CAHRA = "cahra"  # conflict-affected and high-risk areas (EU indicative list or own)


class ReferenceDataError(ValueError):
    """A country-list file that cannot be used, with the row that is wrong."""


@dataclass(frozen=True, slots=True)
class CountryEntry:
    list: CountryList
    iso2: str
    country: str
    valid_from: dt.date
    valid_to: dt.date | None = None
    level: int | None = None
    source: str = ""

    def valid_on(self, when: dt.date) -> bool:
        return self.valid_from <= when and (self.valid_to is None or when <= self.valid_to)


@dataclass(frozen=True, slots=True)
class CountryLists:
    """The dated country lists every assessment consults."""

    entries: tuple[CountryEntry, ...]

    @classmethod
    def packaged(cls) -> CountryLists:
        """The lists shipped with oretrace (the CAHRA list is an indicative starter)."""
        return _packaged()

    @classmethod
    def from_csv(cls, path: Path) -> CountryLists:
        return cls.from_text(path.read_text(encoding="utf-8-sig"), str(path))

    @classmethod
    def from_text(cls, text: str, name: str = "country lists") -> CountryLists:
        rows = csv.DictReader(io.StringIO(text))
        return cls(tuple(_entry(row, name, number) for number, row in enumerate(rows, start=2)))

    def replacing(self, kind: CountryList, entries: Iterable[CountryEntry]) -> CountryLists:
        """These lists with one list swapped for ``entries`` (e.g. a company's CAHRA list)."""
        kept = tuple(e for e in self.entries if e.list is not kind)
        return CountryLists(kept + tuple(e for e in entries if e.list is kind))

    def on(self, kind: CountryList, when: dt.date) -> tuple[CountryEntry, ...]:
        return tuple(e for e in self.entries if e.list is kind and e.valid_on(when))

    def codes(self, kind: CountryList, when: dt.date) -> frozenset[str]:
        return frozenset(e.iso2 for e in self.on(kind, when))

    def is_covered(self, iso2: str | None, when: dt.date) -> bool:
        return iso2 is not None and iso2.upper() in self.codes(CountryList.COVERED, when)

    def is_cahra(self, iso2: str | None, when: dt.date) -> bool:
        return iso2 is not None and iso2.upper() in self.codes(CountryList.CAHRA, when)

    def risk_level(self, iso2: str | None, when: dt.date) -> int | None:
        """The RMI country risk level on ``when``, or None when the country is not listed."""
        if iso2 is None:
            return None
        levels = [
            e.level
            for e in self.on(CountryList.RMI_RISK, when)
            if e.iso2 == iso2.upper() and e.level is not None
        ]
        return max(levels, default=None)

    def sources(self, kind: CountryList) -> tuple[str, ...]:
        return tuple(dict.fromkeys(e.source for e in self.entries if e.list is kind))


@cache
def _packaged() -> CountryLists:
    text = resources.files("oretrace.assessment").joinpath("data", _PACKAGED)
    return CountryLists.from_text(text.read_text(encoding="utf-8"), _PACKAGED)


def _entry(row: dict[str, str], name: str, number: int) -> CountryEntry:
    where = f"{name}, row {number}"
    try:
        kind = CountryList((row.get("list") or "").strip())
    except ValueError:
        raise ReferenceDataError(f"{where}: unknown list {row.get('list')!r}") from None
    iso2 = (row.get("iso2") or "").strip().upper()
    if len(iso2) != 2 or not iso2.isalpha():
        raise ReferenceDataError(f"{where}: {iso2!r} is not an ISO 3166 alpha-2 code")
    level_text = (row.get("level") or "").strip()
    if kind is CountryList.RMI_RISK and level_text not in ("1", "2", "3"):
        raise ReferenceDataError(f"{where}: RMI risk level must be 1, 2 or 3")
    return CountryEntry(
        list=kind,
        iso2=iso2,
        country=(row.get("country") or "").strip(),
        valid_from=_date(row.get("valid_from"), where) or dt.date.min,
        valid_to=_date(row.get("valid_to"), where),
        level=int(level_text) if level_text else None,
        source=(row.get("source") or "").strip(),
    )


def _date(text: str | None, where: str) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ReferenceDataError(f"{where}: {text!r} is not a date (YYYY-MM-DD)") from None
