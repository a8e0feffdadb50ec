"""Data quality over HTTP (api.md `GET /quality/findings` and its neighbours): thin routes over
the scoped doors (queries) and the verbs (actions, similar)."""

from datetime import date, datetime

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from anju.accounts.access import requires
from anju.kit.errors import Code, RuleViolation
from anju.kit.fields import Id
from anju.quality import actions, similar
from anju.quality.commands import DrawSpotCheck, RecordVerification, RunSweep
from anju.quality.models import Finding, Notice, SpotCheck, Verification
from anju.quality.queries import (
    findings_for_user,
    get_finding_for_user,
    get_spot_check_for_user,
    notices_for_user,
    spot_check_houses,
    summary_for_user,
    verifications_for_house,
)
from anju.registry.queries import get_house_for_user
from anju.web.apikit import ERRORS, PageParams, paginate

router = Router(tags=["数据质量"])
house_verifications = Router(tags=["数据质量"])

STATUS_ALL = "all"


class FindingOut(Schema):
    id: int
    house_id: int
    kind: str = Field(description="wrong_grade 错评、missing_field 漏填、wrong_field 错填")
    field: str
    rule: str = Field(description="核查规则代码，如 grade_without_reason、verification_mismatch")
    message: str
    status: str = Field(description="open 待整改、closed 已整改")
    due_on: date
    division_code: str
    township_code: str
    source: str = Field(description="save、sweep、verification、similar")
    found_on: date
    closed_on: date | None
    overdue: bool
    verification_id: int | None
    expected: str | int | float | bool | None = Field(description="核实发现时的实地值")


class FindingEventOut(Schema):
    action: str
    actor: str | None
    at: datetime
    note: str


class FindingDetailOut(FindingOut):
    events: list[FindingEventOut]


class FindingList(Schema):
    items: list[FindingOut]
    total: int
    page: int
    page_size: int


class FindingFilters(PageParams):
    division: str | None = Field(None, description="区划代码前缀，在管辖范围内进一步筛选")
    status: str = Field("open", description="open、closed 或 all")
    kind: str | None = None
    rule: str | None = None
    house_id: Id | None = None
    overdue: bool | None = Field(None, description="true：已逾期未整改")


