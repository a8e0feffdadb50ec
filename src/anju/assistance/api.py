"""Housing security over HTTP (api.md): certifications, the craftsmen register, applications
and their transitions, the written notice and the household archive. Thin routes over the
door (queries) and the verbs (actions)."""

import json
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from anju.accounts.access import requires
from anju.assistance import actions, commands, rules
from anju.assistance.acts import ACTS
from anju.assistance.codes import Action, Method, Status
from anju.assistance.models import Application, Certification, Transition
from anju.assistance.queries import (
    PAYMENT_SETTLED,
    cases_for_user,
    certifications_for_user,
    contractors_for_user,
    craftsmen_for_user,
    disbursements_for_user,
    get_case_for_user,
    get_disbursement_for_user,
)
from anju.assistance.sweep import ACCEPTED_STATUSES, BUILDING_DONE
from anju.assistance.transitions import WORKFLOW
from anju.divisions.scope import not_found
from anju.kit.commands import Command
from anju.kit.errors import Code, Conflict, NotFound, RuleViolation
from anju.kit.fields import Id, column_text
from anju.kit.masks import mask_id_number, mask_phone
from anju.policy.rules import profile_resolver
from anju.rectification.queries import entry_ref_of_case
from anju.registry.queries import get_household_for_user
from anju.web.apikit import ERRORS, PageParams, command_of, paginate

certifications = Router(tags=["住房安全保障"])
craftsmen = Router(tags=["住房安全保障"])
applications = Router(tags=["住房安全保障"])
household_archive = Router(tags=["住房安全保障"])
disbursements = Router(tags=["住房安全保障"])


# ---------------------------------------------------------------- certifications


class CertificationOut(Schema):
    id: int
    household_id: int
    division_code: str
    category: str
    department: str
    certified_on: date
    valid_until: date | None
    lapsed_on: date | None
    lapse_reason: str


@certifications.post("", response={201: CertificationOut, **ERRORS},
                     summary="低收入群体身份认定（R-MH-1）；非认定部门 403 wrong_department")
@requires("assistance.certify")
def create_certification(request, payload: commands.Certify):
    household = get_household_for_user(request.user, payload.household_id)
    return 201, actions.certify(household, payload, acting_user=request.user,
                                origin=request.origin)


@certifications.get("", response={200: list[CertificationOut], **ERRORS},
                    summary="农户的身份认定记录")
@requires("assistance.view")
def list_certifications(request, household_id: Id | None = None,
                        current_on: date | None = None):
    return list(certifications_for_user(request.user, household_id=household_id,
                                        current_on=current_on)[:500])


@certifications.post("/{certification_id}/lapse", response={200: CertificationOut, **ERRORS},
                     summary="认定失效（退出低收入群体）")
@requires("assistance.certify")
def lapse_certification(request, certification_id: int, payload: commands.Lapse):
    found = certifications_for_user(request.user).filter(pk=certification_id).first()
    if found is None:
        raise not_found(Certification, pk=certification_id)
    return actions.lapse(found, payload, acting_user=request.user, origin=request.origin)


# ---------------------------------------------------------------- craftsmen, contractors


class CraftsmanOut(Schema):
    id: int
    name: str
    id_number: str = Field(description="按角色脱敏")
    phone: str
    division_code: str
    certificate_no: str
    trained_on: date
    valid_until: date
    valid: bool


class ContractorOut(Schema):
    id: int
    name: str
    credit_code: str
    qualification_no: str
    valid_until: date
    division_code: str


def _craftsman(row, today: date) -> dict:
    return {"id": row.pk, "name": row.name, "id_number": mask_id_number(row.id_number),
            "phone": mask_phone(row.phone), "division_code": row.division_code,
            "certificate_no": row.certificate_no, "trained_on": row.trained_on,
            "valid_until": row.valid_until, "valid": row.valid_until >= today}


def _in_scope_division(request, code: str) -> None:
    from anju.divisions.scope import covers

    if not covers((request.user.scope or "")[:6], code or ""):
        raise NotFound()


