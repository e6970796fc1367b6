"""The first request after a write: the period assessment computed afresh, old code against new.

    .venv/bin/python benchmarks/cold_assessment.py [--data .bench/reference/data] [--period 2025]
                                                   [--baseline-src DIR] [--rounds 2]

Every page that shows assessment figures reads them back per data version (ADR 0018); the
first request after any write computes them again. This prints, per step, the wall and CPU
milliseconds of that computation, each step in its own fresh process (nothing remembered,
nothing imported beforehand), on the registry in ``--data`` (default: the reference
registry ``make bench-web-reference`` builds):

- ``period_status`` for the whole group and for an officer's scope (the dashboard);
- ``scoped_assessment`` for both (the supplier list, its download, the product pages);
- ``year_over_year`` for the whole group (``oretrace changes``), and the supplier page's
  changes for one supplier;
- the first request of the dashboard, supplier list, supplier page and product list, as an
  administrator and as an officer of the first group company (Django's test client, server
  time only).

With ``--baseline-src DIR`` (a ``src`` folder of an older oretrace, e.g. from
``git archive <rev> src | tar -x -C /tmp/base``) every step also runs on that code against
the same database, rounds alternating old and new, and the ratios new/old are printed. The
results must be equal: the ``period_status`` JSON, the report snapshot's fingerprint, the
assessments and the year-over-year changes are hashed in both and compared; the script
exits 1 when one differs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

STEP = r"""
import hashlib, json, os, sys, time
step, year, src = sys.argv[1], int(sys.argv[2]), sys.argv[3]
from oretrace.cli.database import open_registry
open_registry(migrate=False)
import oretrace
assert oretrace.__file__.startswith(src), oretrace.__file__
from django.conf import settings
from django.contrib.auth import get_user_model
from oretrace.registry.models import GroupCompany, ReportingPeriod, Supplier
from oretrace.registry.services.assessment_cache import forget
from oretrace.registry.services.scope import StaffScope

company = GroupCompany.objects.order_by("name").first()
officer = StaffScope("bench-cold-officer", "officer", frozenset({company.pk}))
supplier = (
    Supplier.objects.filter(declarations__period__year=year, relationships__group_company=company)
    .order_by("pk").first()
)

def digest(value):
    return hashlib.sha256(value.encode()).hexdigest()[:16]

def status(scope):
    from oretrace.registry.services.status import period_status
    return digest(json.dumps(period_status(year, scope).as_json(), sort_keys=True))

def snapshot():
    from oretrace.registry.services.snapshot import report_snapshot
    return report_snapshot(year).fingerprint()[:16]

def assessment(scope):
    from oretrace.registry.services.standing import scoped_assessment
    return digest(repr(scoped_assessment(ReportingPeriod.for_year(year), scope)))

def changes(one):
    from oretrace.registry.services.changes import year_over_year
    if not one:
        return digest(repr(year_over_year(year)))
    try:
        found = year_over_year(year, supplier_ids={supplier.pk})
    except TypeError:  # older code: the whole group, filtered
        found = year_over_year(year)
    return digest(repr([c for c in found if c.supplier_id == str(supplier.pk)]))

PAGES = {"dashboard": f"/dashboard/?period={year}", "suppliers": f"/suppliers/?period={year}",
         "supplier": f"/suppliers/{supplier.pk}/?period={year}",
         "products": f"/products/?period={year}"}

def page(who, name):
    from django.test import Client
    from django.test.utils import setup_test_environment
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    client.force_login(get_user_model().objects.get(username=f"bench-cold-{who}"))
    client.get("/upload/")  # imports and templates loaded, as in a running server
    forget()
    start, used = time.perf_counter(), time.process_time()
    response = client.get(PAGES[name])
    assert response.status_code == 200, response.status_code
    return start, used, str(response.status_code)

JOBS = {
    "status admin": lambda: status(None),
    "status officer": lambda: status(officer),
    "snapshot": snapshot,
    "assessment admin": lambda: assessment(None),
    "assessment officer": lambda: assessment(officer),
    "changes": lambda: changes(False),
    "changes one supplier": lambda: changes(True),
}
if step.startswith("page "):
    _, who, name = step.split()
    start, used, result = page(who, name)
