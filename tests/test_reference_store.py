"""One reference store: with a registry, every process reads the snapshots in its database.

Real processes, started from different working folders, sharing only the database
(``ORETRACE_DATABASE_URL`` when the suite runs on PostgreSQL, else one ``ORETRACE_DATA_DIR``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

ORETRACE = str(Path(sys.executable).parent / "oretrace")

LIST = (
    "Metal,Smelter ID,Smelter Name,Country,RMI Status\n"
    "Gold,CID999001,Store Test Gold Refinery Zeta,JAPAN,Conformant\n"
    "Tin,CID001182,Minsur,PERU,Active\n"
)


def oretrace(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [ORETRACE, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture
def shared_registry(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of both processes: on PostgreSQL a database of their own on the
    suite's server, else one SQLite data folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORETRACE_")}
    env["HOME"] = str(tmp_path / "home")  # the per-user folder must stay untouched
    env.pop("XDG_DATA_HOME", None)
    env["ORETRACE_DATA_DIR"] = str(tmp_path / "data")
    url = os.environ.get("ORETRACE_DATABASE_URL")
    if not url:
        yield env
        return
    import psycopg

    server = urlparse(url)
    name = f"oretrace_store_{os.getpid()}"
    admin = server._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    env["ORETRACE_DATABASE_URL"] = server._replace(path=f"/{name}").geturl()
    try:
        yield env
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_two_processes_in_different_folders_see_one_imported_list(
    tmp_path: Path, shared_registry: dict[str, str]
) -> None:
    first, second = tmp_path / "desk-a", tmp_path / "desk-b"
    first.mkdir()
    second.mkdir()
    (first / "rmi-list-store-test.csv").write_text(LIST, encoding="utf-8")

    imported = oretrace(
        first, shared_registry, "smelters", "import", "rmi-list-store-test.csv",
        "--as-of", "2025-06-01",
    )  # fmt: skip
    assert "stored in the registry" in imported.stdout

    matched = oretrace(
        second, shared_registry, "smelters", "match", "--metal", "Gold",
        "Store Test Gold Refinery Zeta", "--json",
    )  # fmt: skip
    assert json.loads(matched.stdout)["smelter_id"] == "CID999001"
    shown = oretrace(second, shared_registry, "smelters", "show", "CID001182", "--json")
    statuses = json.loads(shown.stdout)["status_history"]
    assert {"as_of": "2025-06-01", "status": "Active"}.items() <= statuses[-1].items()
    assert not (tmp_path / "home" / ".local" / "share" / "oretrace").exists()

    later = LIST.replace("Minsur,PERU,Active", "Minsur,PERU,Conformant")
    (second / "rmi-list-store-test-later.csv").write_text(later, encoding="utf-8")
    again = oretrace(
        second, shared_registry, "smelters", "import", "rmi-list-store-test-later.csv",
        "--as-of", "2025-12-01",
    )  # fmt: skip
    assert "1 status changes since 2025-06-01" in again.stdout
    changes = oretrace(first, shared_registry, "smelters", "changes", "--json")
    found = json.loads(changes.stdout)["changes"]
    assert [(c["smelter_id"], c["change"]) for c in found] == [("CID001182", "became_conformant")]
    text = oretrace(first, shared_registry, "smelters", "changes", "--since", "2025-06-01")
    assert "became_conformant" in text.stdout and "CID001182" in text.stdout


def test_registry_less_match_uses_the_per_user_folder(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORETRACE_")}
    env["HOME"] = str(tmp_path / "home")
    env.pop("XDG_DATA_HOME", None)
    (tmp_path / "list.csv").write_text(LIST, encoding="utf-8")
    imported = oretrace(tmp_path, env, "smelters", "import", "list.csv", "--as-of", "2025-06-01")
    folder = tmp_path / "home" / ".local" / "share" / "oretrace" / "reference"
    assert str(folder) in imported.stdout
    assert not (tmp_path / "oretrace-data").exists()  # no registry was created
    matched = oretrace(
        tmp_path, env, "smelters", "match", "--metal", "Gold", "Store Test Gold Refinery Zeta"
    )
    assert "CID999001" in matched.stdout
