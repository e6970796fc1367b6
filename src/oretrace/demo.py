"""``make demo``: write a folder of supplier files oretrace made itself, then check them all.

Run as ``python -m oretrace.demo [FOLDER]`` (default ``demo-out``). The files cover the
layout families and the mistakes real suppliers make; nothing here needs RMI's files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import click
from msoffcrypto.format.ooxml import OOXMLFile

from oretrace.cmrt.answers import (
    CRT_SURVEY,
    EMRT_SURVEY,
    PERCENT_6X,
    PERCENT_AMRT,
    PERCENT_EMRT2,
    SCOPES,
)
from oretrace.cmrt.layouts import EMRT2_MINERALS, METALS_3TG
from oretrace.cmrt.revisions import Family
from oretrace.cmrt.writer import CellInput, Draft, draft_bytes
from oretrace.synthetic import FACILITY_LIST

PERIOD = 2025
CAMPAIGN = f"Demo inquiry {PERIOD}"

SMELTERS = {
    "Tin": [("Minsur", "CID001182", "PERU"), ("PT Timah Tbk Kundur", "CID001477", "INDONESIA")],
    "Tantalum": [("Global Advanced Metals Aizu", "CID002558", "JAPAN")],
    "Gold": [("Advanced Chemical Company", "CID000015", "UNITED STATES OF AMERICA")],
    "Tungsten": [("Xiamen Tungsten Co., Ltd.", "CID002082", "CHINA")],
}


#: Smelters of the EMRT 2.1 look-up, per extended mineral (none listed for graphite yet).
EXTENDED_SMELTERS = {
    "Cobalt": [
        ("Chemaf Etoile", "CID003264", "CONGO, DEMOCRATIC REPUBLIC OF THE"),
        ("Anhui Hanrui New Material Co., Ltd.", "CID003927", "CHINA"),
    ],
    "Copper": [("Minera Antucoya", "CID004094", "CHILE")],
    "Graphite": [],
    "Lithium": [("Abazhou Gaoyuan Lithium Electric Material Co., Ltd.", "CID003709", "CHINA")],
    "Mica": [("Arctic Minerals, LLC", "CID003592", "UNITED STATES OF AMERICA")],
    "Nickel": [("Coral Bay Nickel Corporation (CBNC)", "CID004575", "PHILIPPINES")],
}


def _company(name: str, when: CellInput) -> dict[str, CellInput]:
    slug = name.split()[0].lower()
    return {
        "company_name": name,
        "scope": SCOPES[0],
        "contact_name": "Compliance Desk",
        "contact_email": f"compliance@{slug}.example",
        "contact_phone": "+81 3 0000 0000",
        "authorizer": "Chief Procurement Officer",
        "authorizer_email": f"cpo@{slug}.example",
        "effective_date": when,
    }


def cmrt_draft(name: str, revision: str = "6.5", metals: tuple[str, ...] = METALS_3TG) -> Draft:
    """A complete, correct CMRT 6.x declaration for ``metals``, smelters from ``SMELTERS``."""
    draft = Draft(Family.CMRT, revision, company=_company(name, dt.date(2025, 4, 30)))
    for metal in METALS_3TG:
        used = metal in metals
        draft.answers[("Q1", metal)] = "Yes" if used else "No"
        if used:
            for key, answer in (
                ("Q2", "Yes"),
                ("Q3", "No"),
                ("Q4", "No"),
                ("Q5", "No"),
                ("Q6", PERCENT_6X[0]),
                ("Q7", "Yes"),
                ("Q8", "Yes"),
            ):
                draft.answers[(key, metal)] = answer
            draft.smelters += [
                {
                    "metal": metal,
                    "lookup": s,
                    "name": s,
                    "country": c,
                    "smelter_id": cid,
                    "id_source": "RMI",
                }
                for s, cid, c in SMELTERS[metal]
            ]
    draft.company_answers = dict.fromkeys("ABCDEFG", "Yes")
    draft.company_answers["E"] = "Yes, in conformance with IPC1755 (e.g., CMRT)"
    draft.company_answers["H"] = "Yes, with the SEC"
    draft.company_comments["B"] = f"https://{name.split()[0].lower()}.example/policy"
    return draft


def emrt_draft(
    name: str, revision: str = "2.1", minerals: tuple[str, ...] = ("Cobalt", "Mica")
) -> Draft:
    """A complete, correct EMRT 2.x declaration for ``minerals`` (chosen on the Declaration),
    smelters from ``EXTENDED_SMELTERS`` and one Mine List row per smelter."""
    draft = Draft(Family.EMRT, revision, company=_company(name, dt.date(2025, 4, 30)))
    # The selectors take the minerals in the template's order, "(Delete …)" for the others.
    draft.minerals = [m if m in minerals else f"(Delete {m})" for m in EMRT2_MINERALS]
    for mineral in minerals:
        for key, answer in (
            ("Q1", "Yes"),
            ("Q2", "Yes"),
            ("Q3", "No"),
            ("Q4", "No"),
            ("Q5", PERCENT_EMRT2[0]),
            ("Q6", "Yes"),
            ("Q7", "Yes"),
        ):
            draft.answers[(key, mineral)] = answer
        draft.company_answers[f"C:{mineral}"] = "Yes"
        draft.smelters += _smelter_rows(mineral, EXTENDED_SMELTERS[mineral])
        for smelter, _cid, country in EXTENDED_SMELTERS[mineral]:
            draft.mines.append(
                {
                    "metal": mineral,
                    "smelter_name": smelter,
                    "mine_name": f"{smelter.split()[0]} mine",
                    "country": country,
                }
            )
    draft.company_answers |= dict.fromkeys("ABDFG", "Yes")
    draft.company_answers["E"] = EMRT_SURVEY[0]
    draft.company_comments["B"] = f"https://{name.split()[0].lower()}.example/policy"
    return draft


#: Smelters of the AMRT 1.3 look-up, for the minerals the demo's AMRT declares.
AMRT_SMELTERS = {
    "Aluminum": [("Aluminerie Alouette Inc.", "CID004629", "CANADA")],
    "Silver": [("Boliden Ronnskar", "CID004586", "SWEDEN")],
    "Zinc": [("Eti Bakir A.S", "CID004059", "TURKEY")],
}


def _smelter_rows(mineral: str, smelters: list[tuple[str, str, str]]) -> list[dict[str, CellInput]]:
    return [
        {
            "metal": mineral,
            "lookup": smelter,
            "name": smelter,
            "country": country,
            "smelter_id": cid,
            "id_source": "RMI",
        }
        for smelter, cid, country in smelters
    ]


def crt_draft(name: str) -> Draft:
    """A complete, correct CRT 2.2 (cobalt) declaration, refiners from ``EXTENDED_SMELTERS``."""
    draft = Draft(Family.CRT, "2.2", company=_company(name, dt.date(2025, 4, 30)))
    for key, answer in (
        ("Q1", "Yes"),
        ("Q2", "No"),
        ("Q3", "No"),
        ("Q4", PERCENT_6X[0]),
        ("Q5", "Yes"),
        ("Q6", "Yes"),
    ):
        draft.answers[(key, "Cobalt")] = answer
    # RMI's CRT ships "No" in the unused rows 27-29 of its four-metal grid, which its
    # Checker counts (docs/checker.md); without them a complete file has 18 missing.
    for row in (27, 28, 29):
        draft.labels[("Declaration", f"D{row}")] = "No"
    draft.smelters = _smelter_rows("Cobalt", EXTENDED_SMELTERS["Cobalt"])
    draft.company_answers = dict.fromkeys("ABCDEFHI", "Yes")
    draft.company_answers["G"] = CRT_SURVEY[0]
    draft.company_comments["B"] = f"https://{name.split()[0].lower()}.example/policy"
    return draft


def amrt_draft(name: str, minerals: tuple[str, ...] = ("Aluminum", "Silver")) -> Draft:
    """A complete AMRT 1.3 declaration for ``minerals`` (chosen in its selectors), smelters
    from ``AMRT_SMELTERS`` and one Mine List row per smelter."""
    draft = Draft(Family.AMRT, "1.3", company=_company(name, dt.date(2025, 4, 30)))
    draft.minerals = list(minerals)
    for mineral in minerals:
        draft.answers[("Q1", mineral)] = "Yes"
        draft.answers[("Q2", mineral)] = PERCENT_AMRT[0]
        smelters = AMRT_SMELTERS.get(mineral, [])
        draft.smelters += _smelter_rows(mineral, smelters)
        draft.mines += [
            {
                "metal": mineral,
                "smelter_name": smelter,
                "mine_name": f"{smelter.split()[0]} mine",
                "country": country,
            }
            for smelter, _, country in smelters
        ]
    return draft


def _mistakes() -> dict[str, Callable[[Draft], None]]:
    def text_date_and_typo(d: Draft) -> None:
        d.company["effective_date"] = "02-May-2024"
        d.company["contact_email"] = "toru,nishio@example.co.jp"

    def product_scope_without_products(d: Draft) -> None:
        d.company["scope"] = SCOPES[1]

    def pasted_and_duplicated(d: Draft) -> None:
        d.pasted_values = True
        d.smelters.append(dict(d.smelters[0]))
        d.smelters.append({"metal": "Tin", "lookup": "Smelter not listed", "name": "Tin Trader"})

    def placeholders_and_shift(d: Draft) -> None:
        d.smelters[0]["smelter_id"] = "NA"
        d.smelters[1]["contact_name"] = "sales@smelter.example"
        d.answers[("Q3", "Tin")] = "Maybe"

    return {
        "Kaito Components 6.4": text_date_and_typo,
        "Northwind Wire 6.4": product_scope_without_products,
        "Blue Ridge Solder 6.22": pasted_and_duplicated,
        "Sakura Precision 6.31": placeholders_and_shift,
    }


def _encrypt(data: bytes, password: str) -> bytes:
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    return out.getvalue()


def write_samples(folder: Path) -> list[Path]:
    """Write the demo supplier files into ``folder`` and return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, bytes] = {
        "acme-metals_cmrt-6.5.xlsx": draft_bytes(cmrt_draft("Acme Metals Co., Ltd.")),
        "tin-only_cmrt-6.1.xlsx": draft_bytes(cmrt_draft("Harbor Tin Works", "6.1", ("Tin",))),
        "legacy_cmrt-3.01.xlsx": draft_bytes(_legacy_draft()),
    }
    for label, spoil in _mistakes().items():
        name, revision = label.rsplit(" ", 1)
        draft = cmrt_draft(name, revision, ("Tin", "Gold"))
        spoil(draft)
        files[f"{name.split()[0].lower()}_cmrt-{revision}.xlsx"] = draft_bytes(draft)
    protected = draft_bytes(cmrt_draft("Velvet Alloys", "6.4", ("Tantalum",)))
    files["velvet_encrypted-default-password.xlsx"] = _encrypt(protected, "VelvetSweatshop")
    files["locked_unknown-password.xlsx"] = _encrypt(protected, "supplier-secret")
    files["scan-renamed.xls"] = b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(512)
    paths = []
    for name, data in files.items():
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def _legacy_draft() -> Draft:
    draft = Draft(Family.CMRT, "3.01", company=_company("Old Town Metals", dt.date(2014, 6, 1)))
    draft.company["authorizer"] = "same"
    for metal in METALS_3TG:
        draft.answers[("Q1", metal)] = draft.answers[("Q2", metal)] = "No"
    for key in ("Q1", "Q2", "Q6", "Q7"):
        draft.answers[(key, "Gold")] = "Yes"
    for key in ("Q3", "Q4"):
        draft.answers[(key, "Gold")] = "Unknown"
    draft.answers[("Q5", "Gold")] = "No, but greater than 75%"
    draft.company_answers = dict.fromkeys("ABCDEFGHIJ", "Yes")
    draft.company_comments["B"] = "www.oldtown.example/policy"
    draft.company["authorizer_phone"] = "+1 555 0101"
    draft.smelters = [
        {
            "metal": "Gold",
            "lookup": "Heraeus",
            "name": "Heraeus Ltd. Hong Kong",
            "country": "CHINA",
            "smelter_id": "1HKG001",
        }
    ]
    return draft


