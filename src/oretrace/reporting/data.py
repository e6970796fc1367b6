"""What a report is built from: one frozen, serialisable snapshot of a reporting period.

The registry fills a :class:`ReportData` as of a date; every document (Form SD, the
Conflict Minerals Report, the Excel exports, the charts, the roll-up CMRT) is rendered from
it alone, so building twice from the same snapshot gives identical files. ``to_json`` /
``from_json`` round-trip exactly; ``fingerprint`` is the sha256 of the canonical JSON.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import types
import typing
import weakref
from dataclasses import dataclass, field
from typing import Any, TypeVar

from oretrace.reporting.minerals import MineralLine

METALS_3TG = ("Tantalum", "Tin", "Gold", "Tungsten")


@dataclass(frozen=True, slots=True)
class Organisation:
    """The filer, and the due-diligence facts a person fills in (settings, not derived)."""

    legal_name: str = "Example Corporation"
    short_name: str = "the Company"
    cik: str = ""
    address: str = ""
    website: str = ""
    state_of_incorporation: str = ""
    commission_file_number: str = ""
    irs_employer_id: str = ""  # IRS Employer Identification No., e.g. 12-3456789
    contact_name: str = ""
    contact_title: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    authorizer: str = ""
    authorizer_title: str = ""
    authorizer_email: str = ""
    authorizer_phone: str = ""
    unique_id: str = ""
    unique_id_authority: str = ""
    company_overview: str = ""
    products_overview: str = ""
    policy_summary: str = ""
    policy_url: str = ""
    team: str = ""  # who runs the programme, with senior-management sponsor
    grievance_mechanism: str = ""
    memberships: tuple[str, ...] = ()  # e.g. "Responsible Minerals Initiative (RMI)"
    record_keeping: str = ""  # e.g. "Records are kept for five years in oretrace."
    supplier_engagement: str = ""
    risk_mitigation: tuple[str, ...] = ()  # steps planned for next year
    measures: tuple[str, ...] = ()  # measures performed, "YYYY-MM-DD: what was done"
    independent_audit: str = ""  # statement on IPSA / audits of smelters
    company_answers: dict[str, str] = field(default_factory=dict)  # roll-up CMRT A–H
    company_comments: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ScopeEntry:
    """One product category, with the business unit and group company it belongs to."""

    group_company: str
    business_unit: str
    product_category: str


@dataclass(frozen=True, slots=True)
class MetalConclusion:
    metal: str
    conclusion: str  # oretrace.assessment.rcoi.Conclusion value
    reasons: tuple[str, ...] = ()
    coverage: float = 0.0
    users: int = 0  # suppliers declaring the metal necessary


@dataclass(frozen=True, slots=True)
class SmelterLine:
    """A consolidated smelter: one line per reference smelter named by any supplier."""

    smelter_id: str
    name: str
    metal: str
    country: str
    country_iso2: str = ""
    status: str = ""  # RMAP status at period end as RMI names it; "" when none
    conformant: bool = False
    in_covered_country: bool = False
    in_cahra: bool = False
    supplier_count: int = 0


@dataclass(frozen=True, slots=True)
class SmelterRowLine:
    """A smelter row as a supplier reported it, and how it was identified."""

    supplier: str
    file: str
    row: int
    metal: str
    reported_id: str
    reported_name: str
    reported_country: str
    smelter_id: str = ""
    standard_name: str = ""
    decision: str = ""  # auto / review / none / confirmed / rejected
    method: str = ""
    reason: str = ""


@dataclass(frozen=True, slots=True)
class SupplierLine:
    supplier_id: str
    name: str
    responded: bool
    status: str  # valid / findings / unreadable / no response
    template: str = ""
    version: str = ""
    effective_date: str = ""
    errors: int = 0
    warnings: int = 0
    risk_level: str = ""
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CorrectiveAction:
    """A finding to send back to a supplier, with the cell and the message to send."""

    supplier: str
    file: str
    code: str
    severity: str
    cell: str
    finding: str
    request: str


@dataclass(frozen=True, slots=True)
class ProductLine:
    number: str
    name: str
    category: str = ""
    risk_level: str = ""
    coverage: float = 0.0
    parts: int = 0
    parts_uncovered: int = 0


@dataclass(frozen=True, slots=True)
class MetalAnswersLine:
    """The roll-up CMRT's per-metal answers (Q1–Q8 keys to allowed answers)."""

    metal: str
    answers: dict[str, str] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, weakref_slot=True)
