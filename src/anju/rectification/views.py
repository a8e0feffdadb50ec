"""Ledger pages: the list with red alerts per division, the entry's closed loop as a timeline,
and one form per step. Thin: the door, the verbs and transitions.allowed decide."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from anju.accounts.access import check, requires
from anju.assistance.queries import procedure_offered
from anju.divisions.queries import names_for
from anju.evidence.models import Act as EvidenceAct
from anju.evidence.queries import captures_of_record, doubtful_captures
from anju.kit import reads
from anju.rectification import actions, forms, transitions
from anju.rectification.codes import EntryStatus, MeasureKind
from anju.rectification.models import LedgerEntry
from anju.rectification.present import missing_roles, with_records
from anju.rectification.queries import (
    counts_by_child,
    get_entry_for_user,
    hazard_alerts_for_user,
    ledger_for_user,
    not_closed,
    with_overdue_flags,
)
from anju.registry.codes import Grade
from anju.web.forms import DivisionPicker
from anju.web.pages import KeysFirst, paginate, query_without_page

CHILD_WIDTH = {2: 4, 4: 6, 6: 9, 9: 12}
FLAGS = {"": None, "1": True, "0": False}
HAZARD_ROWS = 50
LIST_FIELDS = ("id", "division_code", "grade", "status", "red_alert", "broken_alert",
               "business_alert", "priority", "signoff_proposed_on", "next_check_due",
               "house__id", "house__address", "house__occupancy", "household__id",
               "household__head_name")


def _place_names(codes) -> dict[str, str]:
    codes = set(codes)
    names = names_for(codes | {c[:9] for c in codes})
    return {c: f"{names.get(c[:9], '')} {names.get(c, c)}".strip() for c in codes}


@reads.replica_tolerant(reads.LIST)
@requires("rectification.view")
def ledger_list(request):
    g = request.GET
    status = g.get("status") if g.get("status") in EntryStatus.values else None
    grade = g.get("grade") if g.get("grade") in ("C", "D") else None
    division = g.get("division") or None
    overdue, alert = FLAGS.get(g.get("overdue", "")), FLAGS.get(g.get("alert", ""))
    proposed = FLAGS.get(g.get("proposed", ""))
    priority = FLAGS.get(g.get("priority", ""))
    control_overdue = FLAGS.get(g.get("control_overdue", ""))
    engineering_overdue = FLAGS.get(g.get("engineering_overdue", ""))
    q = g.get("q", "").strip()[:60] or None
    entries = ledger_for_user(request.user, division=division, status=status, grade=grade, q=q,
                              overdue=overdue, alert=alert, proposed=proposed, priority=priority,
                              control_overdue=control_overdue,
                              engineering_overdue=engineering_overdue)
    if g.get("alert") == "red":  # the home page's figure: red alerts only (R-CJ-6, R-CJ-8)
        entries = entries.filter(red_alert=True)
    # What a row shows, and no more: the household's encrypted numbers stay undecrypted.
    # The page's keys come first (KeysFirst), so the late flags' subqueries and the joins
    # are worked out for its 50 rows, not for every row an OFFSET skips.
    rows = ledger_for_user(request.user).select_related("house", "household").only(*LIST_FIELDS)
    page = paginate(request, KeysFirst(
        entries, rows=with_overdue_flags(rows, request.user, division=division)))
    hazards = []
    if alert is not False and not (status or grade or overdue or priority is False or q
                                   or control_overdue or engineering_overdue):
        # R-CJ-2: occupied houses with a major hazard, red alerts before their appraisal
        hazards = list(hazard_alerts_for_user(request.user, division=division)
                       .select_related("house", "house__household")[:HAZARD_ROWS])
    places = _place_names(e.division_code for e in page)
    scope = request.user.scope
    width = CHILD_WIDTH.get(len(scope))
    by_child = []
    if width:
        counts = counts_by_child(request.user, scope, width)
        names = names_for(counts)
        by_child = [(code, names.get(code, code), row) for code, row in counts.items()]
    today = timezone.localdate()
    checked = transitions.checked_statuses()  # R-CJ-7: the statuses whose checks fall due
    # ADR 0048: a house whose evidence was flagged shows it on its row
    doubtful = doubtful_captures(request.user, [e.house_id for e in page])
    return render(request, "rectification/ledger_list.html", {
        "page": page, "query": query_without_page(request),
        # one reverse for the page; each row's link is that path with its id
        "detail": reverse("rectification:entry_detail", args=[0]).removesuffix("0/"),
        "rows": [(e, places.get(e.division_code, ""),
                  bool(e.next_check_due and e.next_check_due < today and e.status in checked),
                  doubtful.get(e.house_id, []))
                 for e in page],
        "filters": {"status": status or "", "grade": grade or "", "division": division or "",
                    "q": q or "",
                    "overdue": g.get("overdue", ""), "alert": g.get("alert", ""),
                    "proposed": g.get("proposed", ""),
                    "priority": g.get("priority", ""),
                    "control_overdue": g.get("control_overdue", ""),
                    "engineering_overdue": g.get("engineering_overdue", "")},
        "hazards": [(h, _place_names([h.division_code])[h.division_code]) for h in hazards],
        "statuses": EntryStatus.choices, "grades": [Grade.C, Grade.D],
        "division_picker": DivisionPicker(autosubmit=True).render(
            "division", division, attrs={"id": "f-division"}),
        "by_child": by_child, "red_alerts": sum(r["red_alerts"] for _, _, r in by_child),
    })


@requires("rectification.view")
def entry_detail(request, entry_id: int):
    get_entry_for_user(request.user, entry_id)
    entry = with_records(LedgerEntry.objects.filter(pk=entry_id)).get()
    facts = actions.facts_of(entry)
    return render(request, "rectification/entry_detail.html", {
        "entry": entry, "place": _place_names([entry.division_code])[entry.division_code],
        "persons": entry.house.responsible_persons.all(),
        "missing": missing_roles(entry),
        "timeline": [(t, EntryStatus(t.from_status).label if t.from_status else "",
                      EntryStatus(t.to_status).label)
                     for t in entry.transitions.select_related("actor")],
        "can": transitions.allowed(request.user, entry.status, facts),
        "steps": transitions.STEPS,
        "procedure_offered": procedure_offered(entry.house),
        "captures": doubtful_captures(request.user, [entry.house_id]).get(entry.house_id, []),
        "acceptances": _with_captures(list(entry.acceptances.all())),
    })


def _with_captures(acceptances) -> list:
    """Each acceptance with the capture it rests on (ADR 0048), None for one from before."""
    captures = captures_of_record(EvidenceAct.RECTIFICATION_ACCEPTANCE,
                                  [a.pk for a in acceptances])
    return [(a, captures.get(a.pk)) for a in acceptances]


STEP_FORMS = {"measure": forms.MeasureForm, "check": forms.CheckForm,
              "acceptance": forms.AcceptanceForm, "sign_off": forms.CloseForm,
              "reopen": forms.ReopenForm, "plan": forms.PlanForm}


def _step_view(step: str):
    @requires("rectification.view")
    def view(request, entry_id: int):
        entry = get_entry_for_user(request.user, entry_id)
        action, title = transitions.STEPS[step]
        check(request.user, transitions.capability_of(action))  # 403 before the form
        form = STEP_FORMS[step](request.POST or None, request.FILES or None,
                                user=request.user, target=entry, instance=entry,
                                origin=request.origin, initial=_initial(step, request.GET))
        if request.method == "POST" and form.submitted():
            messages.success(request, form.done)
            return redirect("rectification:entry_detail", entry_id=entry.pk)
        return render(request, "rectification/step_form.html", {
            "entry": entry, "form": form, "title": title, "step": step,
        }, status=422 if form.errors else 200)

    return view


def _initial(step: str, query) -> dict:
    """The red banner's "登记搬离人员" opens the measure form filled for today (R-CJ-6)."""
    if step == "measure" and query.get("kind") == MeasureKind.EVACUATE:
        today = timezone.localdate()
        return {"kind": MeasureKind.EVACUATE, "started_on": today, "completed_on": today}
    return {}


@requires("rectification.view")
def house_entry(request, house_id: int):
    """From a house (its red banner, a red-alert list) to its open ledger entry, where the
    evacuation is recorded; a house not on the ledger goes to the ledger's red alerts."""
    entry = not_closed(ledger_for_user(request.user, house_id=house_id)).first()
    if entry is None:
        return redirect(f"{reverse('rectification:ledger_list')}?alert=1")
    return redirect("rectification:entry_detail", entry_id=entry.pk)


record_measure = _step_view("measure")
record_check = _step_view("check")
record_acceptance = _step_view("acceptance")
sign_off = _step_view("sign_off")
reopen = _step_view("reopen")
record_plan = _step_view("plan")
