"""Background work of the ledger (django-tasks, ADR 0013): the daily sweep of control checks."""

from datetime import date

from django_tasks import task

from anju.rectification.actions import flag_overdue_checks


@task()
def sweep_overdue_checks(today: str | None = None) -> int:
    """R-CJ-7: flag the entries whose control check is overdue; `today` as YYYY-MM-DD."""
    return flag_overdue_checks(date.fromisoformat(today) if today else None)
