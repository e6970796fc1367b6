"""The one django-tasks task: run a :class:`~oretrace.registry.models.Job` by its id.

The queue carries only the job id; what to do, for whom and how far it got live in the Job
row (``oretrace.registry.services.jobs``).
"""

from __future__ import annotations

from django_tasks import TaskContext, task

from oretrace.registry.services import jobs


@task(takes_context=True)
def run_job(context: TaskContext, job_id: int) -> str:
    worker = ",".join(context.task_result.worker_ids[-1:]) or "worker"
    return jobs.run(job_id, worker)
