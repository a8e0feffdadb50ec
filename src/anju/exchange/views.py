"""Exchange pages: the import page (check first, then import), the list of one's own jobs with
progress bars that htmx refreshes while a job runs, and a job's report. Thin: jobs.py starts
and reads the jobs, the API serves the files."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from anju.accounts.access import can, requires
from anju.exchange import exporters, jobs, reconcile
from anju.exchange.commands import RESOURCES
from anju.exchange.forms import (
    AcceptDifferenceForm,
    ExportForm,
    ImportForm,
    MarkUpstreamForm,
    ReconciliationForm,
    RunCheckedImportForm,
)
from anju.exchange.importers import IMPORTERS
from anju.exchange.models import DifferenceState, Job
from anju.web.forms import DivisionPicker
from anju.web.pages import paginate, query_without_page

ERRORS_ON_PAGE = 200


def _first_error(form) -> str:
    """The one message the exchange pages show of a refused form."""
    return next(iter(form.non_field_errors() + [e for errors in form.errors.values()
                                                for e in errors]), "")


def _row(job: Job, user) -> dict:
    percent = round(100 * job.progress / job.total) if job.total else (
        100 if job.finished else 0)
    readable = jobs.may_read_results(user, job)
    report = bool(job.error_count) and readable
    return {
        "job": job, "label": jobs.kind_label(job.kind), "percent": min(percent, 100),
        "covers": exporters.covered_name(job.division_code) if not job.is_import else "",
        "result_url": reverse("api:job_result", args=[job.pk])
        if job.status == "succeeded" and job.result_file and readable else "",
        "errors_xlsx": reverse("api:job_errors_xlsx", args=[job.pk]) if report else "",
        "errors_csv": reverse("api:job_errors_csv", args=[job.pk]) if report else "",
        "readable": readable, "rights_changed": job.finished and not readable,
    }


def _rows_context(request) -> dict:
    page = paginate(request, jobs.jobs_for_user(request.user))
    rows = [_row(job, request.user) for job in page]
    return {"page": page, "rows": rows, "query": query_without_page(request),
            "active": any(not r["job"].finished for r in rows)}


@requires("exchange.jobs")
def job_list(request):
    offered = [(e.name, e.title) for e in exporters.exporters().values()
               if can(request.user, e.capability)]
    return render(request, "exchange/job_list.html", {
        **_rows_context(request), "exports": offered,
        "can_export": can(request.user, "exchange.export"),
        "can_import": can(request.user, "exchange.import"),
        "division_picker": DivisionPicker().render("division", "",
                                                   attrs={"id": "export-division"}),
    })


@requires("exchange.jobs")
def job_rows(request):
    """The list's rows alone, for htmx to poll while a job is queued or running."""
    return render(request, "exchange/_job_rows.html", _rows_context(request))


@requires("exchange.jobs")
def job_detail(request, job_id: int):
    job = jobs.get_job_for_user(request.user, job_id)
    row = _row(job, request.user)
    errors = (jobs.shown_errors(job, ERRORS_ON_PAGE)
              if job.error_count and row["readable"] else [])
    columns = IMPORTERS[job.params["resource"]].columns if job.is_import else ()
    titles = {c.name: c.title for c in columns}
    for error in errors:
        field = error["field"]
        # the clerk reads the column's title; the code stays in the tooltip and the API
        error["column"] = titles.get(field) or titles.get(field.split("[")[0].split(".")[0]) \
            or ("" if field.isascii() else field)
    checked = job.params.get("dry_run") and job.status == "succeeded"
    # An all-or-nothing import refused for its rows: its good rows can still go in.
    recoverable = (job.status == "failed" and not job.params.get("dry_run")
                   and job.summary.get("code") == "rows_invalid")
    context = {"row": row, "job": job, "errors": errors,
               "differences_url": reverse("exchange:differences", args=[job.pk])
               if job.kind.startswith("reconcile_") and job.status == "succeeded"
               and row["readable"] else "",
               "errors_on_page": ERRORS_ON_PAGE,
               "can_run": job.is_import and bool(job.input_file) and row["readable"]
               and (checked or recoverable) and can(request.user, "exchange.import"),
               "recoverable": recoverable}
    if request.htmx:
        return render(request, "exchange/_job_status.html", context)
    return render(request, "exchange/job_detail.html", context)


@requires("exchange.import")
def job_run(request, job_id: int):
    """The second step of the import page: import for real the file a dry run checked."""
    if request.method != "POST":
        return redirect("exchange:job_detail", job_id)
    checked = jobs.get_job_for_user(request.user, job_id)
    form = RunCheckedImportForm(request.POST, user=request.user, target=checked,
                                origin=request.origin)
    if not form.submitted():
        messages.error(request, _first_error(form))
        return redirect("exchange:job_detail", checked.pk)
    messages.success(request, "已开始导入，可在本页查看进度")
    return redirect("exchange:job_detail", form.saved.pk)