@craftsmen.post("/craftsmen", response={201: CraftsmanOut, **ERRORS},
                summary="登记培训合格的农村建筑工匠（R-MH-8）")
@requires("assistance.build")
def create_craftsman(request, payload: commands.RegisterCraftsman):
    from django.utils import timezone

    _in_scope_division(request, payload.division_code)
    made = actions.register_craftsman(payload, acting_user=request.user, origin=request.origin)
    return 201, _craftsman(made, timezone.localdate())


@craftsmen.get("/craftsmen", response={200: list[CraftsmanOut], **ERRORS},
               summary="农村建筑工匠名录（本县）")
@requires("assistance.view")
def list_craftsmen(request, valid_on: date | None = None, q: str | None = None):
    from django.utils import timezone

    today = timezone.localdate()
    return [_craftsman(c, today)
            for c in craftsmen_for_user(request.user, valid_on=valid_on, q=q)[:500]]


@craftsmen.post("/contractors", response={201: ContractorOut, **ERRORS},
                summary="登记有资质的施工单位（R-MH-8）")
@requires("assistance.build")
def create_contractor(request, payload: commands.RegisterContractor):
    _in_scope_division(request, payload.division_code)
    return 201, actions.register_contractor(payload, acting_user=request.user,
                                            origin=request.origin)


@craftsmen.get("/contractors", response={200: list[ContractorOut], **ERRORS},
               summary="施工单位名录（本县）")
@requires("assistance.view")
def list_contractors(request, valid_on: date | None = None):
    return list(contractors_for_user(request.user, valid_on=valid_on)[:500])


# ---------------------------------------------------------------- applications


class ApprovalOut(Schema):
    department: str
    decision: str
    on: date
    comment: str


class PublicityNoticeOut(Schema):
    id: int
    level: str
    division_code: str
    starts_on: date
    ends_on: date
    place: str
    contents: list[str] = Field(description="公示内容：policy、recipients、review_result、"
                                            "subsidy_standard")


class ObjectionOut(Schema):
    id: int
    raised_on: date
    text: str
    resolved_on: date | None
    resolution: str


class StageInspectionOut(Schema):
    id: int
    stage: str
    on: date
    passed: bool
    findings: str
    photo_ids: list[int]


class CompletionAcceptanceOut(Schema):
    id: int
    on: date
    passed: bool
    members: list[dict]
    final_cost: Decimal
    final_account: Decimal | None = Field(description="审计决算金额（R-MH-6）")
    appraised_price: Decimal | None = Field(description="购置闲置农房的评估价格（R-MH-6）")
    main_area: Decimal | None
    auxiliary_area: Decimal
    note: str


class PaymentOut(Schema):
    id: int
    amount: Decimal
    paid_on: date
    payee: str
    account: str
    voucher: str
    retention: Decimal
    warranty_until: date | None
    retention_released_on: date | None
    due_on: date | None = Field(description="拨付期限（验收后 profile 天数，R-MH-12）")
    days_late: int = Field(description="逾期天数，按期拨付为 0（R-MH-12）")
    batch_id: int | None = Field(description="报账批次（R-MH-12a）")


class RentYearOut(Schema):
    year_no: int
    amount: Decimal
    paid_on: date
    voucher: str


class CaseTransitionOut(Schema):
    from_status: str
    action: str
    to_status: str
    on: date
    actor: str | None
    at: datetime
    comment: str
    details: dict


