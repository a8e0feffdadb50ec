"""Import and export jobs: started by their owner (the file's kind and header are checked at
once), read only by their owner, and their files and reports only while the owner's current
rights still cover them; queued again after a restart. runner.py runs them."""

import tempfile
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db.models import Q
from django.utils import timezone

from anju.accounts.access import can, check
from anju.divisions.scope import covers, not_found
from anju.exchange import exporters
from anju.exchange.columns import match_header
from anju.exchange.commands import (
    RunCheckedImport,
    StartExport,
    StartImport,
    StartReconciliation,
)
from anju.exchange.importers import IMPORTERS
from anju.exchange.liveness import worker_gone
from anju.exchange.models import Job, JobError, JobStatus
from anju.exchange.reading import open_table
from anju.kit import keyset
from anju.kit.errors import Code, Forbidden, NotFound, RuleViolation, ValidationErrors
from anju.kit.origin import Origin

MODES = ("all", "good_rows")
ERRORS_SHOWN = 1000  # in GET /jobs/{id}; the error report has them all
RESOURCE_TITLES = {"households": "农户", "houses": "房屋"}


# --- the door ---------------------------------------------------------------------------------


def jobs_for_user(user):
    """A user's own jobs, newest first: nobody else's file or report is shown."""
    return Job.objects.filter(owner=user).order_by("-created_at", "-id")


def get_job_for_user(user, job_id: int) -> Job:
    job = jobs_for_user(user).filter(pk=job_id).first()
    if job is None:
        raise not_found(Job, pk=job_id)
    return job


def needed_capabilities(job: Job) -> tuple[str, ...] | None:
    """What a job needed of its owner's role (None for an export no longer offered)."""
    if job.is_import:
        return ("exchange.import", "registry.edit")
    if job.kind.startswith("reconcile_"):
        return ("exchange.import", "registry.view") + (
            ("registry.reveal",) if job.summary.get("full_view") else ())
    resource = job.params.get("resource", "")
    if resource.startswith("national/"):
        from anju.exchange.layout import NAMES, SOURCES_OF

        name = resource.split("/", 1)[1]
        if name not in NAMES:
            return None
        capability = exporters.NATIONAL_CAPABILITY[SOURCES_OF[name]]
    else:
        exporter = exporters.exporters().get(resource)
        if exporter is None:
            return None
        capability = exporter.capability
    needed = ("exchange.export", capability)
    return needed + ("registry.reveal",) if job.summary.get("full_view") else needed


def may_read_results(user, job: Job) -> bool:
    """A job's file and error report stay readable only while the owner's current role still
    has what the job needed (full numbers included) and the current scope still covers the
    job's division: an account moved to another county or to a lesser role no longer
    downloads what it exported before."""
    needed = needed_capabilities(job)
    return (needed is not None and job.owner_id == user.pk and bool(user.scope)
            and covers(user.scope, job.division_code)
            and all(can(user, capability) for capability in needed))


def get_job_result_for_user(user, job_id: int) -> Job:
    """The door to a job's file and error report: 404 as get_job_for_user, then 403 (audited)
    when the owner's rights no longer cover it."""
    job = get_job_for_user(user, job_id)
    if not may_read_results(user, job):
        raise Forbidden("您的角色或管辖范围已变更，不能再查看此任务的文件或错误报告；"
                        "如仍需要，请按现在的权限重新导出", code=Code.JOB_RIGHTS_CHANGED, obj=job)
    return job


def get_reconciliation_for_user(user, job_id: int) -> Job:
    """A reconciliation job whose differences the caller may read and act on: its owner, while
    the owner's rights still cover it (404, then 403, as a job's report)."""
    job = get_job_result_for_user(user, job_id)
    if not job.kind.startswith("reconcile_"):
        raise NotFound("该任务不是国家系统对账")
    return job


def get_difference_for_user(user, job_id: int, difference_id: int):
    from anju.exchange.models import Difference

    job = get_reconciliation_for_user(user, job_id)
    difference = Difference.objects.filter(job=job, pk=difference_id).select_related(
        "job").first()
    if difference is None:
        raise NotFound("这条对账差异不存在")
    return difference


def kind_label(kind: str) -> str:
    if kind.startswith("reconcile_"):
        return "国家系统对账"
    if kind.startswith("export_national_"):
        return "国家版式导出"
    if kind.startswith("import_"):
        return f"导入{RESOURCE_TITLES.get(kind[7:], kind[7:])}"
    exporter = exporters.exporters().get(kind[7:].replace("_", "-"))
    return f"导出{exporter.title}" if exporter else kind


# --- starting ---------------------------------------------------------------------------------


def _enqueue(job: Job) -> None:
    from anju.exchange.tasks import run_job

    run_job.enqueue(job.pk)


