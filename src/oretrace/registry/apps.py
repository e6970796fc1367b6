from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class RegistryConfig(AppConfig):
    name = "oretrace.registry"
    label = "registry"
    verbose_name = "oretrace registry"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from oretrace.registry.file_modes import private_sqlite_files

        post_migrate.connect(_guard_audit_log, sender=self)
        post_migrate.connect(_count_writes, sender=self)
        connection_created.connect(private_sqlite_files, dispatch_uid="oretrace-private-sqlite")


def _guard_audit_log(using: str = "default", **_: Any) -> None:
    """SQLite drops a table's triggers when a migration rebuilds it: put them back."""
    from django.db import connections

    from oretrace.registry import append_only

    append_only.ensure(connections[using])


def _count_writes(using: str = "default", **_: Any) -> None:
    """Every counted table needs its data-version triggers, new tables and rebuilt ones too."""
    from django.db import connections

    from oretrace.registry import data_version

    data_version.ensure(connections[using])
