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

from oretrace.reporting.data import ReportData, SmelterLine, SmelterRowLine, SupplierLine
from oretrace.reporting.ordering import natural_keys

IDENTIFIED_DECISIONS = frozenset({"auto", "confirmed"})
UNATTRIBUTED = "unattributed"
DECLARATION_ORDER = ("valid", "findings", "unreadable", UNATTRIBUTED, "no response")
DECLARATION_LABELS = {
    "valid": "Valid",
    "findings": "With findings",
    "unreadable": "Unreadable",
    UNATTRIBUTED: "Unreadable, sender unknown",
    "no response": "No response",
}
FOLLOW_UP = frozenset({"findings", "unreadable", UNATTRIBUTED})
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


@dataclass(frozen=True, slots=True)
class PeriodFigures:
    """Every figure `oretrace status`, the dashboard and the report documents state.

    Computed by :func:`period_figures` from one snapshot, so two outputs built from the same
    snapshot cannot disagree. The counting rule of each is in docs/reporting.md.
    """

    suppliers_surveyed: int
    suppliers_responded: int
    response_rate: float
    declarations: dict[str, int]  # status → declarations in force (one per supplier) + files
    declarations_received: int
    declarations_needing_follow_up: int
    smelter_entries: int
    smelter_rows: dict[str, int]  # decision → entries
    smelters: SmelterCounts
    smelters_by_status: dict[str, int]
    smelters_by_metal: dict[str, dict[str, int]]  # metal → status key → smelters
    smelters_in_covered_countries: int
    smelters_in_cahras: int
    rcoi: dict[str, str]
    suppliers_by_risk: dict[str, int]
    corrective_actions: int
    suppliers_with_corrective_actions: int


def declaration_tally(
    suppliers: Iterable[SupplierLine], unattributed: Iterable[str] = ()
) -> dict[str, int]:
    """Declarations received by status: the one in force per responding supplier (valid,
    findings or unreadable), plus each unreadable file whose sender is unknown."""
    counts = Counter(s.status for s in suppliers if s.responded)
    counts[UNATTRIBUTED] += sum(1 for _ in unattributed)
    return {k: v for k, v in sorted(counts.items()) if v}


def smelter_status_key(smelter: SmelterLine) -> str:
    """The status a smelter is counted under: conformant, else its RMAP status (folded)."""
    return "conformant" if smelter.conformant else (smelter.status or NO_STATUS).casefold()


def period_figures(data: ReportData) -> PeriodFigures:
    follow_up = sum(n for status, n in data.declarations.items() if status in FOLLOW_UP)
    return PeriodFigures(
        suppliers_surveyed=data.suppliers_surveyed,
        suppliers_responded=data.suppliers_responded,
        response_rate=data.response_rate,
        declarations=dict(data.declarations),
        declarations_received=sum(data.declarations.values()),
        declarations_needing_follow_up=follow_up,
        smelter_entries=len(data.smelter_rows),
        smelter_rows=dict(sorted(Counter(r.decision for r in data.smelter_rows).items())),
        smelters=smelter_counts(data),
        smelters_by_status=dict(sorted(Counter(map(smelter_status_key, data.smelters)).items())),
        smelters_by_metal={
            metal: dict(
                sorted(
                    Counter(
                        smelter_status_key(s) for s in data.smelters if s.metal == metal
                    ).items()
                )
            )
            for metal in sorted({s.metal for s in data.smelters})
        },
        smelters_in_covered_countries=sum(1 for s in data.smelters if s.in_covered_country),
        smelters_in_cahras=sum(1 for s in data.smelters if s.in_cahra),
        rcoi={c.metal: c.conclusion for c in data.rcoi},
        suppliers_by_risk=dict(
            sorted(Counter(s.risk_level or NOT_ASSESSED for s in data.suppliers).items())
        ),
        corrective_actions=len(data.corrective_actions),
        suppliers_with_corrective_actions=len({a.supplier for a in data.corrective_actions}),
    )


def _by_metal(data: ReportData) -> dict[str, dict[str, int]]:
    counts: dict[str, Counter[str]] = {}
    for smelter in data.smelters:
        counts.setdefault(smelter.metal, Counter())[smelter_status_key(smelter)] += 1
    return {metal: dict(sorted(c.items())) for metal, c in sorted(counts.items())}


def key_figures(data: ReportData) -> tuple[tuple[str, int | str], ...]:
    """The period's key figures as (label, value) lines: the management report's table and
    the exports' first sheet."""
    f = period_figures(data)
    return (
        ("Suppliers surveyed", f.suppliers_surveyed),
        ("Suppliers that responded", f.suppliers_responded),
        ("Response rate", percent(f.response_rate)),
        ("Declarations received", f.declarations_received),
        ("Declarations with findings or unreadable", f.declarations_needing_follow_up),
        ("Smelter or refiner entries", f.smelter_entries),
        ("Smelters and refiners identified", f.smelters.identified),
        ("Conformant", f.smelters.conformant),
        ("Known but not conformant", f.smelters.known_not_conformant),
        ("Entries not identified", f.smelters.not_identified),
        ("Suppliers at high risk", f.suppliers_by_risk.get("high", 0)),
        ("Corrective action requests", f.corrective_actions),
        ("Suppliers sent corrective action requests", f.suppliers_with_corrective_actions),
    )


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
    return sorted(smelters, key=lambda s: natural_keys(s.metal, s.country, s.name, s.smelter_id))


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
