"""The rectification ledger over HTTP (api.md "Ledger"): thin routes over the door and verbs;
each act's body is its command (commands.py)."""

from datetime import date, datetime

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from ninja import Field, Query, Router, Schema

from anju.accounts.access import can, requires
from anju.divisions.queries import names_for
from anju.kit import reads
from anju.kit.fields import Id
from anju.rectification import actions
from anju.rectification.commands import (
    PlanEngineering,
    RecordControlCheck,
    RecordLedgerAcceptance,
    RecordMeasure,
    ReopenEntry,
    SignOffEntry,
)
from anju.rectification.models import LedgerEntry
from anju.rectification.present import present_entry, with_records
from anju.rectification.queries import (
    control_order_days,
    counts_by_child,
    get_entry_for_user,
    ledger_for_user,
)
from anju.web.apikit import ERRORS, PageParams, paginate

rectifications = Router(tags=["整治台账"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class LedgerFilters(Schema):
    house_id: Id | None = None
    status: str | None = Field(None, description="open、controlled、accepted、closed")
    grade: str | None = Field(None, description="C 或 D")
    division: str | None = Field(None, description="区划代码前缀，须在本人管辖范围内")
    overdue: bool | None = Field(None, description="管控检查已逾期")
    alert: bool | None = Field(
        None, description="危房住人（R-CJ-6）、发现经营（R-CJ-8）或管控失效（R-CJ-7）")
    priority: bool | None = Field(None, description="R-CJ-1：重点区域房屋")
    control_overdue: bool | None = Field(None, description="R-CJ-2：管控措施逾期未落实")
    engineering_overdue: bool | None = Field(None, description="R-CJ-5：工程措施计划已过期")
    proposed: bool | None = Field(None, description="R-CJ-8a：销号条件均已满足、提请销号")
    q: str | None = Field(None, max_length=60,
                          description="地址片段、户主姓名或身份证号（与房屋列表的搜索相同）")


class PersonOut(Schema):
    role: str
    name: str
    phone: str
    department: str


class MeasureOut(Schema):
    id: int
    kind: str
    category: str
    planned: bool
    ordered_on: date | None
    started_on: date | None
    completed_on: date | None
    note: str
    source: str = Field(description="R-CJ-8a：ledger（台账登记）或 application（危房改造）")
    application_id: int | None


class CheckOut(Schema):
    id: int
    level: str
    checked_on: date
    holds: bool
    note: str


class LedgerAcceptanceOut(Schema):
    id: int
    accepted_on: date
    passed: bool
    inspectors: list[str]
    note: str
    source: str = Field(description="R-CJ-8a：ledger（台账登记）或 application（危房改造验收）")
    application_id: int | None


class LedgerTransitionOut(Schema):
    from_status: str | None
    action: str
    to_status: str
    on: date
    actor: str | None
    at: datetime
    comment: str


class EntryOut(Schema):
    id: int
    number: str
    house_id: int
    household_id: int | None
    division_code: str
    address: str
    grade: str
    status: str
    version: int
    opened_on: date
    appraised_on: date | None
    hazard_number: str | None
    occupancy: str
    use: str
    business_sector: str
    responsible_persons: list[PersonOut]
    missing_responsible_roles: list[str]
    measures: list[MeasureOut]
    engineering_plan: str
    engineering_due_on: date | None
    checks: list[CheckOut]
    acceptance: LedgerAcceptanceOut | None
    acceptances: list[LedgerAcceptanceOut]
    programme: str | None = Field(description="R-CJ-9：renovation 或 seismic")
    low_income_category: str | None
    red_alert: bool
    broken_alert: bool
    business_alert: bool = Field(description="R-CJ-8：检查或村民监督发现未销号房屋仍在经营")
    alert_reasons: list[str] = Field(
        description="红色预警的原因：occupied 有人居住（R-CJ-6）、"
        "business_in_use 发现经营（R-CJ-8）")
    priority: bool = Field(description="R-CJ-1：重点区域房屋")
    control_overdue: bool = Field(description="R-CJ-2：管控措施超过规定天数仍未落实")
    engineering_overdue: bool = Field(description="R-CJ-5：工程措施计划已过完成日期")
    next_check_due: date | None
    closed_on: date | None
    signoff_proposed_on: date | None = Field(
        description="R-CJ-8a：销号条件均已满足、提请乡镇销号的日期")
    applications: list[int] = Field(description="R-CJ-8a：该房屋的危房改造申请")


class EntryDetailOut(EntryOut):
    transitions: list[LedgerTransitionOut]


class EntryPage(Schema):
    items: list[EntryOut]
    total: int
    page: int
    page_size: int


class DivisionCountsOut(Schema):
    division_code: str
    name: str
    total: int
    open: int
    controlled: int
    accepted: int
    closed: int
    red_alerts: int
    broken: int
    overdue: int
    priority: int = Field(description="R-CJ-1：重点区域未销号台账")
    business_alerts: int = Field(description="R-CJ-8：发现经营的未销号台账")
    hazard_alerts: int = Field(
        description="R-CJ-2：重大隐患房屋有人居住、尚待鉴定（已计入 red_alerts）")


def _detail(request, entry_id: int) -> dict:
    get_entry_for_user(request.user, entry_id)  # the door: 404 outside the scope
    entry = with_records(LedgerEntry.objects.filter(pk=entry_id)).get()
    return present_entry(entry, reveal=can(request.user, "registry.reveal"), transitions=True)


@rectifications.get("", response={200: EntryPage, **ERRORS}, summary="整治台账列表")
@requires("rectification.view")
def list_entries(request, filters: Query[LedgerFilters], paging: Query[PageParams]):
    entries = with_records(ledger_for_user(request.user, **filters.dict()))
    reveal = can(request.user, "registry.reveal")
    today = timezone.localdate()
    days = control_order_days(request.user, filters.division, today)
    return paginate(entries, paging, lambda e: present_entry(e, reveal=reveal, today=today,
                                                             control_days=days))


@rectifications.get("/by-division", response={200: list[DivisionCountsOut], **ERRORS},
                    summary="各下级区划的台账进度、红色预警和逾期检查")
@requires("rectification.view")
def counts_by_division(request, division: str | None = None):
    parent = division or request.user.scope
    width = {2: 4, 4: 6, 6: 9, 9: 12}.get(len(parent), 12)
    counts = counts_by_child(request.user, parent, width)
    names = names_for(counts)
    return [{"division_code": code, "name": names.get(code, code), **row}
            for code, row in counts.items()]


@rectifications.get("/{entry_id}", response={200: EntryDetailOut, **ERRORS},
                    summary="一户一档：台账全过程")
@requires("rectification.view")
def get_entry(request, entry_id: int):
    return _detail(request, entry_id)


@rectifications.post("/{entry_id}/measures", response={201: EntryDetailOut, **ERRORS},
                     summary="登记工程措施或管控措施（R-CJ-5）")
@requires("rectification.record")
def add_measure(request, entry_id: int, payload: RecordMeasure):
    entry = get_entry_for_user(request.user, entry_id)
    actions.record_measure(entry, payload, acting_user=request.user, origin=request.origin)
    return 201, _detail(request, entry_id)


@rectifications.post("/{entry_id}/plan", response={200: EntryDetailOut, **ERRORS},
                     summary="暂时难以采取工程措施的房屋：工程措施计划（R-CJ-5）")
@requires("rectification.record")
def set_plan(request, entry_id: int, payload: PlanEngineering):
    entry = get_entry_for_user(request.user, entry_id)
    actions.record_engineering_plan(entry, payload, acting_user=request.user,
                                    origin=request.origin)
    return _detail(request, entry_id)


@rectifications.post("/{entry_id}/checks", response={201: EntryDetailOut, **ERRORS},
                     summary="管控检查（R-CJ-7）")
@requires("rectification.record")
def add_check(request, entry_id: int, payload: RecordControlCheck):
    entry = get_entry_for_user(request.user, entry_id)
    actions.record_control_check(entry, payload, acting_user=request.user,
                                 origin=request.origin)
    return 201, _detail(request, entry_id)


@rectifications.post("/{entry_id}/acceptance", response={201: EntryDetailOut, **ERRORS},
                     summary="验收（R-CJ-8）")
@requires("rectification.accept")
def add_acceptance(request, entry_id: int, payload: RecordLedgerAcceptance):
    entry = get_entry_for_user(request.user, entry_id)
    actions.record_acceptance(entry, payload, acting_user=request.user, origin=request.origin)
    return 201, _detail(request, entry_id)


@rectifications.post("/{entry_id}/close", response={200: EntryDetailOut, **ERRORS},
                     summary="销号（R-CJ-8）；条件未满足时 409 signoff_not_allowed")
@requires("rectification.sign_off")
def close_entry(request, entry_id: int, payload: SignOffEntry):
    entry = get_entry_for_user(request.user, entry_id)
    actions.sign_off_rectification(entry, payload, acting_user=request.user,
                                   origin=request.origin)
    return _detail(request, entry_id)


@rectifications.post("/{entry_id}/reopen", response={200: EntryDetailOut, **ERRORS},
                     summary="撤销销号，须写明理由")
@requires("rectification.sign_off")
def reopen_entry(request, entry_id: int, payload: ReopenEntry):
    entry = get_entry_for_user(request.user, entry_id)
    actions.reopen_rectification(entry, payload, acting_user=request.user,
                                 origin=request.origin)
    return _detail(request, entry_id)


exports = Router(tags=["导出"])


@exports.get("/rectification-ledger.xlsx", summary="整治台账 Excel（流式输出）",
             response={200: None, **ERRORS})
@reads.replica_tolerant(reads.EXPORT)
@requires("rectification.view")
def ledger_xlsx(request, division: str | None = None):
    from anju.rectification.documents import ledger_xlsx

    name, chunks = ledger_xlsx(request.user, division, origin=request.origin)
    response = StreamingHttpResponse(chunks, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@exports.get("/rectification-summary.pdf", summary="排查整治工作总结（PDF，报送州市）",
             response={200: None, **ERRORS})
@requires("rectification.view")
def summary_pdf(request, division: str | None = None):
    from anju.rectification.documents import summary_pdf

    name, pdf = summary_pdf(request.user, division, origin=request.origin)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