class ReportData:
    period: int
    as_of: dt.date
    organisation: Organisation = field(default_factory=Organisation)
    scope: tuple[ScopeEntry, ...] = ()
    suppliers_surveyed: int = 0
    suppliers_responded: int = 0
    declarations: dict[str, int] = field(default_factory=dict)  # status → count
    rcoi: tuple[MetalConclusion, ...] = ()
    smelters: tuple[SmelterLine, ...] = ()
    smelter_rows: tuple[SmelterRowLine, ...] = ()
    suppliers: tuple[SupplierLine, ...] = ()
    corrective_actions: tuple[CorrectiveAction, ...] = ()
    products: tuple[ProductLine, ...] = ()
    rollup_answers: tuple[MetalAnswersLine, ...] = ()
    reference: tuple[str, ...] = ()  # labels of the reference lists in force on as_of
    status_as_of: dt.date | None = None  # date of the RMAP status lists in force
    unattributed_files: tuple[str, ...] = ()  # unreadable files whose sender is unknown
    draft: bool = False  # built with --draft: every document is stamped DRAFT
    group_companies_total: int = 0  # group companies in the registry (scope is N of these)
    received_first: dt.date | None = None  # first and last day a declaration counted arrived
    received_last: dt.date | None = None
    corrected: int = 0  # suppliers whose declaration in force corrects one with findings
    #: EMRT minerals, internal report and status only (Form SD and the CMR are 3TG).
    extended_minerals: tuple[MineralLine, ...] = ()

    @property
    def response_rate(self) -> float:
        return self.suppliers_responded / self.suppliers_surveyed if self.suppliers_surveyed else 0

    def to_json(self) -> str:
        """The canonical JSON: ``json.dumps(..., ensure_ascii=False, sort_keys=True,
        indent=1)`` of the snapshot as plain data, character for character."""
        return "".join(self.json_chunks())

    def json_chunks(self) -> typing.Iterator[str]:
        """``to_json`` piece by piece, without holding the whole text (tens of MB at scale)."""
        return _chunks(self)

    @classmethod
    def from_json(cls, text: str) -> ReportData:
        return _build(cls, json.loads(text))

    def fingerprint(self) -> str:
        """sha256 of ``to_json()``, computed from its chunks — once per snapshot: a report
        asks for it three times (exports, audit entry, job result), ~1 CPU-s each at 4,000
        suppliers. A snapshot is never changed once made (``dataclasses.replace`` makes a
        new one, with its own fingerprint)."""
        known = _remembered_fingerprint(self)
        if known is not None:
            return known
        digest = hashlib.sha256()
        for chunk in self.json_chunks():
            digest.update(chunk.encode())
        return _remember_fingerprint(self, digest.hexdigest())

    def write_json(self, stream: typing.BinaryIO) -> str:
        """Write ``to_json()`` as UTF-8 into ``stream`` a chunk at a time; return the
        fingerprint, hashed from the same bytes."""
        digest = hashlib.sha256()
        for chunk in self.json_chunks():
            data = chunk.encode()
            digest.update(data)
            stream.write(data)
        return _remember_fingerprint(self, digest.hexdigest())


_fingerprints: dict[int, tuple[weakref.ref[ReportData], str]] = {}


def _remembered_fingerprint(data: ReportData) -> str | None:
    known = _fingerprints.get(id(data))
    return known[1] if known is not None and known[0]() is data else None


