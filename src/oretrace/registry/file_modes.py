"""The registry's own files are private to the account that runs oretrace.

The SQLite database holds sessions and password hashes; stored supplier files are
confidential. The data folder is created 0700, stored files 0600 in 0700 folders (Django's
FILE_UPLOAD_* settings), and the SQLite file with its -wal and -shm companions is set to 0600
when a connection opens it (SQLite gives companions created later the database's mode).
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # settings imports this module before Django is set up
    from django.db.backends.base.base import BaseDatabaseWrapper

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def private_folder(path: Path) -> Path:
    """Create ``path`` (and missing parents) as 0700; an existing folder is left as it is."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):  # each new parent private too, not only the last one
        folder.mkdir(exist_ok=True, mode=PRIVATE_FOLDER)
        folder.chmod(PRIVATE_FOLDER)
    return path


def private_sqlite_files(connection: BaseDatabaseWrapper, **_: Any) -> None:
    """``connection_created`` receiver: take group and other access off the SQLite files."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        path = Path(name + suffix)
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            continue
        if mode & 0o077:
            path.chmod(mode & 0o700)
