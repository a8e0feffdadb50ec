"""Background work of the statistics (django-tasks): counting the changed villages again."""

from django_tasks import task

from anju.reports import rollup


@task()
def refresh_stats() -> int:
    """Count the dirty and lapsed villages again and sum the divisions above them."""
    return rollup.refresh()