def present_finding(finding: Finding, *, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    return {
        "id": finding.pk, "house_id": finding.house_id, "kind": finding.kind,
        "field": finding.field, "rule": finding.rule, "message": finding.message,
        "status": finding.status, "due_on": finding.due_on,
        "division_code": finding.division_code, "township_code": finding.township_code,
        "source": finding.source, "found_on": finding.found_on, "closed_on": finding.closed_on,
        "overdue": finding.status == "open" and finding.due_on < today,
        "verification_id": finding.verification_id, "expected": finding.expected,
    }


@router.get("/findings", response={200: FindingList, **ERRORS},
            summary="数据质量问题清单（错评、漏填、错填；未整改的按期限在前）")
@requires("quality.view")
def list_findings(request, filters: Query[FindingFilters]):
    status = None if filters.status == STATUS_ALL else filters.status
    if status not in (None, "open", "closed"):
        raise RuleViolation(Code.CHOICE_INVALID, "status 应为 open、closed 或 all", field="status")
    queryset = findings_for_user(request.user, division=filters.division, status=status,
                                 kind=filters.kind, rule=filters.rule,
                                 house_id=filters.house_id, overdue=filters.overdue)
    today = timezone.localdate()
    return paginate(queryset, filters, lambda f: present_finding(f, today=today))


@router.get("/findings/{finding_id}", response={200: FindingDetailOut, **ERRORS},
            summary="查看数据质量问题及其处理记录")
@requires("quality.view")
def get_finding(request, finding_id: int):
    finding = get_finding_for_user(request.user, finding_id)
    events = finding.events.select_related("actor")
    return present_finding(finding) | {"events": [
        {"action": e.action, "actor": e.actor.username if e.actor else None,
         "at": timezone.localtime(e.at), "note": e.note} for e in events]}


class RuleCount(Schema):
    rule: str
    kind: str
    label: str
    open: int
    overdue: int


class TownshipCount(Schema):
    code: str
    name: str
    open: int
    overdue: int
    wrong_grade: int
    missing_field: int
    wrong_field: int


class SummaryOut(Schema):
    division: str
    open: int
    overdue: int
    by_rule: list[RuleCount]
    by_township: list[TownshipCount]


@router.get("/summary", response={200: SummaryOut, **ERRORS},
            summary="未整改问题按规则、按乡镇统计")
@requires("quality.view")
def get_summary(request, division: str | None = None):
    return summary_for_user(request.user, division=division)


class SweepOut(Schema):
    checked: int
    opened: int
    closed: int


@router.post("/sweeps", response={200: SweepOut, **ERRORS},
             summary="对一个区划的全部房屋运行数据质量核查（同步执行）")
@requires("quality.verify")
def run_sweep(request, payload: RunSweep):
    return actions.sweep(payload, acting_user=request.user, origin=request.origin)


# --- 点对点核实比对 ------------------------------------------------------------------------


class DifferenceOut(Schema):
    field: str
    recorded: str | int | float | bool | None
    observed: str | int | float | bool | None
    reason: str


class VerificationOut(Schema):
    id: int
    house_id: int
    verified_on: date
    verifier: str
    differences: list[DifferenceOut]
    confirmed: list[str]
    note: str
    findings: list[FindingOut]


def present_verification(verification: Verification) -> dict:
    return {"id": verification.pk, "house_id": verification.house_id,
            "verified_on": verification.verified_on,
            "verifier": verification.verifier.username,
            "differences": verification.differences, "confirmed": verification.confirmed,
            "note": verification.note,
            "findings": [present_finding(f) for f in verification.findings.all()]}


@house_verifications.post("/{house_id}/verifications", response={201: VerificationOut, **ERRORS},
                          summary="点对点核实比对：逐项比对记录与实地，不一致的生成问题交乡镇整改")
@requires("quality.verify")
def create_verification(request, house_id: int, payload: RecordVerification):
    house = get_house_for_user(request.user, house_id)
    verification = actions.record_verification(house, payload, acting_user=request.user,
                                               origin=request.origin)
    return 201, present_verification(verification)


@house_verifications.get("/{house_id}/verifications",
                         response={200: list[VerificationOut], **ERRORS},
                         summary="房屋的核实比对记录（新的在前）")
@requires("quality.view")
def list_verifications(request, house_id: int):
    house = get_house_for_user(request.user, house_id)
    return [present_verification(v) for v in verifications_for_house(house)]


# --- 面对面抽查 ---------------------------------------------------------------------------


class SpotCheckHouseOut(Schema):
    house_id: int
    township_code: str
    address: str
    done: bool = Field(description="抽取日及以后已记录抽查（spot_check）检查")


class SpotCheckOut(Schema):
    id: int
    division_code: str
    drawn_on: date
    per_township: int
    seed: int
    houses: list[SpotCheckHouseOut]


def present_spot_check(user, spot_check: SpotCheck) -> dict:
    return {"id": spot_check.pk, "division_code": spot_check.division_code,
            "drawn_on": spot_check.drawn_on, "per_township": spot_check.per_township,
            "seed": spot_check.seed,
            "houses": [{"house_id": h.house_id, "township_code": h.township_code,
                        "address": h.house.address, "done": h.done}
                       for h in spot_check_houses(user, spot_check)]}


@router.post("/spot-checks", response={201: SpotCheckOut, **ERRORS},
             summary="面对面抽查：每个乡镇随机抽取房屋")
@requires("quality.verify")
def create_spot_check(request, payload: DrawSpotCheck):
    spot_check = actions.draw_spot_check(payload, acting_user=request.user,
                                         origin=request.origin)
    return 201, present_spot_check(request.user, spot_check)


@router.get("/spot-checks/{spot_check_id}", response={200: SpotCheckOut, **ERRORS},
            summary="查看抽查及各房屋完成情况")
@requires("quality.view")
def get_spot_check(request, spot_check_id: int):
    return present_spot_check(request.user, get_spot_check_for_user(request.user, spot_check_id))


# --- 举一反三 -----------------------------------------------------------------------------


class MatchOut(Schema):
    house_id: int
    division_code: str
    township_code: str
    field: str
    message: str
    open_finding_id: int | None


class TownshipMatches(Schema):
    code: str
    name: str
    houses: int


class SimilarOut(Schema):
    finding_id: int
    rule: str
    total: int
    by_township: list[TownshipMatches]
    items: list[MatchOut]
    page: int
    page_size: int


def _by_township(matches) -> list[dict]:
    from anju.divisions.queries import names_for

    grouped = similar.by_township(matches)
    names = names_for(grouped)
    return [{"code": code, "name": names.get(code, code), "houses": len(grouped[code])}
            for code in sorted(grouped)]


@router.get("/findings/{finding_id}/similar", response={200: SimilarOut, **ERRORS},
            summary="举一反三：本县（市）其他乡镇存在同一问题的房屋")
@requires("quality.view")
def get_similar(request, finding_id: int, params: Query[PageParams]):
    finding = get_finding_for_user(request.user, finding_id)
    matches = similar.similar_cases(finding, acting_user=request.user)
    start = (params.page - 1) * params.page_size
    return {"finding_id": finding.pk, "rule": finding.rule, "total": len(matches),
            "by_township": _by_township(matches),
            "items": [{"house_id": m.house_id, "division_code": m.division_code,
                       "township_code": m.township_code, "field": m.field,
                       "message": m.message, "open_finding_id": m.open_finding_id}
                      for m in matches[start:start + params.page_size]],
            "page": params.page, "page_size": params.page_size}


class SimilarNoticeOut(Schema):
    id: int
    township_code: str
    finding_id: int
    rule: str
    message: str
    house_count: int
    created_at: datetime


class NotifyOut(Schema):
    created: int = Field(description="本次新发出的通知数")
    opened: int = Field(description="本次新建的问题数（来源 similar）")
    notices: list[SimilarNoticeOut]


def present_notice(notice: Notice) -> dict:
    return {"id": notice.pk, "township_code": notice.township_code,
            "finding_id": notice.finding_id, "rule": notice.rule, "message": notice.message,
            "house_count": notice.house_count, "created_at": timezone.localtime(notice.created_at)}


@router.post("/findings/{finding_id}/notify", response={200: NotifyOut, **ERRORS},
             summary="举一反三：通知其他乡镇并为其同类房屋建立问题（重复调用不重复通知）")
@requires("quality.verify")
def notify(request, finding_id: int):
    finding = get_finding_for_user(request.user, finding_id)
    result = similar.notify_similar(finding, acting_user=request.user, origin=request.origin)
    return {"created": result["created"], "opened": result["opened"],
            "notices": [present_notice(n) for n in result["notices"]]}


class NoticeList(Schema):
    items: list[SimilarNoticeOut]
    total: int
    page: int
    page_size: int


class NoticeFilters(PageParams):
    division: str | None = Field(None, description="区划代码前缀，在管辖范围内进一步筛选")


@router.get("/notices", response={200: NoticeList, **ERRORS},
            summary="举一反三通知（乡镇用户看到发给本乡镇的）")
@requires("quality.view")
def list_notices(request, filters: Query[NoticeFilters]):
    return paginate(notices_for_user(request.user, division=filters.division), filters,
                    present_notice)
