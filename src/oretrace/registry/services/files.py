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
from dataclasses import dataclass
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


def write_partial(sha256: str, data: bytes, owner: int) -> str | None:
    """Write ``data`` (whose sha256 the caller computed) to a ``.part`` file beside its
    stored name, not flushed and not renamed: :func:`store_files` flushes it, renames it into
    place and flushes its folder before the row that names it is inserted. The path written
    (the stored name itself when a complete copy is already there); None when it could not
    be written (the ingest's writer then stores the file itself). ``owner``: the process id
    of the writer that will rename it — the ``.part`` file is swept only once it is gone.

    An ingest's worker processes call this for every file they check, so the writer neither
    reads nor hashes the file again, and the workers never wait on the disk: the flushes
    are the writer's, in threads (docs/adr/0028-ingest-cpu-per-file.md).
    """
    target = Path(default_storage.path(stored_name(sha256)))
    try:
        if target.is_file() and target.stat().st_size == len(data):
            return str(target)
        private_folder(target.parent)
        partial = _partial_name(target, owner)
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    except OSError:
        return None
    return str(partial)


@dataclass(frozen=True, slots=True)
class Original:
    """A file to store: its sha256, original name and size, and its bytes — or, instead,
    the path :func:`write_partial` wrote them to."""

    sha256: str
    name: str
    size: int
    data: bytes | None = None
    written: str | None = None


def store_files(items: list[Original]) -> dict[str, StoredFile]:
    """:func:`store_file` for several files at once: the stored file of each, by sha256.
    Call inside the transaction that records them; the caller has hashed the bytes.

    Known files are looked up in one query. Each new one is flushed to disk and renamed
    into place — written first to a ``.part`` file when given as bytes, else the copy
    :func:`write_partial` left — side by side in threads; then every folder that received
    one is flushed once (one flush per file's data, one per folder per batch: ADR 0028).
    All of that happens before their rows are inserted, so a committed row always names
    durable bytes. Their rows go in with one insert; when another writer stored one of
    them first, row by row as :func:`store_file` does. Copies of the same bytes are one
    stored file; ``.part`` copies not needed are removed.
    """
    stored = _store_files(items)
    # only once stored: a transaction tried again finds its copies where it left them
    for item in items:
        if item.written is not None and item.written.endswith(".part"):
            Path(item.written).unlink(missing_ok=True)  # renamed, or not needed
    return stored


def _store_files(items: list[Original]) -> dict[str, StoredFile]:
    by_digest: dict[str, Original] = {}
    for item in items:
        by_digest.setdefault(item.sha256, item)  # the first name given is kept
    found = {s.sha256: s for s in StoredFile.objects.filter(sha256__in=list(by_digest))}
    new = [by_digest[digest] for digest in by_digest if digest not in found]
    if not new:
        return found

    def write(item: Original) -> Path:
        target = Path(default_storage.path(stored_name(item.sha256)))
        if item.data is not None:
            _write_once(target, item.data, sync_folder=False)
        elif item.written is not None and os.path.exists(item.written):
            _fsync_file(Path(item.written))
            if item.written != str(target):
                os.replace(item.written, target)
        elif not (target.is_file() and target.stat().st_size == item.size):
            # renamed by an earlier attempt of this transaction, else lost
            raise FileNotFoundError(f"stored file {target} is missing or incomplete")
        return target.parent

    def flush(folder: Path) -> None:
        _fsync_folder(folder)

    with ThreadPoolExecutor(max_workers=min(len(new), WRITER_THREADS)) as pool:
        folders = set(pool.map(write, new))
        list(pool.map(flush, sorted(folders)))
    rows = []
    for item in new:
        row = StoredFile(sha256=item.sha256, size=item.size, original_name=item.name[:500])
        row.content.name = stored_name(item.sha256)
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


#: Stored files written (and folders flushed) at once by :func:`store_files`.
WRITER_THREADS = 4


def _write_once(target: Path, data: bytes, sync_folder: bool = True) -> None:
    """Write ``data`` to ``target`` atomically, unless a complete copy is already there;
    flush its folder too unless told not to (the caller flushes it later)."""
    if target.is_file() and target.stat().st_size == len(data):
        return  # renamed into place only once complete: same name, same sha256, same bytes
    private_folder(target.parent)
    partial = _partial_name(target, os.getpid())
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
    if sync_folder:
        _fsync_folder(target.parent)


def _partial_name(target: Path, owner: int) -> Path:
    """A unique ``.part`` name beside ``target``, swept once process ``owner`` is gone."""
    unique = f"{os.getpid()}_{time.monotonic_ns()}"
    return target.with_name(f".{target.name}.{owner}.{unique}.part")


def _fsync_file(path: Path) -> None:
    _fsync(path, os.O_RDONLY | os.O_CLOEXEC)


def _fsync_folder(folder: Path) -> None:
    _fsync(folder, os.O_RDONLY | os.O_DIRECTORY)


def _fsync(path: Path, flags: int) -> None:
    fd = os.open(path, flags)
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
