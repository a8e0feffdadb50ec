from django.db import connection
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from anju.accounts.access import can, public, requires
from anju.accounts.models import Department, Role
from anju.appraisal.queries import inspections_due_for_user
from anju.divisions.models import Division
from anju.divisions.queries import children_for_user
from anju.kit.glossary import FIGURES, GLOSSARY
from anju.registry.codes import DANGEROUS_GRADES, Grade, Occupancy
from anju.registry.queries import households_for_user, houses_for_user


@public
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@public
def readyz(request):
    """Ready to serve a county's work: 503 with the reasons (stable codes, Chinese messages)."""
    from anju.operations.readiness import reasons_not_ready

    reasons = reasons_not_ready()
    if reasons:
        return JsonResponse({"status": "not_ready", "reasons": reasons}, status=503,
                            json_dumps_params={"ensure_ascii": False})
    return JsonResponse({"status": "ok"})


@requires("accounts.self")
def glossary(request):
    """What each figure counts, in which unit, and the list it counts."""
    return render(request, "glossary.html", {
        "figures": [(f, _href(f)) for f in FIGURES if f.key != "department_queue"]})


@requires("accounts.self")
def home(request):
    """The user's own work first (each figure links to the list it counts), then the division
    at a glance. The administrators, who see no household data, go to their own pages."""
    user = request.user
    if not can(user, "registry.view"):
        return redirect("audit:event_list" if can(user, "audit.view") else "accounts:user_list")
    division = Division.objects.filter(code=user.scope).first()
    children = children_for_user(user, user.scope) if division else []
    # One grouped scan gives the totals and each child division's figures (R-CJ-6 red alert).
    rows = (houses_for_user(user).order_by().values("division_code", "grade", "occupancy")
            .annotate(n=Count("id")))
    by_grade = {g.value: 0 for g in Grade}
    per_child = {c.code: {"houses": 0, "dangerous": 0, "alert": 0} for c in children}
    house_count = 0
    width = len(children[0].code) if children else 0
    for row in rows:
        n, dangerous = row["n"], row["grade"] in DANGEROUS_GRADES
        occupied = row["occupancy"] == Occupancy.OCCUPIED
        house_count += n
        by_grade[row["grade"]] = by_grade.get(row["grade"], 0) + n
        if figures := per_child.get(row["division_code"][:width]):
            figures["houses"] += n
            figures["dangerous"] += n if dangerous else 0
            figures["alert"] += n if dangerous and occupied else 0
    work = _work(user)
    red_alerts = next((item for item in work if item[0].key == "red_alerts"), None)
    return render(request, "home.html", {
        "division": division,
        "work": work,
        "red_alerts": red_alerts,
        **(_red_alert_rows(user, red_alerts[1]) if red_alerts and red_alerts[1] else {}),
        "overview": [
            (GLOSSARY["households"], households_for_user(user).count(),
             _href(GLOSSARY["households"])),
            (GLOSSARY["houses"], house_count, _href(GLOSSARY["houses"]))],
        "grades": [(g, by_grade.get(g.value, 0)) for g in Grade],
        "children": [(c, per_child[c.code]) for c in children],
    })


RED_ALERT_ROWS = 5


def _red_alert_rows(user, total: int) -> dict:
    """The first red-alert houses, each leading to its ledger entry where the evacuation is
    recorded (R-CJ-6); the houses with a major hazard to their own page (not yet on it)."""
    from anju.rectification.queries import hazard_alerts_for_user, red_alerts_for_user

    entries = list(red_alerts_for_user(user).select_related("house")
                   .only("id", "grade", "house__address")[:RED_ALERT_ROWS])
    hazards = list(hazard_alerts_for_user(user).select_related("house")
                   [:RED_ALERT_ROWS - len(entries)]) if len(entries) < RED_ALERT_ROWS else []
    return {"red_alert_rows": entries, "hazard_rows": hazards,
            "red_alerts_more": total > len(entries) + len(hazards)}


def _href(figure, *args) -> str:
    url = reverse(figure.url, args=args)
    return f"{url}?{figure.query}" if figure.query else url


def _work(user) -> list[tuple]:
    """The figures of the user's own queue, in the order the role works them: the township's
    and village's work lists, each county department's queue, the appraiser's houses, the
    prefecture's alerts (each from the app's own query)."""
    keys = _work_keys(user)
    counters = _counters(user)
    out = []
    for key in keys:
        figure = GLOSSARY[key]
        if key == "department_queue":
            out.append((figure, counters[key](), _href(figure, user.department)))
        else:
            out.append((figure, counters[key](), _href(figure)))
    return out


