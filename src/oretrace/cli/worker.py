"""``oretrace worker``: run background jobs (ingest of uploads, report builds)."""

from __future__ import annotations

import logging

import click

from oretrace.cli.database import open_registry


@click.command()
@click.option(
    "--burst",
    is_flag=True,
    help="Run the queued jobs, queue due reminders and send the outbox once, then exit.",
)
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=1.0,
    show_default=True,
    help="Seconds to wait between looks at an empty queue.",
)
@click.option("--id", "worker_id", help="A name for this worker in job records (default random).")
def worker(burst: bool, interval: float, worker_id: str | None) -> None:
    """Run queued background jobs: ingest of uploaded files, report builds, e-mail.

    Start as many workers as you like, on one machine or several sharing a PostgreSQL
    database; each job runs once. Before every look at the queue a worker re-queues jobs
    whose worker stopped responding (no heartbeat for ORETRACE_JOB_STALE_SECONDS), up to
    ORETRACE_JOB_MAX_ATTEMPTS attempts. Stop it with Ctrl+C: it finishes the job at hand.

    Every ORETRACE_MAIL_INTERVAL_SECONDS (default 30) it also queues the campaign reminders
    that are due and sends the e-mail outbox over ORETRACE_SMTP_URL (without it, messages
    wait in the outbox and the worker says how many). --burst does all of this once.
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    open_registry()
    from oretrace.registry.worker import work

    work(burst=burst, interval=interval, worker_id=worker_id)
