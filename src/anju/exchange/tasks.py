"""Background work of the data exchange (django-tasks, ADR 0014): one task runs one job."""

from django_tasks import task


@task()
def run_job(job_id: int) -> str:
    """Run an import or export job to its end; a job another worker holds is skipped."""
    from anju.exchange.runner import run

    return run(job_id)