def _stored_upload(upload) -> Path:
    """The upload in a file of its own (the reader needs a path), size-checked."""
    limit = settings.MAX_UPLOAD_MB * 1024 * 1024
    if upload.size > limit:
        raise RuleViolation(Code.FILE_TOO_LARGE, f"文件不能超过 {settings.MAX_UPLOAD_MB} MB",
                            field="file")
    handle = tempfile.NamedTemporaryFile(prefix="anju-import-", delete=False)
    with handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return Path(handle.name)


def read_header(resource: str, path: Path):
    """The file's table and its columns; 415 for a file of another kind, 422 naming every
    missing required column."""
    columns = IMPORTERS[resource].columns
    table = open_table(path)
    found, missing, ignored, twice = match_header(columns, table.header)
    if missing:
        listed = "、".join(f"{c.title}（{c.name}）" for c in missing)
        raise ValidationErrors(
            [RuleViolation(Code.COLUMNS_MISSING, f"缺少必填列：{listed}", field="file")]
            + [RuleViolation(Code.COLUMN_MISSING, f"缺少必填列：{c.title}（{c.name}）",
                             field=c.name) for c in missing])
    if twice:
        listed = "、".join(f"{c.title}（{c.name}）" for c in twice)
        raise RuleViolation(Code.COLUMNS_DUPLICATE, f"这些列出现了不止一次：{listed}", field="file")
    return table, found, ignored


def _origin(origin: Origin | None) -> dict:
    # Kept on the job for the audit row its run writes.
    return {"origin": asdict(origin)} if origin is not None else {}


def start_import(cmd: StartImport, *, upload, acting_user,
                 origin: Origin | None = None) -> Job:
    """Check the file's kind and header now (415/422), then import it in the background."""
    check(acting_user, "exchange.import")
    check(acting_user, "registry.edit")
    resource, mode = cmd.resource, cmd.mode
    if mode not in MODES:
        raise RuleViolation(Code.MODE_INVALID, "导入方式应为 all（全部成功才写入）或 good_rows"
                            "（只写入正确的行）", field="mode")
    path = _stored_upload(upload)
    try:
        table, _, ignored = read_header(resource, path)
        total = table.count()
        if total == 0:
            raise RuleViolation(Code.FILE_EMPTY, "文件中只有表头，没有数据行", field="file")
        if total > settings.IMPORT_MAX_ROWS:
            raise RuleViolation(Code.TOO_MANY_ROWS,
                                f"一个文件最多 {settings.IMPORT_MAX_ROWS:,} 行，"
                                f"本文件有 {total:,} 行，请分成几个文件导入", field="file")
        job = Job(owner=acting_user, kind=f"import_{resource}", total=total,
                  division_code=acting_user.scope, input_name=(upload.name or "")[:200],
                  params={"resource": resource, "dry_run": cmd.dry_run, "mode": mode,
                          "ignored_columns": ignored, **_origin(origin)})
        with open(path, "rb") as f:
            job.input_file.save(f"{resource}-{timezone.now():%Y%m%d%H%M%S}.{table.kind}",
                                File(f), save=False)
        job.save()
    finally:
        path.unlink(missing_ok=True)
    _enqueue(job)
    return job


def start_import_after_check(checked: Job, cmd: RunCheckedImport, *, acting_user,
                             origin: Origin | None = None) -> Job:
    """Import for real the file a dry run checked (the import page's second step)."""
    if checked.owner_id != acting_user.pk or not checked.is_import:
        raise NotFound()
    if not checked.input_file:
        raise RuleViolation(Code.FILE_GONE, "该文件已导入或已清理，请重新上传", field="file")
    check(acting_user, "exchange.import")
    mode = cmd.mode
    if mode not in MODES:
        raise RuleViolation(Code.MODE_INVALID, "导入方式无效", field="mode")
    job = Job.objects.create(
        owner=acting_user, kind=checked.kind, total=checked.total,
        division_code=checked.division_code, input_name=checked.input_name,
        input_file=checked.input_file.name,
        params={**checked.params, "dry_run": False, "mode": mode, "checked_by": checked.pk,
                **_origin(origin)})
    _enqueue(job)
    return job


def start_export(cmd: StartExport, *, acting_user, origin: Origin | None = None) -> Job:
    """Write an export in the background; its owner downloads it from result_url."""
    check(acting_user, "exchange.export")
    name, division, fmt = cmd.kind, cmd.division or None, cmd.format
    exporter = exporters.get_exporter(name)
    check(acting_user, exporter.capability)
    if fmt not in exporters.FORMATS:
        raise RuleViolation(Code.FORMAT_INVALID, "格式应为 xlsx 或 csv", field="format")
    exporter.records(acting_user, division)  # NotFound now for a division out of scope
    # What the file will hold: the narrower of the scope and the division asked for.
    exported = division if division and len(division) > len(acting_user.scope) else None
    job = Job.objects.create(
        owner=acting_user, kind=f"export_{name.replace('-', '_')}",
        division_code=exported or acting_user.scope,
        params={"resource": name, "division": division or "", "format": fmt,
                **_origin(origin)})
    _enqueue(job)
    return job


