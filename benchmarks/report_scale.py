"""Build the report set and the roll-up CMRT of a large synthetic group: time, queries, memory.

    .venv/bin/python benchmarks/report_scale.py [--suppliers 4100] [--keep DIR]
                                                [--baseline-src DIR] [--clone-from DB]

Generates a group (``oretrace.synthetic``), imports its suppliers and ingests every
declaration into a fresh SQLite registry (skipped when ``--keep DIR`` already holds one),
then builds, each in its own process so peak memory is that step's alone:

- ``report``: the snapshot (``report_snapshot``) and every document (``build_report``);
- ``rollup``: the snapshot and our roll-up CMRT in oretrace's own layout.

``--clone-from DB`` prepares faster (generating and ingesting 4,100 files takes most of an
hour on a loaded 2-core machine): it copies a registry made by ``make demo`` and repeats its
suppliers and declarations (with their smelter rows, findings and products, each copy a new
supplier and a new stored file) until ``--suppliers`` declarations exist.

For each it prints wall time (snapshot and documents), the CPU seconds of the process
(start-up included: on a busy machine the steadier figure), the number of SQL queries, and
the peak resident memory of the process. With ``--baseline-src DIR`` (a ``src`` folder of
an older oretrace, e.g. from ``git archive <rev> src | tar -x -C /tmp/base``) the same steps
run on that code against the same database in the same run, and the ratios are printed.
Goal (issue 13): no query per declaration, half the time of the baseline, under 200 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

STEP = r"""
import json, sys, time
from pathlib import Path
from oretrace.cli.database import open_registry
open_registry(migrate=False)
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oretrace.registry.services.snapshot import report_snapshot
step, out = sys.argv[1], Path(sys.argv[2])
start = time.perf_counter()
with CaptureQueriesContext(connection) as queries:
    data = report_snapshot(2025)
    snapshot = time.perf_counter() - start
    if step == "report":
        from oretrace.reporting.build import build_report
        build_report(data, out, "cmr")
    else:
        from oretrace.registry.services.reports import rollup_bytes
        out.mkdir(parents=True, exist_ok=True)
        (out / "ours.xlsx").write_bytes(rollup_bytes(data, None, None))
import oretrace
assert oretrace.__file__.startswith(sys.argv[3]), oretrace.__file__
print(json.dumps({"seconds": time.perf_counter() - start, "snapshot": snapshot,
                  "queries": len(queries), "declarations": data.suppliers_responded}))
