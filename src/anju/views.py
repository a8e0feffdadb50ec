from django.db import connection
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import redirect, render

from anju.accounts.access import can, public, requires
from anju.appraisal.queries import inspections_due_for_user
from anju.divisions.models import Division
from anju.divisions.queries import children_for_user
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
def home(request):
    """The user's division at a glance: counts by grade, the red alert, the divisions below.
    The administrators, who see no household data, go to their own pages."""
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
    house_count = alert = 0
    width = len(children[0].code) if children else 0
    for row in rows:
        n, dangerous = row["n"], row["grade"] in DANGEROUS_GRADES
        occupied = row["occupancy"] == Occupancy.OCCUPIED
        house_count += n
        by_grade[row["grade"]] = by_grade.get(row["grade"], 0) + n
        alert += n if dangerous and occupied else 0
        if figures := per_child.get(row["division_code"][:width]):
            figures["houses"] += n
            figures["dangerous"] += n if dangerous else 0
            figures["alert"] += n if dangerous and occupied else 0
    return render(request, "home.html", {
        "division": division,
        "household_count": households_for_user(user).count(),
        "house_count": house_count,
        "grades": [(g, by_grade.get(g.value, 0)) for g in Grade],
        "occupied_dangerous": alert,
        "children": [(c, per_child[c.code]) for c in children],
        "todo": _todo(user),
        # R-MH-14: low-income households' houses due for their periodic inspection
        "inspections_due": inspections_due_for_user(user).count(),
    })


def _todo(user) -> dict | None:
    """今日待办 of the ledger, from the dates now: occupied houses with a major hazard awaiting
    appraisal (R-CJ-2), ordered controls not carried out in time (R-CJ-2), engineering plans
    past their date (R-CJ-5)."""
    if not can(user, "rectification.view"):
        return None
    from anju.rectification.queries import hazard_alerts_for_user, overdue_measure_counts

    counts = overdue_measure_counts(user)
    counts["hazard_alerts"] = (hazard_alerts_for_user(user).order_by().values("house_id")
                               .distinct().count())
    return counts
