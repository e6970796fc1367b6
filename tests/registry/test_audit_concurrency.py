"""Several processes appending at once still make one gapless, intact chain (real processes,
on the database the suite runs on)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

PROCESSES, EACH = 4, 25

WORKER = """
import sys
from oretrace.cli.database import open_registry
open_registry(migrate=False)
from django.db import transaction
from oretrace.registry.models import Supplier
from oretrace.registry.services.audit import record
name = sys.argv[1]
for i in range(int(sys.argv[2])):
    with transaction.atomic():
        supplier = Supplier.objects.create(name=f"{name}-{i}", normalised_name=f"{name}-{i}")
        record(f"cli:{name}@test", "test.concurrent", supplier, i=i)
"""


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["ORETRACE_REFERENCE_DIR"] = str(tmp_path / "reference")
    settings = connection.settings_dict
    if connection.vendor == "postgresql":  # the test database, committed to (transactional)
        user, host, port, name = (settings[k] for k in ("USER", "HOST", "PORT", "NAME"))
        env["ORETRACE_DATABASE_URL"] = f"postgres://{user}@{host}:{port}/{name}"
    else:  # the test database is in memory: a file database of its own
        env.pop("ORETRACE_DATABASE_URL", None)
        env["ORETRACE_DATA_DIR"] = str(tmp_path / "data")
        _python(env, "from oretrace.cli.database import open_registry; open_registry()")
    return env


def _python(env: dict[str, str], code: str, *args: str) -> str:
    run = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=300
    )
    assert run.returncode in (0, 1), run.stderr
    return run.stdout


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_make_one_intact_chain(tmp_path: Path) -> None:
    env = _env(tmp_path)
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, f"p{n}", str(EACH)],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(PROCESSES)
    ]
    for worker in workers:
        _, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
    result: dict[str, Any] = json.loads(
        _python(env, "from oretrace.cli import main; main()", "audit", "verify", "--json")
    )
    assert result["intact"], result
    assert result["entries"] == result["head_seq"] == PROCESSES * EACH
