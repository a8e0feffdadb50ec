"""The roster page (以人找房, N4): the month's lists, each person's row and its state, the late
ones counted per township for the township and the county; the departments upload here."""

from datetime import date

from django.shortcuts import redirect, render
from django.utils import timezone

from anju.accounts.access import can, requires
from anju.divisions.queries import names_for, place_names
from anju.roster import jobs, queries
from anju.roster.codes import PersonStatus
from anju.roster.forms import LoadRosterForm

ROWS_ON_PAGE = 500


def _last_month(today: date) -> str:
    year, month = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    return f"{year}-{month:02d}"


@requires("roster.view")
def page(request, form=None, status_code=200):
    today = timezone.localdate()
    division = request.GET.get("division") or None
    period = request.GET.get("period") or None
    status = request.GET.get("status") or ""
    if status not in PersonStatus.values:
        status = ""
    rows = queries.rows_of(queries.people_for_user(request.user, division, period=period),
                           today)
    counts = queries.counts(rows)
    late = queries.late_by_township(rows)
    shown = queries.filter_rows(rows, status)
    loads = list(queries.loads_for_user(request.user, division))
    people = queries.people_counts(loads)
    can_load = can(request.user, "roster.load")
    places = place_names(r.person.division_code for r in shown[:ROWS_ON_PAGE])
    if form is None and can_load:
        form = LoadRosterForm(user=request.user, initial={"period": _last_month(today)})
    return render(request, "roster/page.html", {
        "division": division or "", "period": period or "", "status": status,
        "labels": dict(PersonStatus.choices),
        "counts": [(v, label, counts[v]) for v, label in PersonStatus.choices],
        "late": [(code, names_for(late).get(code, code), n) for code, n in late.items()],
        "rows": [(r, places[r.person.division_code]) for r in shown[:ROWS_ON_PAGE]],
        "total": len(shown), "rows_on_page": ROWS_ON_PAGE,
        "loads": [(lo, people.get(lo.pk, 0)) for lo in loads],
        "form": form if can_load else None,
    }, status=status_code)


@requires("roster.load")
def upload(request):
    if request.method != "POST":
        return redirect("roster:page")
    form = LoadRosterForm(request.POST, request.FILES, user=request.user, origin=request.origin)
    if form.submitted():
        return redirect("roster:job", form.saved.pk)
    return page(request, form=form, status_code=422)


@requires("roster.load")
def job(request, job_id: int):
    load = jobs.get_load_job(request.user, job_id)
    return render(request, "roster/job.html", {
        "load": load, "errors": list(load.errors.all()[:jobs.ERRORS_SHOWN])})
