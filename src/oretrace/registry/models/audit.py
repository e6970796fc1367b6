"""The audit log: who did what to which object, when. Rows are only ever added."""

from __future__ import annotations

from django.db import models


class AuditEntry(models.Model):
    actor = models.CharField(max_length=150, help_text="User name, or 'system:<command>'.")
    action = models.CharField(max_length=100, db_index=True, help_text="e.g. declaration.ingested")
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        target = f"{self.object_type}:{self.object_id}"
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {target}"
