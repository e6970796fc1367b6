"""A synthetic group for demos and scale tests: master data plus supplier CMRTs with real mistakes.

``generate(folder, GroupSpec(...))`` writes ``suppliers.csv``, ``parts.csv``,
``products.csv``, ``bom.csv``, ``contacts.csv`` and ``declarations/*.xlsx`` (CMRT 6.x
layouts written by :mod:`oretrace.cmrt.writer`), deterministically for a seed. Smelters
come from the shipped RMI reference; mistakes are drawn at the rates in :class:`MistakeRates`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from msoffcrypto.format.ooxml import OOXMLFile

from oretrace.cmrt.answers import PERCENT_6X, SCOPES
from oretrace.cmrt.layouts import METALS_3TG
from oretrace.cmrt.revisions import Family
from oretrace.cmrt.writer import CellInput, Draft, draft_bytes
from oretrace.smelters import Smelter, default_reference

REVISIONS = ("6.5", "6.5", "6.5", "6.4", "6.4", "6.31", "6.22", "6.1")
COUNTRIES = (
    "JAPAN",
    "CHINA",
    "KOREA, REPUBLIC OF",
    "TAIWAN",
    "GERMANY",
    "UNITED STATES OF AMERICA",
    "MALAYSIA",
    "THAILAND",
    "VIET NAM",
    "MEXICO",
)
_WORDS = (
    "Asahi",
    "Kaito",
    "Northwind",
    "Blue Ridge",
    "Sakura",
    "Harbor",
    "Summit",
    "Pacific",
    "Nova",
    "Orion",
    "Keystone",
    "Aurora",
    "Granite",
    "Delta",
    "Meridian",
    "Falcon",
)
_TRADES = (
    "Components",
    "Precision",
    "Wire",
    "Solder",
    "Electronics",
    "Metals",
    "Plating",
    "Circuits",
    "Connectors",
    "Materials",
)
_FORMS = ("Co., Ltd.", "Inc.", "GmbH", "Corporation", "Ltd", "S.A.", "LLC")


@dataclass(frozen=True, slots=True)
class MistakeRates:
    """Share of declarations (or smelter rows, where said) showing each mistake."""

    non_responder: float = 0.15
    unreadable: float = 0.005
    encrypted_default: float = 0.05
    text_date: float = 0.03
    email_typo: float = 0.03
    product_scope_without_products: float = 0.02
    pasted_values: float = 0.3
    duplicate_row: float = 0.05
    placeholder_id: float = 0.03  # of smelter rows
    misspelled_without_id: float = 0.08  # of smelter rows
    answer_outside_list: float = 0.01
    resubmitted: float = 0.03  # a second, later file from the same supplier


@dataclass(frozen=True, slots=True)
class GroupSpec:
    suppliers: int = 300
    group_companies: int = 10
    parts: int = 2000
    products: int = 100
    period: int = 2025
    seed: int = 1
    max_smelters: int = 60
    pad_rows: int = 2504  # lay template-like helper formulas down to this Smelter List row
    rates: MistakeRates = field(default_factory=MistakeRates)


@dataclass(slots=True)
class GroupFiles:
    folder: Path
    declarations: list[Path] = field(default_factory=list)
    responders: int = 0
    non_responders: int = 0


def generate(folder: Path, spec: GroupSpec) -> GroupFiles:
    rng = random.Random(spec.seed)
    folder.mkdir(parents=True, exist_ok=True)
    out = GroupFiles(folder)
    companies = [f"Group Company {i + 1:02d}" for i in range(spec.group_companies)]
    suppliers = _supplier_names(rng, spec.suppliers)
    _master_data(folder, rng, spec, companies, suppliers)
    _contacts(folder, spec, suppliers)
    pool = _smelter_pool()
    _facility_list(folder, rng, pool, spec.period)
    declarations = folder / "declarations"
    declarations.mkdir(exist_ok=True)
    for index, (name, unique_id) in enumerate(suppliers):
        if rng.random() < spec.rates.non_responder:
            out.non_responders += 1
            continue
        out.responders += 1
        out.declarations += _write_supplier(declarations, rng, spec, index, name, unique_id, pool)
    return out


def _supplier_names(rng: random.Random, count: int) -> list[tuple[str, str]]:
    names: list[tuple[str, str]] = []
    seen: set[str] = set()
    while len(names) < count:
        base = f"{rng.choice(_WORDS)} {rng.choice(_TRADES)}"
        if base in seen:
            base = f"{base} {len(names) + 1}"
        seen.add(base)
        names.append((f"{base} {rng.choice(_FORMS)}", f"DUNS{700000000 + len(names):09d}"))
    return names


def _master_data(
    folder: Path,
    rng: random.Random,
    spec: GroupSpec,
    companies: list[str],
    suppliers: list[tuple[str, str]],
) -> None:
    _csv(
        folder / "suppliers.csv",
        ["name", "unique_id", "country", "group_company"],
        [[n, u, rng.choice(COUNTRIES), rng.choice(companies)] for n, u in suppliers],
    )
    parts = [f"P{index + 1:06d}" for index in range(spec.parts)]
    _csv(
        folder / "parts.csv",
        ["number", "name", "supplier"],
        [[p, f"Part {p}", rng.choice(suppliers)[1]] for p in parts],
    )
    units = [f"BU {c[-2:]}" for c in companies]
    _csv(
        folder / "products.csv",
        ["number", "name", "category", "business_unit", "group_company"],
        [
            [
                f"X{index + 1:05d}",
                f"Product {index + 1}",
                f"Category {index % 12 + 1}",
                units[index % len(units)],
                companies[index % len(companies)],
            ]
            for index in range(spec.products)
        ],
    )
    bom = []
    for index in range(spec.products):
        for part in rng.sample(parts, k=min(len(parts), rng.randint(5, 40))):
            bom.append([f"X{index + 1:05d}", part, rng.randint(1, 8)])
    _csv(folder / "bom.csv", ["product", "part", "quantity"], bom)


def _contacts(folder: Path, spec: GroupSpec, suppliers: list[tuple[str, str]]) -> None:
    """Campaign contacts for about four suppliers in five (the others are written to at the
    contact their declaration names). Drawn from a generator of its own, so the other
    files stay the same for a seed."""
    rng = random.Random(f"contacts:{spec.seed}")
    rows: list[list[object]] = []
    for _name, unique_id in suppliers:
        if rng.random() < 0.2:
            continue
        person = rng.choice(("Aiko Tanaka", "Wei Zhang", "Maria Lopez", "Jonas Weber"))
        rows.append([unique_id, person, f"cmrt@{unique_id.lower()}.example", "compliance"])
    _csv(folder / "contacts.csv", ["supplier", "name", "email", "role"], rows)


def _csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


FACILITY_LIST = "rmi-facility-list-SYNTHETIC.csv"


def _facility_list(
    folder: Path, rng: random.Random, pool: dict[str, list[Smelter]], period: int
) -> None:
    """A made-up RMI facility list (statuses drawn at random) so the demo has conformance."""
    rows: list[list[object]] = []
    for smelter in (s for smelters in pool.values() for s in smelters):
        status = _weighted(rng, (("Conformant", 0.8), ("Active", 0.08), ("", 0.12)))
        if status:
            audit = dt.date(period - 1, 1, 1) + dt.timedelta(days=rng.randint(0, 600))
            rows.append(
                [
                    smelter.metal,
                    smelter.smelter_id,
                    smelter.standard_name,
                    smelter.country,
                    status,
                    audit.isoformat(),
                    "12 months",
                ]
            )
    header = [
        "Metal",
        "Smelter ID",
        "Standard Smelter Name",
        "Country",
        "RMI Status",
        "Last Audit Date",
        "Audit Cycle",
    ]
    _csv(folder / FACILITY_LIST, header, rows)


def _smelter_pool() -> dict[str, list[Smelter]]:
    reference = default_reference()
    return {
        m: [s for s in reference.smelters(m) if not s.dropped and s.smelter_id.startswith("CID")]
        for m in METALS_3TG
    }


def _write_supplier(
    folder: Path,
    rng: random.Random,
    spec: GroupSpec,
    index: int,
    name: str,
    unique_id: str,
    pool: dict[str, list[Smelter]],
) -> list[Path]:
    stem = f"supplier-{index + 1:05d}"
    if rng.random() < spec.rates.unreadable:
        path = folder / f"{stem}.xls"
        path.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF" + rng.randbytes(2048))
        return [path]
    draft = _declaration(rng, spec, name, unique_id, pool)
    files = [(folder / f"{stem}.xlsx", draft)]
    if rng.random() < spec.rates.resubmitted:
        later = _declaration(rng, spec, name, unique_id, pool)
        later.company["effective_date"] = dt.date(spec.period, 6, 30)
        files.append((folder / f"{stem}-resubmitted.xlsx", later))
    for path, item in files:
        data = draft_bytes(item)
        if rng.random() < spec.rates.encrypted_default:
            data = _encrypt(data)
        path.write_bytes(data)
    return [p for p, _ in files]


def _encrypt(data: bytes) -> bytes:
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt("VelvetSweatshop", out)
    return out.getvalue()


def _declaration(
    rng: random.Random, spec: GroupSpec, name: str, unique_id: str, pool: dict[str, list[Smelter]]
) -> Draft:
    metals = tuple(m for m in METALS_3TG if rng.random() < 0.6) or ("Tin",)
    when = dt.date(spec.period, 1, 1) + dt.timedelta(days=rng.randint(0, 150))
    slug = "".join(ch for ch in name.split()[0].lower() if ch.isalpha())
    draft = Draft(
        Family.CMRT,
        rng.choice(REVISIONS),
        pad_rows=spec.pad_rows,
        company={
            "company_name": name,
            "unique_id": unique_id,
            "scope": SCOPES[0],
            "contact_name": "Compliance Team",
            "contact_email": f"cm@{slug}.example",
            "contact_phone": "+81 3 0000 0000",
            "authorizer": "Head of Purchasing",
            "authorizer_email": f"purchasing@{slug}.example",
            "effective_date": when,
        },
    )
    _answers(draft, rng, metals)
    for metal in metals:
        count = min(len(pool[metal]), max(1, int(rng.paretovariate(1.3))), spec.max_smelters)
        draft.smelters += [_smelter_row(rng, spec.rates, s) for s in rng.sample(pool[metal], count)]
    _spoil(draft, rng, spec.rates)
    return draft


def _answers(draft: Draft, rng: random.Random, metals: tuple[str, ...]) -> None:
    for metal in METALS_3TG:
        used = metal in metals
        draft.answers[("Q1", metal)] = "Yes" if used else "No"
        if not used:
            continue
        draft.answers.update(
            {
                ("Q2", metal): "Yes",
                ("Q3", metal): _weighted(rng, _COVERED),
                ("Q4", metal): _weighted(rng, _CAHRA),
                ("Q5", metal): "No",
                ("Q6", metal): _weighted(rng, _RESPONSE),
                ("Q7", metal): _weighted(rng, _IDENTIFIED),
                ("Q8", metal): "Yes",
            }
        )
    draft.company_answers = {k: _weighted(rng, (("Yes", 0.9), ("No", 0.1))) for k in "ABCDFG"}
    draft.company_answers["E"] = "Yes, in conformance with IPC1755 (e.g., CMRT)"
    draft.company_answers["H"] = rng.choice(("No", "Yes, with the SEC"))
    if draft.company_answers["B"] == "Yes":
        draft.company_comments["B"] = "https://example.com/responsible-minerals-policy"


_COVERED = (("No", 0.8), ("Unknown", 0.19), ("Yes", 0.01))
_CAHRA = (("No", 0.8), ("Unknown", 0.2))
_RESPONSE = tuple(zip(PERCENT_6X[:5], (0.35, 0.3, 0.2, 0.1, 0.05), strict=True))
_IDENTIFIED = (("Yes", 0.85), ("No", 0.15))


def _weighted(rng: random.Random, choices: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def _smelter_row(rng: random.Random, rates: MistakeRates, smelter: Smelter) -> dict[str, CellInput]:
    row: dict[str, CellInput] = {
        "metal": smelter.metal,
        "lookup": smelter.standard_name,
        "name": smelter.standard_name,
        "country": smelter.country,
        "smelter_id": smelter.smelter_id,
        "id_source": "RMI",
        "city": smelter.city,
    }
    roll = rng.random()
    if roll < rates.placeholder_id:
        row["smelter_id"] = rng.choice(("NA", "Not Listed", "N/A"))
    elif roll < rates.placeholder_id + rates.misspelled_without_id:
        row["smelter_id"] = None
        row["lookup"] = "Smelter not listed"
        row["name"] = _misspell(rng, smelter.standard_name)
    return row


def _misspell(rng: random.Random, name: str) -> str:
    chars = list(name)
    for _ in range(rng.randint(1, 2)):
        position = rng.randrange(len(chars))
        chars[position] = chars[position].swapcase() if rng.random() < 0.5 else ""
    return "".join(chars).replace("Co., Ltd.", "Co Ltd")


def _spoil(draft: Draft, rng: random.Random, rates: MistakeRates) -> None:
    spoilers: list[tuple[float, Callable[[Draft], None]]] = [
        (rates.text_date, _text_date),
        (rates.email_typo, _email_typo),
        (rates.product_scope_without_products, _product_scope),
        (rates.pasted_values, _pasted),
        (rates.duplicate_row, _duplicate),
        (rates.answer_outside_list, _bad_answer),
    ]
    for rate, spoil in spoilers:
        if rng.random() < rate:
            spoil(draft)


def _text_date(draft: Draft) -> None:
    when = draft.company["effective_date"]
    if isinstance(when, dt.date):
        draft.company["effective_date"] = when.strftime("%d-%b-%Y")


def _email_typo(draft: Draft) -> None:
    draft.company["contact_email"] = str(draft.company["contact_email"]).replace(".", ",", 1)


def _product_scope(draft: Draft) -> None:
    draft.company["scope"] = SCOPES[1]


def _pasted(draft: Draft) -> None:
    draft.pasted_values = True


def _duplicate(draft: Draft) -> None:
    if draft.smelters:
        draft.smelters.append(dict(draft.smelters[0]))


def _bad_answer(draft: Draft) -> None:
    draft.answers[("Q3", "Tin")] = "Not sure"
