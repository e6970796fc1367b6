"""The safe opener: regular files only, no links out of the folders given, size first."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from oretrace.cmrt.batch import check_files, collect_files
from oretrace.cmrt.check import check_path
from oretrace.cmrt.errors import ErrorCode, WorkbookError
from oretrace.cmrt.limits import Limits
from oretrace.cmrt.safe_open import read_file, resolve_roots
from tests.registry.conftest import write_supplier

OTHER_USER = 65534  # nobody
ORETRACE = str(Path(sys.executable).with_name("oretrace"))


def _codes(folder: Path) -> dict[str, str | None]:
    files = collect_files([folder])
    results = check_files(files, workers=1, roots=resolve_roots([folder]))
    return {Path(r.file).name: (r.error.code.value if r.error else None) for r in results}


def test_links_out_of_the_folder_dangling_links_and_fifos_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    good = write_supplier(folder, "Good Metals", dt.date(2025, 4, 1))
    outside = write_supplier(tmp_path / "elsewhere", "Outside Metals", dt.date(2025, 4, 1))
    (folder / "inside-link.xlsx").symlink_to(good)
    (folder / "passwd.xlsx").symlink_to("/etc/passwd")
    (folder / "outside.xlsx").symlink_to(outside)
    (folder / "gone.xlsx").symlink_to(folder / "no-such-file.xlsx")
    os.mkfifo(folder / "pipe.xlsx")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(folder / "socket.xlsm"))
        codes = _codes(folder)
    assert codes == {
        good.name: None,
        "inside-link.xlsx": None,
        "passwd.xlsx": "outside_folder",
        "outside.xlsx": "outside_folder",
        "gone.xlsx": "unreadable_file",
        "pipe.xlsx": "unreadable_file",
        "socket.xlsm": "unreadable_file",
    }


def test_a_folder_given_as_both_roots_lets_links_between_them_through(tmp_path: Path) -> None:
    outside = write_supplier(tmp_path / "b", "Outside Metals", dt.date(2025, 4, 1))
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "link.xlsx").symlink_to(outside)
    roots = resolve_roots([tmp_path / "a", tmp_path / "b"])
    assert read_file(tmp_path / "a" / "link.xlsx", roots, 10**8) == outside.read_bytes()


def test_messages_say_what_the_entry_is(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.xlsx")
    (tmp_path / "gone.xlsx").symlink_to(tmp_path / "target.xlsx")
    (tmp_path / "folder.xlsx").mkdir()
    messages = {}
    for name in ("pipe.xlsx", "gone.xlsx", "folder.xlsx"):
        with pytest.raises(WorkbookError) as caught:
            read_file(tmp_path / name, None, 10**8)
        assert caught.value.code is ErrorCode.UNREADABLE_FILE
        messages[name] = caught.value.message
    assert "FIFO" in messages["pipe.xlsx"]
    assert "symbolic link" in messages["gone.xlsx"] and "does not exist" in messages["gone.xlsx"]
    assert "folder" in messages["folder.xlsx"]


def test_size_is_checked_before_reading(tmp_path: Path) -> None:
    path = write_supplier(tmp_path, "Big Metals", dt.date(2025, 4, 1))
    limit = path.stat().st_size - 1
    result = check_path(path, limits=Limits(max_file_bytes=limit))
    assert result.error is not None and result.error.code is ErrorCode.TOO_LARGE
    assert result.sha256 is None  # never read


def test_check_on_a_fifo_answers_at_once_instead_of_hanging(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.xlsx")
    done = subprocess.run(
        [ORETRACE, "check", "--json", str(tmp_path / "pipe.xlsx")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert '"code": "unreadable_file"' in done.stdout


def test_permission_denied_is_unreadable_file(tmp_path: Path) -> None:
    readable = write_supplier(tmp_path / "in", "Open Metals", dt.date(2025, 4, 1))
    path = write_supplier(tmp_path / "in", "Locked Metals", dt.date(2025, 4, 1))
    for folder in [path.parent, *path.parent.parents][:-1]:  # traversable by others
        folder.chmod(folder.stat().st_mode | 0o005)
    readable.chmod(0o644)
    path.chmod(0)
    assert _check_as_ordinary_user(readable) == (None, "None")
    code, message = _check_as_ordinary_user(path)
    assert code == "unreadable_file"
    assert "permission denied" in message


def _check_as_ordinary_user(path: Path) -> tuple[str | None, str]:
    """check_path as a user without the file's permission (root reads anything): a forked
    child drops to ``nobody`` and reports the outcome through a pipe."""
    if os.geteuid() != 0:
        result = check_path(path)
        return (result.error.code.value if result.error else None), str(result.error)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        try:
            os.close(read_end)
            os.setgid(OTHER_USER)
            os.setuid(OTHER_USER)
            result = check_path(path)
            answer = (result.error.code.value if result.error else "") + "\n" + str(result.error)
            os.write(write_end, answer.encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as handle:
        answer = handle.read()
    os.waitpid(pid, 0)
    code, _, message = answer.partition("\n")
    return code or None, message