#: Demo sign-ins, one per role (demo only: the passwords are printed and in the source).
DEMO_PEOPLE = (
    ("demo-admin", "admin", (), "demo-admin-pw"),
    ("demo-officer", "officer", ("Group Company 01", "Group Company 02"), "demo-officer-pw"),
    ("demo-reviewer", "reviewer", (), "demo-reviewer-pw"),
    ("demo-auditor", "auditor", (), "demo-auditor-pw"),
)


def _add_people() -> int:
    """``oretrace users add`` for each demo person, the password on stdin as a script would."""
    for name, role, companies, password in DEMO_PEOPLE:
        scope = [arg for company in companies for arg in ("--group-company", company)]
        stdin, sys.stdin = sys.stdin, io.StringIO(password + "\n")
        try:
            if _run("users", "add", name, "--role", role, *scope, "--password-stdin") != 0:
                return 1
        finally:
            sys.stdin = stdin
    return 0


def _serve_instructions(data: Path) -> str:
    here = Path.cwd()
    shown = data.relative_to(here) if data.is_relative_to(here) else data
    people = "\n".join(
        f"  {name:<14} {password:<18} {role}{' (' + ', '.join(c) + ')' if c else ''}"
        for name, role, c, password in DEMO_PEOPLE
    )
    return (
        f"\n3. The web app on the demo database. Serve it with\n\n"
        f"  ORETRACE_DATA_DIR={shown} .venv/bin/oretrace serve\n\n"
        f"(uploads and report builds also need a worker: "
        f"ORETRACE_DATA_DIR={shown} .venv/bin/oretrace worker)\n\n"
        f"then open http://127.0.0.1:8000/ and sign in (demo passwords, demo only):\n\n"
        f"  {'user':<14} {'password':<18} role\n{people}\n"
    )


