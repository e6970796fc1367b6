"""``oretrace worker`` as real processes on a database of their own (SQLite file, or a fresh
PostgreSQL database when ORETRACE_DATABASE_URL is set): it drains queued ingest jobs, two
workers never run one job twice, and a job left running by a killed worker is recovered."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.registry.conftest import write_supplier

ORETRACE = [str(Path(sys.executable).parent / "oretrace")]

_QUEUE = """
import json, sys
from pathlib import Path
from oretrace.cli.database import open_registry
open_registry()
from oretrace.registry.services.uploads import UploadedFile, receive_upload
ids = []
for group in json.loads(sys.argv[1]):
    files = [UploadedFile(Path(p).name, [Path(p).read_bytes()]) for p in group]
    ids.append(receive_upload(files, 2025, "user:tester").pk)
print(json.dumps(ids))
"""


class Registry:
    """Subprocess environment plus a plain SQL reader for the workers' database."""

    def __init__(self, env: dict[str, str], query: Callable[[str], list[tuple[Any, ...]]]):
        self.env, self.query = env, query

    def oretrace(self, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        """Run ``oretrace ARGS``; a non-zero exit raises."""
        return self._run(args, extra, check=True)

    def oretrace_may_fail(self, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        """Run ``oretrace ARGS`` and hand back whatever exit status it had."""
        return self._run(args, extra, check=False)

    def _run(
        self, args: tuple[str, ...], extra: dict[str, str], *, check: bool
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*ORETRACE, *args],
            env={**self.env, **extra},
            capture_output=True,
            text=True,
            timeout=300,
            check=check,
        )

    def start_worker(self, *args: str, **extra: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [*ORETRACE, "worker", *args],
            env={**self.env, **extra},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def queue(self, groups: list[list[Path]]) -> list[int]:
        out = subprocess.run(
            [sys.executable, "-c", _QUEUE, json.dumps([[str(p) for p in g] for g in groups])],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        ids: list[int] = json.loads(out.stdout.strip().splitlines()[-1])
        return ids

    def jobs(self) -> dict[int, tuple[str, int, int, int]]:
        rows = self.query(
            "SELECT id, status, attempts, progress_done, progress_total FROM registry_job"
        )
        return {r[0]: (r[1], r[2], r[3], r[4]) for r in rows}

    def count(self, sql: str) -> int:
        return int(self.query(sql)[0][0])


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Registry]:
    env = {
        **os.environ,
        "ORETRACE_DATA_DIR": str(tmp_path / "data"),
        "ORETRACE_REFERENCE_DIR": str(tmp_path / "reference"),
        "ORETRACE_JOB_HEARTBEAT_SECONDS": "0.5",
    }
    url = os.environ.get("ORETRACE_DATABASE_URL")
    if not url:
        database = tmp_path / "data" / "oretrace.sqlite3"

        def query(sql: str) -> list[tuple[Any, ...]]:
            with sqlite3.connect(database, timeout=30) as conn:
                return conn.execute(sql).fetchall()

        yield Registry(env, query)
        return
    import psycopg

    parsed = urlparse(url)
    name = f"oretrace_worker_{uuid.uuid4().hex[:12]}"
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    own = parsed._replace(path=f"/{name}").geturl()

    def pg_query(sql: str) -> list[tuple[Any, ...]]:
        with psycopg.connect(own, autocommit=True) as conn:
            return conn.execute(sql).fetchall()  # type: ignore[arg-type]

    try:
        yield Registry({**env, "ORETRACE_DATABASE_URL": own}, pg_query)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _suppliers(folder: Path, count: int, prefix: str = "Supplier") -> list[Path]:
    return [
        write_supplier(
            folder, f"{prefix} {i} Metals", dt.date(2025, 4, 1), name=f"{prefix}{i}.xlsx"
        )
        for i in range(count)
    ]


def test_burst_worker_drains_a_queued_ingest_job(registry: Registry, tmp_path: Path) -> None:
    files = _suppliers(tmp_path / "in", 3)
    [job] = registry.queue([files])
    assert registry.jobs()[job][0] == "queued"
    registry.oretrace("worker", "--burst")
    assert registry.jobs()[job] == ("done", 1, 3, 3)
    assert registry.count("SELECT count(*) FROM registry_declaration") == 3
    assert (
        registry.count(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'SUCCESSFUL'"
        )
        == 1
    )
    [(result,)] = registry.query(f"SELECT result FROM registry_job WHERE id = {job}")
    result = json.loads(result) if isinstance(result, str) else result
    assert [f["outcome"] for f in result["files"]] == ["new", "new", "new"]
    assert all(f["declaration"] for f in result["files"])


def test_two_workers_never_run_one_job_twice(registry: Registry, tmp_path: Path) -> None:
    files = _suppliers(tmp_path / "in", 6)
    ids = registry.queue([[f] for f in files])
    # A second queue row for the first job, as a sweeper racing a slow worker could leave.
    registry.oretrace(
        "manage",
        "shell",
        "-c",
        f"from oretrace.registry.tasks import run_job; run_job.enqueue({ids[0]})",
    )
    workers = [registry.start_worker("--burst", "--id", f"w{n}") for n in (1, 2)]
    for process in workers:
        output = process.communicate(timeout=300)[0]
        assert process.returncode == 0, output
    jobs = registry.jobs()
    assert {jobs[i][:2] for i in ids} == {("done", 1)}
    started = registry.query(
        "SELECT object_id, count(*) FROM registry_auditentry "
        "WHERE action = 'job.started' GROUP BY object_id"
    )
    assert sorted(int(i) for i, _ in started) == sorted(ids) and {n for _, n in started} == {1}
    assert registry.count("SELECT count(*) FROM registry_declaration") == 6
    assert (
        registry.count(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'SUCCESSFUL'"
        )
        == 7
    )  # the duplicate queue row ran and found its job already taken


def test_a_job_left_running_by_a_killed_worker_is_recovered(
    registry: Registry, tmp_path: Path
) -> None:
    files = _suppliers(tmp_path / "in", 30)
    [job] = registry.queue([files])
    worker = registry.start_worker("--id", "doomed")
    deadline = time.monotonic() + 120
    while registry.jobs()[job][0] != "running" or registry.jobs()[job][2] < 1:
        assert time.monotonic() < deadline and worker.poll() is None, "the worker never started"
        time.sleep(0.1)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    status, attempts, done, total = registry.jobs()[job]
    assert (status, attempts) == ("running", 1) and done < total == 30
    time.sleep(2.5)  # no heartbeat any more
    registry.oretrace("worker", "--burst", ORETRACE_JOB_STALE_SECONDS="2")
    status, attempts, done, total = registry.jobs()[job]
    assert (status, attempts, done, total) == ("done", 2, 30, 30)
    assert registry.count("SELECT count(*) FROM registry_declaration") == 30
    assert registry.count("SELECT count(*) FROM registry_storedfile") == 30
    assert (
        registry.count("SELECT count(*) FROM registry_auditentry WHERE action = 'job.requeued'")
        == 1
    )
