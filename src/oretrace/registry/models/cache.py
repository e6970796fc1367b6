"""The registry's data version and the period assessments remembered for it.

Every write to a table the figures read bumps :class:`DataVersion` (database triggers, see
:mod:`oretrace.registry.data_version`); an :class:`AssessmentCache` row holds a computed
result only for the version it was computed at, so a stored result can never outlive the
data it was computed from (docs/adr/0018-page-speed.md).
"""

from __future__ import annotations

from django.db import models


class DataVersion(models.Model):
    """One row (id 1): a counter every write to a figure-relevant table increments."""

    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"data version {self.version}"


class AssessmentCache(models.Model):
    """A computed assessment or status, for one key (what, period, date, scope) and the data
    version it was computed at. Written only by oretrace, read only when the version matches."""

    key = models.CharField(max_length=64, unique=True, help_text="sha256 of what was computed")
    kind = models.CharField(max_length=40)
    version = models.BigIntegerField()
    value = models.BinaryField()
    token = models.CharField(max_length=32, help_text="random per stored value (process copies)")
    computed_at = models.DateTimeField(auto_now=True)
    seconds = models.FloatField(default=0, help_text="how long the computation took")

    def __str__(self) -> str:
        return f"{self.kind} @ {self.version}"