def _run(*args: str) -> int:
    """Run one ``oretrace`` command as a user would; return its exit status."""
    from oretrace.cli import main as cli

    sys.stdout.write(f"\n$ oretrace {' '.join(args)}\n")
    sys.stdout.flush()
    try:
        cli.main(list(args), prog_name="oretrace", standalone_mode=False)
    except SystemExit as done:
        return int(done.code or 0)
    except click.ClickException as refused:  # standalone_mode=False hands these to us
        refused.show()
        return refused.exit_code
    return 0


def main(argv: list[str] | None = None) -> int:
    """check the sample files, then generate a group → import → ingest → status."""
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0] if args else "demo-out").resolve()
    suppliers = args[1] if len(args) > 1 else "300"
    os.environ["ORETRACE_DATA_DIR"] = str(out / "data")
    os.environ.pop("ORETRACE_REFERENCE_DIR", None)  # the demo's lists go to its own registry
    os.environ.pop("ORETRACE_DATABASE_URL", None)
    samples = out / "suppliers"
    write_samples(samples)
    sys.stdout.write(f"1. Ten sample supplier files in {samples}/, checked one by one:\n")
    if _run("check", str(samples)) not in (0, 1):  # 1: two samples are meant to be unreadable
        return 1
    group = out / "group"
    report = out / "report"
    profile = out / "profile.toml"
    profile.write_text(
        resources.files("oretrace").joinpath("data", "demo-profile.toml").read_text("utf-8"),
        encoding="utf-8",
    )
    sys.stdout.write(f"\n2. A synthetic group of {suppliers} suppliers, through the registry:\n")
    steps = [
        ("demo-data", str(group), "--suppliers", suppliers, "--period", str(PERIOD)),
        ("smelters", "import", str(group / FACILITY_LIST), "--as-of", f"{PERIOD}-12-01"),
        ("import", "suppliers", str(group / "suppliers.csv")),
        ("import", "parts", str(group / "parts.csv")),
        ("import", "products", str(group / "products.csv")),
        ("import", "bom", str(group / "bom.csv")),
        ("import", "contacts", str(group / "contacts.csv")),
        ("ingest", str(group / "declarations"), "--period", str(PERIOD)),
        ("ingest", str(group / "minerals"), "--period", str(PERIOD)),
        ("status", "--period", str(PERIOD)),
        ("profile", "load", str(profile)),
        ("report", "--period", str(PERIOD), "--out", str(report), "--mode", "cmr"),
        ("rollup", "--period", str(PERIOD), "-o", str(report / "our-cmrt.xlsx")),
        ("check", str(report / "our-cmrt.xlsx")),
    ]
    for step in steps:
        if step[1:2] == (str(group / "declarations"),) and _campaign() != 0:
            return 1  # the campaign asks first, then the answers arrive
        if _run(*step) != 0:
            return 1
        if step[0] == "demo-data":
            write_mineral_samples(group / "minerals", _first_suppliers(group, 3))
    if _run("campaign", "status", CAMPAIGN) != 0:
        return 1
    if _add_people() != 0:
        return 1
    sys.stdout.write(
        f"\nThe report set and our roll-up CMRT are in {report}/; everything the demo "
        f"made is in {out}/ (database: {out / 'data'}).\n"
    )
    sys.stdout.write(_serve_instructions(out / "data"))
    return 0


