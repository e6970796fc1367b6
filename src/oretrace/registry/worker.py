"""The worker loop behind ``oretrace worker``: sweep abandoned jobs, drain the queue, repeat.

Every ``ORETRACE_MAIL_INTERVAL_SECONDS`` (and once in a burst, after the queued jobs) it
also queues the reminders that are due and drains the e-mail outbox (:func:`mail_pass`).

It drives django-tasks-db's own :class:`Worker` (claiming with ``SELECT … FOR UPDATE SKIP
LOCKED`` on PostgreSQL, an exclusive transaction on SQLite) in batch mode, and runs
:func:`oretrace.registry.services.jobs.sweep` before every pass, so a job left running by a
worker that died is queued again by whichever worker is alive.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME
from django_tasks_db.management.commands.db_worker import Worker

from oretrace.registry.services import outbox, reminders
from oretrace.registry.services.jobs import sweep

log = logging.getLogger(__name__)


def new_worker_id() -> str:
    return get_random_string(16)


def mail_pass() -> outbox.DrainResult:
    """Queue the reminders that are due, then send what the outbox holds."""
    queued = reminders.queue_due_reminders()
    if queued.queued:
        log.info("queued %s reminder(s)", len(queued.queued))
    drained = outbox.drain()
    if not drained.configured:
        if drained.waiting:
            log.warning(
                "ORETRACE_SMTP_URL is not set: %s message(s) wait in the outbox "
                "(see `oretrace outbox list`)",
                drained.waiting,
            )
    elif drained.sent or drained.retried or drained.bounced or drained.failed:
        log.info(
            "outbox: sent %s, to retry %s, bounced %s, failed %s",
            drained.sent,
            drained.retried,
            drained.bounced,
            drained.failed,
        )
    return drained


def work(burst: bool, interval: float = 1.0, worker_id: str | None = None) -> None:
    """Run queued tasks; with ``burst``, only what is queued and due now, then return."""
    worker = Worker(
        queue_names=[DEFAULT_TASK_QUEUE_NAME],
        interval=interval,
        batch=True,
        backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id or new_worker_id(),
        excluded_queue_names=[],
    )
    worker.configure_signals()
    mail_every = float(settings.ORETRACE_MAIL_INTERVAL_SECONDS)
    last_mail = 0.0
    try:
        while worker.running:
            swept = sweep()
            if swept.requeued or swept.failed:
                log.warning(
                    "swept abandoned jobs: requeued %s, failed %s",
                    list(swept.requeued),
                    list(swept.failed),
                )
            worker.run()
            if burst or time.monotonic() - last_mail >= mail_every:
                mail_pass()
                last_mail = time.monotonic()
            if burst:
                return
            time.sleep(interval)
    finally:
        worker.reset_signals()
