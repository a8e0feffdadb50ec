"""Housing-security figures (R-MH-3..12) for the statistics, read from `anju.assistance` when
that app is installed and counted as nothing otherwise. Everything the reports know about
applications is in this module."""

from datetime import date

from django.apps import apps
from django.db.models import Count, Min, Q

from anju.reports.figures import BY_NAME


def installed() -> bool:
    return apps.is_installed("anju.assistance")


def payment_settled() -> frozenset[str]:
    """R-MH-12: no payment is due any more once the subsidy is paid or waived, or the case
    has ended (the statuses the case workflow ends in)."""
    from anju.assistance.codes import Status
    from anju.assistance.transitions import WORKFLOW

    return WORKFLOW.ended | {Status.PAID, Status.WAIVED}


def _payment_open() -> Q:
    return Q(payment_due_on__isnull=False, paid_on__isnull=True) \
        & ~Q(status__in=payment_settled())


def counts(where: Q, today: date) -> tuple[dict[str, dict], dict[str, date]]:
    """Per village: applications by status, payments overdue (R-MH-12: paid no later than
    the profile's days after acceptance) and payments made late; and the next payment
    deadline still to come."""
    if not installed():
        return {}, {}
    from anju.assistance.models import Application

    out: dict[str, dict] = {}
    cases = Application.objects.filter(where).order_by()
    for code, status, n in (cases.values("division_code", "status").annotate(n=Count("id"))
                            .values_list("division_code", "status", "n")):
        name = f"app_{status}"
        if name in BY_NAME:
            out.setdefault(code, {})[name] = n
    due = {}
    for code, late, next_due in (
            cases.filter(_payment_open()).values("division_code")
            .annotate(late=Count("id", filter=Q(payment_due_on__lt=today)),
                      next_due=Min("payment_due_on", filter=Q(payment_due_on__gte=today)))
            .values_list("division_code", "late", "next_due")):
        out.setdefault(code, {}).update(overdue_payments=late, payments_overdue=late)
        if next_due is not None:
            due[code] = next_due
    # R-MH-12: a payment made after its deadline stays counted as late
    from anju.assistance.models import Payment

    for code, n in (Payment.objects.filter(where, days_late__gt=0).order_by()
                    .values("division_code").annotate(n=Count("id"))
                    .values_list("division_code", "n")):
        out.setdefault(code, {})["payments_late"] = n
    return out, due


def overdue_payments_for_user(user, division: str, today: date, limit: int):
    """The cases whose payment is overdue, soonest deadline first (the dashboard's list)."""
    if not installed():
        return []
    from anju.assistance.models import Application
    from anju.divisions.scope import narrowed

    return list(narrowed(user, Application.objects.all(), division)
                .filter(_payment_open(), payment_due_on__lt=today)
                .select_related("household", "house")
                .order_by("payment_due_on", "id")[:limit])
