"""Remember a period's assessment for as long as the registry's data has not changed.

The period assessment (report snapshot → ``period_figures``, the supplier risks, the product
roll-up, year-over-year changes) is the expensive part of the dashboard, the supplier and
product pages and ``oretrace status``. :func:`remembered` computes it once per data version
and stores the result in ``AssessmentCache``, keyed by what was computed (kind, period,
date, the exact set of suppliers in scope); the next request at the same version reads it
back. Any write to the data bumps the version in the database itself (triggers, see
:mod:`oretrace.registry.data_version`), so a remembered result is never served after the
data it came from changed — the numbers stay those of the one function that computes them.

Correctness under concurrent writes: the version is read *before* the data, so a result
stored at version V holds data at least as new as V; a writer that commits meanwhile has
already moved the version past V, and readers then compute afresh. Storing is best effort:
a reader that cannot get the write lock at once (SQLite) simply does not store.

Each process also keeps the last few results it used, unpickled (reading back a group's
assessment takes a few hundred milliseconds); such a copy is used only while the database
row it came from is still there, identified by a random token stored with it — a rolled
back transaction or a restored backup can bring a version number back, never a token.

Values are pickled: they are written only by oretrace into its own database (anyone who can
write that database can change every figure anyway), and a value that no longer unpickles
(oretrace upgraded) is recomputed.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import logging
import pickle
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Collection, Hashable
from typing import TypeVar, cast

from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from oretrace.registry.models import AssessmentCache, DataVersion

T = TypeVar("T")
log = logging.getLogger(__name__)

#: Bump when a remembered value's shape changes, so old rows are recomputed, not misread.
FORMAT = 2

#: How long (ms) a reader waits for SQLite's write lock to store a result, before giving up.
STORE_WAIT_MS = 200


def data_version() -> int:
    """The registry's data version: it increases with every write to a counted table."""
    version = DataVersion.objects.filter(pk=1).values_list("version", flat=True).first()
    return int(version or 0)


def scope_key(supplier_ids: Collection[int] | None) -> str:
    """A short fingerprint of a set of suppliers (None: the whole group)."""
    if supplier_ids is None:
        return "all"
    text = ",".join(str(pk) for pk in sorted(set(supplier_ids)))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def remembered(
    kind: str, params: tuple[Hashable, ...], compute: Callable[[], T], *, small: bool = False
) -> T:
    """``compute()``, or its result stored at the current data version for the same
    ``kind`` and ``params`` (which must name everything the result depends on besides the
    data: period, date, scope). Today's date is always part of the key.

    The result is shared: callers treat it as read-only. Besides the database row, each
    process keeps the newest results it read or computed (:data:`IN_PROCESS`), used only
    while the database row they came from is still the stored one (same random token).
    ``small`` results (one supplier's) are not kept there: reading them back is cheap, and
    one per supplier page would push the group's figures out of the process.
    """
    version = data_version()
    key = hashlib.sha256(
        repr((FORMAT, kind, dt.date.today().isoformat(), params)).encode()
    ).hexdigest()
    found = AssessmentCache.objects.filter(key=key, version=version).values_list("token").first()
    if found is not None:
        token = found[0]
        with _process_lock:
            kept = _process.get(key)
            if kept is not None and kept[0] == token:
                _process.move_to_end(key)
                return cast(T, kept[1])
        stored = AssessmentCache.objects.filter(key=key, token=token).values_list("value").first()
        if stored is not None:
            try:
                value = pickle.loads(bytes(stored[0]))  # noqa: S301 - our own rows
            except Exception:  # an older oretrace's value: compute again
                log.info("assessment cache: unreadable %s value, recomputing", kind)
            else:
                if not small:
                    _keep(key, token, value)
                return value  # type: ignore[no-any-return]
    start = time.perf_counter()
    value = compute()
    stored_as = _store(key, kind, version, pickle.dumps(value, pickle.HIGHEST_PROTOCOL), start)
    if stored_as is not None and not small:
        _keep(key, stored_as, value)
    return value


#: How many results each process keeps unpickled (a group's assessment is ~20 MB).
IN_PROCESS = 8
_process: OrderedDict[str, tuple[str, object]] = OrderedDict()
_process_lock = threading.Lock()


def _keep(key: str, token: str, value: object) -> None:
    with _process_lock:
        _process[key] = (token, value)
        _process.move_to_end(key)
        while len(_process) > IN_PROCESS:
            _process.popitem(last=False)
        _out_of_the_collectors_sight()


def _out_of_the_collectors_sight() -> None:
    """Move what the process holds now — the kept results above all — out of the cyclic
    garbage collector's sight (``gc.freeze``). A group's assessment is a few hundred
    thousand objects; each full collection scanned them all to find nothing, 100–200 ms
    every few requests of the supplier list at the reference scale (its p95). The young
    generations are collected first, so this request's garbage is not frozen with them;
    kept results are acyclic and freed by reference counting when they are pushed out."""
    gc.collect(1)
    gc.freeze()


def _store(key: str, kind: str, version: int, value: bytes, start: float) -> str | None:
    """Store a computed value; its random token, or None when it could not be stored."""
    seconds = time.perf_counter() - start
    token = secrets.token_hex(16)
    sqlite = connection.vendor == "sqlite"
    try:
        if sqlite:
            _busy_timeout(STORE_WAIT_MS)
        with transaction.atomic():
            # delete, then insert: the same queries whether the key was stored before or
            # not; keys carry the date, so rows older than two days are never read again
            stale = timezone.now() - dt.timedelta(days=2)
            AssessmentCache.objects.filter(Q(key=key) | Q(computed_at__lt=stale)).delete()
            AssessmentCache.objects.create(
                key=key, kind=kind, version=version, value=value, seconds=seconds, token=token
            )
    except DatabaseError as busy:  # locked by a writer, or lost a race: the next reader stores
        log.info("assessment cache: %s not stored (%s)", kind, busy)
        return None
    finally:
        if sqlite:
            _busy_timeout(None)
    return token


def _busy_timeout(ms: int | None) -> None:
    """Set SQLite's lock wait for this connection (None: back to the configured timeout)."""
    if ms is None:
        from django.conf import settings

        ms = int(float(settings.DATABASES["default"].get("OPTIONS", {}).get("timeout", 5)) * 1000)
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA busy_timeout = {int(ms)}")


def forget() -> int:
    """Delete every remembered result (they are recomputed on demand); the number deleted."""
    deleted, _ = AssessmentCache.objects.all().delete()
    with _process_lock:
        _process.clear()
    gc.unfreeze()  # what was frozen with them is the collector's again
    return deleted
