"""Campaigns: asking suppliers for a template, the portal links they answer through, the
e-mail outbox that carries the asking, and what suppliers confirm on the portal.

A :class:`Campaign` asks a set of suppliers (one :class:`SupplierRequest` each) for a template
of one period by a due date. Each request carries portal access through
:class:`SupplierAccess` rows: a random token sent in the e-mail, of which only its SHA-256 is
stored, with expiry and revocation one link at a time. Every message goes through
:class:`OutboxMessage` (rendered once when queued, sent by the worker, never queued twice for
the same ``dedupe_key``). What arrives through the portal is a :class:`PortalSubmission`
(the stored file, the declaration it became, and who uploaded it: the supplier, or a staff
member on its behalf). Policy acknowledgements are :class:`PolicyAcknowledgement` rows.
"""

from __future__ import annotations

import datetime as dt

from django.db import models

from oretrace.registry.models.declarations import Declaration, StoredFile
from oretrace.registry.models.jobs import Job
from oretrace.registry.models.organisation import GroupCompany, ReportingPeriod
from oretrace.registry.models.supply_chain import Contact, Supplier


def default_reminder_offsets() -> list[int]:
    """Days before the due date (negative: after it) on which a silent supplier is reminded."""
    return [14, 7, 0, -7]


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "draft"
        SENT = "sent", "sent"
        CLOSED = "closed", "closed"

    name = models.CharField(max_length=200, unique=True)
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="campaigns")
    group_company = models.ForeignKey(
        GroupCompany,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaigns",
        help_text="Empty: the whole group.",
    )
    template_family = models.CharField(max_length=10, default="CMRT")
    minimum_revision = models.CharField(max_length=10, blank=True)
    scope = models.CharField(
        max_length=10, blank=True, help_text="Declaration scope asked for; empty: any."
    )
    due_on = models.DateField()
    message = models.TextField(blank=True)
    reminder_offsets = models.JSONField(default=default_reminder_offsets, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class SupplierRequest(models.Model):
    """One supplier asked in one campaign, and how far its answer got."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="requests")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="requests")
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )
    email = models.CharField(max_length=254, blank=True, help_text="Address the request goes to.")
    contact_name = models.CharField(max_length=255, blank=True)
    locale = models.CharField(max_length=10, blank=True, help_text="Language for its e-mails.")
    due_on = models.DateField(
        null=True, blank=True, help_text="An extended due date; empty: the campaign's."
    )
    invited_at = models.DateTimeField(null=True, blank=True)
    first_opened_at = models.DateTimeField(null=True, blank=True)
    last_opened_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    bounced_at = models.DateTimeField(null=True, blank=True)
    contacts_confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign", "supplier"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "supplier"], name="one_request_per_supplier_and_campaign"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign} → {self.supplier}"

    @property
    def effective_due_on(self) -> dt.date:
        return self.due_on or self.campaign.due_on


class SupplierAccess(models.Model):
    """A portal link. Only the SHA-256 of its random token is stored."""

    request = models.ForeignKey(SupplierRequest, on_delete=models.PROTECT, related_name="accesses")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.CharField(max_length=150, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class OutboxMessage(models.Model):
    """An e-mail, rendered when queued, sent by the worker with retries (ADR 0015)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "queued"
        SENDING = "sending", "sending"
        RETRY = "retry", "awaiting retry"
        SENT = "sent", "sent"
        FAILED = "failed", "failed"
        BOUNCED = "bounced", "bounced"
        CANCELLED = "cancelled", "cancelled"

    dedupe_key = models.CharField(
        max_length=200, unique=True, help_text="One logical message, queued once."
    )
    purpose = models.CharField(max_length=30, help_text="invitation, reminder, resend, …")
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    request = models.ForeignKey(
        SupplierRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    sender = models.CharField(max_length=254)
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=500)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    locale = models.CharField(max_length=10, blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    retry_after = models.DateTimeField(null=True, blank=True, db_index=True)
    inflight_since = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "retry_after"])]

    def __str__(self) -> str:
        return f"{self.purpose} to {', '.join(self.to)} ({self.status})"


class PortalSubmission(models.Model):
    """A file that arrived for a request: through the portal, or uploaded by staff on the
    supplier's behalf (recorded as such)."""

    request = models.ForeignKey(
        SupplierRequest, on_delete=models.PROTECT, related_name="submissions"
    )
    stored_file = models.ForeignKey(
        StoredFile, on_delete=models.PROTECT, related_name="portal_submissions"
    )
    declaration = models.ForeignKey(
        Declaration,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="portal_submissions",
    )
    job = models.ForeignKey(
        Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="portal_submissions"
    )
    original_name = models.CharField(max_length=500)
    submitted_by = models.CharField(
        max_length=150, help_text="Actor: 'supplier:<request id>' or 'user:<name>'."
    )
    on_behalf = models.BooleanField(default=False)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]


class PolicyAcknowledgement(models.Model):
    """A supplier acknowledging the company's sourcing policy or letter of agreement."""

    class Document(models.TextChoices):
        POLICY = "policy", "sourcing policy"
        LETTER = "letter", "letter of agreement"

    request = models.ForeignKey(
        SupplierRequest, on_delete=models.PROTECT, related_name="acknowledgements"
    )
    supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, related_name="acknowledgements"
    )
    document = models.CharField(max_length=10, choices=Document.choices)
    document_version = models.CharField(max_length=50, blank=True)
    name = models.CharField(max_length=255)
    email = models.CharField(max_length=254, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-acknowledged_at", "-id"]
