"""Server time of every staff page at the reference scale, against ``oretrace status --json``.

    .venv/bin/python benchmarks/web_pages.py [--suppliers 4100] [--periods 5] [--runs 15]
                                             [--cache DIR]

Builds (once; reused from ``--cache``, default ``.bench-cache/web-<suppliers>-<periods>``) a
SQLite registry: a synthetic group (``oretrace.synthetic``: 59 group companies, parts,
products, BOM) whose declarations are ingested into each of ``--periods`` reporting years,
so the reference scale (4,100 suppliers, ~30,000 smelter rows per period, 5 periods) is the
default. Then it requests every staff page with Django's test Client as an administrator
and prints the median and p95 server time per page, and in the same run the time of
``oretrace status --period P --json`` (in-process, the same registry) as the baseline.
Goal: every page under 300 ms at p95.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _build(cache: Path, suppliers: int, periods: int, last_year: int) -> None:
    from oretrace.synthetic import GroupSpec, MistakeRates, generate

    marker = cache / "built"
    if marker.exists():
        print(f"reusing the registry in {cache}")
        return
    started = time.perf_counter()
    spec = GroupSpec(
        suppliers=suppliers,
        group_companies=59,
        parts=min(20000, suppliers * 5),
        products=500,
        rates=MistakeRates(non_responder=0.05, resubmitted=0.0),
    )
    generate(cache / "group", spec)
    print(f"generated {suppliers} suppliers in {time.perf_counter() - started:.0f} s")

    from oretrace.cli.database import open_registry

    open_registry()
    from oretrace.registry.services.ingest import ingest
    from oretrace.registry.services.masterdata import import_master_data

    for kind in ("suppliers", "parts", "products", "bom"):
        import_master_data(kind, cache / "group" / f"{kind}.csv", "benchmark")
    for year in range(last_year - periods + 1, last_year + 1):
        start = time.perf_counter()
        summary = ingest([cache / "group" / "declarations"], year, "benchmark")
        print(
            f"period {year}: {summary.new} declarations, {summary.smelter_rows} smelter rows "
            f"in {time.perf_counter() - start:.0f} s"
        )
    marker.write_text("ok\n")


def _timed(call: object, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suppliers", type=int, default=4100)
    parser.add_argument("--periods", type=int, default=5)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--year", type=int, default=2025, help="the newest period")
    parser.add_argument("--cache", type=Path)
    args = parser.parse_args()
    cache = (args.cache or ROOT / ".bench-cache" / f"web-{args.suppliers}-{args.periods}").resolve()
    cache.mkdir(parents=True, exist_ok=True)
    os.environ["ORETRACE_DATA_DIR"] = str(cache / "data")
    os.environ["ORETRACE_REFERENCE_DIR"] = str(cache / "reference")
    os.environ["ORETRACE_ALLOWED_HOSTS"] = "testserver,localhost"
    os.environ.pop("ORETRACE_DATABASE_URL", None)
    _build(cache, args.suppliers, args.periods, args.year)

    from oretrace.cli.database import open_registry

    open_registry()
    from click.testing import CliRunner
    from django.db.models import Count
    from django.test import Client

    from oretrace.cli import main as cli
    from oretrace.registry.models import (
        Declaration,
        DeclarationSmelter,
        Job,
        Product,
        ReferenceSmelter,
    )
    from oretrace.registry.services.jobs import run
    from oretrace.registry.services.people import add_staff_user
    from oretrace.registry.services.uploads import UploadedFile, receive_upload

    add_staff_user("bench-admin", "admin", (), "bench-password-1234", "benchmark")
    client = Client()
    assert client.login(username="bench-admin", password="bench-password-1234")
    year = args.year
    declaration = Declaration.objects.filter(period__year=year, supplier__isnull=False).first()
    assert declaration is not None and declaration.supplier_id is not None
    smelter = ReferenceSmelter.objects.annotate(n=Count("reported_rows")).order_by("-n").first()
    product = Product.objects.order_by("number").first()
    row = DeclarationSmelter.objects.filter(declaration__period__year=year).first()
    job = Job.objects.filter(kind="ingest", status="done").first()
    if job is None:
        sample = next((cache / "group" / "declarations").iterdir())
        job = receive_upload([UploadedFile(sample.name, [sample.read_bytes()])], year, "bench")
        run(job.pk, "benchmark")
    pages = {
        "dashboard": f"/dashboard/?period={year}",
        "suppliers": f"/suppliers/?period={year}",
        "suppliers (filtered)": f"/suppliers/?period={year}&response=responded&sort=risk",
        "supplier": f"/suppliers/{declaration.supplier_id}/?period={year}",
        "declarations": f"/declarations/?period={year}",
        "declaration": f"/declarations/{declaration.pk}/",
        "audit log": "/audit/",
        "review queue": f"/review/?period={year}",
        "review row": f"/review/{row.pk}/" if row else "",
        "smelters": f"/smelters/?period={year}",
        "smelter": f"/smelters/{smelter.pk}/?period={year}" if smelter else "",
        "products": f"/products/?period={year}",
        "product": f"/products/{product.pk}/?period={year}" if product else "",
        "upload": "/upload/",
        "job": f"/jobs/{job.pk}/",
        "reports": "/reports/",
    }
    smelter_rows = DeclarationSmelter.objects.filter(declaration__period__year=year).count()
    print(
        f"registry: {Declaration.objects.count()} declarations over {args.periods} period(s), "
        f"{smelter_rows} smelter rows in {year}"
    )

    def status() -> None:
        result = CliRunner().invoke(cli, ["status", "--period", str(year), "--json"])
        assert result.exit_code == 0, result.output

    status()
    base_median, base_p95 = _timed(status, args.runs)
    print(f"{'page':24} {'median ms':>10} {'p95 ms':>10} {'p95/status':>11}")
    print(f"{'oretrace status --json':24} {base_median:10.0f} {base_p95:10.0f} {'1.00':>11}")
    slow = []
    for name, url in pages.items():
        if not url:
            print(f"{name:24} (no such object at this scale)")
            continue

        def get(url: str = url, name: str = name) -> None:
            response = client.get(url)
            assert response.status_code == 200, (name, response.status_code)

        get()  # warm: first request per page compiles templates
        median, p95 = _timed(get, args.runs)
        print(f"{name:24} {median:10.0f} {p95:10.0f} {p95 / base_p95:11.2f}")
        if p95 >= 300:
            slow.append(name)
    print(
        f"goal (every page < 300 ms at p95): {'met' if not slow else 'NOT met: ' + ', '.join(slow)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
