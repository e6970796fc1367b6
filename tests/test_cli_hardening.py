"""What suppliers wrote reaches the terminal as text, never as control sequences; the
registry's files are private to the account running oretrace."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from oretrace.cli import main
from oretrace.cli.terminal import printable
from oretrace.cmrt.writer import write_draft
from oretrace.demo import cmrt_draft

HOSTILE = "Evil\x1b[2J\x1b]0;pwned\x07 Corp\x9b31m\r\u202eMetals"


def test_printable_escapes_controls_and_keeps_newline_and_tab() -> None:
    assert printable("a\x1b[31mb") == "a\\x1b[31mb"
    assert printable("line\nnext\tcell") == "line\nnext\tcell"
    assert printable("\x00\x7f\x85\u202e") == "\\x00\\x7f\\x85\\u202e"
    assert printable("Fundição Ōkuchi 精錬") == "Fundição Ōkuchi 精錬"


def test_check_shows_a_suppliers_escape_codes_as_text(tmp_path: Path) -> None:
    draft = cmrt_draft(HOSTILE, "6.4", ("Tin",))
    path = tmp_path / "hostile[red].xlsx"
    write_draft(draft, path)
    result = CliRunner().invoke(main, ["check", str(path)])
    out = result.output
    assert "Evil\\x1b[2J\\x1b]0;pwned\\x07 Corp\\x9b31m" in out
    assert "\\u202eMetals" in out
    assert not any(ch in out for ch in "\x1b\x07\x9b\r\u202e")
    assert "hostile[red].xlsx" in out  # a file name is not rich markup either


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_data_folder_database_and_stored_files_are_private(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_draft(cmrt_draft("Acme Metals", "6.4", ("Tin",)), folder / "acme.xlsx")
    data = tmp_path / "data"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("ORETRACE_DATABASE_URL", "ORETRACE_SECRET_KEY", "DJANGO_SETTINGS_MODULE")
    }
    env["ORETRACE_DATA_DIR"] = str(data)
    env["ORETRACE_REFERENCE_DIR"] = str(tmp_path / "reference")
    command = [
        sys.executable,
        "-c",
        "import os; os.umask(0o022); from oretrace.cli import main; main()",
    ]
    run = subprocess.run(
        [*command, "ingest", str(folder), "--period", "2025", "--workers", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert _mode(data) == 0o700
    assert _mode(data / "secret_key") == 0o600
    database = data / "oretrace.sqlite3"
    assert _mode(database) == 0o600
    for companion in (data / "oretrace.sqlite3-wal", data / "oretrace.sqlite3-shm"):
        if companion.exists():
            assert _mode(companion) == 0o600, companion
    stored = list((data / "files").rglob("*"))
    assert any(p.is_file() for p in stored)
    for path in [data / "files", *stored]:
        assert _mode(path) == (0o700 if path.is_dir() else 0o600), path
