"""Real ``oretrace ingest`` processes at once, and killed at random points, against one
database (SQLite, or PostgreSQL when ORETRACE_DATABASE_URL is set): the result must equal one
sequential run, record for record, and leave no orphan or duplicate stored file.

Each scenario gets databases of its own (a SQLite file in a data folder, or a fresh
PostgreSQL database on the configured server), so the processes start from an empty,
unmigrated database exactly as a first ``oretrace ingest`` would.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

import pytest

from oretrace.cmrt.writer import write_draft
from oretrace.demo import cmrt_draft

ORETRACE = str(Path(sys.executable).with_name("oretrace"))
REPO = Path(__file__).resolve().parents[2]
PERIOD = "2025"


def _workbooks(folder: Path) -> list[Path]:
    """Twelve files: eight suppliers (half with a unique ID), three with a second revision,
    one unreadable workbook; the same bytes never under two names."""
    folder.mkdir(parents=True)
    files: list[Path] = []
    for number in range(8):
        revisions = 2 if number < 3 else 1
        for revision in range(revisions):
            draft = cmrt_draft(f"Supplier {number} Metals Co., Ltd.", "6.4", ("Tin", "Gold"))
            draft.company["effective_date"] = dt.date(2025, 3 + revision, 1 + number)
            if number % 2 == 0:
                draft.company["unique_id"] = f"DUNS-{number:04d}"
            path = folder / f"s{number}-r{revision}.xlsx"
            write_draft(draft, path)
            files.append(path)
    broken = folder / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04" + b"truncated" * 20)
    files.append(broken)
    return files


def _folder(target: Path, files: list[Path]) -> Path:
    target.mkdir(parents=True)
    for path in files:
        (target / path.name).write_bytes(path.read_bytes())
    return target


@contextlib.contextmanager
def _database(tmp_path: Path, name: str) -> Iterator[dict[str, str]]:
    """The environment of a fresh, empty database (and data folder) for subprocesses."""
    env = {k: v for k, v in os.environ.items() if k != "ORETRACE_DATABASE_URL"}
    env["ORETRACE_DATA_DIR"] = str(tmp_path / name)
    env["DJANGO_SETTINGS_MODULE"] = "oretrace.settings"
    url = os.environ.get("ORETRACE_DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield env
        return
    import psycopg

    parsed = urlparse(url)
    database = f"oretrace_{name}_{uuid.uuid4().hex[:8]}"
    server = urlunparse(parsed._replace(path="/postgres", scheme="postgresql"))
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    env["ORETRACE_DATABASE_URL"] = urlunparse(parsed._replace(path=f"/{database}"))
    try:
        yield env
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _ingest_command(folders: list[Path], workers: int) -> list[str]:
    return [
        ORETRACE,
        "ingest",
        *map(str, folders),
        "--period",
        PERIOD,
        "--workers",
        str(workers),
        "--json",
    ]


def _run(env: dict[str, str], folders: list[Path], workers: int = 1) -> dict[str, Any]:
    done = subprocess.run(
        _ingest_command(folders, workers),
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    summary: dict[str, Any] = json.loads(done.stdout)
    assert summary["files"] == summary["new"] + summary["already_known"] + summary["errors"]
    return summary


def _dump(env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "tests.registry.registry_dump"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _assert_same_registry(got: dict[str, Any], expected: dict[str, Any]) -> None:
    assert got["declarations_total"] == expected["declarations_total"]
    assert sorted(got["declarations"]) == sorted(expected["declarations"])
    for sha256, declaration in expected["declarations"].items():
        assert got["declarations"][sha256] == declaration, sha256
    for key in ("suppliers", "suppliers_created_findings", "stored_files", "rejected"):
        assert got[key] == expected[key], key
    # storage: exactly one file per stored sha256, nothing half-written, no orphan
    assert got["storage"] == sorted(name for _sha, _size, name in got["stored_files"])


def test_several_ingests_at_once_equal_one_sequential_run(tmp_path: Path) -> None:
    files = _workbooks(tmp_path / "made")
    first = _folder(tmp_path / "first", files[:8])
    second = _folder(tmp_path / "second", files[5:])
    everything = _folder(tmp_path / "all", files)
    runs = [[first], [second], [everything], [second, first]]

    with _database(tmp_path, "sequential") as env:
        _run(env, [everything])
        expected = _dump(env)
        if "ORETRACE_DATABASE_URL" not in env:  # the WAL pragma still applies with IMMEDIATE
            with sqlite3.connect(Path(env["ORETRACE_DATA_DIR"], "oretrace.sqlite3")) as db:
                assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert expected["declarations_total"] == len(files)
    assert len(expected["suppliers"]) == 8

    with _database(tmp_path, "concurrent") as env:
        processes = [
            subprocess.Popen(
                _ingest_command(folders, workers=1),
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for folders in runs
        ]
        summaries = []
        for process in processes:
            out, err = process.communicate(timeout=600)
            assert process.returncode == 0, err
            summaries.append(json.loads(out))
        got = _dump(env)

    for summary, folders in zip(summaries, runs, strict=True):
        assert summary["files"] == sum(len(list(f.iterdir())) for f in folders)
        assert summary["files"] == summary["new"] + summary["already_known"] + summary["errors"]
    assert sum(s["new"] for s in summaries) == len(files)  # each file stored exactly once
    _assert_same_registry(got, expected)


def _group_members(group: int) -> set[int]:
    members = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] != "Z" and int(fields[2]) == group:
            members.add(int(entry.name))
    return members


def _wait_until(condition: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return bool(condition())


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_ingest_killed_at_random_points_then_rerun_equals_one_clean_run(tmp_path: Path) -> None:
    files = _workbooks(tmp_path / "made")
    folder = _folder(tmp_path / "in", files)
    with _database(tmp_path, "clean") as env:
        started = time.monotonic()
        _run(env, [folder], workers=2)
        full = time.monotonic() - started
        expected = _dump(env)

    tries, pools_seen = 6, 0
    chance = random.Random()
    with _database(tmp_path, "killed") as env:
        for attempt in range(tries):
            process = subprocess.Popen(
                _ingest_command([folder], workers=2),
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # its process group: the parent and its pool
            )
            if attempt == 0:  # once for sure while the pool works, then anywhere
                _wait_until(lambda p=process.pid: len(_group_members(p)) >= 3, full * 3)
            else:
                time.sleep(chance.uniform(0.2, full))
            members = _group_members(process.pid)
            pools_seen += len(members) >= 3
            process.send_signal(signal.SIGKILL)
            process.wait()
            assert _wait_until(lambda p=process.pid: not _group_members(p), 10.0), (
                f"pool workers outlived their killed parent: {_group_members(process.pid)}"
            )
        assert pools_seen >= 1
        summary = _run(env, [folder], workers=2)
        got = _dump(env)

    assert summary["files"] == len(files)
    _assert_same_registry(got, expected)
