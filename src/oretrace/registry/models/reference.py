"""RMI reference smelters in the database, mirrored from ``oretrace.smelters`` snapshots.

Snapshots (a template's look-up, an RMI facility list) are stored whole; the smelter,
name and status tables are rebuilt from them so reports and the admin can query them.
"""

from __future__ import annotations

from django.db import models


class ReferenceSnapshot(models.Model):
    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30)
    label = models.CharField(max_length=200)
    source = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64, blank=True)
    as_of = models.DateField(null=True, blank=True)
    shipped = models.BooleanField(default=False, help_text="Ships with oretrace.")
    payload = models.TextField(help_text="The snapshot as oretrace.smelters stores it (JSON).")
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["as_of", "key"]

    def __str__(self) -> str:
        return f"{self.label} ({self.as_of})"


class ReferenceSmelter(models.Model):
    smelter_id = models.CharField(max_length=20, unique=True)
    metal = models.CharField(max_length=50, db_index=True)
    standard_name = models.CharField(max_length=500)
    country = models.CharField(max_length=100, blank=True)
    country_iso2 = models.CharField(max_length=2, blank=True)
    city = models.CharField(max_length=200, blank=True)
    dropped = models.BooleanField(default=False, help_text="Absent from the newest look-up.")
    first_seen = models.CharField(max_length=200, blank=True)
    last_seen = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["metal", "standard_name"]

    def __str__(self) -> str:
        return f"{self.smelter_id} {self.standard_name} ({self.metal})"


class ReferenceName(models.Model):
    smelter = models.ForeignKey(ReferenceSmelter, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(max_length=500)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["smelter", "name"], name="unique_reference_name")
        ]


class SmelterStatus(models.Model):
    """An RMI status of a smelter as one dated list showed it."""

    smelter = models.ForeignKey(ReferenceSmelter, on_delete=models.CASCADE, related_name="statuses")
    status = models.CharField(max_length=60)
    as_of = models.DateField(null=True, blank=True)
    snapshot_key = models.CharField(max_length=200)
    last_audit = models.DateField(null=True, blank=True)
    audit_cycle = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["smelter", "as_of"]


class LearnedAlias(models.Model):
    """A name a person confirmed for a smelter; later identifications use it."""

    metal = models.CharField(max_length=50)
    key = models.CharField(max_length=500)
    name = models.CharField(max_length=500)
    smelter = models.ForeignKey(ReferenceSmelter, on_delete=models.PROTECT, related_name="+")
    decided_by = models.CharField(max_length=150)
    decided_at = models.DateTimeField()
    note = models.TextField(blank=True)
    taught_by = models.ForeignKey(
        "registry.ReviewDecision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The review decision that set this alias last.",
    )

    class Meta:
        verbose_name_plural = "learned aliases"
        constraints = [
            models.UniqueConstraint(fields=["metal", "key"], name="unique_learned_alias")
        ]


class ReviewDecision(models.Model):
    """A person's decision on a smelter row; an accepted one becomes a learned alias."""

    row = models.ForeignKey(
        "registry.DeclarationSmelter", on_delete=models.CASCADE, related_name="reviews"
    )
    chosen = models.ForeignKey(
        ReferenceSmelter, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted = models.BooleanField()
    previous_decision = models.CharField(max_length=10, blank=True)
    previous_smelter = models.ForeignKey(
        ReferenceSmelter, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.CharField(max_length=150)
    note = models.TextField(blank=True)
    reason = models.TextField(blank=True, help_text="Why an already decided row was re-decided.")
    decided_at = models.DateTimeField(auto_now_add=True)