else:
    forget()
    start, used = time.perf_counter(), time.process_time()
    result = JOBS[step]()
print(json.dumps({"wall": time.perf_counter() - start, "cpu": time.process_time() - used,
                  "result": result}))
"""

STEPS = [
    "status admin",
    "status officer",
    "snapshot",
    "assessment admin",
    "assessment officer",
    "changes",
    "changes one supplier",
    *(f"page {who} {name}" for who in ("admin", "officer")
      for name in ("dashboard", "suppliers", "supplier", "products")),
]  # fmt: skip


def _run(step: str, year: int, src: Path) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run(
        [sys.executable, "-c", STEP, step, str(year), str(src)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{step} on {src} failed:\n{done.stderr[-3000:]}")
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _people() -> None:
    """The two accounts the page steps sign in as (kept for later runs)."""
    from django.contrib.auth import get_user_model

    from oretrace.registry.models import GroupCompany
    from oretrace.registry.services.people import add_staff_user

    company = GroupCompany.objects.order_by("name").first()
    if company is None:
        raise SystemExit("no group companies in this registry")
    users = get_user_model().objects
    if not users.filter(username="bench-cold-admin").exists():
        add_staff_user("bench-cold-admin", "admin", [], "bench-pw", "benchmark")
    if not users.filter(username="bench-cold-officer").exists():
        code = company.code or company.name
        add_staff_user("bench-cold-officer", "officer", [code], "bench-pw", "benchmark")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(".bench/reference/data"))
    parser.add_argument("--period", type=int, default=2025)
    parser.add_argument("--baseline-src", type=Path, default=None)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--only", action="append", default=None, help="run only these steps")
    args = parser.parse_args()
    if not (args.data / "oretrace.sqlite3").exists() and "ORETRACE_DATABASE_URL" not in os.environ:
        print(f"no registry in {args.data} (make bench-web-reference builds one)", file=sys.stderr)
        return 1
    os.environ["ORETRACE_DATA_DIR"] = str(args.data.resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oretrace.settings")
    from oretrace.cli.database import open_registry

    open_registry()
    _people()
    trees = {"new": SRC}
    if args.baseline_src is not None:
        trees["old"] = args.baseline_src.resolve()
    steps = [s for s in STEPS if args.only is None or s in args.only]
    load = [os.getloadavg()[0]]
    print(f"registry {args.data}, period {args.period}, {args.rounds} round(s), "
          f"{os.cpu_count()} cores; each step a fresh process")  # fmt: skip
    header = f"{'step':<28}{'new wall':>10}{'new cpu':>9}"
    if "old" in trees:
        header += f"{'old wall':>10}{'old cpu':>9}{'cpu ×':>7}  same"
    print(header + "   (milliseconds, medians)")
    differ = False
    for step in steps:
        runs: dict[str, list[dict[str, object]]] = {name: [] for name in trees}
        for _ in range(args.rounds):
            for name in sorted(trees, reverse=True):  # old first, then new, each round
                runs[name].append(_run(step, args.period, trees[name]))
                load.append(os.getloadavg()[0])

        def median(name: str, key: str, runs: dict[str, list[dict[str, object]]] = runs) -> float:
            return statistics.median(float(str(r[key])) for r in runs[name]) * 1000

        line = f"{step:<28}{median('new', 'wall'):>10.0f}{median('new', 'cpu'):>9.0f}"
        if "old" in trees:
            results = {str(r["result"]) for name in trees for r in runs[name]}
            same = len(results) == 1
            differ |= not same
            ratio = median("new", "cpu") / median("old", "cpu")
            line += f"{median('old', 'wall'):>10.0f}{median('old', 'cpu'):>9.0f}{ratio:>7.2f}"
            line += "  yes" if same else f"  NO {sorted(results)}"
        print(line, flush=True)
    print(f"load average during the run: {min(load):.1f}–{max(load):.1f}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
