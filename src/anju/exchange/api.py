"""Imports, exports and their jobs over HTTP (api.md "Imports", "Jobs"): thin routes over
jobs.py (the door and the starts) and exporters.py."""

from datetime import datetime
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile

from anju.accounts.access import can, check, requires
from anju.audit import actions as audit
from anju.audit.models import Action
from anju.divisions.queries import export_note
from anju.exchange import exporters, jobs, reconcile
from anju.exchange.commands import (
    AcceptDifference,
    MarkUpstream,
    StartExport,
    StartImport,
    StartReconciliation,
)
from anju.exchange.importers import IMPORTERS
from anju.exchange.layout import get_layout
from anju.exchange.models import Job, JobStatus
from anju.exchange.template import template_xlsx
from anju.kit import reads
from anju.kit.errors import Code, NotFound
from anju.web.apikit import ERRORS, ErrorOut, PageParams, command_of, paginate

imports = Router(tags=["导入"])
job_routes = Router(tags=["导入导出任务"])
export_routes = Router(tags=["导出"])

CONTENT_TYPES = {"xlsx": exporters.XLSX, "csv": "text/csv; charset=utf-8"}


class JobStarted(Schema):
    job_id: int
    status: str
    job_url: str


class JobErrorOut(Schema):
    row: int | None = Field(description="文件中的行号，表头为第 1 行；整个文件的问题为空")
    field: str | None
    code: str
    rule: str | None
    message: str


class JobOut(Schema):
    id: int
    kind: str = Field(description="import_households、import_houses、export_houses 等")
    status: str = Field(description="queued、running、succeeded、failed")
    stage: str | None = Field(description="checking（检查）、writing（写入）、exporting（导出）")
    progress: int
    total: int | None
    dry_run: bool
    mode: str | None = Field(description="导入方式：all（全部正确才写入）或 good_rows")
    errors: list[JobErrorOut] = Field(description="前 1000 处错误；完整报告见 error_report_url")
    error_count: int
    summary: dict
    result_url: str | None = Field(description="导出文件；只导入正确的行时为有误的行（xlsx，"
                                   "末列为错误说明），改正后可重新导入")
    error_report_url: str | None
    message: str | None = Field(description="结果说明；失败时写明原因")
    recoverable: bool = Field(description="全部正确才写入的导入因行有误而失败，文件仍在："
                              "可用 mode=good_rows 只导入正确的行")
    division: dict = Field(description="任务覆盖的区划 {code, name}")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class JobList(Schema):
    items: list[JobOut]
    total: int
    page: int
    page_size: int


def _started(job: Job):
    return 202, {"job_id": job.pk, "status": job.status,
                 "job_url": reverse("api:job_detail", args=[job.pk])}


def present_job(job: Job, user, *, errors: bool = True) -> dict:
    done = job.status == JobStatus.SUCCEEDED
    readable = jobs.may_read_results(user, job)
    errors = errors and readable
    return {
        "id": job.pk, "kind": job.kind, "status": job.status, "stage": job.stage or None,
        "progress": job.progress, "total": job.total,
        "dry_run": bool(job.params.get("dry_run")),
        "mode": job.params.get("mode") if job.is_import else None,
        "errors": jobs.shown_errors(job) if errors and job.error_count else [],
        "error_count": job.error_count, "summary": job.summary,
        # A failed job says so in words, and whether its good rows can still be imported.
        "message": job.summary.get("message") or None,
        "recoverable": job.status == JobStatus.FAILED and job.is_import
        and job.summary.get("code") == Code.ROWS_INVALID and bool(job.input_file),
        "division": {"code": job.division_code,
                     "name": exporters.covered_name(job.division_code)},
        "result_url": reverse("api:job_result", args=[job.pk])
        if done and job.result_file and readable else None,
        "error_report_url": reverse("api:job_errors_xlsx", args=[job.pk])
        if job.error_count and readable else None,
        "created_at": job.created_at, "started_at": job.started_at,
        "finished_at": job.finished_at,
    }


# --- imports ----------------------------------------------------------------------------------


