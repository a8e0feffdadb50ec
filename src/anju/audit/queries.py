"""Reading the audit log: the audit administrator's search."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from anju.audit.models import AuditEvent


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def search_events(*, since: date | None = None, until: date | None = None, username: str = "",
                  action: str = "", result: str = "", object_type: str = "",
                  object_id: str = "", client_ip: str = "", division: str = ""):
    """Audit rows matching the filters, newest first. Only the audit administrator may ask:
    the pages that search require audit.view (the audit log sits below the accounts that
    grant it, architecture.md)."""
    events = AuditEvent.objects.all()
    if since:
        events = events.filter(at__gte=_start_of(since))
    if until:
        events = events.filter(at__lt=_start_of(until + timedelta(days=1)))
    if username:
        events = events.filter(username=username)
    if action:
        events = events.filter(action=action)
    if result:
        events = events.filter(result=result)
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if division:
        # A division covers its own events and those of every division below it.
        events = events.filter(division_code__startswith=division)
    if client_ip:
        events = events.filter(client_ip=client_ip)
    return events.order_by("-at", "-id")
