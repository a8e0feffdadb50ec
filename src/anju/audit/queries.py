"""Reading the audit log: the audit administrator's search."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from anju.accounts.access import check
from anju.audit.models import AuditEvent


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def events_for_user(user, *, since: date | None = None, until: date | None = None,
                    username: str = "", action: str = "", result: str = "",
                    object_type: str = "", object_id: str = "", client_ip: str = ""):
    """Audit rows matching the filters, newest first; only the audit administrator may ask."""
    check(user, "audit.view")
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
    if client_ip:
        events = events.filter(client_ip=client_ip)
    return events.order_by("-at", "-id")
