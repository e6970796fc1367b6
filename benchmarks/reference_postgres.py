"""The reference registry in PostgreSQL, copied from its SQLite build, and the page benchmark on it.

    ORETRACE_PG_PORT=55441 scripts/with-postgres.sh \\
        .venv/bin/python benchmarks/reference_postgres.py [DIR] [--runs 15] [--pages a,b]

Building the reference registry straight into PostgreSQL (``ORETRACE_DATABASE_URL=…
benchmarks/reference_registry.py DIR``) ingests 3,565 files again (~25 minutes on two
cores). This copies the finished SQLite build instead: it creates the database
``ORETRACE_DATABASE_URL`` names when missing, migrates it (tables, data-version and audit
triggers), empties what the migrations filled (content types, permissions), copies every
table row for row with ``COPY`` (triggers and foreign-key checks off for the session,
``session_replication_role = replica``, so the audit chain and the data version are copied,
not re-written), moves the id sequences past the copied ids, then runs
``benchmarks/web_pages.py`` on it. The stored files stay in ``DIR/data/files``.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

#: Never copied: PostgreSQL's own migration history stays; remembered figures are recomputed.
SKIPPED = {"django_migrations", "registry_assessmentcache"}


def _create_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as admin:
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if found is None:
            admin.execute(f'CREATE DATABASE "{name}"')


def _copy(source: Path, url: str) -> int:
    """Copy every table of the SQLite file into the migrated PostgreSQL database; rows."""
    import psycopg

    lite = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    tables = [
        row[0]
        for row in lite.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        if row[0] not in SKIPPED
    ]
    copied = 0
    with psycopg.connect(url) as pg:
        pg.execute("SET session_replication_role = replica")
        pg.execute("SET TIME ZONE 'UTC'")
        present = {
            row[0]
            for row in pg.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            )
        }
        tables = [table for table in tables if table in present]
        pg.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")
        for table in tables:
            pg_columns = {
                row[0]
                for row in pg.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = %s",
                    [table],
                )
            }
            columns = [
                row[1]
                for row in lite.execute(f'PRAGMA table_info("{table}")')
                if row[1] in pg_columns
            ]
            names = ", ".join(f'"{c}"' for c in columns)
            with pg.cursor().copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                for row in lite.execute(f'SELECT {names} FROM "{table}"'):
                    copy.write_row(row)
                    copied += 1
            sequence = None
            if "id" in columns:
                found = pg.execute("SELECT pg_get_serial_sequence(%s, 'id')", [f'"{table}"'])
                sequence = found.fetchone()
            if sequence and sequence[0]:  # an integer id the database hands out
                pg.execute(
                    f'SELECT setval(%s, COALESCE((SELECT max(id) FROM "{table}"), 0) + 1, false)',
                    [sequence[0]],
                )
        pg.commit()
    return copied


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, nargs="?", default=Path(".bench/reference"))
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--pages", default="")
    args = parser.parse_args()
    url = os.environ.get("ORETRACE_DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("set ORETRACE_DATABASE_URL to a PostgreSQL database", file=sys.stderr)
        return 2
    data = (args.folder / "data").resolve()
    source = data / "oretrace.sqlite3"
    if not source.exists():
        print(f"no reference registry in {args.folder}: build it first", file=sys.stderr)
        return 2
    _create_database(url)
    env = {**os.environ, "ORETRACE_DATA_DIR": str(data)}
    oretrace = str(Path(sys.executable).with_name("oretrace"))
    subprocess.run([oretrace, "manage", "migrate", "-v", "0"], env=env, check=True)  # noqa: S603
    start = time.perf_counter()
    rows = _copy(source, url)
    print(f"copied {rows:,} rows in {time.perf_counter() - start:.0f} s", flush=True)
    here = Path(__file__).with_name("web_pages.py")
    command = [sys.executable, str(here), "--data", str(data), "--database-url", url]
    command += ["--runs", str(args.runs)] + (["--pages", args.pages] if args.pages else [])
    return subprocess.run(command, env=env, check=False).returncode  # noqa: S603


if __name__ == "__main__":
    sys.exit(main())
