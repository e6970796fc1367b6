"""The numbers every report document states, computed once from a :class:`ReportData`.

The Form SD, the Conflict Minerals Report, the management report, the charts and the
exports all take their counts from here, so a number never differs between two files.
Each chart is a :class:`ChartData`: plain categories and series that ``charts`` draws and
the EDGAR documents print as a table (EDGAR takes no SVG and no embedded images).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from oretrace.reporting.data import ReportData, SmelterLine, SmelterRowLine

IDENTIFIED_DECISIONS = frozenset({"auto", "confirmed"})
DECLARATION_ORDER = ("valid", "findings", "unreadable", "no response")
DECLARATION_LABELS = {
    "valid": "Valid",
    "findings": "With findings",
    "unreadable": "Unreadable",
    "no response": "No response",
}
RISK_ORDER = ("high", "medium", "low")
NOT_ASSESSED = "not assessed"
NO_STATUS = "No RMAP status"


@dataclass(frozen=True, slots=True)
class SmelterCounts:
    """Smelters named by suppliers, by conformance, plus rows not yet identified."""

    identified: int
    conformant: int
    known_not_conformant: int
    not_identified: int


@dataclass(frozen=True, slots=True)
class Series:
    label: str
    values: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ChartData:
    """One chart as data: categories on one axis, one or more series of counts."""

    name: str  # file stem under charts/
    title: str
    category_label: str
    value_label: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    stacked: bool = False
    horizontal: bool = False

    @property
    def total(self) -> int:
        return sum(sum(s.values) for s in self.series)


def percent(value: float) -> str:
    """A share as filers print it: one decimal, e.g. ``75.0%``."""
    return f"{value * 100:.1f}%"


def is_identified(row: SmelterRowLine) -> bool:
    return row.decision in IDENTIFIED_DECISIONS


def smelter_counts(data: ReportData, metal: str | None = None) -> SmelterCounts:
    smelters = [s for s in data.smelters if metal is None or s.metal == metal]
    rows = [r for r in data.smelter_rows if metal is None or r.metal == metal]
    conformant = sum(1 for s in smelters if s.conformant)
    return SmelterCounts(
        identified=len(smelters),
        conformant=conformant,
        known_not_conformant=len(smelters) - conformant,
        not_identified=sum(1 for r in rows if not is_identified(r)),
    )


def appendix_order(smelters: Iterable[SmelterLine]) -> list[SmelterLine]:
    """Sorted as Appendix 2 lists them: metal, then country, then name (then ID)."""
    return sorted(smelters, key=lambda s: (s.metal, s.country, s.name, s.smelter_id))


def conformant_smelters(data: ReportData) -> list[SmelterLine]:
    return appendix_order(s for s in data.smelters if s.conformant)


def not_conformant_smelters(data: ReportData) -> list[SmelterLine]:
    return appendix_order(s for s in data.smelters if not s.conformant)


def metals(data: ReportData) -> tuple[str, ...]:
    """The metals to report on, alphabetically: the four 3TG plus any others named."""
    named = {s.metal for s in data.smelters} | {r.metal for r in data.smelter_rows}
    named |= {c.metal for c in data.rcoi}
    return tuple(sorted(named | {"Gold", "Tantalum", "Tin", "Tungsten"}))


def status_label(smelter: SmelterLine) -> str:
    return smelter.status or NO_STATUS


def declaration_counts(data: ReportData) -> list[tuple[str, int]]:
    """Declarations received by status, in a fixed order (unknown statuses last, sorted)."""
    known = [s for s in DECLARATION_ORDER if s in data.declarations]
    others = sorted(s for s in data.declarations if s not in DECLARATION_ORDER)
    return [(DECLARATION_LABELS.get(s, s), data.declarations[s]) for s in known + others]


def response_chart(data: ReportData) -> ChartData:
    not_responded = max(data.suppliers_surveyed - data.suppliers_responded, 0)
    title = (
        f"Response rate {percent(data.response_rate)} "
        f"({data.suppliers_responded} of {data.suppliers_surveyed} suppliers)"
    )
    return ChartData(
        name="response-rate",
        title=title,
        category_label="Response",
        value_label="Suppliers",
        categories=("Responded", "No response"),
        series=(Series("Suppliers", (data.suppliers_responded, not_responded)),),
    )


def smelters_by_metal_chart(data: ReportData) -> ChartData:
    names = metals(data)
    conformant = Counter(s.metal for s in data.smelters if s.conformant)
    active = Counter(s.metal for s in data.smelters if not s.conformant and s.status == "Active")
    other = Counter(s.metal for s in data.smelters if not s.conformant and s.status != "Active")
    return ChartData(
        name="smelters-by-metal",
        title="Smelters and refiners by metal and RMAP status",
        category_label="Metal",
        value_label="Smelters and refiners",
        categories=names,
        series=(
            Series("Conformant", tuple(conformant[m] for m in names)),
            Series("Active", tuple(active[m] for m in names)),
            Series("Other or no status", tuple(other[m] for m in names)),
        ),
        stacked=True,
    )


def smelters_by_country_chart(data: ReportData) -> ChartData:
    countries = Counter(s.country or "Unknown" for s in data.smelters)
    ordered = sorted(countries.items(), key=lambda item: (-item[1], item[0]))
    return ChartData(
        name="smelters-by-country",
        title="Smelters and refiners by country of location",
        category_label="Country",
        value_label="Smelters and refiners",
        categories=tuple(c for c, _ in ordered),
        series=(Series("Smelters and refiners", tuple(n for _, n in ordered)),),
        horizontal=True,
    )


def suppliers_by_risk_chart(data: ReportData) -> ChartData:
    levels = Counter(s.risk_level or NOT_ASSESSED for s in data.suppliers)
    others = sorted(level for level in levels if level not in RISK_ORDER)
    order = [*RISK_ORDER, *others]
    return ChartData(
        name="suppliers-by-risk",
        title="Suppliers by risk level",
        category_label="Risk level",
        value_label="Suppliers",
        categories=tuple(level.capitalize() for level in order),
        series=(Series("Suppliers", tuple(levels[level] for level in order)),),
    )


def charts(data: ReportData) -> tuple[ChartData, ...]:
    return (
        response_chart(data),
        smelters_by_metal_chart(data),
        smelters_by_country_chart(data),
        suppliers_by_risk_chart(data),
    )