LEDGER_WORK = ("red_alerts", "control_overdue", "engineering_overdue")


def _work_keys(user) -> tuple[str, ...]:
    role, department = user.role, user.department
    if role in (Role.TOWNSHIP_OFFICER, Role.VILLAGE_CADRE):
        return (*LEDGER_WORK, "villager_leads", "villager_leads_overdue", "findings_overdue",
                "inspections_due", "roster_late")
    if role == Role.APPRAISER:
        return ("hazard_alerts", "inspections_due", "unrated_houses")
    if role == Role.PREFECTURE_OFFICER:
        return (*LEDGER_WORK, "findings_overdue", "payments_late")
    if department in (Department.CIVIL_AFFAIRS, Department.RURAL_REVITALIZATION):
        return ("approvals_waiting", "roster_late", "cases_open")
    if department == Department.FINANCE:
        return ("payments_due", "payments_late", "disbursements")
    if department == Department.HOUSING:
        return ("approvals_waiting", "acceptance_due", *LEDGER_WORK, "villager_leads",
                "villager_leads_overdue", "payments_late")
    if department in (Department.NATURAL_RESOURCES, Department.WATER, Department.POWER):
        return ("department_queue", "red_alerts")
    return LEDGER_WORK  # sector departments: their sector's houses (R-CJ-10)


def _counters(user) -> dict:
    """Each figure's count, from the query of the list it links to (read only when shown)."""
    from anju.assistance import queries as cases
    from anju.assistance.codes import FundStatus, Status
    from anju.public.codes import LeadStatus
    from anju.public.queries import leads_for_user
    from anju.quality.queries import findings_for_user
    from anju.rectification.queries import (
        hazard_alerts_for_user,
        overdue_measure_counts,
        red_alerts_for_user,
    )

    today = timezone.localdate()
    overdue: dict = {}

    def measures(key):
        if not overdue:
            overdue.update(overdue_measure_counts(user, today=today))
        return overdue[key]

    def hazards():
        return hazard_alerts_for_user(user).order_by().values("house_id").distinct().count()

    return {
        # R-CJ-6: the ledger's red alerts and, before their appraisal, the occupied houses
        # with a major hazard (R-CJ-2): what the ledger's red-alert list shows
        "red_alerts": lambda: red_alerts_for_user(user).count() + hazards(),
        "hazard_alerts": hazards,
        "control_overdue": lambda: measures("control_overdue"),
        "engineering_overdue": lambda: measures("engineering_overdue"),
        "villager_leads": lambda: leads_for_user(user, status=LeadStatus.OPEN).count(),
        "villager_leads_overdue": lambda: leads_for_user(user, overdue_on=today).count(),
        "findings_overdue": lambda: findings_for_user(user, overdue=True, today=today).count(),
        "inspections_due": lambda: inspections_due_for_user(user, today=today).count(),
        "roster_late": lambda: _roster_late(user, today),
        "approvals_waiting": lambda: cases.approval_queue(user).count(),
        "cases_open": lambda: cases.cases_for_user(user).exclude(status__in=(
            Status.PAID, Status.CLOSED, Status.WAIVED, Status.REJECTED)).count(),
        "payments_due": lambda: cases.cases_for_user(user, status=Status.ACCEPTED).count(),
        "payments_late": lambda: cases.cases_for_user(user).filter(
            cases.payment_overdue_q(today)).count(),
        "disbursements": lambda: cases.disbursements_for_user(user).filter(
            status__in=(FundStatus.REQUESTED, FundStatus.APPROVED)).count(),
        "acceptance_due": lambda: cases.cases_for_user(user, status=Status.COMPLETED).count(),
        "department_queue": lambda: cases.department_queue(user, user.department).count(),
        "unrated_houses": lambda: houses_for_user(user).filter(grade=Grade.UNRATED).count(),
    }


def _roster_late(user, today) -> int:
    """N4: the roster rows late for their appraisal, as the roster page counts them."""
    from anju.roster import queries as roster
    from anju.roster.codes import PersonStatus

    rows = roster.rows_of(roster.people_for_user(user), today)
    return roster.counts(rows)[PersonStatus.LATE]