def _import_route(resource: str, title: str):
    @imports.post(f"/{resource}", response={202: JobStarted, 415: ErrorOut, **ERRORS},
                  summary=f"批量导入{title}（xlsx 或 csv）", operation_id=f"import_{resource}",
                  url_name=f"import_{resource}",
                  description="表头用字段名或模板的中文列名；dry_run=true 只检查不写入；"
                  "mode=all（默认）有任何错误就不写入，mode=good_rows 只写入正确的行。")
    @requires("exchange.import")
    def start(request, file: File[UploadedFile], dry_run: bool = False, mode: str = "all"):
        cmd = command_of(StartImport, {"resource": resource, "dry_run": dry_run, "mode": mode})
        job = jobs.start_import(cmd, upload=file, acting_user=request.user,
                                origin=request.origin)
        return _started(job)

    @imports.get(f"/{resource}/template.xlsx", response={200: None, **ERRORS},
                 summary=f"{title}导入模板（含代码表）", operation_id=f"import_{resource}_template",
                 url_name=f"import_{resource}_template")
    @requires("exchange.import")
    def template(request):
        response = StreamingHttpResponse(template_xlsx(resource),
                                         content_type=exporters.XLSX)
        response["Content-Disposition"] = f'attachment; filename="{resource}-template.xlsx"'
        return response


_import_route("households", "农户")
_import_route("houses", "房屋")


# --- jobs -------------------------------------------------------------------------------------


@job_routes.get("", response={200: JobList, **ERRORS}, summary="我的导入导出任务")
@requires("exchange.jobs")
def list_jobs(request, params: Query[PageParams]):
    return paginate(jobs.jobs_for_user(request.user), params,
                    lambda job: present_job(job, request.user, errors=False))


@job_routes.get("/{job_id}", response={200: JobOut, **ERRORS}, summary="任务进度与错误报告",
                url_name="job_detail")
@requires("exchange.jobs")
def get_job(request, job_id: int):
    return present_job(jobs.get_job_for_user(request.user, job_id), request.user)


@job_routes.get("/{job_id}/result", response={200: None, **ERRORS},
                summary="下载导出结果（仅限发起人）", url_name="job_result")
@requires("exchange.jobs")
def job_result(request, job_id: int):
    job = jobs.get_job_result_for_user(request.user, job_id)
    if job.status != JobStatus.SUCCEEDED or not job.result_file:
        raise NotFound("该任务没有可下载的文件")
    audit.record(Action.EXPORT, actor=request.user, obj=job, origin=request.origin,
                 division_code=job.division_code,
                 details={"export": job.params.get("resource"), "job": job.pk,
                          "rows": job.summary.get("rows"),
                          "full_view": job.summary.get("full_view", False)})
    name = job.result_file.name.rsplit("/", 1)[-1]
    return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=name,
                        content_type=CONTENT_TYPES.get(name.rsplit(".", 1)[-1]))


def _error_report(request, job_id: int, fmt: str):
    job = jobs.get_job_result_for_user(request.user, job_id)
    titles = {}
    if job.is_import:
        titles = {c.name: c.title for c in IMPORTERS[job.params["resource"]].columns}
    header = [("行号", 8), ("列", 20), ("规则", 10), ("错误代码", 26), ("说明", 60)]
    rows = ((row or "", f"{titles[field]}（{field}）" if field in titles else field, rule, code,
             message) for row, field, code, rule, message in jobs.all_errors(job))
    if fmt == "csv":
        data = exporters.stream_csv(header, rows)
    else:
        from anju.kit.xlsx import stream_xlsx

        data = stream_xlsx(header, rows, sheet_name="错误报告")
    response = StreamingHttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="job-{job.pk}-errors.{fmt}"'
    return response


@job_routes.get("/{job_id}/errors.xlsx", response={200: None, **ERRORS},
                summary="完整错误报告（Excel）", url_name="job_errors_xlsx")
@requires("exchange.jobs")
def job_errors_xlsx(request, job_id: int):
    return _error_report(request, job_id, "xlsx")


@job_routes.get("/{job_id}/errors.csv", response={200: None, **ERRORS},
                summary="完整错误报告（CSV）", url_name="job_errors_csv")
@requires("exchange.jobs")
def job_errors_csv(request, job_id: int):
    return _error_report(request, job_id, "csv")


# --- exports ----------------------------------------------------------------------------------


def export_response(request, name: str, division: str | None, fmt: str):
    """An export streamed as it is written, audited like the ledger's."""
    user = request.user
    exporter = exporters.get_exporter(name)
    check(user, exporter.capability)
    reveal = can(user, "registry.reveal")
    total, data = exporters.stream(exporter, user, division, reveal=reveal, fmt=fmt)
    audit.record(Action.EXPORT, actor=user, origin=request.origin,
                 division_code=division or user.scope,
                 details={"export": name, "rows": total, "full_view": reveal})
    response = StreamingHttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(
        True, exporters.file_name(exporter, user, division, fmt))
    return response


