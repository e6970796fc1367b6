"""What the portal keeps for itself: failed link attempts, counted for rate limiting.

A :class:`PortalAttempt` row is one failed try at a portal link (a malformed, unknown,
expired or revoked token) from one address. Rows live in the database, so every server
process sees the same counts (ADR 0016); old rows are pruned as new ones arrive.
"""

from __future__ import annotations

from django.db import models


class PortalAttempt(models.Model):
    ip_address = models.CharField(max_length=45, help_text="Where the failed try came from.")
    attempted_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-attempted_at", "-id"]
        indexes = [models.Index(fields=["ip_address", "attempted_at"])]

    def __str__(self) -> str:
        return f"{self.ip_address} at {self.attempted_at:%Y-%m-%d %H:%M:%S}"