@requires("exchange.import")
def import_page(request):
    resource = request.POST.get("resource") or request.GET.get("resource") or "households"
    resource = resource if resource in dict(RESOURCES) else "households"
    error = None
    if request.method == "POST":
        form = ImportForm({**request.POST.dict(), "resource": resource}, request.FILES,
                          user=request.user, origin=request.origin)
        if form.submitted():
            return redirect("exchange:job_detail", form.saved.pk)
        error = _first_error(form)
    return render(request, "exchange/import.html", {
        "resources": RESOURCES, "resource": resource, "error": error,
        "template_url": reverse(f"api:import_{resource}_template"),
        "templates": [(name, title, reverse(f"api:import_{name}_template"))
                      for name, title in RESOURCES],
    }, status=422 if error else 200)


@requires("exchange.export")
def export_start(request):
    if request.method != "POST":
        return redirect("exchange:jobs")
    form = ExportForm(request.POST, user=request.user, origin=request.origin)
    if not form.submitted():
        messages.error(request, _first_error(form))
        return redirect("exchange:jobs")
    messages.success(request, f"已开始{jobs.kind_label(form.saved.kind)}，完成后可在下表下载")
    return redirect("exchange:jobs")


# --- the national layouts: export, reconciliation (对账) and its differences -------------------

NATIONAL_EXPORTS = (("house-collection", "N1 农村房屋安全信息采集表（自建房）"),
                    ("self-built", "N2 自建房信息记录（建造年代六档）"),
                    ("renovation-archive", "N3 农村危房改造农户档案"),
                    ("monitoring-ledger", "N4 低收入群体住房安全动态监测台账"),
                    ("security-outcome", "N5 住房安全有保障"),
                    ("supervision-ledger", "L1 房屋安全鉴定整治监管台账"))


@requires("exchange.import")
def national_page(request):
    """The county officer's page for the national systems: a layout downloaded for a
    division, and a national file loaded back for reconciliation."""
    from anju.divisions.models import Division
    from anju.divisions.scope import within

    error = None
    if request.method == "POST":
        form = ReconciliationForm(request.POST, request.FILES, user=request.user,
                                  origin=request.origin)
        if form.submitted():
            messages.success(request, "已开始对账，完成后在本页列出差异")
            return redirect("exchange:job_detail", form.saved.pk)
        error = _first_error(form)
    scope = request.user.scope
    divisions = Division.objects.filter(within(scope, "code")).exclude(code=scope).filter(
        level__lte=9).order_by("code").values_list("code", "name")[:300]
    return render(request, "exchange/national.html", {
        "error": error, "exports": NATIONAL_EXPORTS, "divisions": divisions,
        "layouts": ReconciliationForm.base_fields["layout"].choices,
        "can_export": can(request.user, "exchange.export"),
    }, status=422 if error else 200)


@requires("exchange.export")
def national_export(request):
    """The page's download: on to the API's streamed file of the layout and division."""
    from urllib.parse import urlencode

    layout = request.GET.get("layout", "")
    if layout not in dict(NATIONAL_EXPORTS):
        return redirect("exchange:national")
    division = request.GET.get("division", "")
    url = reverse("api:export_national", args=[layout])
    return redirect(url + (f"?{urlencode({'division': division})}" if division else ""))


@requires("exchange.import")
def differences_page(request, job_id: int):
    job = jobs.get_reconciliation_for_user(request.user, job_id)
    state = request.GET.get("state", "")
    found = reconcile.differences_of(job)
    if state in DifferenceState.values:
        found = found.filter(state=state)
    page = paginate(request, found)
    rows = [{"d": d, "acceptable": reconcile.acceptable(d)} for d in page]
    return render(request, "exchange/differences.html", {
        "job": job, "page": page, "rows": rows, "state": state,
        "states": DifferenceState.choices, "query": query_without_page(request),
        "xlsx": reverse("api:national_differences_xlsx", args=[job.pk]),
    })


@requires("exchange.import")
def decide_difference(request, job_id: int, difference_id: int, decision: str):
    """Accept a difference into Anju, or leave it for the national system to correct."""
    if request.method != "POST":
        return redirect("exchange:differences", job_id)
    difference = jobs.get_difference_for_user(request.user, job_id, difference_id)
    form_class = {"accept": AcceptDifferenceForm, "upstream": MarkUpstreamForm}.get(decision)
    if form_class is None:
        return redirect("exchange:differences", job_id)
    form = form_class(request.POST, user=request.user, target=difference,
                      origin=request.origin)
    if form.submitted():
        said = "已采纳到安居" if decision == "accept" else "已标记为由国家系统更正"
        messages.success(request, said)
    else:
        messages.error(request, _first_error(form))
    return redirect(reverse("exchange:differences", args=[job_id]) + "?" +
                    request.POST.get("back", ""))
