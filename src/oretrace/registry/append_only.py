"""Database triggers that make the audit log append-only, per database vendor.

The audit table refuses every UPDATE and DELETE; the chain head refuses DELETE and any
update that moves it backwards. Django's ORM, ``oretrace manage shell`` and raw SQL all hit
the same wall; only someone who can drop the triggers gets past them, and then
``oretrace audit verify`` sees the broken chain (see docs/adr/0005-audit-chain.md).

:func:`install` is idempotent: migration 0003 calls it, and so does every ``migrate`` (a
post-migrate hook), because SQLite drops a table's triggers when a later migration rebuilds
the table.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db.backends.base.base import BaseDatabaseWrapper

ENTRY = "registry_auditentry"
HEAD = "registry_auditchainhead"
MESSAGE = "the audit log is append-only"

_SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS {ENTRY}_no_update BEFORE UPDATE ON {ENTRY}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}: UPDATE refused'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {ENTRY}_no_delete BEFORE DELETE ON {ENTRY}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}: DELETE refused'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {HEAD}_no_delete BEFORE DELETE ON {HEAD}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}: the chain head cannot be deleted'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {HEAD}_forward_only BEFORE UPDATE ON {HEAD}
    WHEN NEW.seq < OLD.seq OR NEW.id <> OLD.id
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}: the chain head only moves forward'); END""",
]
_SQLITE_REMOVE = [
    f"DROP TRIGGER IF EXISTS {ENTRY}_no_update",
    f"DROP TRIGGER IF EXISTS {ENTRY}_no_delete",
    f"DROP TRIGGER IF EXISTS {HEAD}_no_delete",
    f"DROP TRIGGER IF EXISTS {HEAD}_forward_only",
]

# 23001 restrict_violation: psycopg raises IntegrityError, as SQLite's RAISE(ABORT) does.
_POSTGRES_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION oretrace_audit_refuse() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}: % refused on %', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation';
    END $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE FUNCTION oretrace_audit_head_forward() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE' OR NEW.seq < OLD.seq OR NEW.id <> OLD.id THEN
            RAISE EXCEPTION '{MESSAGE}: the chain head only moves forward'
                USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE TRIGGER {ENTRY}_append_only BEFORE UPDATE OR DELETE ON {ENTRY}
    FOR EACH ROW EXECUTE FUNCTION oretrace_audit_refuse()""",
    f"""CREATE OR REPLACE TRIGGER {HEAD}_forward_only BEFORE UPDATE OR DELETE ON {HEAD}
    FOR EACH ROW EXECUTE FUNCTION oretrace_audit_head_forward()""",
]
_POSTGRES_REMOVE = [
    f"DROP TRIGGER IF EXISTS {ENTRY}_append_only ON {ENTRY}",
    f"DROP TRIGGER IF EXISTS {HEAD}_forward_only ON {HEAD}",
    "DROP FUNCTION IF EXISTS oretrace_audit_refuse()",
    "DROP FUNCTION IF EXISTS oretrace_audit_head_forward()",
]


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the triggers (again) on ``connection``'s database; no-op when present."""
    _run(connection, {"sqlite": _SQLITE_INSTALL, "postgresql": _POSTGRES_INSTALL})


def ensure(connection: BaseDatabaseWrapper) -> None:
    """Install the triggers if the tables exist and any trigger is missing. Reads first, so
    concurrent commands (each runs ``migrate``) do not rewrite the functions at once."""
    if connection.vendor not in ("sqlite", "postgresql"):
        return
    tables = set(connection.introspection.table_names())
    if ENTRY in tables and HEAD in tables and _count(connection) < _EXPECTED[connection.vendor]:
        install(connection)


_EXPECTED = {"sqlite": len(_SQLITE_INSTALL), "postgresql": 2}


def _count(connection: BaseDatabaseWrapper) -> int:
    if connection.vendor == "sqlite":
        sql = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN (%s, %s)"
    else:
        sql = (
            "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND c.relname IN (%s, %s)"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [ENTRY, HEAD])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def remove(connection: BaseDatabaseWrapper) -> None:
    """Drop the triggers: for ``flush`` (wiping the whole database) and migrating back."""
    _run(connection, {"sqlite": _SQLITE_REMOVE, "postgresql": _POSTGRES_REMOVE})


def _run(connection: BaseDatabaseWrapper, statements: dict[str, list[str]]) -> None:
    if connection.vendor not in statements:
        raise ImproperlyConfigured(
            f"no append-only triggers for {connection.vendor}; oretrace supports "
            "SQLite and PostgreSQL"
        )
    with connection.cursor() as cursor:
        for sql in statements[connection.vendor]:
            cursor.execute(sql)
