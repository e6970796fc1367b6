"""Corrective actions agreed with a supplier (OECD step 3: a risk management plan)."""

from __future__ import annotations

from django.db import models

from oretrace.registry.models.supply_chain import Supplier


class CorrectiveAction(models.Model):
    """One follow-up with a supplier: what, who owns it, by when; closed with a note."""

    supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, related_name="corrective_actions"
    )
    title = models.CharField(max_length=255)
    note = models.TextField(blank=True)
    owner = models.CharField(max_length=150, help_text="Who follows it up (a user name).")
    due_on = models.DateField(null=True, blank=True)
    opened_by = models.CharField(max_length=150)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.CharField(max_length=150, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closing_note = models.TextField(blank=True)

    class Meta:
        ordering = ["closed_at", "due_on", "id"]

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def __str__(self) -> str:
        return self.title
