"""Corrections to evidence: a new record pointing at what it corrects and saying why.

A declaration as ingested is never edited; a correction (the supplier withdrew the file, it
needs follow-up) is added next to it, and the newest correction is what counts.
"""

from __future__ import annotations

from django.db import models

from oretrace.registry.models.declarations import Declaration


class Correction(models.Model):
    class Status(models.TextChoices):
        WITHDRAWN = "withdrawn", "withdrawn by the supplier"
        FOLLOW_UP = "follow_up", "needs follow-up"
        REINSTATED = "reinstated", "as ingested (earlier correction undone)"

    declaration = models.ForeignKey(
        Declaration, on_delete=models.PROTECT, related_name="corrections"
    )
    status = models.CharField(max_length=12, choices=Status.choices)
    previous_status = models.CharField(
        max_length=12, help_text="The declaration's effective status before this correction."
    )
    reason = models.TextField()
    actor = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["declaration", "at", "id"]

    def __str__(self) -> str:
        return f"{self.declaration_id}: {self.previous_status} → {self.status} ({self.actor})"
