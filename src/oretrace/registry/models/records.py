"""Records kept for their retention period: legal holds that stop a purge, and the
tombstones a purge leaves behind."""

from __future__ import annotations

from django.db import models


class LegalHold(models.Model):
    """Keep everything of a supplier, a period or a declaration, whatever its age, until an
    administrator lifts the hold. The target is named by id (not a foreign key), so a hold
    stays readable whatever happens to what it named."""

    class Target(models.TextChoices):
        SUPPLIER = "supplier", "supplier"
        PERIOD = "period", "reporting period"
        DECLARATION = "declaration", "declaration"

    target = models.CharField(max_length=12, choices=Target.choices)
    target_id = models.PositiveBigIntegerField(
        help_text="The supplier's or declaration's id, or the period's year."
    )
    label = models.CharField(max_length=300, blank=True, help_text="What was held, as named then.")
    reason = models.TextField()
    set_by = models.CharField(max_length=150)
    set_at = models.DateTimeField(auto_now_add=True)
    lifted_by = models.CharField(max_length=150, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["set_at", "id"]
        indexes = [models.Index(fields=["target", "target_id"])]

    def __str__(self) -> str:
        state = "lifted" if self.lifted_at else "active"
        return f"hold #{self.pk} on {self.target} {self.target_id} ({state})"

    @property
    def active(self) -> bool:
        return self.lifted_at is None


class Tombstone(models.Model):
    """A record removed when its retention ran out: its kind, id, period and hash (of the
    original's bytes, or of the declaration as the evidence package exports it)."""

    kind = models.CharField(max_length=30)
    object_id = models.CharField(max_length=64)
    period = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64)
    summary = models.JSONField(default=dict, blank=True)
    rule = models.CharField(max_length=200, help_text="Why it was due, e.g. 5 years after 2019.")
    purged_by = models.CharField(max_length=150)
    purged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["purged_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="one_tombstone_per_record")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} purged ({self.sha256[:12]})"