"""


def _run_step(step: str, src: Path, out: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    process = subprocess.Popen(
        [sys.executable, "-c", STEP, step, str(out), str(src)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"{step} on {src} failed (status {status})")
    result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    result["peak_mb"] = usage.ru_maxrss / 1024
    result["cpu"] = usage.ru_utime + usage.ru_stime  # start-up and imports included
    return result


def _clone(work: Path, source: Path, declarations: int) -> None:
    import shutil

    (work / "data").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, work / "data" / "oretrace.sqlite3")
    from oretrace.cli.database import open_registry

    open_registry()
    from django.db import transaction

    from oretrace.registry.models import (
        Declaration,
        DeclarationProduct,
        DeclarationSmelter,
        Finding,
        OrganisationProfile,
        StoredFile,
        Supplier,
    )

    OrganisationProfile.objects.all().delete()  # an older tree may not know newer fields
    originals = list(Declaration.objects.exclude(supplier=None).filter(is_current=True))
    rows = _children(DeclarationSmelter, originals)
    findings = _children(Finding, originals)
    products = _children(DeclarationProduct, originals)
    copy = 0
    while Declaration.objects.exclude(supplier=None).filter(is_current=True).count() < declarations:
        copy += 1
        with transaction.atomic():
            for original in originals:
                supplier = Supplier.objects.create(
                    name=f"{original.supplier.name} #{copy}",  # type: ignore[union-attr]
                    normalised_name=f"copy {copy} {original.supplier_id}",
                )
                stored = StoredFile.objects.create(
                    sha256=f"{copy:08x}{original.stored_file.sha256[8:]}",
                    size=original.stored_file.size,
                    original_name=f"copy{copy}-{original.stored_file.original_name}",
                    content=original.stored_file.content.name,
                )
                old = original.pk
                original.pk = None
                original.supplier, original.stored_file, original.supersedes = (
                    supplier,
                    stored,
                    None,
                )
                original.save()
                for model, children in ((DeclarationSmelter, rows), (Finding, findings),
                                        (DeclarationProduct, products)):  # fmt: skip
                    made = []
                    for child in children.get(old, []):
                        child.pk, child.declaration_id = None, original.pk
                        made.append(child)
                    model.objects.bulk_create(made)
                original.pk = old
                original.refresh_from_db()
    print(
        f"cloned the demo registry {copy} times: "
        f"{Declaration.objects.filter(is_current=True).count()} declarations"
    )


def _children(model: type, declarations: list) -> dict[int, list]:  # type: ignore[type-arg]
    found: dict[int, list] = {}  # type: ignore[type-arg]
    for child in model.objects.filter(  # type: ignore[attr-defined]
        declaration_id__in=[d.pk for d in declarations]
    ):
        found.setdefault(child.declaration_id, []).append(child)
    return found


def _prepare(work: Path, suppliers: int) -> None:
    if (work / "data" / "oretrace.sqlite3").exists():
        print(f"using the registry in {work / 'data'}")
        return
    from oretrace.synthetic import GroupSpec, MistakeRates, generate

    started = time.perf_counter()
    spec = GroupSpec(
        suppliers=suppliers,
        group_companies=59,
        parts=20000,
        products=500,
        rates=MistakeRates(non_responder=0.0, resubmitted=0.0),
    )
    generate(work / "group", spec)
    from oretrace.cli.database import open_registry

    open_registry()
    from oretrace.registry.services.ingest import ingest
    from oretrace.registry.services.masterdata import import_master_data

    import_master_data("suppliers", work / "group" / "suppliers.csv", "benchmark")
    summary = ingest([work / "group" / "declarations"], spec.period, "benchmark")
    print(f"prepared {summary.new} declarations in {time.perf_counter() - started:.0f} s ({work})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suppliers", type=int, default=4100)
    parser.add_argument("--keep", type=Path, help="generate into (and reuse) this folder")
    parser.add_argument("--baseline-src", type=Path, help="src folder of the code to compare")
    parser.add_argument("--clone-from", type=Path, help="a `make demo` registry to repeat")
    parser.add_argument("--steps", default="report,rollup", help="report, rollup or both")
    args = parser.parse_args()
    work = (args.keep or Path(tempfile.mkdtemp(prefix="oretrace-report-scale-"))).resolve()
    os.environ["ORETRACE_DATA_DIR"] = str(work / "data")
    os.environ.pop("ORETRACE_DATABASE_URL", None)
    if args.clone_from and not (work / "data" / "oretrace.sqlite3").exists():
        _clone(work, args.clone_from.resolve(), args.suppliers)
    _prepare(work, args.suppliers)
    trees = [("this tree", SRC)]
    if args.baseline_src:
        trees.append(("baseline", args.baseline_src.resolve()))
    results: dict[tuple[str, str], dict[str, float]] = {}
    steps = [s for s in ("report", "rollup") if s in args.steps.split(",")]
    for step in steps:
        for label, src in trees:
            found = _run_step(step, src, work / f"out-{step}-{label.replace(' ', '-')}")
            results[step, label] = found
            print(
                f"{step:6} {label:9}: {found['seconds']:6.1f} s (snapshot "
                f"{found['snapshot']:.1f} s) · CPU {found['cpu']:5.1f} s · "
                f"{int(found['queries']):6d} queries · peak "
                f"{found['peak_mb']:5.0f} MB · {int(found['declarations'])} declarations"
            )
    if args.baseline_src:
        for step in steps:
            new, old = results[step, "this tree"], results[step, "baseline"]
            print(
                f"{step}: {new['seconds'] / old['seconds']:.2f}× the baseline's time "
                f"({new['cpu'] / old['cpu']:.2f}× its CPU), "
                f"{new['peak_mb'] / old['peak_mb']:.2f}× its memory, "
                f"{int(new['queries'])} vs {int(old['queries'])} queries"
            )
    print("(2-core machine shared with other work: times vary with load)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
