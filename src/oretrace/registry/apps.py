from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RegistryConfig(AppConfig):
    name = "oretrace.registry"
    label = "registry"
    verbose_name = "oretrace registry"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(_guard_audit_log, sender=self)


def _guard_audit_log(using: str = "default", **_: Any) -> None:
    """SQLite drops a table's triggers when a migration rebuilds it: put them back."""
    from django.db import connections

    from oretrace.registry import append_only

    append_only.ensure(connections[using])