class ApplicationOut(Schema):
    id: int
    number: str
    household_id: int
    head_name: str
    house_id: int | None
    division_code: str
    year: int
    category: str
    grade: str
    method: str
    status: str
    version: int
    persons: int
    main_area: Decimal | None
    auxiliary_area: Decimal
    subsidy_amount: Decimal
    payable_amount: Decimal = Field(
        description="应付补助（R-MH-6）：维修加固、修缮闲置农房按审计决算、购置按评估价格，"
                    "均不超过核定补助；验收前等于核定补助")
    paid_amount: Decimal
    fully_subsidised: bool
    co_owned: bool
    township_built: bool
    applied_on: date
    approved_on: date | None
    notified_on: date | None
    design_kind: str
    design_reference: str
    craftsman_id: int | None
    contractor_id: int | None
    agreement_kind: str
    started_on: date | None
    completed_on: date | None
    accepted_on: date | None
    city_checked_on: date | None
    handed_over_on: date | None
    payment_due_on: date | None
    old_house_due_on: date | None
    old_house_treatment: str
    paid_on: date | None
    closed_on: date | None
    payment_overdue: bool = Field(description="拨付逾期：按日期判断，未拨付且已过拨付期限")
    old_house_overdue: bool
    window_late: bool = Field(description="未按年度实施、验收时限完成（R-MH-15），按日期判断")
    rejected_reason: str
    # R-MH-5/7: what the chosen route recorded
    area_reason: str
    reinforcement_parts: list[str]
    reinforcement_plan: str
    host_house_id: int | None
    host_renovation_due_on: date | None
    host_renovated_on: date | None
    lease_years: int | None
    annual_rent: Decimal | None
    rent_years: list[RentYearOut]
    approvals: list[ApprovalOut]
    notices: list[PublicityNoticeOut]
    objections: list[ObjectionOut]
    inspections: list[StageInspectionOut]
    acceptance: CompletionAcceptanceOut | None
    payments: list[PaymentOut]


class LedgerEntryRefOut(Schema):
    id: int
    number: str
    status: str
    signoff_proposed_on: date | None
    waiting_for: str | None = Field(
        None, description="已验收的台账销号前尚缺什么（如维修加固后重新鉴定）")


class ApplicationDetailOut(ApplicationOut):
    transitions: list[CaseTransitionOut]
    ledger_entry: LedgerEntryRefOut | None = Field(
        None, description="R-CJ-8a：本案即该房屋整治台账的工程措施（台账编号和状态）")


class ApplicationPage(Schema):
    items: list[ApplicationOut]
    total: int
    page: int
    page_size: int


class ApplicationFilters(Schema):
    division: str | None = Field(None, description="区划代码前缀，须在本人管辖范围内")
    status: str | None = None
    year: int | None = None
    household_id: Id | None = None
    late: bool | None = Field(None, description="拨付逾期、原房处置逾期或未按年度时限完成")


def _with_records(queryset):
    return queryset.select_related("household").prefetch_related(
        "approvals", "notices", "objections", "inspections", "acceptances", "payments",
        "rent_years")


def _present(case: Application, *, transitions: bool = False, resolve=None) -> dict:
    acceptances = list(case.acceptances.all())
    body = {field: getattr(case, field) for field in ApplicationOut.model_fields
            if hasattr(case, field) and field not in (
                "approvals", "notices", "objections", "inspections", "acceptance",
                "payments", "rent_years")}
    body.update(
        number=case.number, head_name=case.household.head_name,
        approvals=list(case.approvals.all()), notices=list(case.notices.all()),
        objections=list(case.objections.all()), inspections=list(case.inspections.all()),
        acceptance=acceptances[-1] if acceptances else None,
        payments=list(case.payments.all()), rent_years=list(case.rent_years.all()),
        payable_amount=case.subsidy_amount if case.payable_amount is None
        else case.payable_amount, **late_of(case, resolve=resolve))
    if transitions:
        body["transitions"] = [
            {"from_status": t.from_status, "action": t.action, "to_status": t.to_status,
             "on": t.on, "actor": t.actor.get_username() if t.actor else None, "at": t.at,
             "comment": t.comment, "details": t.details}
            for t in case.transitions.select_related("actor")]
    return body


