"""Keep every ingested file byte for byte, once per sha256, in Django's storage.

The stored name is derived from the sha256 alone (``originals/ab/abcdef…``), and the bytes
are written to a temporary file in the same folder, flushed to disk and renamed into place.
So a crash leaves at most a ``.part`` file (removed by :func:`sweep_partial_files`), never a
half-written original, and a re-run after a crash finds the same name and stores no second
copy. Two processes storing the same bytes at once write the same name with the same bytes.
"""

from __future__ import annotations

import hashlib
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from oretrace.registry.file_modes import private_folder
from oretrace.registry.models import StoredFile

#: Folder (inside the default storage) that holds the originals.
ORIGINALS = "originals"
#: A partial file whose writer cannot be found is swept after this many seconds anyway.
PARTIAL_MAX_AGE = 24 * 3600


def stored_name(sha256: str) -> str:
    """Where the bytes with this sha256 live in storage."""
    return f"{ORIGINALS}/{sha256[:2]}/{sha256}"


def store_file(data: bytes, original_name: str) -> tuple[StoredFile, bool]:
    """The stored file for ``data`` and whether it was new. Never overwrites a stored file.

    Safe when several processes store the same bytes at once: the row is inserted in a
    savepoint and, when another writer won the race on the sha256, that row is returned.
    """
    digest = hashlib.sha256(data).hexdigest()
    existing = StoredFile.objects.filter(sha256=digest).first()
    if existing is not None:
        return existing, False
    name = stored_name(digest)
    _write_once(Path(default_storage.path(name)), data)
    stored = StoredFile(sha256=digest, size=len(data), original_name=original_name[:500])
    stored.content.name = name
    try:
        with transaction.atomic():
            stored.save()
    except IntegrityError:
        return StoredFile.objects.get(sha256=digest), False
    return stored, True


def store_files(items: list[tuple[str, bytes, str]]) -> dict[str, StoredFile]:
    """:func:`store_file` for several files (sha256, bytes, original name) at once: the
    stored file of each, by sha256. Call inside the transaction that records them; the
    caller has hashed the bytes.

    Known files are looked up in one query; the new ones are written side by side in
    threads (each still written to a ``.part`` file, flushed to disk, renamed into place and
    its folder flushed, as :func:`store_file` does: only the waits on the disk overlap),
    all of them before their rows are inserted, so a committed row always names durable
    bytes. Their rows go in with one insert; when another writer stored one of them first,
    row by row as :func:`store_file` does. Copies of the same bytes are one stored file.
    """
    by_digest: dict[str, tuple[bytes, str]] = {}
    for digest, data, name in items:
        by_digest.setdefault(digest, (data, name))
    found = {s.sha256: s for s in StoredFile.objects.filter(sha256__in=list(by_digest))}
    new = [digest for digest in by_digest if digest not in found]
    if not new:
        return found

    def write(digest: str) -> None:
        _write_once(Path(default_storage.path(stored_name(digest))), by_digest[digest][0])

    if len(new) == 1:
        write(new[0])
    else:
        with ThreadPoolExecutor(max_workers=min(len(new), WRITER_THREADS)) as pool:
            list(pool.map(write, new))
    rows = []
    for digest in new:
        data, name = by_digest[digest]
        row = StoredFile(sha256=digest, size=len(data), original_name=name[:500])
        row.content.name = stored_name(digest)
        rows.append(row)
    try:
        with transaction.atomic():
            StoredFile.objects.bulk_create(rows)
    except IntegrityError:  # another writer stored one of them meanwhile
        for row in rows:
            row.pk = None
            try:
                with transaction.atomic():
                    row.save()
            except IntegrityError:
                row = StoredFile.objects.get(sha256=row.sha256)
            found[row.sha256] = row
        return found
    found.update((row.sha256, row) for row in rows)
    return found


#: Stored files written at once by :func:`store_files`.
WRITER_THREADS = 4


def _write_once(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` atomically, unless a complete copy is already there."""
    if target.is_file() and target.stat().st_size == len(data):
        return  # renamed into place only once complete: same name, same sha256, same bytes
    private_folder(target.parent)
    partial = target.with_name(f".{target.name}.{os.getpid()}.{time.monotonic_ns()}.part")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    _fsync_folder(target.parent)


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sweep_partial_files() -> int:
    """Remove ``.part`` files left by a writer that died (its process is gone); the count."""
    root = Path(default_storage.path(ORIGINALS))
    removed = 0
    for partial in root.glob("*/.*.part"):
        try:
            pid = int(partial.name.split(".")[-3])
            age = time.time() - partial.stat().st_mtime
        except (ValueError, IndexError, OSError):
            continue
        if age > PARTIAL_MAX_AGE or not _alive(pid):
            partial.unlink(missing_ok=True)
            removed += 1
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_stored(stored: StoredFile) -> bytes:
    with stored.content.open("rb") as handle:
        data: bytes = handle.read()
    if hashlib.sha256(data).hexdigest() != stored.sha256:
        raise ValueError(f"stored file {stored.pk} does not match its sha256")
    return data
