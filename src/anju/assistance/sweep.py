"""The daily sweep of cases (R-MH-11, R-MH-12, R-MH-15) and the periodic inspection list
(R-MH-14). Flags are stored on the case so that work lists find them through an index and the
statistics are told a deadline passed; the sweep is idempotent and sets each flag to what the
date says. It only notifies: every read of a case's lateness (the API, the pages, the
payment figures) follows from the dates whether or not it has run."""

from datetime import date, timedelta

from django.utils import timezone

from anju.assistance import rules
from anju.assistance.codes import Status
from anju.assistance.models import Application
from anju.assistance.transitions import WORKFLOW
from anju.kit import keyset
from anju.kit.events import records_changed
from anju.policy.rules import profile_resolver

# Cases due for payment within this many days are flagged "near the deadline".
PAYMENT_WARNING_DAYS = 7
BUILDING_DONE = (Status.COMPLETED, Status.ACCEPTED, Status.PAID, Status.CLOSED)
ACCEPTED_STATUSES = (Status.ACCEPTED, Status.PAID, Status.CLOSED)


def flag_late_cases(today: date | None = None) -> int:
    """Set payment_overdue / payment_due_soon (R-MH-12), old_house_overdue (R-MH-11) and
    window_late (R-MH-15) on open cases; answer how many cases changed."""
    today = today or timezone.localdate()
    resolve = profile_resolver(today)
    changed = 0
    cases = Application.objects.exclude(status__in=WORKFLOW.ended).values_list(
        "pk", "division_code", "year", "status", "payment_due_on", "paid_on",
        "old_house_due_on", "old_house_done_on", "payment_overdue", "payment_due_soon",
        "old_house_overdue", "window_late", "method")
    for (pk, code, year, status, pay_due, paid_on, house_due, house_done, *flags,
         method) in keyset.rows(cases, 2000):
        unpaid = pay_due is not None and paid_on is None
        building = method != "waiver" and status != Status.WAIVED
        new = [
            unpaid and today > pay_due,
            unpaid and pay_due - timedelta(days=PAYMENT_WARNING_DAYS) <= today <= pay_due,
            house_due is not None and house_done is None and today > house_due,
            building and rules.late_against_windows(
                resolve(code), year, completed=status in BUILDING_DONE,
                accepted=status in ACCEPTED_STATUSES, today=today),
        ]
        if new != flags:
            Application.objects.filter(pk=pk).update(
                payment_overdue=new[0], payment_due_soon=new[1], old_house_overdue=new[2],
                window_late=new[3])
            records_changed(divisions=[code])
            changed += 1
    return changed


def inspections_due(houses, today: date | None = None):
    """R-MH-14 定期巡检 over a House queryset: the due list of appraisal.queries, as a list."""
    from anju.appraisal.queries import inspections_due as due

    return list(due(houses, today=today))
