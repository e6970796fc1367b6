"""What an assessment is computed from: plain frozen records the registry fills from its tables.

Nothing here knows about Django or workbooks. A supplier's declaration arrives as a
:class:`DeclarationSummary` (its answers already mapped to revision-independent meanings by
:mod:`oretrace.cmrt.semantics`, its smelter rows already identified); smelters arrive as
:class:`SmelterFacts` plus a dated :class:`StatusEvent` history; products as
:class:`Product` records listing the parts (and sub-products) they are built from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from oretrace.cmrt.semantics import CompanyAnswers, MetalAnswers, Reply

METALS_3TG = ("Tantalum", "Tin", "Gold", "Tungsten")


@dataclass(frozen=True, slots=True)
class Period:
    """A reporting period; SEC reporting is by calendar year whatever the fiscal year."""

    label: str
    start: dt.date
    end: dt.date

    @classmethod
    def calendar_year(cls, year: int) -> Period:
        return cls(f"CY{year}", dt.date(year, 1, 1), dt.date(year, 12, 31))


@dataclass(frozen=True, slots=True)
class SmelterRef:
    """One smelter row of a declaration, after identification against the RMI reference.

    ``smelter_id`` is the CID the row was identified as (None when it could not be);
    ``identified`` says whether the identification was accepted; ``name`` is what the
    supplier wrote (for rows without an ID and for the year-over-year comparison).
    """

    metal: str
    smelter_id: str | None
    name: str | None = None
    identified: bool = False
    country_iso2: str | None = None
    row: int | None = None


@dataclass(frozen=True, slots=True)
class DeclarationSummary:
    """A supplier's declaration for the period, as assessment needs it.

    ``readable``: the file could be opened and read as a template. ``valid``: read, and
    without error-severity findings. ``finding_codes``: the codes of all findings
    (:data:`oretrace.cmrt.findings.CODES`). ``scope``: the declared scope as written.
    """

    template: str
    revision: str
    readable: bool = True
    valid: bool = True
    finding_codes: frozenset[str] = frozenset()
    metals: Mapping[str, MetalAnswers] = field(default_factory=dict)
    company: CompanyAnswers = field(default_factory=CompanyAnswers)
    smelters: tuple[SmelterRef, ...] = ()
    scope: str | None = None
    effective_date: dt.date | None = None
    # Looked up hundreds of thousands of times per period (red flags, RCOI, the roll-up's
    # answers): indexed once by folded metal name (ADR 0022). Not part of the value.
    _by_metal: dict[str, MetalAnswers] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )
    _rows_by_metal: dict[str, tuple[SmelterRef, ...]] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        by_metal: dict[str, MetalAnswers] = {}
        for name, answers in self.metals.items():
            by_metal.setdefault(name.casefold(), answers)  # the first of equal names wins
        rows: dict[str, list[SmelterRef]] = {}
        for ref in self.smelters:
            rows.setdefault(ref.metal.casefold(), []).append(ref)
        object.__setattr__(self, "_by_metal", by_metal)
        object.__setattr__(self, "_rows_by_metal", {k: tuple(v) for k, v in rows.items()})

    def metal(self, metal: str) -> MetalAnswers:
        """The answers for ``metal`` (all not asked when the declaration does not cover it)."""
        answers = self._by_metal.get(metal.casefold())
        return MetalAnswers(metal) if answers is None else answers

    def uses(self, metal: str) -> Reply:
        return self.metal(metal).in_scope

    def smelters_for(self, metal: str) -> tuple[SmelterRef, ...]:
        """The smelter rows of ``metal``, in the declaration's order."""
        return self._rows_by_metal.get(metal.casefold(), ())

    @classmethod
    def unreadable(cls, template: str = "", revision: str = "") -> DeclarationSummary:
        """A file the supplier sent that could not be read as a template."""
        return cls(template, revision, readable=False, valid=False)


@dataclass(frozen=True, slots=True)
class SupplierInput:
    """One supplier surveyed for the period.

    ``responded``: the supplier sent something (a declaration, readable or not).
    ``parts_bought``: the parts the company buys from this supplier.
    ``parts_covered``: the parts the declaration's scope covers; None means the whole
    company (scope A), so every part bought is covered.
    """

    supplier_id: str
    name: str
    responded: bool
    declaration: DeclarationSummary | None = None
    parts_bought: frozenset[str] = frozenset()
    parts_covered: frozenset[str] | None = None

    @property
    def usable_declaration(self) -> DeclarationSummary | None:
        """The declaration when it was read; None when none came or it could not be read."""
        declaration = self.declaration
        return declaration if declaration is not None and declaration.readable else None

    @property
    def valid_declaration(self) -> DeclarationSummary | None:
        declaration = self.usable_declaration
        return declaration if declaration is not None and declaration.valid else None

    def covers(self, part: str) -> bool:
        """Whether a valid declaration of this supplier covers ``part``."""
        if self.valid_declaration is None:
            return False
        return self.parts_covered is None or part in self.parts_covered

    @property
    def parts_not_covered(self) -> frozenset[str]:
        if self.parts_covered is None:
            return frozenset()
        return self.parts_bought - self.parts_covered


@dataclass(frozen=True, slots=True)
class StatusEvent:
    """From ``effective_date`` on, the smelter's RMAP status is ``status`` (as RMI names it)."""

    smelter_id: str
    status: str
    effective_date: dt.date


@dataclass(frozen=True, slots=True)
class SmelterFacts:
    """What the reference says about a smelter.

    ``sources_covered_countries``: known to source from the covered countries (e.g. from
    RMI's country-of-origin data); None when not known. A smelter located in a covered
    country counts as sourcing from them regardless.
    """

    smelter_id: str
    metal: str
    name: str
    country_iso2: str | None = None
    sources_covered_countries: bool | None = None


@dataclass(frozen=True, slots=True)
class Product:
    """A product and what it is built from: parts bought, and other products (sub-assemblies)."""

    product_id: str
    name: str
    parts: frozenset[str] = frozenset()
    subproducts: frozenset[str] = frozenset()
