"""Old reader vs new reader, same run: every result of ``oretrace check`` must be equal.

    .venv/bin/python benchmarks/reader_equality.py [--baseline REV] [--corpus DIR]
        [--generated N] [--passes 2]

The baseline is the source tree of git revision ``REV`` (default ``main``), exported with
``git archive`` to a temporary folder. Both trees check the same files in a subprocess each
(``PYTHONPATH`` pointing at that tree's ``src``), one after the other, ``--passes`` times
over the whole list, so that the new reader is compared cold (first file of a template in
the process) and warm (its per-process tables filled by earlier files). Files: every file
under ``--corpus`` (recursive; default ``../shared/corpus/cmrt``) and ``--generated``
supplier files made by :mod:`oretrace.synthetic` (template-like helper rows, pasted values,
duplicates, text dates, …).

Compared per file and pass: the whole ``oretrace check --json`` document (findings with
their cells, Checker counts, smelter and product rows, answers) plus every field of every
smelter, product and mine row and every answer as read (cell, raw value, clean value).
Prints the number of files compared, the mismatches (none expected) and the CPU time of
each side. The machine is shared: CPU figures are indicative.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "cmrt"

CHILD = r"""
import json, sys, time
from oretrace.cmrt.check import check_bytes

def rows(table):
    return [
        [row.row, {k: [f.ref, repr(f.raw), f.value] for k, f in row.fields.items()}]
        for row in table
    ]

paths = [line.rstrip("\n") for line in sys.stdin]
passes = int(sys.argv[1])
start = time.process_time()
for number in range(passes):
    for path in paths:
        with open(path, "rb") as handle:
            data = handle.read()
        result = check_bytes(data, path)
        doc = result.as_json()
        declaration = result.declaration
        if declaration is not None:
            doc["read"] = {
                "smelters": rows(declaration.smelters),
                "products": rows(declaration.products),
                "mines": rows(declaration.mines),
                "answers": [
                    [a.question, a.mineral, a.answer.ref, repr(a.answer.raw), a.value,
                     a.comment.ref, repr(a.comment.raw)]
                    for a in declaration.answers
                ],
                "company": {
                    k: [f.ref, repr(f.raw), f.value] for k, f in declaration.company.items()
                },
            }
        print(json.dumps({"pass": number, "path": path, "doc": doc}, default=repr))
print(json.dumps({"cpu": time.process_time() - start}))
"""


def _run(src: Path, files: list[Path], passes: int) -> tuple[dict[tuple[int, str], object], float]:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(passes)],
        input="".join(f"{p}\n" for p in files),
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"the check under {src} failed:\n{proc.stderr[-3000:]}")
    results: dict[tuple[int, str], object] = {}
    cpu = 0.0
    for line in proc.stdout.splitlines():
        item = json.loads(line)
        if "cpu" in item:
            cpu = item["cpu"]
        else:
            results[(item["pass"], item["path"])] = item["doc"]
    return results, cpu


def _generated(folder: Path, count: int) -> list[Path]:
    sys.path.insert(0, str(REPO / "src"))
    from oretrace.synthetic import GroupSpec, generate

    spec = GroupSpec(suppliers=count, parts=200, products=20, seed=7)
    return list(generate(folder, spec).declarations)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", default="main")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--generated", type=int, default=60)
    parser.add_argument("--passes", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "old"
        old.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", args.baseline, "src"],
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
        files = sorted(p for p in args.corpus.rglob("*") if p.is_file() and p.suffix != ".md")
        corpus_count = len(files)
        if args.generated:
            files += _generated(Path(tmp) / "generated", args.generated)
        before, cpu_old = _run(old / "src", files, args.passes)
        after, cpu_new = _run(REPO / "src", files, args.passes)
    mismatched = sorted(
        {path for key, path in before if before[(key, path)] != after.get((key, path))}
    )
    print(
        f"baseline {args.baseline}: {corpus_count} corpus files + "
        f"{len(files) - corpus_count} generated, {args.passes} passes: "
        f"{len(before)} results compared"
    )
    print(f"mismatches: {len(mismatched)}")
    for path in mismatched[:20]:
        print(f"  {path}")
    runs = len(before) or 1
    print(
        f"CPU (whole check, all passes): baseline {cpu_old:.1f} s "
        f"({cpu_old * 1000 / runs:.0f} ms/file), new {cpu_new:.1f} s "
        f"({cpu_new * 1000 / runs:.0f} ms/file)"
    )
    sys.exit(1 if mismatched else 0)


if __name__ == "__main__":
    main()
