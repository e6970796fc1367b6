"""Server time per staff page on an existing registry, against ``oretrace status``'s work.

    .venv/bin/python benchmarks/web_pages.py --data demo-out/data [--period 2025] [--runs 15]

Point ``--data`` at a registry folder (``make demo`` leaves one with 300 suppliers;
``benchmarks/ingest_scale.py --keep DIR`` builds the 4,100-supplier reference group in
``DIR/data``). Signs in an administrator and an officer of the first group company through
Django's test client (two accounts added for the run and deleted after; their creation
stays in the audit log) (server time only: no network, no browser), requests each page
``--runs`` times and prints median and p95 milliseconds, the queries per request, and the
ratio to the baseline measured in the same run: ``period_status`` for the same period, the
function behind ``oretrace status --json``. Goal (issue #8): every page under 300 ms at p95.
"""

from __future__ import annotations

import argparse
import os
import statistics
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
    year: int, rows: Any, smelters: Any, products: Any, jobs: Any, count: Any
) -> list[tuple[str, str]]:
    """Upload, job, review, smelters, products and reports pages, on objects of this registry."""
    row = rows.objects.filter(declaration__period__year=year, decision="review").first()
    smelter = smelters.objects.annotate(n=count("reported_rows")).order_by("-n").first()
    product = products.objects.order_by("number").first()
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="ORETRACE_DATA_DIR to read")
    parser.add_argument("--period", type=int, default=None)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    os.environ["ORETRACE_DATA_DIR"] = str(args.data.resolve())
    os.environ.pop("ORETRACE_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oretrace.settings")
    import django

    django.setup()
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
    from oretrace.registry.services.people import add_staff_user
    from oretrace.registry.services.periods import default_year
    from oretrace.registry.services.status import period_status

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    year = args.period or default_year()
    company = GroupCompany.objects.order_by("name").first()
    if company is None:
        print("no group companies in this registry", file=sys.stderr)
        return 1
    add_staff_user("bench-admin", "admin", [], "bench-pw", "benchmark")
    add_staff_user("bench-officer", "officer", [company.code or company.name], "bench-pw", "bench")
    supplier = Supplier.objects.filter(declarations__period__year=year).order_by("pk").first()
    declaration = Declaration.objects.filter(period__year=year, is_current=True).order_by("pk")
    declaration = declaration.exclude(supplier=None).first()
    pages = [
        ("dashboard", f"/dashboard/?period={year}"),
        ("suppliers", f"/suppliers/?period={year}"),
        ("suppliers high risk", f"/suppliers/?period={year}&risk=high"),
        ("suppliers CSV", f"/suppliers/export.csv?period={year}"),
        ("declarations", f"/declarations/?period={year}"),
        ("supplier", f"/suppliers/{supplier.pk}/?period={year}" if supplier else ""),
        ("declaration", f"/declarations/{declaration.pk}/" if declaration else ""),
        ("audit log", "/audit/"),
        *_task_pages(year, DeclarationSmelter, ReferenceSmelter, Product, Job, Count),
    ]
    baseline = []
    for _ in range(max(3, args.runs // 3)):
        start = time.perf_counter()
        period_status(year)
        baseline.append(time.perf_counter() - start)
    base = statistics.median(baseline)
    print(
        f"registry {args.data}: {Supplier.objects.count():,} suppliers, "
        f"{Declaration.objects.count():,} declarations; period {year}; {args.runs} runs"
    )
    print(f"baseline period_status ({'oretrace status --json'}): median {base * 1000:.0f} ms\n")
    print(f"{'page':<22}{'who':<9}{'median ms':>10}{'p95 ms':>9}{'queries':>9}{'× status':>10}")
    for who in ("admin", "officer"):
        client = Client()
        assert client.login(username=f"bench-{who}", password="bench-pw")
        for name, url in pages:
            if not url or (who == "officer" and name in WHOLE_GROUP_ONLY):
                continue
            times = []
            for _ in range(args.runs):
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    response = client.get(url)
                    times.append(time.perf_counter() - start)
                if response.status_code not in (200, 404):
                    print(f"{name}: HTTP {response.status_code}", file=sys.stderr)
                    return 1
            median = statistics.median(times)
            print(
                f"{name:<22}{who:<9}{median * 1000:>10.0f}{_p95(times) * 1000:>9.0f}"
                f"{len(queries):>9}{median / base:>10.2f}"
            )
    get_user_model().objects.filter(username__in=["bench-admin", "bench-officer"]).delete()
    return 0


if __name__ == "__main__":
    sys.exit(main())
