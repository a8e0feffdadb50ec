from datetime import date, timedelta

import pytest

from anju.public.models import VillagerReport
from anju.quality.models import Finding
from anju.rectification.models import LedgerEntry
from anju.registry.models import House
from anju.reports import applications
from anju.reports.figures import APPLICATION_STATUSES

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def settled(settings, django_capture_on_commit_callbacks):
    """`with settled():` runs what the block changes as if it committed: the listener's refresh
    task runs at once (the immediate task backend), as a worker would run it."""
    settings.TASKS = IMMEDIATE

    def block():
        return django_capture_on_commit_callbacks(execute=True)

    return block


def counted_from_records(code: str, today: date | None = None) -> dict:
    """The summary's figures of `code`, counted directly from the records (no rollup)."""
    today = today or date.today()
    houses = House.objects.standing().filter(division_code__startswith=code)
    ledger = LedgerEntry.objects.filter(division_code__startswith=code)
    findings = Finding.objects.filter(division_code__startswith=code, status="open")
    out = {
        "houses": houses.count(),
        "grades": {g: houses.filter(grade=g).count() for g in ("A", "B", "C", "D", "unrated")},
        "screening": {"serious": houses.filter(screening_result="serious").count(),
                      "some": houses.filter(screening_result="some").count(),
                      "none": houses.filter(screening_result="none").count(),
                      "not_screened": houses.filter(screening_result="").count()},
        "occupancy": {o: houses.filter(occupancy=o).count()
                      for o in ("occupied", "vacant", "evacuated", "sealed")},
        "ledger": {s: ledger.filter(status=s).count()
                   for s in ("open", "controlled", "accepted", "closed")},
        "red_alerts": ledger.filter(red_alert=True).count(),
        "broken_alerts": ledger.filter(broken_alert=True).count(),
        "open_findings": findings.count(),
        "overdue": {
            "checks": ledger.filter(status__in=("open", "controlled"),
                                    next_check_due__lt=today).count(),
            "findings": findings.filter(due_on__lt=today).count(),
            "payments": 0,
            # R-CJ-2: an ordered control not carried out within 3 days (the default profile)
            "controls": ledger.filter(
                status__in=("open", "controlled", "accepted"), measures__category="control",
                measures__completed_on__isnull=True,
                measures__ordered_on__lt=today - timedelta(days=3)).distinct().count(),
            # R-CJ-5: a work plan past its date with no engineering measure completed
            "engineering": ledger.filter(
                status__in=("open", "controlled", "accepted"),
                engineering_due_on__lt=today).exclude(
                measures__kind__in=("demolish", "rebuild", "repair_reinforce"),
                measures__completed_on__isnull=False).count(),
            # R-CJ-7: villagers' leads not answered by their deadline
            "leads": VillagerReport.objects.filter(division_code__startswith=code,
                                                   status="open", due_on__lt=today).count(),
        },
        "villager_leads": VillagerReport.objects.filter(division_code__startswith=code,
                                                        status="open").count(),
        "applications": {s: 0 for s, _ in APPLICATION_STATUSES},
    }
    if applications.installed():
        from anju.assistance.models import Application

        cases = Application.objects.filter(division_code__startswith=code)
        out["applications"] = {s: cases.filter(status=s).count()
                               for s, _ in APPLICATION_STATUSES}
        out["overdue"]["payments"] = cases.filter(
            payment_due_on__lt=today, paid_on__isnull=True).exclude(
            status__in=("paid", "waived", "rejected", "closed")).count()
    return out


def figures_of(body: dict) -> dict:
    keys = ("houses", "grades", "screening", "occupancy", "ledger", "red_alerts",
            "broken_alerts", "open_findings", "overdue", "applications", "villager_leads")
    return {k: body[k] for k in keys}


def days_ago(n: int) -> str:
    return str(date.today() - timedelta(days=n))
