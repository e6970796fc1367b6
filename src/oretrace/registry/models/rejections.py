"""Files given to ingest that could not be read at all, so nothing of them was stored."""

from __future__ import annotations

from django.db import models

from oretrace.registry.models.declarations import Declaration
from oretrace.registry.models.organisation import ReportingPeriod


class RejectedFile(models.Model):
    """A path that ingest was given and could not read (permission denied, vanished, not a
    regular file, a symbolic link out of the folders given, over the size limit).

    Such a file is neither a declaration nor "already known". One row per period and path,
    updated on each attempt; when a later run stores the file, ``resolved_by`` points to the
    declaration and the row stays as the record of what happened.
    """

    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="rejected_files"
    )
    path = models.CharField(max_length=1000)
    path_key = models.CharField(max_length=64, help_text="sha256 of the path, for uniqueness.")
    code = models.CharField(max_length=30, db_index=True)
    message = models.TextField()
    attempts = models.PositiveIntegerField(default=1)
    first_seen = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(auto_now=True)
    resolved_by = models.ForeignKey(
        Declaration, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["period", "path"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "path_key"], name="one_rejection_per_period_and_path"
            )
        ]

    def __str__(self) -> str:
        return f"{self.path}: {self.code}"
