"""Declarations as revisions per supplier, period and scope; the original file kept by sha256."""

from __future__ import annotations

from django.db import models

from oretrace.registry.models.organisation import ReportingPeriod
from oretrace.registry.models.supply_chain import Supplier


class StoredFile(models.Model):
    """An ingested file, byte for byte, stored once however often it arrives."""

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField()
    original_name = models.CharField(max_length=500)
    content = models.FileField(upload_to="originals/%Y/")
    stored_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.original_name} ({self.sha256[:12]})"


class Declaration(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", "valid"
        FINDINGS = "findings", "with findings"
        UNREADABLE = "unreadable", "unreadable"

    class Scope(models.TextChoices):
        COMPANY = "company", "company"
        PRODUCT = "product", "product list"
        USER_DEFINED = "user", "user defined"
        UNKNOWN = "unknown", "unknown"

    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="declarations"
    )
    supplier = models.ForeignKey(
        Supplier, null=True, blank=True, on_delete=models.PROTECT, related_name="declarations"
    )
    stored_file = models.ForeignKey(
        StoredFile, on_delete=models.PROTECT, related_name="declarations"
    )
    source_path = models.CharField(max_length=1000, blank=True)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.UNKNOWN)
    scope_text = models.TextField(blank=True)
    scope_key = models.CharField(
        max_length=64, blank=True, help_text="Revisions supersede each other within one scope key."
    )
    revision_number = models.PositiveIntegerField(default=1)
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    is_current = models.BooleanField(default=True, db_index=True)
    status = models.CharField(max_length=12, choices=Status.choices, db_index=True)
    template = models.CharField(max_length=10, blank=True)
    version = models.CharField(max_length=10, blank=True)
    company_name = models.CharField(max_length=255, blank=True)
    effective_date = models.DateField(null=True, blank=True)
    checker_missing = models.IntegerField(null=True, blank=True)
    error_code = models.CharField(max_length=30, blank=True)
    error_message = models.TextField(blank=True)
    answers = models.JSONField(default=dict, blank=True, help_text="question → mineral → answer")
    company_answers = models.JSONField(default=dict, blank=True)
    content = models.JSONField(
        default=dict, blank=True, help_text="Every field read, raw and clean, with its cell."
    )
    ingested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["period", "supplier", "scope", "revision_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "stored_file"], name="one_declaration_per_file_and_period"
            )
        ]
        indexes = [models.Index(fields=["period", "supplier", "scope_key", "is_current"])]

    def __str__(self) -> str:
        who = self.company_name or (self.supplier.name if self.supplier else "?")
        return f"{who} {self.template} {self.version} ({self.period}) r{self.revision_number}"


class Finding(models.Model):
    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="findings")
    code = models.CharField(max_length=60, db_index=True)
    severity = models.CharField(max_length=10)
    cell = models.CharField(max_length=60, blank=True)
    message = models.TextField()


class DeclarationProduct(models.Model):
    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="products")
    row = models.PositiveIntegerField()
    number = models.CharField(max_length=255, blank=True)
    name = models.CharField(max_length=500, blank=True)


class DeclarationSmelter(models.Model):
    """A Smelter List row as the supplier wrote it, and how oretrace identified it."""

    class Decision(models.TextChoices):
        AUTO = "auto", "identified automatically"
        REVIEW = "review", "needs review"
        NONE = "none", "not identified"
        CONFIRMED = "confirmed", "confirmed by a person"
        REJECTED = "rejected", "rejected by a person"

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="smelters")
    row = models.PositiveIntegerField()
    metal = models.CharField(max_length=50, blank=True, db_index=True)
    reported_id = models.CharField(max_length=50, blank=True)
    name = models.CharField(max_length=500, blank=True)
    country = models.CharField(max_length=100, blank=True)
    smelter = models.ForeignKey(
        "registry.ReferenceSmelter",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_rows",
    )
    method = models.CharField(max_length=30, blank=True)
    score = models.FloatField(null=True, blank=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, db_index=True)
    reason = models.TextField(blank=True)
    candidates = models.JSONField(default=list, blank=True)
    conflicts = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["declaration", "row"]
