"""The monthly roster cycle over HTTP (以人找房, N4): upload a list (a background job), follow
the job, read the lists, their people and the late ones. Thin routes over jobs and queries."""

from datetime import date, datetime

from django.utils import timezone
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile

from anju.accounts.access import requires
from anju.kit.errors import Code, RuleViolation
from anju.kit.masks import mask_id_number
from anju.roster import jobs, queries
from anju.roster.codes import PersonStatus
from anju.roster.commands import LoadRoster
from anju.roster.models import RosterLoad
from anju.web.apikit import ERRORS, ErrorOut, command_of

rosters = Router(tags=["以人找房"])


class RosterStarted(Schema):
    job_id: int
    status: str


class RosterErrorRow(Schema):
    row: int | None = Field(description="文件中的行号，表头为第 1 行")
    field: str | None
    code: str
    rule: str | None
    message: str


class RosterJobOut(Schema):
    id: int
    status: str = Field(description="queued、running、succeeded、failed")
    dry_run: bool
    period: str
    department: str
    total: int | None
    progress: int
    error_count: int
    errors: list[RosterErrorRow] = Field(description="前 1000 处错误")
    summary: dict
    created_at: datetime
    finished_at: datetime | None


class RosterOut(Schema):
    id: int
    period: str
    department: str
    division_code: str
    received_on: date
    list_due_on: date = Field(description="名单应交日期（政策参数 roster_list_day）")
    list_late: bool = Field(description="名单晚于应交日期送达")
    people: int


class RosterList(Schema):
    items: list[RosterOut]
    total: int


class RosterPersonOut(Schema):
    id: int
    load_id: int
    period: str
    division_code: str
    name: str
    id_number: str = Field(description="脱敏显示")
    category: str
    change: str = Field(description="identified 新识别、removed 出列")
    household_id: int | None
    matched_as: str | None = Field(description="head 户主、member 家庭成员；未匹配为空")
    house_id: int | None
    appraisal_due_on: date = Field(description="应完成鉴定日期（政策参数 roster_appraisal_day）")
    status: str = Field(description="、".join(f"{v} {label}" for v, label
                                              in PersonStatus.choices))
    grade: str | None
    appraised_on: date | None
    programme: str | None = Field(description="危房纳入的工程（R-CJ-9）：renovation 或 seismic")
    closed_by: str | None = Field(description="appraisal 鉴定A/B级、ledger 台账销号、case 改造验收")
    closed_on: date | None


class RosterPeopleOut(Schema):
    items: list[RosterPersonOut]
    total: int
    counts: dict[str, int]
    late_by_township: dict[str, int]


def _job(load: RosterLoad) -> dict:
    return {"id": load.pk, "status": load.status, "dry_run": load.dry_run,
            "period": load.period, "department": load.department, "total": load.total,
            "progress": load.progress, "error_count": load.error_count,
            "errors": list(load.errors.values("row", "field", "code", "rule", "message")
                           [:jobs.ERRORS_SHOWN]),
            "summary": {k: v for k, v in load.summary.items() if k != "origin"},
            "created_at": load.created_at, "finished_at": load.finished_at}


def _person(row: queries.Row) -> dict:
    p, s = row.person, row.state
    return {"id": p.pk, "load_id": p.load_id, "period": p.period,
            "division_code": p.division_code, "name": p.name,
            "id_number": mask_id_number(p.id_number), "category": p.category,
            "change": p.change, "household_id": p.household_id,
            "matched_as": p.matched_as or None, "house_id": p.house_id,
            "appraisal_due_on": p.appraisal_due_on, "status": s.status,
            "grade": s.grade or None, "appraised_on": s.appraised_on,
            "programme": row.programme or None, "closed_by": s.closed_by or None,
            "closed_on": s.closed_on}


def _people(rows: list[queries.Row], status: str | None) -> dict:
    if status and status not in PersonStatus.values:
        raise RuleViolation(Code.CHOICE_INVALID, "状态应为：" + "、".join(PersonStatus.values),
                            field="status")
    shown = queries.filter_rows(rows, status)
    return {"items": [_person(r) for r in shown], "total": len(shown),
            "counts": queries.counts(rows), "late_by_township": queries.late_by_township(rows)}


@rosters.post("", response={202: RosterStarted, 415: ErrorOut, **ERRORS},
              summary="上传上月新识别和出列人员名单（xlsx 或 csv）", url_name="roster_load",
              description="列：姓名、身份证号、所在村（12 位代码或村名）、低收入类别、变动类型"
              "（新识别/出列）、认定日期（可选）。dry_run=true 只检查不写入；否则有任何错误就"
              "全部不写入。")
@requires("roster.load")
def load_roster(request, file: File[UploadedFile], period: str, dry_run: bool = False):
    cmd = command_of(LoadRoster, {"period": period, "dry_run": dry_run})
    load = jobs.start_load(cmd, upload=file, acting_user=request.user, origin=request.origin)
    return 202, {"job_id": load.pk, "status": load.status}


@rosters.get("/jobs/{job_id}", response={200: RosterJobOut, **ERRORS}, summary="名单上传任务",
             url_name="roster_job")
@requires("roster.load")
def get_job(request, job_id: int):
    return _job(jobs.get_load_job(request.user, job_id))


@rosters.get("", response={200: RosterList, **ERRORS}, summary="已导入的月度名单",
             url_name="roster_list")
@requires("roster.view")
def list_rosters(request, division: str | None = None):
    loads = list(queries.loads_for_user(request.user, division))
    counts = queries.people_counts(loads)
    return {"items": [{"id": lo.pk, "period": lo.period, "department": lo.department,
                       "division_code": lo.division_code, "received_on": lo.received_on,
                       "list_due_on": lo.list_due_on, "list_late": lo.list_late,
                       "people": counts.get(lo.pk, 0)} for lo in loads],
            "total": len(loads)}


@rosters.get("/people", response={200: RosterPeopleOut, **ERRORS},
             summary="名单人员及其状态（以人找房）", url_name="roster_people_all",
             description="status=late 为逾期未鉴定的人员，另附各乡镇逾期人数。")
@requires("roster.view")
def all_people(request, division: str | None = None, period: str | None = None,
               status: str | None = None):
    rows = queries.rows_of(queries.people_for_user(request.user, division, period=period),
                           timezone.localdate())
    return _people(rows, status)


@rosters.get("/{roster_id}/people", response={200: RosterPeopleOut, **ERRORS},
             summary="一份名单的人员及其状态", url_name="roster_people")
@requires("roster.view")
def roster_people(request, roster_id: int, status: str | None = None,
                  division: str | None = Query(None)):
    load = queries.get_load_for_user(request.user, roster_id)
    rows = queries.rows_of(queries.people_for_user(request.user, division, load=load),
                           timezone.localdate())
    return _people(rows, status)
