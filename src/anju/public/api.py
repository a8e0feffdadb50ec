"""村民监督线索 for integrators (api.md "Warning signs and public reports"): the township's
queue as a list, scoped by division like the page. No reporter's phone, no text: what was
reported, where, by when, and whether a visit has answered it."""

from datetime import date

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from anju.accounts.access import requires
from anju.kit.errors import Code, RuleViolation
from anju.public.codes import LeadStatus
from anju.public.queries import leads_for_user
from anju.web.apikit import ERRORS, PageParams, paginate

villager_reports = Router(tags=["村民监督"])


class LeadOut(Schema):
    id: int
    number: str = Field(description="线索编号")
    entry_id: int = Field(description="整治台账编号（id）")
    house_id: int
    division_code: str
    kind: str = Field(description="occupied 有人居住或使用、sign_damaged 警示标志或围挡损坏")
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


def present_lead(lead, today: date) -> dict:
    return {"id": lead.pk, "number": lead.number, "entry_id": lead.entry_id,
            "house_id": lead.entry.house_id, "division_code": lead.division_code,
            "kind": lead.kind, "received_on": timezone.localdate(lead.reported_at),
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
