"""The villagers' side for integrators (api.md "Warning signs and public reports", "A
household's own status"): the township's queue of 村民监督线索, scoped by division like the
page, without the reporter's phone or text; a ledger entry's warning sign as a PDF; and the
two public acts (a report at a sign, a household's status), doors without an account over the
verbs of the pages, under the same limits, each request recorded as the pages record it."""

from datetime import date
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from anju.accounts.access import public, requires
from anju.kit.errors import AnjuError, Code, NotFound, RuleViolation
from anju.kit.fields import PHONE_LENGTH, column_text, free_text
from anju.public import actions, documents
from anju.public.codes import LeadStatus, ReportKind, RequestKind, RequestResult
from anju.public.commands import FileReport, LookUpStatus
from anju.public.models import VillagerReport
from anju.public.queries import leads_for_user, live_sign
from anju.public.rules import TEXT_MAX, client_hash
from anju.rectification.queries import get_entry_for_user
from anju.registry.models import Household
from anju.security import client_ip
from anju.web.apikit import ERRORS, ErrorOut, PageParams, paginate

villager_reports = Router(tags=["村民监督"])
signs = Router(tags=["村民监督"])
public_acts = Router(tags=["村民监督"], auth=None)


class LeadOut(Schema):
    id: int
    number: str = Field(description="线索编号")
    entry_id: int = Field(description="整治台账编号（id）")
    house_id: int
    division_code: str
    kind: str = Field(description="occupied 有人居住或使用、damaged 警示标志或围挡损坏"
                                  "（与 POST 的写法一致）")
    received_on: date = Field(description="村民反映日期")
    due_on: date = Field(description="核查期限（R-CJ-7，villager_report_days）")
    status: str = Field(description="open 待核查、closed 已核查")
    overdue: bool = Field(description="待核查且已过核查期限")
    closed_on: date | None = Field(None, description="核查日期")
    control_check_id: int | None = Field(None, description="办结它的管控检查")
    inspection_id: int | None = Field(None, description="或办结它的房屋检查")


class LeadList(Schema):
    items: list[LeadOut]
    total: int
    page: int
    page_size: int


class LeadFilters(PageParams):
    division: str | None = Field(None, description="区划代码前缀，在管辖范围内进一步筛选")
    status: str | None = Field(None, description="open 或 closed；不填为全部")
    overdue: bool = Field(False, description="true：只列逾期未核查的线索")


# A lead's kind in the contract's words, as a report is filed (api.md: occupied/in_use/damaged).
CONTRACT_KINDS = {ReportKind.OCCUPIED: "occupied", ReportKind.SIGN_DAMAGED: "damaged"}


def present_lead(lead, today: date) -> dict:
    return {"id": lead.pk, "number": lead.number, "entry_id": lead.entry_id,
            "house_id": lead.entry.house_id, "division_code": lead.division_code,
            "kind": CONTRACT_KINDS.get(lead.kind, lead.kind),
            "received_on": timezone.localdate(lead.reported_at),
            "due_on": lead.due_on, "status": lead.status,
            "overdue": lead.status == LeadStatus.OPEN and lead.due_on < today,
            "closed_on": lead.closed_on, "control_check_id": lead.control_check_id,
            "inspection_id": lead.inspection_id}


@villager_reports.get("", response={200: LeadList, **ERRORS},
                      summary="村民监督线索（乡镇核查队列，待核查的按期限在前）")
@requires("rectification.view")
def list_leads(request, filters: Query[LeadFilters]):
    if filters.status not in (None, *LeadStatus.values):
        raise RuleViolation(Code.CHOICE_INVALID, "status 应为 open 或 closed", field="status")
    today = timezone.localdate()
    leads = (leads_for_user(request.user, division=filters.division, status=filters.status,
                            overdue_on=today if filters.overdue else None)
             .select_related("entry").order_by("-status", "due_on", "id"))
    return paginate(leads, filters, lambda lead: present_lead(lead, today))


# ---------------------------------------------------------------- a ledger entry's sign


@signs.get("/{entry_id}/sign.pdf", response={200: None, **ERRORS},
           summary="警示标志（A4 PDF，二维码通往房屋的公开页面；首次打印时生成）")
@requires("rectification.record")
def sign_pdf(request, entry_id: int):
    """The signs page's print for one entry: the same verb (the live token, the count, the
    audit row), the same page."""
    entry = get_entry_for_user(request.user, entry_id)
    printed = actions.print_signs([entry], acting_user=request.user, origin=request.origin)
    pdf = documents.signs_pdf(printed, lambda token: documents.sign_url(request, token))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="sign-{entry.number}.pdf"'
    return response