def late_of(case: Application, *, resolve=None) -> dict:
    """R-MH-12, R-MH-15: what is late, read from the dates now (not from the sweep's
    flags). `resolve` answers a division's profile (one per list, read once)."""
    today = timezone.localdate()
    profile = (resolve or profile_resolver(today))(case.division_code)
    return {
        "payment_overdue": case.status not in PAYMENT_SETTLED and rules.payment_overdue(
            case.payment_due_on, case.paid_on, today),
        "window_late": case.status not in WORKFLOW.ended and case.method != Method.WAIVER
        and case.status != Status.WAIVED and rules.late_against_windows(
            profile, case.year, completed=case.status in BUILDING_DONE,
            accepted=case.status in ACCEPTED_STATUSES, today=today)}


def _detail(request, case_id: int) -> dict:
    # Through the door (404 outside the scope), with the records the answer shows.
    case = _with_records(cases_for_user(request.user)).filter(pk=case_id).first()
    if case is None:
        raise not_found(Application, pk=case_id)
    # R-CJ-8a: one record seen from both sides; the case shows its house's ledger entry
    return _present(case, transitions=True) | {"ledger_entry": entry_ref_of_case(
        request.user, house_id=case.house_id, application_id=case.pk)}


@applications.post("", response={201: ApplicationDetailOut, **ERRORS},
                   summary="农户申请危房改造（R-MH-2、R-MH-5..7），由村级录入")
@requires("assistance.apply")
def create_application(request, payload: commands.Apply):
    household = get_household_for_user(request.user, payload.household_id)
    case = actions.apply(household, payload, acting_user=request.user, origin=request.origin)
    return 201, _detail(request, case.pk)


@applications.get("", response={200: ApplicationPage, **ERRORS}, summary="改造申请列表")
@requires("assistance.view")
def list_applications(request, filters: Query[ApplicationFilters],
                      paging: Query[PageParams]):
    resolve = profile_resolver(timezone.localdate())
    return paginate(_with_records(cases_for_user(request.user, **filters.dict())), paging,
                    lambda case: _present(case, resolve=resolve))


@applications.get("/{case_id}", response={200: ApplicationDetailOut, **ERRORS},
                  summary="一户一档：改造申请全过程")
@requires("assistance.view")
def get_application(request, case_id: int):
    return _detail(request, case_id)


ActionName = column_text(Transition, "action")
Comment = column_text(Transition, "comment", label="说明")
CASE_ACTS = {action: act for action, act in ACTS.items() if action != Action.APPLY}


class TransitionIn(Command):
    # Each action's own fields are its command's (assistance.commands), checked by the route;
    # as a Command, null for `on` or `comment` means none, as in every act's own command.
    model_config = ConfigDict(extra="allow")
    action: ActionName = Field(description="、".join(CASE_ACTS))
    on: date | None = None
    comment: Comment = ""


@applications.post("/{case_id}/transitions", response={200: ApplicationDetailOut, **ERRORS},
                   summary="申请的一个办理环节（api.md 所列 action）；违反规则 422 附规则号，"
                           "顺序不对 409")
@requires("assistance.view")  # each verb checks the capability its act needs
def transition(request, case_id: int, payload: TransitionIn):
    case = get_case_for_user(request.user, case_id)
    body = json.loads(request.body or b"{}")
    act = CASE_ACTS.get(body.get("action"))
    if act is None:
        raise RuleViolation(Code.UNKNOWN_ACTION, f"未知的操作 {body.get('action')!r}",
                            field="action")
    cmd = command_of(act.command, {k: v for k, v in body.items() if k != "action"})
    act.verb(case, cmd, acting_user=request.user, origin=request.origin)
    return _detail(request, case_id)


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@applications.get("/{case_id}/documents/notice.pdf", response={200: None, **ERRORS},
                  summary="书面告知通知单（PDF）")
@requires("assistance.view")
def notice_pdf(request, case_id: int):
    from anju.assistance.documents import notice_pdf as render
    from anju.audit import actions as audit
    from anju.audit.models import Action as AuditAction

    case = get_case_for_user(request.user, case_id)
    if case.notified_on is None and case.approved_on is None:
        raise Conflict(Code.NOT_APPROVED, "尚未通过三部门联合审批，没有书面告知通知单",
                       field="status", rule="R-MH-3")
    audit.record(AuditAction.EXPORT, actor=request.user, obj=case, origin=request.origin,
                 details={"document": "notice"})
    return _pdf(render(case), f"notice-{case.number}.pdf")


