"""Background work of the roster cycle (django-tasks, ADR 0014): one task reads one list."""

from django_tasks import task


@task()
def run_load(load_id: int) -> str:
    """Check a roster file row by row, then (unless a dry run) write all of it or nothing."""
    from anju.roster.jobs import run

    return run(load_id)