def _remember_fingerprint(data: ReportData, fingerprint: str) -> str:
    """Kept while ``data`` lives: the entry goes with it (an id is reused only after)."""
    key = id(data)
    _fingerprints[key] = (weakref.ref(data, lambda _: _fingerprints.pop(key, None)), fingerprint)
    return fingerprint


def _chunks(data: ReportData) -> typing.Iterator[str]:
    """What ``json.JSONEncoder(ensure_ascii=False, sort_keys=True, indent=1).iterencode``
    gives for ``_plain(data)``, written straight from the dataclasses: a line per table row
    instead of a generator per value, several times faster at 30,000 smelter rows.

    ``tests/reporting/test_snapshot_json.py`` holds it to ``json.dumps`` of ``_plain``.
    """
    yield "{"
    first = True
    for name in _field_names(type(data)):
        yield ("\n " if first else ",\n ") + _string(name) + ": "
        first = False
        value = getattr(data, name)
        if isinstance(value, tuple) and value and dataclasses.is_dataclass(value[0]):
            yield from _rows(value)
        else:
            yield _json(value, 1)
    yield "\n}" if not first else "}"


def _rows(rows: tuple[Any, ...]) -> typing.Iterator[str]:
    """A table (tuple of dataclass rows) at depth 1, a few hundred rows per chunk."""
    yield "["
    for start in range(0, len(rows), 256):
        yield ("\n  " if start == 0 else ",\n  ") + ",\n  ".join(
            _json(row, 2) for row in rows[start : start + 256]
        )
    yield "\n ]"


def _json(value: Any, level: int) -> str:
    if value.__class__ is str:
        return _string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value.__class__ is int:
        return int.__repr__(value)
    if value.__class__ is float:
        return _float(value)
    inner = "\n" + " " * (level + 1)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _field_names(type(value))
        if not names:
            return "{}"
        return (
            "{" + inner
            + ("," + inner).join(
                _string(n) + ": " + _json(getattr(value, n), level + 1) for n in names
            )
            + "\n" + " " * level + "}"
        )  # fmt: skip
    if isinstance(value, tuple | list):
        if not value:
            return "[]"
        return (
            "[" + inner + ("," + inner).join(_json(v, level + 1) for v in value)
            + "\n" + " " * level + "]"
        )  # fmt: skip
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = sorted((str(k), v) for k, v in value.items())
        return (
            "{" + inner
            + ("," + inner).join(_string(k) + ": " + _json(v, level + 1) for k, v in items)
            + "\n" + " " * level + "}"
        )  # fmt: skip
    if isinstance(value, dt.date):
        return _string(value.isoformat())
    return json.dumps(value, ensure_ascii=False)  # anything else, as json would write it


_string = json.encoder.encode_basestring


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == float("inf"):
        return "Infinity"
    if value == -float("inf"):
        return "-Infinity"
    return float.__repr__(value)


_FIELDS: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    """A dataclass's field names in the order ``sort_keys`` writes them."""
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(sorted(f.name for f in dataclasses.fields(cls)))
    return names


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


T = TypeVar("T")


def _build(cls: type[T], data: dict[str, Any]) -> T:
    hints = typing.get_type_hints(cls)
    kwargs = {
        f.name: _value(hints[f.name], data[f.name])
        for f in dataclasses.fields(cls)  # type: ignore[arg-type]
        if f.name in data
    }
    return cls(**kwargs)


def _value(hint: Any, raw: Any) -> Any:
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return _build(hint, raw)
    if hint is dt.date:
        return dt.date.fromisoformat(raw)
    if origin is tuple:
        (item, _ellipsis) = typing.get_args(hint)
        return tuple(_value(item, v) for v in raw)
    if origin in (types.UnionType, typing.Union):
        if raw is not None and dt.date in typing.get_args(hint):
            return dt.date.fromisoformat(raw)
        return raw
    return raw