def _export_route(exporter: exporters.Exporter, fmt: str):
    @export_routes.get(f"/{exporter.name}.{fmt}", response={200: None, **ERRORS},
                       summary=f"{exporter.title}（{fmt}，流式输出；记录多时按下级区划分表）",
                       operation_id=f"export_{exporter.name.replace('-', '_')}_{fmt}")
    @reads.replica_tolerant(reads.EXPORT)
    @requires("exchange.export")
    def download(request, division: str | None = None):
        return export_response(request, exporter.name, division, fmt)


for _exporter in exporters.exporters().values():
    for _fmt in exporters.FORMATS:
        if _exporter.name == "rectification-ledger" and _fmt == "xlsx":
            continue  # served by the ledger's own route
        _export_route(_exporter, _fmt)


@export_routes.post("/{kind}/jobs", response={202: JobStarted, **ERRORS},
                    summary="在后台导出（完成后由发起人从 result_url 下载）",
                    description="kind：houses、rectification-ledger、findings、applications、"
                    "payments；format：xlsx（默认）或 csv")
@requires("exchange.export")
def start_export(request, kind: str, division: str | None = None, format: str = "xlsx"):
    job = jobs.start_export(command_of(StartExport, {"kind": kind, "division": division,
                                                   "format": format}),
                            acting_user=request.user, origin=request.origin)
    return _started(job)


# --- the national layouts (api.md "National exchange") ----------------------------------------

NATIONAL_HELP = ("layout：house-collection（N1 采集表）、self-built（N2 自建房，建造年代六档）、"
                 "renovation-archive（N3 危改农户档案）、monitoring-ledger（N4 动态监测台账）、"
                 "security-outcome（N5 住房安全有保障）、supervision-ledger（L1 监管台账）。"
                 "版式由版式文件决定，省级可在 ANJU_LAYOUT_DIR 放置更新的版式文件。")


class IncompleteItem(Schema):
    record_id: int = Field(description="房屋、案卷或农户编号（视版式而定）")
    division_code: str
    label: str = Field(description="地址或姓名")
    missing: list[str] = Field(description="该行将留空的列名")


class IncompleteOut(Schema):
    layout: str
    items: list[IncompleteItem]
    total: int
    page: int
    page_size: int
    columns_without_source: list[str] = Field(description="安居没有数据来源、每行都留空的列")


@export_routes.get("/national/{layout}.xlsx", response={200: None, 202: JobStarted, **ERRORS},
                   summary="国家版式导出（流式；记录多时转为后台任务，返回 202）",
                   description=NATIONAL_HELP, operation_id="export_national_xlsx",
                   url_name="export_national")
@reads.replica_tolerant(reads.EXPORT)
@requires("exchange.export")
def export_national(request, layout: str, division: str | None = None):
    user = request.user
    found = get_layout(layout)
    check(user, exporters.national_capability(found))
    if not found.is_matrix:
        _, records = exporters.national_records(found, user, division)
        if records.count() > settings.NATIONAL_EXPORT_JOB_ROWS:
            return _started(jobs.start_national_export(
                command_of(StartExport, {"kind": layout, "division": division}),
                acting_user=user, origin=request.origin))
    reveal = can(user, "registry.reveal")
    total, data = exporters.national_stream(found, user, division, reveal=reveal)
    audit.record(Action.EXPORT, actor=user, origin=request.origin,
                 division_code=division or user.scope,
                 details={"export": f"national/{found.name}", "layout": found.code,
                          "layout_file": found.path.name,
                          "effective": f"{found.effective:%Y-%m-%d}", "rows": total,
                          "full_view": reveal})
    response = StreamingHttpResponse(data, content_type=exporters.XLSX)
    name = exporters.national_file_name(found, user, division)
    response["Content-Disposition"] = (f"attachment; filename=\"{found.name}.xlsx\"; "
                                       f"filename*=UTF-8''{quote(name)}")
    return response


@export_routes.get("/national/{layout}/incomplete", response={200: IncompleteOut, **ERRORS},
                   summary="国家版式预检：哪些记录的哪些列将留空（不导出）",
                   description=NATIONAL_HELP, operation_id="export_national_incomplete")
@requires("exchange.export")
def national_incomplete(request, layout: str, params: Query[PageParams],
                        division: str | None = None):
    found = get_layout(layout)
    check(request.user, exporters.national_capability(found))
    offset = (params.page - 1) * params.page_size
    report = exporters.national_incomplete(found, request.user, division, offset=offset,
                                           limit=params.page_size)
    return {**report, "page": params.page, "page_size": params.page_size}


