"""Staff people: a Django user's role and, for compliance officers, their group companies."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from oretrace.registry.models.organisation import GroupCompany


class StaffRole(models.Model):
    """What a signed-in person may see and do. One row per user; no row means no access."""

    class Role(models.TextChoices):
        ADMIN = "admin", "head-office administrator"
        OFFICER = "officer", "group-company compliance officer"
        REVIEWER = "reviewer", "smelter reviewer"
        AUDITOR = "auditor", "auditor (read only)"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_role"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    group_companies = models.ManyToManyField(
        GroupCompany,
        blank=True,
        related_name="officers",
        help_text="For officers: the group companies whose suppliers they see.",
    )

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"
