"""Background work of housing security (django-tasks): the daily sweep of late cases."""

from datetime import date

from django_tasks import task

from anju.assistance.sweep import flag_late_cases


@task()
def sweep_late_cases(today: str | None = None) -> int:
    """R-MH-11, R-MH-12, R-MH-15: flag late cases; `today` as YYYY-MM-DD."""
    return flag_late_cases(date.fromisoformat(today) if today else None)