@imports.post("/national/{layout}", response={202: JobStarted, 415: ErrorOut, **ERRORS},
              summary="载入国家系统文件对账（xlsx 或 csv，含 GBK/GB18030）",
              operation_id="import_national", url_name="import_national",
              description="division：文件所属的区划（如一个乡镇的文件），安居一方只比对该区划；"
              "按全国房屋编码、否则身份证号+地址、否则户主姓名+村匹配；结果在任务的错误报告中"
              "（字段差异、国家系统缺、安居缺），可导出。载入不改写安居的记录，只补记房屋缺少的全国房屋编码。")
@requires("exchange.import")
def import_national(request, layout: str, file: File[UploadedFile],
                    division: str | None = None):
    job = jobs.start_reconciliation(command_of(StartReconciliation, {"layout": layout,
                                                                     "division": division}),
                                    upload=file, acting_user=request.user,
                                    origin=request.origin)
    return _started(job)


# --- the differences of a reconciliation (对账差异) --------------------------------------------


class NationalDifferenceOut(Schema):
    id: int
    job_id: int
    kind: str = Field(description="national_difference（字段差异）、missing_in_file（国家系统缺）、"
                      "missing_in_anju（安居缺）")
    house_id: int | None
    division_code: str
    row: int | None = Field(description="国家文件中的行号")
    column: str = Field(description="版式的列名")
    national_value: str
    anju_value: str
    state: str = Field(description="open（待处理）、accepted（已采纳到安居）、"
                       "upstream（待国家系统更正）")
    acceptable: bool = Field(description="可由对账采纳到安居（经房屋修改办理）")
    decided_at: datetime | None
    note: str


class NationalDifferenceList(Schema):
    items: list[NationalDifferenceOut]
    total: int
    page: int
    page_size: int


def present_difference(d) -> dict:
    return {"id": d.pk, "job_id": d.job_id, "kind": d.kind, "house_id": d.house_id,
            "division_code": d.division_code, "row": d.row, "column": d.column,
            "national_value": d.national_value, "anju_value": d.anju_value, "state": d.state,
            "acceptable": reconcile.acceptable(d), "decided_at": d.decided_at,
            "note": d.note}


@imports.get("/national/{job_id}/differences", response={200: NationalDifferenceList, **ERRORS},
             summary="对账差异（可按处理状态筛选）", url_name="national_differences")
@requires("exchange.import")
def list_differences(request, job_id: int, params: Query[PageParams],
                     state: str | None = None):
    job = jobs.get_reconciliation_for_user(request.user, job_id)
    found = reconcile.differences_of(job)
    if state:
        found = found.filter(state=state)
    return paginate(found, params, present_difference)


@imports.get("/national/{job_id}/differences.xlsx", response={200: None, **ERRORS},
             summary="对账差异清单（Excel，供更正国家系统）", url_name="national_differences_xlsx")
@requires("exchange.import")
def differences_xlsx(request, job_id: int):
    from anju.kit.xlsx import stream_xlsx

    job = jobs.get_reconciliation_for_user(request.user, job_id)
    header, rows = reconcile.difference_table(job)
    audit.record(Action.EXPORT, actor=request.user, obj=job, origin=request.origin,
                 division_code=job.division_code,
                 details={"export": "national/differences", "job": job.pk})
    note = export_note("对账差异清单", job.division_code, timezone.localdate(),
                       ("对账任务", str(job.pk)))
    response = StreamingHttpResponse(stream_xlsx(header, rows, sheet_name="对账差异", note=note),
                                     content_type=exporters.XLSX)
    response["Content-Disposition"] = f'attachment; filename="job-{job.pk}-differences.xlsx"'
    return response


@imports.post("/national/{job_id}/differences/{difference_id}/accept",
              response={200: NationalDifferenceOut, **ERRORS},
              summary="采纳国家系统的值到安居（经房屋修改办理，留痕）",
              url_name="national_difference_accept")
@requires("exchange.import")
def accept_difference(request, job_id: int, difference_id: int, payload: AcceptDifference):
    difference = jobs.get_difference_for_user(request.user, job_id, difference_id)
    reconcile.accept_difference(difference, payload, acting_user=request.user,
                                origin=request.origin)
    return present_difference(difference)


@imports.post("/national/{job_id}/differences/{difference_id}/upstream",
              response={200: NationalDifferenceOut, **ERRORS},
              summary="标记为由国家系统更正（安居不变，留痕）",
              url_name="national_difference_upstream")
@requires("exchange.import")
def mark_upstream(request, job_id: int, difference_id: int, payload: MarkUpstream):
    difference = jobs.get_difference_for_user(request.user, job_id, difference_id)
    reconcile.mark_upstream(difference, payload, acting_user=request.user,
                            origin=request.origin)
    return present_difference(difference)