def start_national_export(cmd: StartExport, *, acting_user,
                          origin: Origin | None = None) -> Job:
    """A national layout's file written in the background (a large division); `cmd.kind` is
    the layout's name."""
    from anju.exchange.layout import get_layout

    check(acting_user, "exchange.export")
    found = get_layout(cmd.kind)
    check(acting_user, exporters.national_capability(found))
    division = cmd.division or None
    if not found.is_matrix:
        exporters.national_records(found, acting_user, division)  # NotFound out of scope
    exported = division if division and len(division) > len(acting_user.scope) else None
    job = Job.objects.create(
        owner=acting_user, kind=f"export_national_{found.name.replace('-', '_')}",
        division_code=exported or acting_user.scope,
        params={"resource": f"national/{found.name}", "division": division or "",
                "format": "xlsx", "layout_file": found.path.name, **_origin(origin)})
    _enqueue(job)
    return job


def start_reconciliation(cmd: StartReconciliation, *, upload, acting_user,
                         origin: Origin | None = None) -> Job:
    """Check the national file's kind and that it is in the layout now (415/422), then
    compare it with Anju in the background."""
    from anju.exchange.layout import get_layout
    from anju.exchange.reading import open_table_with
    from anju.exchange.reconcile import check_reconcilable, is_header_of

    check(acting_user, "exchange.import")
    found = get_layout(cmd.layout)
    check(acting_user, exporters.national_capability(found))
    check_reconcilable(found)
    division = cmd.division or None
    if division:
        exporters.national_records(found, acting_user, division)  # NotFound out of scope
    path = _stored_upload(upload)
    try:
        table = open_table_with(path, is_header_of(found))
        total = table.count()
        if total == 0:
            raise RuleViolation(Code.FILE_EMPTY, "文件中只有表头，没有数据行", field="file")
        if total > settings.IMPORT_MAX_ROWS:
            raise RuleViolation(Code.TOO_MANY_ROWS,
                                f"一个文件最多 {settings.IMPORT_MAX_ROWS:,} 行，"
                                f"本文件有 {total:,} 行", field="file")
        job = Job(owner=acting_user, kind=f"reconcile_{found.name.replace('-', '_')}",
                  total=total, division_code=division or acting_user.scope,
                  input_name=(upload.name or "")[:200],
                  params={"resource": f"national/{found.name}", "layout": found.name,
                          "division": division or "", **_origin(origin)})
        with open(path, "rb") as f:
            job.input_file.save(f"national-{timezone.now():%Y%m%d%H%M%S}.{table.kind}",
                                File(f), save=False)
        job.save()
    finally:
        path.unlink(missing_ok=True)
    _enqueue(job)
    return job


# --- after a restart --------------------------------------------------------------------------


def resume_stale(*, stale_minutes: int | None = None) -> list[int]:
    """Queue again the jobs a stopped worker left: running ones whose worker process has
    ended (on this host) or whose heartbeat stopped, and queued ones that waited that long.
    A good-rows import goes on after its last committed chunk; every other job starts again
    (an all-or-nothing import first takes back what it had written)."""
    minutes = settings.JOB_STALE_MINUTES if stale_minutes is None else stale_minutes
    before = timezone.now() - timedelta(minutes=minutes)
    stopped = Q(heartbeat_at__lt=before)
    gone = [worker for worker in Job.objects.filter(status=JobStatus.RUNNING).exclude(stopped)
            .exclude(worker="").values_list("worker", flat=True).order_by().distinct()
            if worker_gone(worker)]
    if gone:
        stopped |= Q(worker__in=gone)
    left = list(Job.objects.filter(
        Q(stopped, status=JobStatus.RUNNING)
        | Q(status=JobStatus.QUEUED, created_at__lt=before)).values_list("pk", "status"))
    resumed = []
    for pk, status in left:
        if status == JobStatus.RUNNING:
            requeued = Job.objects.filter(stopped, pk=pk, status=JobStatus.RUNNING).update(
                status=JobStatus.QUEUED, stage="")
            if requeued != 1:
                continue
        _enqueue(Job(pk=pk))
        resumed.append(pk)
    return resumed


# --- what the API and the pages show ----------------------------------------------------------


def shown_errors(job: Job, limit: int = ERRORS_SHOWN) -> list[dict]:
    return [{"row": row, "field": field or None, "code": code, "rule": rule or None,
             "message": message}
            for row, field, code, rule, message in JobError.objects.filter(job=job)
            .order_by("id").values_list("row", "field", "code", "rule", "message")[:limit]]


def all_errors(job: Job):
    return keyset.rows(JobError.objects.filter(job=job).order_by("id")
                       .values_list("row", "field", "code", "rule", "message"), 2000)
