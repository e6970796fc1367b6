"""Background jobs as the people who started them see them: progress, result, error.

The task queue (django-tasks, database backend) only knows "run this function with these
arguments". A :class:`Job` is our own record of the work: who asked for it, which group
company it belongs to (so the web can scope it), how far it got, what came out, and a
heartbeat so a job left behind by a dead worker can be found and run again (ADR 0009).
"""

from __future__ import annotations

from django.db import models

from oretrace.registry.models.organisation import GroupCompany


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "queued"
        RUNNING = "running", "running"
        DONE = "done", "done"
        FAILED = "failed", "failed"

    TERMINAL = (Status.DONE, Status.FAILED)

    kind = models.CharField(max_length=30, help_text="What the job does: ingest, report, …")
    key = models.CharField(
        max_length=200,
        unique=True,
        help_text="Queuing the same key again gives the same job.",
    )
    owner = models.CharField(max_length=150, help_text="Actor string of who queued it.")
    group_company = models.ForeignKey(
        GroupCompany, null=True, blank=True, on_delete=models.PROTECT, related_name="jobs"
    )
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    stage = models.CharField(max_length=40, blank=True, help_text="Short key, e.g. 'reading'.")
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    worker = models.CharField(max_length=100, blank=True)
    task_id = models.CharField(max_length=64, blank=True, help_text="The django-tasks result id.")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "heartbeat_at"])]

    def __str__(self) -> str:
        return f"{self.kind} job {self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in self.TERMINAL

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, round(100 * self.progress_done / self.progress_total))
