"""Back up the registry while it is in use, and restore it into an empty place.

A backup is a folder:

- ``database.sqlite3`` — SQLite's online backup API, one step under one read snapshot (WAL
  readers do not block writers) — or ``database.pgdump`` — ``pg_dump`` in custom format,
  run on a snapshot exported from a REPEATABLE READ transaction;
- ``files/…`` — every stored original the database copy names, read through the storage
  and checked against its sha256. Originals are written before the row that names them
  commits and never change, so the copy taken after the database snapshot is consistent;
- ``manifest.json`` — what was backed up, the audit chain head at the backup's point, and
  the sha256 and size of every file; ``SHA256SUMS`` — the same for ``sha256sum -c``.

:func:`restore` refuses a database or file storage that holds anything, checks every file
against the manifest first, restores, then re-reads every original through the registry and
verifies the audit chain and its head against the manifest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, transaction

from oretrace.registry.file_modes import PRIVATE_FILE, private_folder

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
FILES = "files"
FORMAT = 1
_CHUNK = 1 << 20


class BackupError(RuntimeError):
    """The backup or restore cannot go on (non-empty target, manifest mismatch, tool missing)."""


@dataclass(slots=True)
class BackupResult:
    folder: Path
    vendor: str
    audit_seq: int
    audit_hash: str
    stored_files: int
    bytes: int
    seconds: float


@dataclass(slots=True)
class RestoreResult:
    vendor: str
    audit_seq: int
    audit_hash: str
    stored_files: int
    seconds: float
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# --- backup ---------------------------------------------------------------------------------


def backup(out: Path) -> BackupResult:
    """Write a consistent backup of the database and the stored originals into ``out``
    (a new or empty folder)."""
    started = time.perf_counter()
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BackupError(f"{out} exists and is not an empty folder")
    private_folder(out)
    vendor = connection.vendor
    if vendor == "sqlite":
        database, head, originals = _sqlite_backup(out / SQLITE_FILE)
    elif vendor == "postgresql":
        database, head, originals = _postgres_backup(out / PG_FILE)
    else:
        raise BackupError(f"no backup for {vendor}; oretrace supports SQLite and PostgreSQL")
    files = [_describe(database, out)]
    for name, digest in originals:
        files.append(_copy_original(name, digest, out))
    manifest = {
        "format": FORMAT,
        "vendor": vendor,
        "database": database.name,
        "made_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "audit_head": {"seq": head[0], "hash": head[1]},
        "stored_files": len(originals),
        "files": files,
    }
    _private_write(out / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())
    sums = "".join(f"{f['sha256']}  {f['path']}\n" for f in files)
    _private_write(out / SUMS, sums.encode())
    total = sum(int(f["size"]) for f in files)
    return BackupResult(
        out, vendor, head[0], head[1], len(originals), total, time.perf_counter() - started
    )


Head = tuple[int, str]
Originals = list[tuple[str, str]]


def _sqlite_backup(target: Path) -> tuple[Path, Head, Originals]:
    source = sqlite3.connect(str(connection.settings_dict["NAME"]), timeout=60)
    copy = sqlite3.connect(str(target))
    try:
        source.backup(copy)  # all pages in one step: one consistent read snapshot
        copy.execute("PRAGMA journal_mode=DELETE")
        head = copy.execute("SELECT seq, hash FROM registry_auditchainhead WHERE id = 1").fetchone()
        rows = copy.execute(
            "SELECT content, sha256 FROM registry_storedfile ORDER BY sha256"
        ).fetchall()
    finally:
        copy.close()
        source.close()
    target.chmod(PRIVATE_FILE)
    return target, (int(head[0]), str(head[1])) if head else (0, ""), [tuple(r) for r in rows]


def _postgres_backup(target: Path) -> tuple[Path, Head, Originals]:
    from oretrace.registry.models import AuditChainHead, StoredFile

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        _run_pg(
            "pg_dump",
            ["--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
        )
        head = AuditChainHead.objects.filter(pk=1).values_list("seq", "hash").first()
        rows = list(StoredFile.objects.order_by("sha256").values_list("content", "sha256"))
    target.chmod(PRIVATE_FILE)
    return target, (head[0], head[1]) if head else (0, ""), rows


def _copy_original(name: str, digest: str, out: Path) -> dict[str, Any]:
    target = out / FILES / name
    private_folder(target.parent)
    hasher, size = hashlib.sha256(), 0
    with default_storage.open(name, "rb") as source, _private_open(target) as copy:
        for chunk in iter(lambda: source.read(_CHUNK), b""):
            hasher.update(chunk)
            size += len(chunk)
            copy.write(chunk)
    if hasher.hexdigest() != digest:
        raise BackupError(f"stored original {name} does not match its sha256 {digest}")
    return {"path": f"{FILES}/{name}", "sha256": digest, "size": size}


def _describe(path: Path, out: Path) -> dict[str, Any]:
    return {
        "path": path.relative_to(out).as_posix(),
        "sha256": _sha256(path),
        "size": path.stat().st_size,
    }


# --- restore --------------------------------------------------------------------------------


def check_backup(folder: Path) -> dict[str, Any]:
    """The manifest, after checking every file it lists; :class:`BackupError` on a mismatch."""
    try:
        manifest: dict[str, Any] = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{folder} holds no readable {MANIFEST}: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    bad = []
    for entry in manifest["files"]:
        path = folder / entry["path"]
        if not path.is_file():
            bad.append(f"{entry['path']}: missing")
        elif _sha256(path) != entry["sha256"]:
            bad.append(f"{entry['path']}: sha256 differs from the manifest")
    if bad:
        raise BackupError("the backup does not match its manifest: " + "; ".join(bad[:10]))
    return manifest


def restore(folder: Path) -> RestoreResult:
    """Rebuild the configured (empty) database and file storage from the backup in
    ``folder``, then verify the originals and the audit chain against the manifest."""
    started = time.perf_counter()
    manifest = check_backup(folder)
    vendor = connection.vendor
    if manifest["vendor"] != vendor:
        raise BackupError(
            f"the backup is of a {manifest['vendor']} database; the configured one is {vendor}"
        )
    storage = Path(str(default_storage.path("")))
    if storage.exists() and any(p.is_file() for p in storage.rglob("*")):
        raise BackupError(f"the file storage {storage} is not empty; restore needs an empty one")
    if vendor == "sqlite":
        _sqlite_restore(folder / manifest["database"])
    else:
        _postgres_restore(folder / manifest["database"])
    for entry in manifest["files"]:
        if entry["path"].startswith(f"{FILES}/"):
            name = entry["path"][len(FILES) + 1 :]
            with (folder / entry["path"]).open("rb") as handle:
                saved = default_storage.save(name, File(handle))
            if saved != name:
                raise BackupError(f"{name} was stored as {saved}")
    result = _verify_restored(manifest)
    result.seconds = time.perf_counter() - started
    return result


def _sqlite_restore(source: Path) -> None:
    name = Path(str(connection.settings_dict["NAME"]))
    connection.close()
    if name.exists() and name.stat().st_size > 0:
        with sqlite3.connect(str(name)) as existing:
            tables = existing.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if tables:
            raise BackupError(f"the database {name} is not empty; restore needs an empty one")
    private_folder(name.parent)
    backup_copy = sqlite3.connect(str(source))
    target = sqlite3.connect(str(name))
    try:
        backup_copy.backup(target)
    finally:
        target.close()
        backup_copy.close()
    name.chmod(PRIVATE_FILE)


def _postgres_restore(source: Path) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public'"
        )
        if cursor.fetchone()[0]:
            raise BackupError(
                f"the database {connection.settings_dict['NAME']} is not empty; "
                "restore needs an empty one (createdb a new one)"
            )
    connection.close()
    _run_pg(
        "pg_restore",
        ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", str(source)],
    )


def _verify_restored(manifest: dict[str, Any]) -> RestoreResult:
    from oretrace.registry.models import StoredFile
    from oretrace.registry.services.audit import verify_chain
    from oretrace.registry.services.files import read_stored

    problems = []
    chain = verify_chain()
    if not chain.intact:
        problems.append(chain.summary())
    head = manifest["audit_head"]
    if (chain.head_seq, chain.head_hash) != (head["seq"], head["hash"]):
        problems.append(
            f"the restored audit head #{chain.head_seq} {chain.head_hash} is not the "
            f"backup's #{head['seq']} {head['hash']}"
        )
    count = 0
    for stored in StoredFile.objects.order_by("sha256").iterator():
        count += 1
        try:
            read_stored(stored)
        except (OSError, ValueError) as exc:
            problems.append(f"original {stored.sha256}: {exc}")
    if count != manifest["stored_files"]:
        problems.append(
            f"{count} stored files restored, the backup lists {manifest['stored_files']}"
        )
    return RestoreResult(connection.vendor, chain.head_seq, chain.head_hash, count, 0.0, problems)


# --- helpers --------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    hasher = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def _private_write(path: Path, data: bytes) -> None:
    with _private_open(path) as handle:
        handle.write(data)


def _private_open(path: Path) -> Any:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    return os.fdopen(descriptor, "wb")


def pg_tool(name: str) -> str:
    """``pg_dump`` / ``pg_restore`` matching the server's major version: from
    ``ORETRACE_PG_BIN``, else Debian's /usr/lib/postgresql/<major>/bin, else the PATH."""
    configured = os.environ.get("ORETRACE_PG_BIN")
    candidates = [Path(configured) / name] if configured else []
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        major = int(cursor.fetchone()[0]) // 10000
    candidates.append(Path(f"/usr/lib/postgresql/{major}/bin/{name}"))
    for candidate in candidates:
        if candidate.is_file():
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} for PostgreSQL {major} not found: install the PostgreSQL client tools "
            "or set ORETRACE_PG_BIN to their folder"
        )
    return found


def _run_pg(tool: str, args: list[str]) -> None:
    db = connection.settings_dict
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    target = [
        f"--dbname={db['NAME']}",
        *([f"--host={db['HOST']}"] if db.get("HOST") else []),
        *([f"--port={db['PORT']}"] if db.get("PORT") else []),
        *([f"--username={db['USER']}"] if db.get("USER") else []),
    ]
    run = subprocess.run(
        [pg_tool(tool), *target, *args], env=env, capture_output=True, text=True, check=False
    )
    if run.returncode != 0:
        raise BackupError(f"{tool} failed: {run.stderr.strip()[-2000:]}")
