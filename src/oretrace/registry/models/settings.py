"""Settings a person fills in once: the filer's facts and due-diligence texts for reports."""

from __future__ import annotations

from django.db import models


class OrganisationProfile(models.Model):
    """One row: the fields of :class:`oretrace.reporting.data.Organisation`, as JSON."""

    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.CharField(max_length=150, blank=True)

    def __str__(self) -> str:
        return str(self.data.get("legal_name") or "organisation profile")