# ---------------------------------------------------------------- R-MH-12a funds


class DisbursementItemOut(Schema):
    application_id: int
    number: str
    head_name: str
    amount: Decimal
    report_attachment_id: int | None
    accepted_on: date | None
    city_checked_on: date | None
    paid_on: date | None


class DisbursementStepOut(Schema):
    action: str
    from_status: str
    to_status: str
    on: date
    actor: str | None
    comment: str


class DisbursementOut(Schema):
    id: int
    number: str
    division_code: str
    status: str
    version: int
    requested_on: date
    requested_amount: Decimal
    note: str
    reviewed_on: date | None
    review_comment: str
    transferred_on: date | None
    transferred_amount: Decimal | None
    transfer_voucher: str
    settled_on: date | None
    paid: Decimal = Field(description="已发放到户（或施工单位）的金额")
    retention: Decimal = Field(description="预留质保金（含已返还）")
    retention_held: Decimal = Field(description="尚未返还的质保金")
    balanced: bool = Field(description="申请金额 = 拨付金额 = 已发放 + 质保金")
    items: list[DisbursementItemOut]
    steps: list[DisbursementStepOut]


class DisbursementPage(Schema):
    items: list[DisbursementOut]
    total: int
    page: int
    page_size: int


def present_disbursement(made) -> dict:
    money = actions.reconcile(made)
    items = made.items.select_related("application", "application__household", "report")
    return {
        **{f: getattr(made, f) for f in DisbursementOut.model_fields if hasattr(made, f)
           and f not in ("items", "steps")},
        "number": made.number, "paid": money["paid"], "retention": money["retention"],
        "retention_held": money["retention_held"], "balanced": money["balanced"],
        "items": [{"application_id": i.application_id, "number": i.application.number,
                   "head_name": i.application.household.head_name, "amount": i.amount,
                   "report_attachment_id": i.report.attachment_id,
                   "accepted_on": i.application.accepted_on,
                   "city_checked_on": i.application.city_checked_on,
                   "paid_on": i.application.paid_on} for i in items],
        "steps": [{"action": t.action, "from_status": t.from_status, "to_status": t.to_status,
                   "on": t.on, "actor": t.actor.get_username() if t.actor else None,
                   "comment": t.comment} for t in made.transitions.select_related("actor")]}


@disbursements.post("", response={201: DisbursementOut, **ERRORS},
                    summary="乡镇向市财政提出补助资金报账申请（R-MH-12a 市级报账制）")
@requires("assistance.build")
def file_disbursement(request, payload: commands.FileDisbursement):
    township = payload.division_code
    # a township beyond the caller's scope is 404, as at every door
    disbursements_for_user(request.user, division=township)
    made = actions.file_disbursement(township, payload, acting_user=request.user,
                                     origin=request.origin)
    return 201, present_disbursement(made)


class DisbursementFilters(Schema):
    division: str | None = Field(None, description="区划代码前缀，须在本人管辖范围内")
    status: str | None = Field(None, description="requested、approved、returned、transferred、"
                                                 "settled；财政待办为 requested 与 approved")


@disbursements.get("", response={200: DisbursementPage, **ERRORS},
                   summary="报账申请列表（财政的待办队列）")
@requires("assistance.view")
def list_disbursements(request, filters: Query[DisbursementFilters],
                       paging: Query[PageParams]):
    return paginate(disbursements_for_user(request.user, **filters.dict()), paging,
                    present_disbursement)


@disbursements.get("/{request_id}", response={200: DisbursementOut, **ERRORS},
                   summary="报账申请：案件、各环节日期与对账")
@requires("assistance.view")
def get_disbursement(request, request_id: int):
    return present_disbursement(get_disbursement_for_user(request.user, request_id))