def write_mineral_samples(folder: Path, names: list[str]) -> list[Path]:
    """Extended-minerals declarations from three of the group's suppliers (an EMRT 2.1 for
    cobalt and mica, a CRT, an AMRT for aluminum and silver), beside their CMRTs."""
    folder.mkdir(parents=True, exist_ok=True)
    drafts = (
        ("emrt-2.1", emrt_draft(names[0], "2.1", ("Cobalt", "Mica"))),
        ("crt-2.2", crt_draft(names[1])),
        ("amrt-1.3", amrt_draft(names[2], ("Aluminum", "Silver"))),
    )
    paths = []
    for (kind, draft), name in zip(drafts, names, strict=True):
        path = folder / f"{name.split()[0].lower()}_{kind}.xlsx"
        path.write_bytes(draft_bytes(draft))
        paths.append(path)
    return paths


def _first_suppliers(group: Path, count: int) -> list[str]:
    with (group / "suppliers.csv").open(encoding="utf-8", newline="") as handle:
        return [row["name"] for row in csv.DictReader(handle)][:count]


def _campaign() -> int:
    """The campaign that asked every supplier for the period, sent before their files arrive,
    so its progress counts them. No SMTP server is configured in the demo: the invitations
    wait in the outbox (the web app's Outbox page), nothing is lost."""
    if _run("campaign", "status", CAMPAIGN) != 0:  # a second `make demo` keeps the first
        due = f"{PERIOD + 1}-05-31"
        if _run("campaign", "create", CAMPAIGN, "--period", str(PERIOD), "--due", due) != 0:
            return 1
    return _run("campaign", "send", CAMPAIGN)


if __name__ == "__main__":
    sys.exit(main())
