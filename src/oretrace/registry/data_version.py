"""Database triggers that count every write to the registry's data: the data version.

Every INSERT, UPDATE and DELETE on a registry table the figures read increments the single
``registry_dataversion`` row, in the same transaction as the write. Remembered assessments
(:mod:`oretrace.registry.services.assessment_cache`) are only used at the version they were
computed at, so no write path — ingest, a correction, a review decision, a reference or
master-data import, a retention purge, an admin edit, ``oretrace manage shell``, raw SQL, a
write path added later — can leave a stale figure behind: no code has to remember to
invalidate anything.

Every table whose name starts with ``registry_`` is counted, except :data:`UNCOUNTED`: tables
no figure reads that are written often (the audit log, job progress, the e-mail outbox,
portal access, the cache itself). A table added later is counted by default — the safe
side; add it to :data:`UNCOUNTED` only when no figure can depend on it.

SQLite has only row triggers (one increment per row written); PostgreSQL uses one statement
trigger per table. :func:`ensure` runs after every ``migrate`` (SQLite drops a table's
triggers when a migration rebuilds it, and new tables need theirs).
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db.backends.base.base import BaseDatabaseWrapper

VERSION_TABLE = "registry_dataversion"

#: Registry tables whose writes do not change any figure (and would invalidate needlessly).
UNCOUNTED = frozenset(
    {
        VERSION_TABLE,
        "registry_assessmentcache",
        "registry_auditentry",
        "registry_auditchainhead",
        "registry_job",
        "registry_outboxmessage",
        "registry_portalattempt",
        "registry_supplieraccess",
        # a portal visit stamps its request (opened, last used): no period figure reads
        # campaigns today; if one ever does, take this out (and accept the invalidations)
        "registry_supplierrequest",
    }
)

_OPERATIONS = ("insert", "update", "delete")
_SQLITE_BUMP = (
    f"INSERT INTO {VERSION_TABLE} (id, version) VALUES (1, 1) "
    "ON CONFLICT(id) DO UPDATE SET version = version + 1"
)
_POSTGRES_FUNCTION = f"""CREATE OR REPLACE FUNCTION oretrace_bump_data_version() RETURNS trigger
AS $$
BEGIN
    INSERT INTO {VERSION_TABLE} (id, version) VALUES (1, 1)
        ON CONFLICT (id) DO UPDATE SET version = {VERSION_TABLE}.version + 1;
    RETURN NULL;
END $$ LANGUAGE plpgsql"""
_POSTGRES_TRIGGER = "oretrace_data_version"


def counted_tables(connection: BaseDatabaseWrapper) -> list[str]:
    """The registry tables whose writes bump the data version, as the database has them."""
    return sorted(
        t
        for t in connection.introspection.table_names()
        if t.startswith("registry_") and t not in UNCOUNTED
    )


def _sqlite_name(table: str, operation: str) -> str:
    return f"{table}_data_version_{operation}"


def _install_statements(connection: BaseDatabaseWrapper, tables: list[str]) -> list[str]:
    if connection.vendor == "sqlite":
        return [
            f"CREATE TRIGGER IF NOT EXISTS {_sqlite_name(table, op)} AFTER {op.upper()} "
            f"ON {table} BEGIN {_SQLITE_BUMP}; END"
            for table in tables
            for op in _OPERATIONS
        ]
    if connection.vendor == "postgresql":
        return [_POSTGRES_FUNCTION] + [
            f"CREATE OR REPLACE TRIGGER {_POSTGRES_TRIGGER} AFTER INSERT OR UPDATE OR DELETE "
            f"OR TRUNCATE ON {table} FOR EACH STATEMENT "
            "EXECUTE FUNCTION oretrace_bump_data_version()"
            for table in tables
        ]
    raise ImproperlyConfigured(
        f"no data-version triggers for {connection.vendor}; oretrace supports SQLite and PostgreSQL"
    )


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the triggers on every counted table (again); no-op for those present."""
    if VERSION_TABLE not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        for sql in _install_statements(connection, counted_tables(connection)):
            cursor.execute(sql)


def ensure(connection: BaseDatabaseWrapper) -> None:
    """Install the triggers when any counted table lacks them. Reads first, so concurrent
    commands (each runs ``migrate``) do not rewrite them at once."""
    if connection.vendor not in ("sqlite", "postgresql"):
        return
    tables = counted_tables(connection)
    if VERSION_TABLE not in connection.introspection.table_names():
        return
    per_table = len(_OPERATIONS) if connection.vendor == "sqlite" else 1
    if installed_count(connection) < per_table * len(tables):
        install(connection)


def installed_count(connection: BaseDatabaseWrapper) -> int:
    """How many data-version triggers the database holds."""
    if connection.vendor == "sqlite":
        sql = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s"
        pattern = "%\\_data\\_version\\_%"
        sql += " ESCAPE '\\'"
    else:
        sql = "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgname = %s"
        pattern = _POSTGRES_TRIGGER
    with connection.cursor() as cursor:
        cursor.execute(sql, [pattern])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def remove(connection: BaseDatabaseWrapper) -> None:
    """Drop every data-version trigger (migrating back past 0015)."""
    tables = counted_tables(connection)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for table in tables:
                for op in _OPERATIONS:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {_sqlite_name(table, op)}")
        elif connection.vendor == "postgresql":
            for table in tables:
                cursor.execute(f"DROP TRIGGER IF EXISTS {_POSTGRES_TRIGGER} ON {table}")
            cursor.execute("DROP FUNCTION IF EXISTS oretrace_bump_data_version()")