@disbursements.post("/{request_id}/review", response={200: DisbursementOut, **ERRORS},
                    summary="财政审核报账申请（通过或退回）")
@requires("assistance.view")  # the verb checks the finance capability
def review_disbursement(request, request_id: int, payload: commands.ReviewDisbursement):
    made = get_disbursement_for_user(request.user, request_id)
    actions.review_disbursement(made, payload, acting_user=request.user, origin=request.origin)
    return present_disbursement(made)


@disbursements.post("/{request_id}/transfer", response={200: DisbursementOut, **ERRORS},
                    summary="财政拨付到乡镇财政所（金额须与申请一致）")
@requires("assistance.view")
def transfer_disbursement(request, request_id: int, payload: commands.TransferDisbursement):
    made = get_disbursement_for_user(request.user, request_id)
    actions.transfer_disbursement(made, payload, acting_user=request.user,
                                  origin=request.origin)
    return present_disbursement(made)


# ---------------------------------------------------------------- the household archive


class ArchiveLineOut(Schema):
    kind: str
    label: str
    required: bool
    present: bool
    attachment_ids: list[int]


class ArchiveOut(Schema):
    household_id: int
    application_id: int
    status: str
    complete: bool
    missing: list[str]
    lines: list[ArchiveLineOut]


def _latest_case(request, household_id: int) -> Application:
    household = get_household_for_user(request.user, household_id)
    case = cases_for_user(request.user, household_id=household.pk).first()
    if case is None:
        raise NotFound("该农户没有改造申请，尚无一户一档")
    return case


@household_archive.get("/{household_id}/archive", response={200: ArchiveOut, **ERRORS},
                       summary="一户一档（R-MH-13）：应有材料、已归档与缺失")
@requires("assistance.view")
def archive(request, household_id: int):
    case = _latest_case(request, household_id)
    lines = actions.archive_of(case)
    missing = [line.kind for line in lines if line.required and not line.present]
    return {"household_id": household_id, "application_id": case.pk, "status": case.status,
            "complete": not missing, "missing": missing,
            "lines": [{"kind": line.kind, "label": line.label, "required": line.required,
                       "present": line.present,
                       "attachment_ids": [d.attachment_id for d in line.documents
                                          if d.attachment_id]} for line in lines]}


@household_archive.get("/{household_id}/archive.pdf", response={200: None, **ERRORS},
                       summary="一户一档档案合订本（PDF）")
@requires("assistance.view")
def archive_pdf(request, household_id: int):
    from anju.assistance.documents import archive_pdf as render
    from anju.audit import actions as audit
    from anju.audit.models import Action as AuditAction

    case = _latest_case(request, household_id)
    audit.record(AuditAction.EXPORT, actor=request.user, obj=case, origin=request.origin,
                 details={"document": "archive"})
    return _pdf(render(case), f"archive-{case.number}.pdf")


# ---------------------------------------------------------------- 六、责任分工, R-MH-10a


departments = Router(tags=["住房安全保障"])
handed_over = Router(tags=["住房安全保障"])


class QueueItemOut(Schema):
    id: int
    number: str
    household_id: int
    head_name: str
    division_code: str
    status: str
    method: str
    needs: list[str] = Field(description="本部门尚待登记的事项（acts 的 action）")


class QueuePage(Schema):
    items: list[QueueItemOut]
    total: int
    page: int
    page_size: int


class DivisionPaging(PageParams):
    division: str | None = Field(None, description="区划代码前缀，须在本人管辖范围内")


@departments.get("/{department}/queue", response={200: QueuePage, **ERRORS},
                 summary="部门待办：自然资源（规划审批、灭籍过户产权登记）、水利（饮水安全）、"
                         "电力（用电入户）")
