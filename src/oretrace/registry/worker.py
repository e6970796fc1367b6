"""The worker loop behind ``oretrace worker``: sweep abandoned jobs, drain the queue, repeat.

It drives django-tasks-db's own :class:`Worker` (claiming with ``SELECT … FOR UPDATE SKIP
LOCKED`` on PostgreSQL, an exclusive transaction on SQLite) in batch mode, and runs
:func:`oretrace.registry.services.jobs.sweep` before every pass, so a job left running by a
worker that died is queued again by whichever worker is alive.
"""

from __future__ import annotations

import logging
import time

from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME
from django_tasks_db.management.commands.db_worker import Worker

from oretrace.registry.services.jobs import sweep

log = logging.getLogger(__name__)


def new_worker_id() -> str:
    return get_random_string(16)


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
            if burst:
                return
            time.sleep(interval)
    finally:
        worker.reset_signals()
