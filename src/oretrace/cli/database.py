"""Open the registry database for a command: configure Django and apply migrations."""

from __future__ import annotations

import os
from pathlib import Path


def open_registry(migrate: bool = True) -> None:
    """Set up Django (SQLite by default, ``ORETRACE_DATABASE_URL`` for PostgreSQL)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oretrace.settings")
    import django

    django.setup()
    from django.conf import settings

    from oretrace.registry.file_modes import private_folder

    private_folder(settings.DATA_DIR)
    if migrate:
        from oretrace.registry.services.schema import migrate_once

        migrate_once()


def registry_configured() -> bool:
    """Whether a registry is meant: ``ORETRACE_DATABASE_URL`` or ``ORETRACE_DATA_DIR`` set,
    or the default SQLite database exists in ``./oretrace-data``."""
    if os.environ.get("ORETRACE_DATABASE_URL") or os.environ.get("ORETRACE_DATA_DIR"):
        return True
    return (Path("oretrace-data") / "oretrace.sqlite3").is_file()


def describe_registry() -> str:
    """Where the registry is, for messages (no password)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if "sqlite" in database["ENGINE"]:
        return f"SQLite {database['NAME']}"
    return f"PostgreSQL {database.get('HOST') or 'localhost'}/{database['NAME']}"