@requires("assistance.view")
def department_queue(request, department: str, filters: Query[DivisionPaging]):
    from anju.assistance.codes import DEPARTMENT_ACTS
    from anju.assistance.queries import department_needs
    from anju.assistance.queries import department_queue as queue

    if department not in DEPARTMENT_ACTS:
        raise NotFound("没有该部门的待办清单", field="department")
    return paginate(queue(request.user, department, division=filters.division), filters,
                    lambda c: {"id": c.pk, "number": c.number, "household_id": c.household_id,
                               "head_name": c.household.head_name,
                               "division_code": c.division_code, "status": c.status,
                               "method": c.method,
                               "needs": department_needs(c, department)})


class EmptyOut(Schema):
    id: int
    number: str
    household_id: int
    head_name: str
    division_code: str
    method: str
    handed_over_on: date
    empty_days: int = Field(description="交付后至今的天数")


class EmptyPage(Schema):
    items: list[EmptyOut]
    total: int
    page: int
    page_size: int


@handed_over.get("/empty-after-handover", response={200: EmptyPage, **ERRORS},
                 summary="交付后仍空置的住房（严禁空置，R-MH-10a）")
@requires("assistance.view")
def list_empty_after_handover(request, filters: Query[DivisionPaging]):
    from django.utils import timezone

    from anju.assistance.queries import empty_after_handover

    today = timezone.localdate()
    return paginate(empty_after_handover(request.user, division=filters.division, today=today),
                    filters,
                    lambda c: {"id": c.pk, "number": c.number, "household_id": c.household_id,
                               "head_name": c.household.head_name,
                               "division_code": c.division_code, "method": c.method,
                               "handed_over_on": c.handed_over_on,
                               "empty_days": (today - c.handed_over_on).days})


# ---------------------------------------------------------------- the township's window


window = Router(tags=["住房安全保障"])


class WindowCaseOut(Schema):
    id: int
    kind: str
    household_id: int
    head_name: str
    application_id: int | None
    division_code: str
    received_on: date
    subject: str
    parties: str
    outcome: str
    resolved_on: date | None


class WindowPage(Schema):
    items: list[WindowCaseOut]
    total: int
    page: int
    page_size: int


class WindowFilters(DivisionPaging):
    kind: str | None = Field(None, description="consultation 政策咨询、dispute 工程纠纷调解")
    open: bool | None = Field(None, description="true：只列未办结的")
    household_id: Id | None = None


class WindowCountOut(Schema):
    code: str
    name: str
    consultations: int
    consultations_open: int
    disputes: int
    disputes_open: int
    empty_after_handover: int


def present_window_case(w) -> dict:
    return {"id": w.pk, "kind": w.kind, "household_id": w.household_id,
            "head_name": w.household.head_name, "application_id": w.application_id,
            "division_code": w.division_code, "received_on": w.received_on,
            "subject": w.subject, "parties": w.parties, "outcome": w.outcome,
            "resolved_on": w.resolved_on}


@window.post("", response={201: WindowCaseOut, **ERRORS},
             summary="乡镇窗口受理政策咨询或工程纠纷（对应农户或其改造申请）")
@requires("assistance.apply")
def create_window_case(request, payload: commands.RecordWindowCase):
    household = get_household_for_user(request.user, payload.household_id)
    made = actions.record_window_case(household, payload, acting_user=request.user,
                                      origin=request.origin)
    return 201, present_window_case(made)


@window.get("", response={200: WindowPage, **ERRORS}, summary="乡镇窗口受理的咨询和纠纷")
@requires("assistance.view")
def list_window_cases(request, filters: Query[WindowFilters]):
    from anju.assistance.queries import window_cases_for_user

    return paginate(window_cases_for_user(request.user, division=filters.division,
                                          kind=filters.kind, open_only=bool(filters.open),
                                          household_id=filters.household_id),
                    filters, present_window_case)


@window.get("/counts", response={200: list[WindowCountOut], **ERRORS},
            summary="各乡镇：咨询、纠纷调解（含未办结）与交付后空置住房的数量")
@requires("assistance.view")
def window_counts(request, division: str | None = None):
    from anju.assistance.queries import township_window_counts

    return township_window_counts(request.user, division=division)


