"""Supervision over HTTP (api.md "Further contract points": programme plan, work summary; the
look-back campaign beside them): thin routes over the doors (queries) and the verbs."""

from datetime import date

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from ninja import Field, Query, Router, Schema

from anju.accounts.access import requires
from anju.supervision import actions, documents, queries
from anju.supervision.commands import (
    AddPlanRow,
    DrawPlan,
    EditSummary,
    OpenCampaign,
    RecordRevisit,
    RemovePlanRow,
    SubmitSummary,
    WriteSummary,
)
from anju.supervision.models import Campaign, PlanRow, WorkSummary
from anju.web.apikit import ERRORS, PageParams, paginate

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

programmes = Router(tags=["督导"])
lookbacks = Router(tags=["督导"])
summaries = Router(tags=["督导"])


# --- 年度建设计划 (R-CJ-9) ---------------------------------------------------------------


class PlanRowOut(Schema):
    id: int
    house_id: int
    household_id: int
    division_code: str
    address: str
    year: int
    grade: str
    state: str = Field(description="listed 已列入、in_case 已立项改造、completed 已完成")
    source: str = Field(description="drawn 按认定名单列入、added 县级增补")
    listed_on: date
    removed_on: date | None
    removal_reason: str
    apply_url: str = Field(description="从本行发起改造申请的页面（预填农户和房屋）")


class PlanOut(Schema):
    programme: str
    division_code: str
    year: int | None
    items: list[PlanRowOut]
    total: int


class DrawnOut(Schema):
    listed: int


def _row(row: PlanRow, state: str) -> dict:
    return {"id": row.pk, "house_id": row.house_id, "household_id": row.household_id,
            "division_code": row.division_code, "address": row.house.address, "year": row.year,
            "grade": row.grade, "state": state, "source": row.source, "listed_on": row.listed_on,
            "removed_on": row.removed_on, "removal_reason": row.removal_reason,
            "apply_url": f"/assistance/households/{row.household_id}/apply/?house={row.house_id}"}


@programmes.get("/{programme}/plan", response={200: PlanOut, **ERRORS},
                summary="年度建设计划：低收入群体C/D级房屋及其状态")
@requires("supervision.view")
def get_plan(request, programme: str, division: str | None = None, year: int | None = None,
             removed: bool = False):
    actions.check_programme(programme)
    rows = list(queries.plan_for_user(request.user, programme, division=division, year=year,
                                      removed=removed))
    states = queries.plan_states(rows)
    return {"programme": programme, "division_code": division or request.user.scope,
            "year": year, "items": [_row(r, states[r.pk]) for r in rows], "total": len(rows)}


@programmes.get("/{programme}/plan.xlsx", response={200: None, **ERRORS},
                summary="导出年度建设计划（Excel）")
