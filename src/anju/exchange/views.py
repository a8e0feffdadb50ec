"""Exchange pages: the import page (check first, then import), the list of one's own jobs with
progress bars that htmx refreshes while a job runs, and a job's report. Thin: jobs.py starts
and reads the jobs, the API serves the files."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from anju.accounts.access import can, requires
from anju.exchange import exporters, jobs
from anju.exchange.commands import RESOURCES
from anju.exchange.forms import ExportForm, ImportForm, RunCheckedImportForm
from anju.exchange.importers import IMPORTERS
from anju.exchange.models import Job
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
        error["column"] = f"{titles[field]}（{field}）" if field in titles else field
    context = {"row": row, "job": job, "errors": errors,
               "errors_on_page": ERRORS_ON_PAGE,
               "can_run": job.is_import and job.params.get("dry_run") and bool(job.input_file)
               and job.status == "succeeded" and row["readable"]
               and can(request.user, "exchange.import")}
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
