"""Build (once) the reference-scale registry the page benchmark runs on.

    .venv/bin/python benchmarks/reference_registry.py DIR [--suppliers 4100] [--workers 2]

The reference group of issue #8: 4,100 suppliers of 59 group companies, 20,000 parts, 500
products with their BOM, and five reporting periods. The newest period (2025) is real
ingest: ``oretrace.synthetic`` writes one CMRT per responding supplier (with the mistakes
real suppliers make) and ``oretrace ingest`` reads, checks and identifies every file, so its
declarations, findings and smelter rows are exactly what ingest stores. The four earlier
periods (2021-2024) are copies of those rows made in SQL (``INSERT … SELECT``, same columns,
dated a year earlier each, a growing share of suppliers left out as non-responders) —
ingesting 20,500 files would take an hour on two cores and add nothing to a page benchmark.

The folder is built once: ``DIR/data`` is the registry (``ORETRACE_DATA_DIR``),
``DIR/group`` the generated files, and ``DIR/data/reference-scale-*.json`` marks a finished
build with its counts; a later run reuses it. Delete DIR to build again. With
``ORETRACE_DATABASE_URL`` set (PostgreSQL) the registry is built into that database, which
must be empty.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

NEWEST = 2025
EARLIER = (2024, 2023, 2022, 2021)


def _marker() -> str:
    """The file that marks a finished build, per database (SQLite, or the PostgreSQL one
    ``ORETRACE_DATABASE_URL`` names: build that one into an empty database)."""
    url = os.environ.get("ORETRACE_DATABASE_URL", "")
    tag = hashlib.sha256(url.encode()).hexdigest()[:8] if url else "sqlite"
    return f"reference-scale-{tag}.json"


def _cli(*args: str) -> None:
    """One ``oretrace`` command, as a user runs it; stop on failure."""
    from oretrace.cli import main as cli

    print(f"$ oretrace {' '.join(args)}", flush=True)
    try:
        cli.main(list(args), prog_name="oretrace", standalone_mode=False)
    except SystemExit as done:
        if done.code:
            raise RuntimeError(f"oretrace {args[0]} failed ({done.code})") from None


def _left_out(supplier_id: int, year: int) -> bool:
    """Deterministically drop 3 % more suppliers per year back (older inquiries reached fewer)."""
    digest = hashlib.sha256(f"{supplier_id}:{year}".encode()).digest()
    return digest[0] * 100 < (NEWEST - year) * 3 * 256


def _copy_period(source: int, year: int, offset: int) -> None:
    """Copy period ``source``'s declarations (and their rows) into ``year``, ids + ``offset``."""
    from django.db import connection

    from oretrace.registry.models import (
        Declaration,
        DeclarationProduct,
        DeclarationSmelter,
        Finding,
        ReportingPeriod,
    )

    target = ReportingPeriod.for_year(year)
    back = NEWEST - year
    kept = [
        pk
        for pk, supplier_id in Declaration.objects.filter(period_id=source).values_list(
            "pk", "supplier_id"
        )
        if supplier_id is None or not _left_out(supplier_id, year)
    ]
    shifted = (
        f"datetime(ingested_at, '-{back} years')"
        if connection.vendor == "sqlite"
        else f"ingested_at - interval '{back} years'"
    )
    quote = connection.ops.quote_name
    special = {
        "id": f"id + {offset}",
        "period_id": str(target.pk),
        "supersedes_id": f"supersedes_id + {offset}",
        "ingested_at": shifted,
    }
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE kept_declaration (id bigint PRIMARY KEY)")
        for start in range(0, len(kept), 5000):
            chunk = kept[start : start + 5000]
            cursor.execute(
                "INSERT INTO kept_declaration (id) VALUES " + ",".join(["(%s)"] * len(chunk)),
                chunk,
            )
        for model, key in (
            (Declaration, "id"),
            (Finding, "declaration_id"),
            (DeclarationProduct, "declaration_id"),
            (DeclarationSmelter, "declaration_id"),
        ):
            columns = [f.column for f in model._meta.concrete_fields]
            values = {
                **{c: quote(c) for c in columns},
                **(
                    {} if model is Declaration else {"declaration_id": f"declaration_id + {offset}"}
                ),
                **(special if model is Declaration else {"id": f"id + {offset}"}),
            }
            table = model._meta.db_table
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
                f"SELECT {', '.join(values[c] for c in columns)} FROM {table} "
                f"WHERE {key} IN (SELECT id FROM kept_declaration)"
            )
        cursor.execute("DROP TABLE kept_declaration")
    if connection.vendor == "postgresql":
        from django.core.management.color import no_style

        models = [Declaration, Finding, DeclarationProduct, DeclarationSmelter]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)


def _counts() -> dict[str, Any]:
    from django.db.models import Count

    from oretrace.registry.models import (
        Declaration,
        DeclarationSmelter,
        Part,
        Product,
        Supplier,
    )

    per_period = dict(
        DeclarationSmelter.objects.filter(declaration__is_current=True)
        .values_list("declaration__period__year")
        .annotate(n=Count("id"))
        .values_list("declaration__period__year", "n")
    )
    return {
        "suppliers": Supplier.objects.count(),
        "parts": Part.objects.count(),
        "products": Product.objects.count(),
        "declarations": Declaration.objects.count(),
        "smelter_rows_current_by_period": {str(k): v for k, v in sorted(per_period.items())},
    }


def build(folder: Path, suppliers: int = 4100, workers: int = 2) -> Path:
    """The registry folder (``ORETRACE_DATA_DIR``) of the reference group, built if missing."""
    folder = folder.resolve()
    data = folder / "data"
    os.environ["ORETRACE_DATA_DIR"] = str(data)
    os.environ.pop("ORETRACE_REFERENCE_DIR", None)
    marker = data / _marker()
    if marker.exists():
        return data
    from oretrace.synthetic import FACILITY_LIST, GroupSpec, generate

    started = time.perf_counter()
    group = folder / "group"
    spec = GroupSpec(suppliers=suppliers, group_companies=59, parts=20000, products=500)
    if not (group / "declarations").is_dir():
        files = generate(group, spec).declarations
        print(f"generated {len(files)} declaration files in {time.perf_counter() - started:.0f} s")
    if not os.environ.get("ORETRACE_DATABASE_URL"):
        shutil.rmtree(data, ignore_errors=True)  # a half-built SQLite registry: start again
    _cli("smelters", "import", str(group / FACILITY_LIST), "--as-of", f"{NEWEST}-12-01")
    for kind in ("suppliers", "parts", "products", "bom"):
        _cli("import", kind, str(group / f"{kind}.csv"))
    _cli("ingest", str(group / "declarations"), "--period", str(NEWEST), "--workers", str(workers))
    from django.db import transaction
    from django.db.models import Max

    from oretrace.registry.models import (
        Declaration,
        DeclarationProduct,
        DeclarationSmelter,
        Finding,
        ReportingPeriod,
    )

    source = ReportingPeriod.for_year(NEWEST).pk
    for year in EARLIER:
        step = max(
            model.objects.aggregate(n=Max("id"))["n"] or 0
            for model in (Declaration, DeclarationProduct, DeclarationSmelter, Finding)
        )
        with transaction.atomic():
            _copy_period(source, year, offset=step + 1)
        print(f"copied period {NEWEST} into {year}", flush=True)
    counts = _counts() | {"build_seconds": round(time.perf_counter() - started)}
    marker.write_text(json.dumps(counts, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(counts, indent=2))
    return data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--suppliers", type=int, default=4100)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    build(args.folder, args.suppliers, args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
