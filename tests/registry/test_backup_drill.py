"""The backup drill: back up during a running ``oretrace ingest`` (real processes), restore
elsewhere, and compare with the source at the backup's point — on the database the suite
runs on (SQLite, or PostgreSQL with ORETRACE_DATABASE_URL)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from oretrace.synthetic import GroupSpec, generate

SUPPLIERS = 330  # ~290 files: the ingest runs well past both backups (95 files were done
# before the second backup once the ingest writer got cheaper, on PostgreSQL)

STATE = """
import hashlib, json
from oretrace.cli.database import open_registry
open_registry(migrate=False)
from oretrace.registry.models import AuditEntry, Declaration, StoredFile
from oretrace.registry.services.files import read_stored
print(json.dumps({
    "originals": {s.sha256: hashlib.sha256(read_stored(s)).hexdigest()
                  for s in StoredFile.objects.all()},
    "declarations": {str(d.pk): d.stored_file.sha256
                     for d in Declaration.objects.select_related("stored_file")},
    "ingested_at_seq": {e.object_id: e.seq
                        for e in AuditEntry.objects.filter(action="declaration.ingested")},
    "chain": {str(e.seq): e.hash for e in AuditEntry.objects.all()},
}))
"""

TAMPER = """
from oretrace.cli.database import open_registry
open_registry(migrate=False)
from django.db import IntegrityError
from oretrace.registry.models import AuditEntry
try:
    AuditEntry.objects.filter(seq=1).update(actor="someone else")
except IntegrityError as exc:
    print("refused:", exc)
"""


def _database_env(tmp_path: Path, name: str, base: dict[str, str]) -> dict[str, str]:
    env = dict(base)
    if connection.vendor == "postgresql":
        settings = connection.settings_dict
        database = f"{settings['NAME']}_{name}"
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{database}"')
            cursor.execute(f'CREATE DATABASE "{database}"')
        user, host, port = (settings[k] for k in ("USER", "HOST", "PORT"))
        env["ORETRACE_DATABASE_URL"] = f"postgres://{user}@{host}:{port}/{database}"
    else:
        env.pop("ORETRACE_DATABASE_URL", None)
    env["ORETRACE_DATA_DIR"] = str(tmp_path / name)
    return env


def _oretrace(env: dict[str, str], *args: str, ok: bool = True) -> str:
    run = subprocess.run(
        [sys.executable, "-c", "from oretrace.cli import main; main()", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if ok:
        assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout


def _python(env: dict[str, str], code: str) -> Any:
    run = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout) if run.stdout.startswith("{") else run.stdout


def _declarations(env: dict[str, str]) -> int:
    code = (
        "from oretrace.cli.database import open_registry; open_registry(migrate=False)\n"
        "from oretrace.registry.models import Declaration; print(Declaration.objects.count())"
    )
    return int(_python(env, code))


@pytest.mark.django_db(transaction=True)
def test_backup_during_ingest_restores_what_the_source_held(tmp_path: Path) -> None:
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    base["ORETRACE_REFERENCE_DIR"] = str(tmp_path / "reference")
    if connection.vendor == "postgresql":  # the source is the test database itself
        settings = connection.settings_dict
        user, host, port, name = (settings[k] for k in ("USER", "HOST", "PORT", "NAME"))
        source = {**base, "ORETRACE_DATABASE_URL": f"postgres://{user}@{host}:{port}/{name}"}
        source["ORETRACE_DATA_DIR"] = str(tmp_path / "source")
    else:
        source = _database_env(tmp_path, "source", base)
    _oretrace(source, "audit", "verify")  # migrates the source
    files = generate(tmp_path / "group", GroupSpec(suppliers=SUPPLIERS, seed=7))
    assert len(files.declarations) > 80

    ingest = subprocess.Popen(
        [sys.executable, "-c", "from oretrace.cli import main; main()", "ingest"]
        + [str(tmp_path / "group" / "declarations"), "--period", "2025", "--workers", "1"],
        env=source,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 300
        while _declarations(source) < 10:
            assert ingest.poll() is None and time.monotonic() < deadline
            time.sleep(0.5)

        # 1. the ingest paused mid-run (perhaps inside a transaction): the source's state
        #    at the backup's point can be read exactly
        ingest.send_signal(signal.SIGSTOP)
        at_backup = {
            "status": json.loads(_oretrace(source, "status", "--period", "2025", "--json")),
            "verify": json.loads(_oretrace(source, "audit", "verify", "--json")),
            "state": _python(source, STATE),
        }
        _oretrace(source, "backup", str(tmp_path / "b1"))
        ingest.send_signal(signal.SIGCONT)

        # 2. the ingest running: appends go on while the backup reads
        before = _declarations(source)
        _oretrace(source, "backup", str(tmp_path / "b2"))
        assert ingest.poll() is None, "the ingest ended before the second backup did"
        assert _declarations(source) > before or ingest.poll() is None
    finally:
        if ingest.poll() is None:
            ingest.send_signal(signal.SIGCONT)
        _, err = ingest.communicate(timeout=600)
    assert ingest.returncode == 0, err
    final = _python(source, STATE)
    assert len(final["declarations"]) == len(files.declarations)

    sums = subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=tmp_path / "b1")
    assert sums.returncode == 0

    # restore the paused backup: identical to the source at that point
    r1 = _database_env(tmp_path, "r1", base)
    _oretrace(r1, "restore", str(tmp_path / "b1"))
    assert json.loads(_oretrace(r1, "status", "--period", "2025", "--json")) == at_backup["status"]
    verify = json.loads(_oretrace(r1, "audit", "verify", "--json"))
    assert verify["intact"]
    assert (verify["head_seq"], verify["head_hash"]) == (
        at_backup["verify"]["head_seq"],
        at_backup["verify"]["head_hash"],
    )
    restored = _python(r1, STATE)
    assert restored["originals"] == at_backup["state"]["originals"]
    assert all(sha == digest for sha, digest in restored["originals"].items())
    assert restored["declarations"] == at_backup["state"]["declarations"]
    assert "refused" in _python(r1, TAMPER)  # the append-only triggers came along

    # restore the running backup: a consistent cut of the source
    r2 = _database_env(tmp_path, "r2", base)
    _oretrace(r2, "restore", str(tmp_path / "b2"))
    verify = json.loads(_oretrace(r2, "audit", "verify", "--json"))
    assert verify["intact"]
    head = verify["head_seq"]
    assert verify["head_hash"] == final["chain"][str(head)]  # a prefix of the source's chain
    assert head > at_backup["verify"]["head_seq"]
    cut = _python(r2, STATE)
    expected = {
        d: sha for d, sha in final["declarations"].items() if final["ingested_at_seq"][d] <= head
    }
    assert cut["declarations"] == expected
    assert cut["originals"] == {s: final["originals"][s] for s in set(expected.values())}
    assert "refused" in _python(r2, TAMPER)

    # restore refuses a target that holds anything
    refused = subprocess.run(
        [sys.executable, "-c", "from oretrace.cli import main; main()", "restore"]
        + [str(tmp_path / "b1")],
        env=r2,
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 1
    assert "not empty" in refused.stderr
    if connection.vendor == "postgresql":
        connection.close()
        with connection.cursor() as cursor:
            for env in (r1, r2):
                database = env["ORETRACE_DATABASE_URL"].rsplit("/", 1)[1]
                cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