# ---------------------------------------------------------------- the public acts


def _client(request) -> str:
    return client_hash(client_ip(request))


# The contract's kinds and the lead kinds they file (R-CJ-6: living in or using a C/D house is
# one lead; R-CJ-5: a damaged sign or barrier the other). The lead kinds are accepted as well.
REPORT_KINDS = {"occupied": ReportKind.OCCUPIED, "in_use": ReportKind.OCCUPIED,
                "damaged": ReportKind.SIGN_DAMAGED,
                **{kind: ReportKind(kind) for kind in ReportKind.values}}


class ReportIn(Schema):
    kind: free_text(20, "反映情况") = Field(
        description="occupied 有人居住、in_use 有人使用（经营、堆放等）、"
                    "damaged 警示标志或围挡损坏",
        json_schema_extra={"enum": list(REPORT_KINDS)})
    text: column_text(VillagerReport, "text", max_length=TEXT_MAX * 2) = Field(
        "", description=f"补充说明，至多 {TEXT_MAX} 字")
    phone: column_text(VillagerReport, "phone", max_length=PHONE_LENGTH) = Field(
        "", description="反映人电话（选填，仅乡镇可见）")


class ReportOut(Schema):
    id: int = Field(description="村民监督线索编号（id）")
    due_on: date = Field(description="乡镇核查期限（R-CJ-7）")


@public_acts.post("/signs/{token}/reports",
                  response={202: ReportOut, 429: ErrorOut, **ERRORS},
                  summary="村民在警示标志处反映情况（无需登录；令牌未知或已作废为 404）")
@public
def file_report(request, token: str, payload: ReportIn):
    client = _client(request)
    actions.admit(RequestKind.REPORT, client)
    sign = live_sign(token)
    if sign is None:
        actions.record_request(RequestKind.SIGN_PAGE, RequestResult.NOT_FOUND, client)
        raise NotFound("没有找到这个二维码对应的房屋，标志可能已作废", field="token")
    actions.admit(RequestKind.REPORT, client, actions.subject_of(sign), reports=True)
    try:
        kind = REPORT_KINDS.get(payload.kind)
        if kind is None:
            raise RuleViolation(Code.CHOICE_INVALID, "kind 应为 occupied、in_use 或 damaged",
                                field="kind", rule="R-CJ-7")
        report = actions.file_report(
            sign, FileReport(kind=kind, text=payload.text, phone=payload.phone), photo=None,
            client=client)
    except AnjuError:
        actions.record_request(RequestKind.REPORT, RequestResult.INVALID, client)
        raise
    return 202, {"id": report.pk, "due_on": report.due_on}


class StatusIn(Schema):
    village_code: column_text(VillagerReport, "division_code", label="所在村") = Field(
        description="所在村的 12 位区划代码")
    head_name: column_text(Household, "head_name") = Field(description="户主姓名")
    id_last6: free_text(6, "户主身份证号后六位") = Field(description="户主身份证号后六位")


class StatusOut(Schema):
    """One shape for a match and for anything else (404: every value null)."""

    stage: str | None = Field(description="办理阶段（申请状态代码，如 applied、approved、paid）；"
                                          "尚无申请或未找到为 null")
    stage_name: str | None = Field(description="办理阶段的中文名称")
    subsidy_amount: Decimal | None = Field(description="补助金额（元）；审批通过后才有")
    paid_amount: Decimal | None = Field(description="已拨付金额（元）")
    paid_on: date | None = Field(description="拨付日期")


NO_STATUS = {"stage": None, "stage_name": None, "subsidy_amount": None, "paid_amount": None,
             "paid_on": None}


@public_acts.post("/status", response={200: StatusOut, 404: StatusOut, 429: ErrorOut,
                                       **{k: v for k, v in ERRORS.items() if k != 404}},
                  summary="农户查询本户办理进度（无需登录；不符一律 404，多次不符锁定 429）")
@public
def look_up_status(request, payload: StatusIn):
    client = _client(request)
    actions.admit(RequestKind.STATUS, client)
    found = actions.look_up_status(LookUpStatus(
        village=payload.village_code, head_name=payload.head_name,
        id_last_six=payload.id_last6), client=client)
    if found is None:
        return 404, NO_STATUS
    return 200, {"stage": found.status or None, "stage_name": found.stage or None,
                 "subsidy_amount": found.subsidy,
                 "paid_amount": found.paid_amount if found.status else None,
                 "paid_on": found.paid_on}
