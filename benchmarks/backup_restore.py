"""Time and size of ``oretrace backup`` and ``oretrace restore`` on a synthetic registry.

    .venv/bin/python benchmarks/backup_restore.py [--suppliers 4100] [--workers 2] [--keep DIR]

Generates a group (``oretrace.synthetic``), ingests it into a fresh SQLite registry (or the
PostgreSQL database in ORETRACE_DATABASE_URL, which must be empty), then times
``oretrace backup`` and ``oretrace restore`` into a fresh place (for PostgreSQL a second
database, ``<name>_restored``, created here), as real processes. Baseline in the same run:
a plain copy of the data folder (``shutil.copytree``), which is neither consistent under
writes nor checked.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _oretrace(env: dict[str, str], *args: str) -> tuple[float, str]:
    start = time.perf_counter()
    run = subprocess.run(
        ["oretrace", *args],
        env=env,
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        raise SystemExit(f"oretrace {' '.join(args)} failed:\n{run.stderr}")
    return time.perf_counter() - start, run.stdout


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--suppliers", type=int, default=4100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="Work in this folder and keep it.")
    args = parser.parse_args()

    from oretrace.synthetic import GroupSpec, generate

    work = args.keep or Path(tempfile.mkdtemp(prefix="oretrace-backup-"))
    work.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '')}"
    env["ORETRACE_DATA_DIR"] = str(work / "data")
    url = env.get("ORETRACE_DATABASE_URL", "")
    started = time.perf_counter()
    if (work / "group" / "declarations").is_dir():  # --keep DIR of an earlier run
        files = sorted((work / "group" / "declarations").iterdir())
        print(f"reusing {len(files)} generated files")
    else:
        group = generate(work / "group", GroupSpec(suppliers=args.suppliers, group_companies=59))
        files = group.declarations
        print(f"generated {len(files)} files in {time.perf_counter() - started:.1f} s")
    seconds, _ = _oretrace(
        env,
        "ingest",
        str(work / "group" / "declarations"),
        "--period",
        "2025",
        "--workers",
        str(args.workers),
    )
    print(f"ingested in {seconds:.1f} s")

    backup_seconds, out = _oretrace(env, "backup", str(work / "backup"))
    print(out.strip())
    restored = dict(env, ORETRACE_DATA_DIR=str(work / "restored"))
    if url.startswith("postgres"):
        base, name = url.rsplit("/", 1)
        restored["ORETRACE_DATABASE_URL"] = f"{base}/{name}_restored"
        subprocess.run(
            [
                "createdb",
                "-h",
                "127.0.0.1",
                "-p",
                base.rsplit(":", 1)[1],
                "-U",
                "postgres",
                f"{name}_restored",
            ],
            check=True,
        )
    restore_seconds, out = _oretrace(restored, "restore", str(work / "backup"))
    print(out.strip())
    start = time.perf_counter()
    shutil.copytree(work / "data", work / "plain-copy")
    copy_seconds = time.perf_counter() - start
    manifest = json.loads((work / "backup" / "manifest.json").read_text())
    database = work / "backup" / manifest["database"]
    print(
        json.dumps(
            {
                "declarations_files": len(files),
                "stored_files": manifest["stored_files"],
                "audit_entries": manifest["audit_head"]["seq"],
                "backup_mb": round(_size(work / "backup") / 1e6, 1),
                "database_mb": round(database.stat().st_size / 1e6, 1),
                "backup_s": round(backup_seconds, 1),
                "restore_s": round(restore_seconds, 1),
                "baseline_plain_copy_s": round(copy_seconds, 2),
                "backup_vs_copy": round(backup_seconds / copy_seconds, 1) if copy_seconds else None,
            },
            indent=1,
        )
    )
    if not args.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