@window.post("/{window_case_id}/outcome", response={200: WindowCaseOut, **ERRORS},
             summary="登记答复或调解结果（办结）")
@requires("assistance.apply")
def resolve_window_case(request, window_case_id: int, payload: commands.ResolveWindowCase):
    from anju.assistance.queries import get_window_case_for_user

    found = get_window_case_for_user(request.user, window_case_id)
    done = actions.resolve_window_case(found, payload, acting_user=request.user,
                                       origin=request.origin)
    return present_window_case(done)


# ---------------------------------------------------------------- R-MH-13 archive review


archive_reviews = Router(tags=["住房安全保障"])


class ReviewItemOut(Schema):
    id: int
    review_id: int
    application_id: int
    number: str
    head_name: str
    division_code: str
    passed: bool | None
    finding: str
    checked_on: date | None
    resolved_on: date | None
    resolution: str


class ReviewOut(Schema):
    id: int
    division_code: str
    reviewed_on: date
    sample_size: int
    seed: str
    items: list[ReviewItemOut]


class ReviewItemPage(Schema):
    items: list[ReviewItemOut]
    total: int
    page: int
    page_size: int


def present_review_item(item) -> dict:
    case = item.application
    return {"id": item.pk, "review_id": item.review_id, "application_id": case.pk,
            "number": case.number, "head_name": case.household.head_name,
            "division_code": item.division_code, "passed": item.passed,
            "finding": item.finding, "checked_on": item.checked_on,
            "resolved_on": item.resolved_on, "resolution": item.resolution}


def present_review(review) -> dict:
    items = review.items.select_related("application__household")
    return {"id": review.pk, "division_code": review.division_code,
            "reviewed_on": review.reviewed_on, "sample_size": review.sample_size,
            "seed": review.seed, "items": [present_review_item(i) for i in items]}


@archive_reviews.post("/archive-reviews", response={201: ReviewOut, **ERRORS},
                      summary="市危改办档案审查：按乡镇随机抽取档案（可复现）")
@requires("assistance.supervise")
def create_archive_review(request, payload: commands.StartArchiveReview):
    review = actions.start_archive_review(payload, acting_user=request.user,
                                          origin=request.origin)
    return 201, present_review(review)


@archive_reviews.get("/archive-reviews/{review_id}", response={200: ReviewOut, **ERRORS},
                     summary="一次档案审查及其抽查户")
@requires("assistance.view")
def get_archive_review(request, review_id: int):
    from anju.assistance.queries import get_archive_review_for_user

    return present_review(get_archive_review_for_user(request.user, review_id))


@archive_reviews.post("/archive-reviews/items/{item_id}", response={200: ReviewItemOut,
                                                                     **ERRORS},
                      summary="登记抽查户的审查结论；退回的进入乡镇整改清单")
@requires("assistance.supervise")
def check_archive_item(request, item_id: int, payload: commands.CheckArchiveItem):
    from anju.assistance.queries import get_archive_item_for_user

    item = get_archive_item_for_user(request.user, item_id)
    return present_review_item(actions.check_archive_item(
        item, payload, acting_user=request.user, origin=request.origin))


@archive_reviews.get("/archive-findings", response={200: ReviewItemPage, **ERRORS},
                     summary="乡镇待整改的档案审查意见")
@requires("assistance.view")
def list_archive_findings(request, filters: Query[DivisionPaging]):
    from anju.assistance.queries import archive_findings_for_user

    return paginate(archive_findings_for_user(request.user, division=filters.division),
                    filters, present_review_item)


@archive_reviews.post("/archive-findings/{item_id}/resolve",
                      response={200: ReviewItemOut, **ERRORS},
                      summary="乡镇登记档案整改情况")
@requires("assistance.review")
def resolve_archive_finding(request, item_id: int, payload: commands.ResolveArchiveItem):
    from anju.assistance.queries import get_archive_item_for_user

    item = get_archive_item_for_user(request.user, item_id)
    return present_review_item(actions.resolve_archive_item(
        item, payload, acting_user=request.user, origin=request.origin))
