"""Open the registry database for a command: configure Django and apply migrations."""

from __future__ import annotations

import os


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
