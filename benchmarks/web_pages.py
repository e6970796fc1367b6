"""Server time per staff page on an existing registry, against ``oretrace status``'s work.

    .venv/bin/python benchmarks/web_pages.py --data demo-out/data [--period 2025] [--runs 15]
    .venv/bin/python benchmarks/web_pages.py --reference-scale [.bench/reference]

Point ``--data`` at a registry folder (``make demo`` leaves one with 300 suppliers), or
use ``--reference-scale [DIR]``: the reference group of issue #8 (4,100 suppliers, five
periods, ~30,000 smelter rows per period), built once into DIR by
``benchmarks/reference_registry.py`` and reused on later runs (``make bench-web-reference``).

Signs in an administrator and an officer of the first group company through Django's test
client (two accounts added for the run and deleted after; their creation stays in the audit
log) (server time only: no network, no browser), requests each page (``--pages a,b``: only
those) ``--runs`` times and prints median and p95 wall milliseconds, median CPU milliseconds
(this process's CPU time: on a loaded machine wall time includes waiting for a core), the
time of the first request after the registry's data changed (nothing remembered: the period
assessment is computed again), the queries per request, and the ratio of the median to the
baseline measured in the same run: ``oretrace status --period P --json`` as a process, and
``period_status`` computed afresh (the assessment every figure comes from). Goal (issue #8):
every page under 300 ms at p95.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


#: Pages an officer may not open (their permission is the audit log's, review's or admin's).
WHOLE_GROUP_ONLY = {"audit log", "review queue", "review row", "reports"}


def _task_pages(
    year: int, rows: Any, smelters: Any, products: Any, jobs: Any, count: Any, supplier: Any
) -> list[tuple[str, str]]:
    """Upload, job, review, smelters, products and reports pages, on objects of this registry."""
    row = rows.objects.filter(declaration__period__year=year, decision="review").first()
    smelter = smelters.objects.annotate(n=count("reported_rows")).order_by("-n").first()
    product = products.objects.filter(bom__part__sources__supplier=supplier).first()
    product = product or products.objects.order_by("number").first()
    job = jobs.objects.filter(kind="ingest").order_by("-pk").first()
    return [
        ("review queue", f"/review/?period={year}"),
        ("review row", f"/review/{row.pk}/" if row else ""),
        ("smelters", f"/smelters/?period={year}"),
        ("smelter", f"/smelters/{smelter.pk}/?period={year}" if smelter else ""),
        ("products", f"/products/?period={year}"),
        ("product", f"/products/{product.pk}/?period={year}" if product else ""),
        ("upload", "/upload/"),
        ("job", f"/jobs/{job.pk}/" if job else ""),
        ("reports", "/reports/"),
    ]


def _status_command(data: Path, year: int) -> float:
    """Wall seconds of ``oretrace status --period P --json`` as its own process."""
    env = {**os.environ, "ORETRACE_DATA_DIR": str(data)}
    command = [str(Path(sys.executable).with_name("oretrace")), "status"]
    start = time.perf_counter()
    subprocess.run(  # noqa: S603 - our own command
        [*command, "--period", str(year), "--json"], env=env, check=True, capture_output=True
    )
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--data", type=Path, help="ORETRACE_DATA_DIR to read")
    source.add_argument(
        "--reference-scale",
        type=Path,
        nargs="?",
        const=Path(".bench/reference"),
        metavar="DIR",
        help="build (once) and use the 4,100-supplier reference registry in DIR",
    )
    parser.add_argument(
        "--database-url",
        help="with --data: the registry's database (PostgreSQL; benchmarks/reference_postgres.py)",
    )
    parser.add_argument("--period", type=int, default=None)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--pages",
        default="",
        help="only these pages, comma-separated (e.g. 'smelters,smelter,dashboard')",
    )
    args = parser.parse_args()
    if args.reference_scale is not None:
        from reference_registry import build

        data = build(args.reference_scale)
    else:
        data = args.data.resolve()
        os.environ["ORETRACE_DATA_DIR"] = str(data)
        os.environ.pop("ORETRACE_DATABASE_URL", None)
        if args.database_url:  # the registry's database elsewhere, its files in --data
            os.environ["ORETRACE_DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oretrace.settings")
    from oretrace.cli.database import open_registry

    open_registry()  # migrates an older registry (the cache table, the triggers)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from oretrace.registry.models import (
        Declaration,
        DeclarationSmelter,
        GroupCompany,
        Job,
        Product,
        ReferenceSmelter,
        Supplier,
    )
    from oretrace.registry.services.assessment_cache import forget
    from oretrace.registry.services.people import add_staff_user
    from oretrace.registry.services.periods import default_year
    from oretrace.registry.services.status import period_status
    from oretrace.registry.services.warming import warm_periods

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    year = args.period or default_year()
    company = GroupCompany.objects.order_by("name").first()
    if company is None:
        print("no group companies in this registry", file=sys.stderr)
        return 1
    get_user_model().objects.filter(username__in=["bench-admin", "bench-officer"]).delete()
    add_staff_user("bench-admin", "admin", [], "bench-pw", "benchmark")
    add_staff_user("bench-officer", "officer", [company.code or company.name], "bench-pw", "bench")
    # a supplier and a declaration of the officer's group company, so both people see them
    supplier = (
        Supplier.objects.filter(
            declarations__period__year=year, relationships__group_company=company
        )
        .order_by("pk")
        .first()
    )
    declaration = Declaration.objects.filter(period__year=year, is_current=True, supplier=supplier)
    declaration = declaration.order_by("pk").first()
    pages = [
        ("dashboard", f"/dashboard/?period={year}"),
        ("suppliers", f"/suppliers/?period={year}"),
        ("suppliers high risk", f"/suppliers/?period={year}&risk=high"),
        ("suppliers CSV", f"/suppliers/export.csv?period={year}"),
        ("declarations", f"/declarations/?period={year}"),
        ("supplier", f"/suppliers/{supplier.pk}/?period={year}" if supplier else ""),
        ("declaration", f"/declarations/{declaration.pk}/" if declaration else ""),
        ("audit log", "/audit/"),
        *_task_pages(year, DeclarationSmelter, ReferenceSmelter, Product, Job, Count, supplier),
    ]
    if args.pages:
        wanted = {name.strip() for name in args.pages.split(",")}
        pages = [(name, url) for name, url in pages if name in wanted]
    fresh = []
    for _ in range(3):
        forget()
        start = time.perf_counter()
        period_status(year)
        fresh.append(time.perf_counter() - start)
    forget()
    start, used = time.perf_counter(), time.process_time()
    scopes = warm_periods([year])  # what a write leaves behind: every page reads it back
    warm = (time.perf_counter() - start, time.process_time() - used)
    command = statistics.median(_status_command(data, year) for _ in range(3))
    base = statistics.median(fresh)
    rows = DeclarationSmelter.objects.filter(declaration__period__year=year).count()
    print(
        f"registry {data}: {Supplier.objects.count():,} suppliers, "
        f"{Declaration.objects.count():,} declarations, {rows:,} smelter rows in {year}; "
        f"{connection.vendor}; {args.runs} runs; load average {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} cores"
    )
    print(f"baseline `oretrace status --period {year} --json` (a process): {command * 1000:.0f} ms")
    print(f"baseline period_status computed afresh: median {base * 1000:.0f} ms")
    print(
        f"warming after a write ({scopes} scopes: the whole group and each officer's): "
        f"{warm[0] * 1000:.0f} ms, CPU {warm[1] * 1000:.0f} ms\n"
    )
    print(
        f"{'page':<22}{'who':<9}{'median ms':>10}{'p95 ms':>8}{'cpu ms':>8}{'first ms':>10}"
        f"{'queries':>9}{'× status':>10}"
    )
    for who in ("admin", "officer"):
        client = Client()
        assert client.login(username=f"bench-{who}", password="bench-pw")
        for name, url in pages:
            if not url or (who == "officer" and name in WHOLE_GROUP_ONLY):
                continue
            forget()  # the first request after a change to the data computes afresh
            start = time.perf_counter()
            response = client.get(url)
            first = time.perf_counter() - start
            times, cpu = [], []
            for _ in range(args.runs):
                with CaptureQueriesContext(connection) as queries:
                    start, used = time.perf_counter(), time.process_time()
                    response = client.get(url)
                    times.append(time.perf_counter() - start)
                    cpu.append(time.process_time() - used)
                if response.status_code not in (200, 404):
                    print(f"{name}: HTTP {response.status_code}", file=sys.stderr)
                    return 1
            median = statistics.median(times)
            print(
                f"{name:<22}{who:<9}{median * 1000:>10.0f}{_p95(times) * 1000:>8.0f}"
                f"{statistics.median(cpu) * 1000:>8.0f}{first * 1000:>10.0f}"
                f"{len(queries):>9}{median / command:>10.2f}"
            )
    get_user_model().objects.filter(username__in=["bench-admin", "bench-officer"]).delete()
    return 0


if __name__ == "__main__":
    sys.exit(main())