@requires("supervision.view")
def plan_xlsx(request, programme: str, division: str | None = None, year: int | None = None):
    actions.check_programme(programme)
    name, chunks = documents.plan_xlsx(request.user, programme, division, year,
                                       origin=request.origin)
    response = StreamingHttpResponse(chunks, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@programmes.post("/{programme}/plan/draw", response={201: DrawnOut, **ERRORS},
                 summary="生成年度建设计划：列入已认定低收入群体的C/D级房屋")
@requires("supervision.county")
def draw_plan(request, programme: str, payload: DrawPlan):
    listed = actions.draw_plan(programme, payload, acting_user=request.user,
                               origin=request.origin)
    return 201, {"listed": listed}


@programmes.post("/{programme}/plan/rows", response={201: PlanRowOut, **ERRORS},
                 summary="县级增补一栋房屋列入计划")
@requires("supervision.county")
def add_plan_row(request, programme: str, payload: AddPlanRow):
    row = actions.add_plan_row(programme, payload, acting_user=request.user,
                               origin=request.origin)
    return 201, _row(row, queries.plan_states([row])[row.pk])


@programmes.post("/{programme}/plan/rows/{row_id}/remove", response={200: PlanRowOut, **ERRORS},
                 summary="移出计划（须写明原因）")
@requires("supervision.county")
def remove_plan_row(request, programme: str, row_id: int, payload: RemovePlanRow):
    row = queries.get_plan_row_for_user(request.user, row_id)
    row = actions.remove_plan_row(row, payload, acting_user=request.user, origin=request.origin)
    return _row(row, queries.plan_states([row])[row.pk])


# --- 回头看 ---------------------------------------------------------------------------------


class CoverageOut(Schema):
    division_code: str
    name: str
    listed: int
    revisited: int
    found: int = Field(description="回访发现重大安全隐患的房屋")
    coverage: float = Field(description="已回访 / 列入")


class CampaignOut(Schema):
    id: int
    division_code: str
    title: str
    opened_on: date
    deadline: date
    listed: int
    revisited: int
    found: int
    coverage: float
    divisions: list[CoverageOut]


class CampaignHouseOut(Schema):
    house_id: int
    division_code: str
    address: str
    reason: str = Field(description="signed_off 已销号、controlled 已管控、"
                                    "priority 重点区域未发现隐患")
    revisited_on: date | None
    inspection_id: int | None
    found_danger: bool


def _campaign(user, campaign: Campaign) -> dict:
    divisions = queries.coverage_by_division(user, campaign)
    listed = sum(d["listed"] for d in divisions)
    revisited = sum(d["revisited"] for d in divisions)
    from anju.supervision.rules import coverage

    return {"id": campaign.pk, "division_code": campaign.division_code, "title": campaign.title,
            "opened_on": campaign.opened_on, "deadline": campaign.deadline, "listed": listed,
            "revisited": revisited, "found": sum(d["found"] for d in divisions),
            "coverage": coverage(listed, revisited), "divisions": divisions}


def _campaign_house(h) -> dict:
    return {"house_id": h.house_id, "division_code": h.division_code,
            "address": h.house.address, "reason": h.reason, "revisited_on": h.revisited_on,
            "inspection_id": h.inspection_id, "found_danger": h.found_danger}


@lookbacks.post("", response={201: CampaignOut, **ERRORS},
                summary="开展回头看：县级确定范围和期限，系统生成名单")
@requires("supervision.county")
def open_campaign(request, payload: OpenCampaign):
    campaign = actions.open_campaign(payload, acting_user=request.user, origin=request.origin)
    return 201, _campaign(request.user, campaign)


@lookbacks.get("", response={200: list[CampaignOut], **ERRORS}, summary="回头看列表")
@requires("supervision.view")
def list_campaigns(request, division: str | None = None):
    return [_campaign(request.user, c)
            for c in queries.campaigns_for_user(request.user, division)[:50]]


@lookbacks.get("/{campaign_id}", response={200: CampaignOut, **ERRORS},
               summary="回头看：各乡镇覆盖率和发现问题")
@requires("supervision.view")
def get_campaign(request, campaign_id: int):
    return _campaign(request.user, queries.get_campaign_for_user(request.user, campaign_id))


class CampaignHousesOut(Schema):
    items: list[CampaignHouseOut]
    total: int
    page: int
    page_size: int


@lookbacks.get("/{campaign_id}/houses", response={200: CampaignHousesOut, **ERRORS},
               summary="回头看名单")
@requires("supervision.view")
def campaign_houses(request, campaign_id: int, division: str | None = None,
                    revisited: bool | None = None, paging: Query[PageParams] = None):
    campaign = queries.get_campaign_for_user(request.user, campaign_id)
    houses = queries.campaign_houses(request.user, campaign, division=division,
                                     revisited=revisited)
    return paginate(houses, paging or PageParams(), _campaign_house)


@lookbacks.post("/{campaign_id}/revisits", response={201: CampaignHouseOut, **ERRORS},
                summary="录入回头看回访（检查层级 lookback）")
@requires("appraisal.inspect")
def record_revisit(request, campaign_id: int, payload: RecordRevisit):
    campaign = queries.get_campaign_for_user(request.user, campaign_id)
    listed = actions.record_revisit(campaign, payload, acting_user=request.user,
                                    origin=request.origin)
    return 201, _campaign_house(listed)


# --- 工作总结 (§6) --------------------------------------------------------------------------


class SectionsOut(Schema):
    situation: str = ""
    measures: str = ""
    lookback: str = ""
    problems: str = ""
    next_steps: str = ""


class WorkSummaryOut(Schema):
    id: int
    division_code: str
    period: str
    due_on: date
    status: str = Field(description="draft 草稿、submitted 已报送")
    submitted_on: date | None
    late: bool
    version: int
    sections: SectionsOut
    figures: dict = Field(description="从记录中自动填入的数据")


class ReceiptOut(Schema):
    division_code: str
    name: str
    summary_id: int | None
    period: str
    due_on: date | None
    status: str
    submitted_on: date | None
    receipt: str = Field(description="received 已按时报送、late 逾期报送、missing 未报送")


def _summary(s: WorkSummary) -> dict:
    return {"id": s.pk, "division_code": s.division_code, "period": s.period,
            "due_on": s.due_on, "status": s.status, "submitted_on": s.submitted_on,
            "late": s.late, "version": s.version, "sections": s.sections, "figures": s.figures}


@summaries.post("", response={201: WorkSummaryOut, **ERRORS}, summary="县级撰写工作总结（草稿）")
@requires("supervision.county")
def write_summary(request, payload: WriteSummary):
    summary = actions.write_summary(payload, acting_user=request.user, origin=request.origin)
    return 201, _summary(summary)


@summaries.get("", response={200: list[ReceiptOut], **ERRORS},
               summary="各县市工作总结报送情况（按时、逾期、未报送）")
@requires("supervision.view")
def list_summaries(request, division: str | None = None, period: str | None = None):
    return queries.receipts(request.user, division or request.user.scope, period)


@summaries.get("/{summary_id}", response={200: WorkSummaryOut, **ERRORS}, summary="工作总结")
@requires("supervision.view")
def get_summary(request, summary_id: int):
    return _summary(queries.get_summary_for_user(request.user, summary_id))


@summaries.patch("/{summary_id}", response={200: WorkSummaryOut, **ERRORS},
                 summary="保存工作总结草稿（数据重新从记录填入）")
@requires("supervision.county")
def edit_summary(request, summary_id: int, payload: EditSummary):
    summary = queries.get_summary_for_user(request.user, summary_id)
    return _summary(actions.edit_summary(summary, payload, acting_user=request.user,
                                         origin=request.origin))


@summaries.post("/{summary_id}/submit", response={200: WorkSummaryOut, **ERRORS},
                summary="报送工作总结（逾期报送标记为逾期）")
@requires("supervision.county")
def submit_summary(request, summary_id: int, payload: SubmitSummary | None = None):
    summary = queries.get_summary_for_user(request.user, summary_id)
    return _summary(actions.submit_summary(summary, payload or SubmitSummary(),
                                           acting_user=request.user, origin=request.origin))


@summaries.get("/{summary_id}/summary.pdf", response={200: None, **ERRORS}, summary="工作总结 PDF")
@requires("supervision.view")
def summary_pdf(request, summary_id: int):
    summary = queries.get_summary_for_user(request.user, summary_id)
    name, pdf = documents.summary_pdf(request.user, summary, origin=request.origin)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
