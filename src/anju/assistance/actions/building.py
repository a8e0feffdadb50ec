"""R-MH-8..11: design, builder and agreement on file, the start, stage inspections,
completion, acceptance and the original house."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from anju.assistance import rules
from anju.assistance.actions._case import (
    TEXT_MAX,
    attachments_of,
    file_documents,
    move,
    open_move,
    raise_if,
    violation,
)
from anju.assistance.codes import (
    BUILDING_METHODS,
    Action,
    AgreementKind,
    DesignKind,
    DocumentKind,
    MemberRole,
    OldHouseTreatment,
    Stage,
)
from anju.assistance.models import (
    Application,
    CompletionAcceptance,
    Contractor,
    Craftsman,
    StageInspection,
)
from anju.kit.dates import date_errors
from anju.kit.errors import Code, RuleViolation
from anju.policy.rules import profile_for

SAFE_SITE = "safe"


def _dated(case: Application, on, label: str) -> list:
    # What is recorded before the start may predate the written notice, not the application.
    return date_errors(on, "on", label, timezone.localdate(), not_before=case.applied_on,
                       before_label="申请日期")


def register_design(case: Application, *, acting_user, data: dict, request=None):
    """R-MH-8: a basic structural design; no color-steel; a site clear of known hazards."""
    open_move(case, Action.REGISTER_DESIGN, acting_user=acting_user)
    on = data.get("on") or timezone.localdate()
    errors = _dated(case, on, "设计确定日期")
    kind = data.get("kind")
    if kind not in DesignKind.values:
        errors.append(RuleViolation(Code.CHOICE_INVALID, "设计类型应为 standard、professional 或 "
                                    "craftsman", field="kind", rule="R-MH-8"))
    if not (data.get("reference") or "").strip():
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "须填写图集或设计编号",
                                    field="reference", rule="R-MH-8"))
    if data.get("color_steel"):
        errors.append(RuleViolation(Code.COLOR_STEEL_NOT_ALLOWED, "不得新建彩钢房或彩钢屋面",
                                    field="color_steel", rule="R-MH-8"))
    site = data.get("site") or SAFE_SITE
    if site != SAFE_SITE:
        errors.append(RuleViolation(
            Code.UNSAFE_SITE, "选址须避开山体滑坡、崩塌、洪涝、泥石流、雷击和采矿塌陷等区域",
            field="site", rule="R-MH-8"))
    files = attachments_of(case, data.get("document_ids"), "document_ids")
    raise_if(errors)
    with transaction.atomic():
        file_documents(case, DocumentKind.DESIGN, files, acting_user)
        move(case, Action.REGISTER_DESIGN, acting_user=acting_user, on=on, request=request,
             details={"kind": kind, "reference": data["reference"].strip()[:100]},
             design_kind=kind, design_reference=data["reference"].strip()[:100])
    return case


def register_builder(case: Application, *, acting_user, data: dict, request=None):
    """R-MH-8: only a trained craftsman with a valid certificate, or a qualified contractor."""
    open_move(case, Action.REGISTER_BUILDER, acting_user=acting_user)
    today = timezone.localdate()
    on = data.get("on") or today
    raise_if(_dated(case, on, "确定施工方日期"))
    craftsman = contractor = None
    if data.get("craftsman_id") is not None:
        craftsman = Craftsman.objects.filter(pk=data["craftsman_id"]).first()
        if craftsman is None:
            raise RuleViolation(Code.CRAFTSMAN_NOT_CERTIFIED,
                                "该工匠不在培训合格的农村建筑工匠名录中",
                                field="craftsman_id", rule="R-MH-8")
        if craftsman.valid_until < today:
            raise RuleViolation(Code.CRAFTSMAN_CERTIFICATE_EXPIRED,
                                f"工匠 {craftsman.name} 的培训合格证书已于 "
                                f"{craftsman.valid_until:%Y-%m-%d} 过期",
                                field="craftsman_id", rule="R-MH-8")
    elif data.get("contractor_id") is not None:
        contractor = Contractor.objects.filter(pk=data["contractor_id"]).first()
        if contractor is None or contractor.valid_until < today:
            raise RuleViolation(Code.CONTRACTOR_NOT_QUALIFIED, "施工单位未登记或资质已过期",
                                field="contractor_id", rule="R-MH-8")
    else:
        raise RuleViolation(Code.BUILDER_MISSING, "须选择培训合格的工匠或有资质的施工单位",
                            field="craftsman_id", rule="R-MH-8")
    files = attachments_of(case, data.get("document_ids"), "document_ids")
    with transaction.atomic():
        file_documents(case, DocumentKind.CRAFTSMAN_CERTIFICATE, files, acting_user)
        move(case, Action.REGISTER_BUILDER, acting_user=acting_user, on=on, request=request,
             details={"craftsman": craftsman.pk if craftsman else None,
                      "contractor": contractor.pk if contractor else None},
             craftsman=craftsman, contractor=contractor)
    return case


def register_agreement(case: Application, *, acting_user, data: dict, request=None):
    """R-MH-8: a construction agreement or commitment letter on file before the start."""
    open_move(case, Action.REGISTER_AGREEMENT, acting_user=acting_user)
    kind = data.get("kind")
    on = data.get("on") or timezone.localdate()
    errors = _dated(case, on, "签订日期")
    if kind not in AgreementKind.values:
        errors.append(RuleViolation(Code.CHOICE_INVALID, "应为 contract（施工协议）或 commitment"
                                    "（承诺书）", field="kind", rule="R-MH-8"))
    files = attachments_of(case, data.get("document_ids"), "document_ids")
    if not files:
        errors.append(RuleViolation(Code.AGREEMENT_SCAN_REQUIRED, "须上传施工协议或承诺书扫描件",
                                    field="document_ids", rule="R-MH-8"))
    raise_if(errors)
    with transaction.atomic():
        file_documents(case, DocumentKind.AGREEMENT, files, acting_user)
        move(case, Action.REGISTER_AGREEMENT, acting_user=acting_user, on=on, request=request,
             details={"kind": kind},
             agreement_kind=kind)
    return case


def start_construction(case: Application, *, acting_user, data: dict, request=None):
    """R-MH-3 先审批后建设 and R-MH-8; the D original house's demolition clock starts."""
    open_move(case, Action.START_CONSTRUCTION, acting_user=acting_user,
              version=data.get("version"))
    on = data.get("on") or timezone.localdate()
    raise_if(date_errors(on, "on", "开工日期", timezone.localdate(),
                         not_before=case.notified_on, before_label="书面告知日期"))
    files = attachments_of(case, data.get("photo_ids"), "photo_ids")
    changes = {"started_on": on}
    if case.house_id and case.grade in rules.DANGEROUS and case.method != "repair_reinforce":
        changes["old_house_due_on"] = rules.old_house_due(on, profile_for(case.division_code,
                                                                          on))
    with transaction.atomic():
        file_documents(case, DocumentKind.PHOTO_BEFORE, files, acting_user)
        move(case, Action.START_CONSTRUCTION, acting_user=acting_user, on=on,
             request=request, **changes)
    return case


def stage_inspection(case: Application, *, acting_user, data: dict,
                     request=None) -> StageInspection:
    """R-MH-9: the township on site at the foundation and main-structure stages."""
    open_move(case, Action.STAGE_INSPECTION, acting_user=acting_user)
    stage, on = data.get("stage"), data.get("on") or timezone.localdate()
    errors = date_errors(on, "on", "检查日期", timezone.localdate(),
                         not_before=case.started_on, before_label="开工日期")
    if stage not in Stage.values:
        errors.append(RuleViolation(Code.CHOICE_INVALID, "节点应为 foundation（基础）或 "
                                    "main_structure（主体结构）", field="stage", rule="R-MH-9"))
    if data.get("passed") is None:
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "须填写检查结论", field="passed"))
    findings = (data.get("findings") or "").strip()
    if data.get("passed") is False and not findings:
        errors.append(RuleViolation(Code.FINDINGS_REQUIRED, "不合格时须写明问题和整改要求",
                                    field="findings", rule="R-MH-9"))
    photos = attachments_of(case, data.get("photo_ids"), "photo_ids")
    if not photos:
        errors.append(RuleViolation(Code.PHOTOS_REQUIRED, "现场检查须拍照留存",
                                    field="photo_ids", rule="R-MH-9"))
    raise_if(errors)
    with transaction.atomic():
        made = StageInspection.objects.create(
            application=case, stage=stage, on=on, passed=bool(data["passed"]),
            findings=findings[:2000], photo_ids=[p.pk for p in photos],
            inspected_by=acting_user)
        file_documents(case, DocumentKind.STAGE_INSPECTION, photos[:1], acting_user)
        file_documents(case, DocumentKind.PHOTO_DURING, photos, acting_user)
        move(case, Action.STAGE_INSPECTION, acting_user=acting_user, on=on, request=request,
             details={"stage": stage, "passed": made.passed, "inspection": made.pk})
    return made


def complete(case: Application, *, acting_user, data: dict, request=None):
    open_move(case, Action.COMPLETE, acting_user=acting_user, version=data.get("version"))
    on = data.get("on") or timezone.localdate()
    raise_if(date_errors(on, "on", "竣工日期", timezone.localdate(),
                         not_before=case.started_on, before_label="开工日期"))
    files = attachments_of(case, data.get("photo_ids"), "photo_ids")
    with transaction.atomic():
        file_documents(case, DocumentKind.PHOTO_AFTER, files, acting_user)
        move(case, Action.COMPLETE, acting_user=acting_user, on=on, request=request,
             completed_on=on)
    return case


def accept(case: Application, *, acting_user, data: dict, request=None) -> CompletionAcceptance:
    """R-MH-10 竣工验收 with its members, the final cost and the measured areas; R-MH-6 and
    R-MH-7 are checked again: an over-area house is not accepted."""
    open_move(case, Action.ACCEPT, acting_user=acting_user, version=data.get("version"))
    on = data.get("on") or timezone.localdate()
    errors = date_errors(on, "on", "验收日期", timezone.localdate(),
                         not_before=case.completed_on or case.notified_on,
                         before_label="竣工日期" if case.completed_on else "书面告知日期")
    members = [m for m in (data.get("members") or []) if isinstance(m, dict)]
    unmet = rules.members_unmet(members, case.method)
    if unmet:
        errors.append(violation(unmet))
    bad_roles = [m.get("role") for m in members if m.get("role") not in MemberRole.values]
    if bad_roles:
        errors.append(RuleViolation(Code.CHOICE_INVALID,
                                    f"验收人员类别 {bad_roles[0]!r} 不在代码表中",
                                    field="members", rule="R-MH-10"))
    final_cost = data.get("final_cost")
    if final_cost is None or final_cost < 0:
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "须填写决算金额", field="final_cost",
                                    rule="R-MH-10"))
    passed = data.get("passed")
    if passed is None:
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "须填写验收结论", field="passed"))
    main_area = data.get("main_area")
    auxiliary = data.get("auxiliary_area") or Decimal("0")
    profile = profile_for(case.division_code, on)
    if passed and case.method in BUILDING_METHODS:
        errors += [violation(u) for u in rules.area_problems(
            profile, case.method, persons=case.persons, main_area=main_area,
            auxiliary_area=auxiliary, fully_subsidised=case.fully_subsidised,
            existing_area=case.house.floor_area if case.house_id else None, measured=True)]
        # C repairs are paid on the audited final account: never above it
        if final_cost is not None and case.method == "repair_reinforce" and \
                case.subsidy_amount > final_cost:
            errors.append(RuleViolation(
                Code.SUBSIDY_ABOVE_FINAL_COST, f"维修加固补助 {case.subsidy_amount:,.2f} 元超过"
                f"审计决算 {final_cost:,.2f} 元", field="final_cost", rule="R-MH-6"))
    report = attachments_of(case, data.get("report_ids"), "report_ids")
    if passed and not report:
        errors.append(RuleViolation(Code.ACCEPTANCE_REPORT_REQUIRED, "须上传竣工验收报告",
                                    field="report_ids", rule="R-MH-10"))
    raise_if(errors)
    with transaction.atomic():
        made = CompletionAcceptance.objects.create(
            application=case, on=on, passed=bool(passed),
            members=[{"role": m["role"], "name": m["name"].strip()[:40]} for m in members],
            final_cost=final_cost, main_area=main_area, auxiliary_area=auxiliary,
            note=(data.get("note") or "").strip()[:TEXT_MAX], recorded_by=acting_user)
        file_documents(case, DocumentKind.ACCEPTANCE_REPORT, report, acting_user)
        changes = {}
        if passed:
            changes = {"accepted_on": on,
                       "payment_due_on": rules.payment_due(on, profile)}
        move(case, Action.ACCEPT, acting_user=acting_user, on=on, failed=not passed,
             request=request, details={"passed": bool(passed), "acceptance": made.pk,
                                       "final_cost": str(final_cost)}, **changes)
    return made


def city_check(case: Application, *, acting_user, data: dict, request=None):
    """R-MH-10: the city renovation office checks the acceptance report."""
    open_move(case, Action.CITY_CHECK, acting_user=acting_user)
    on = data.get("on") or timezone.localdate()
    errors = date_errors(on, "on", "审核日期", timezone.localdate(),
                         not_before=case.accepted_on, before_label="验收日期")
    if data.get("passed") is None:
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "须填写审核结论", field="passed"))
    raise_if(errors)
    with transaction.atomic():
        move(case, Action.CITY_CHECK, acting_user=acting_user, on=on, request=request,
             comment=(data.get("comment") or "").strip(),
             details={"passed": bool(data["passed"])},
             **({"city_checked_on": on} if data["passed"] else {}))
    return case


def handover(case: Application, *, acting_user, data: dict, request=None):
    open_move(case, Action.HANDOVER, acting_user=acting_user)
    on = data.get("on") or timezone.localdate()
    raise_if(date_errors(on, "on", "交付日期", timezone.localdate(),
                         not_before=case.accepted_on, before_label="验收日期"))
    with transaction.atomic():
        move(case, Action.HANDOVER, acting_user=acting_user, on=on, request=request,
             handed_over_on=on)
    return case


def record_old_house(case: Application, *, acting_user, data: dict, request=None):
    """R-MH-11: the original house demolished (D), or demolished, sealed, signposted or
    cordoned (C) so that nobody moves back."""
    open_move(case, Action.RECORD_OLD_HOUSE, acting_user=acting_user)
    on = data.get("on") or timezone.localdate()
    treatment = data.get("treatment")
    errors = date_errors(on, "on", "处置日期", timezone.localdate())
    if treatment not in OldHouseTreatment.values:
        errors.append(RuleViolation(Code.CHOICE_INVALID, "处置方式应为 demolished、sealed、"
                                    "signposted 或 cordoned", field="treatment",
                                    rule="R-MH-11"))
    elif case.grade == "D" and treatment != OldHouseTreatment.DEMOLISHED:
        errors.append(RuleViolation(Code.OLD_HOUSE_NOT_DEMOLISHED, "D 级原房须拆除",
                                    field="treatment", rule="R-MH-11"))
    photos = attachments_of(case, data.get("photo_ids"), "photo_ids")
    if not photos:
        errors.append(RuleViolation(Code.PHOTOS_REQUIRED, "原房处置须拍照留存",
                                    field="photo_ids", rule="R-MH-11"))
    raise_if(errors)
    with transaction.atomic():
        file_documents(case, DocumentKind.OLD_HOUSE, photos, acting_user)
        move(case, Action.RECORD_OLD_HOUSE, acting_user=acting_user, on=on, request=request,
             details={"treatment": treatment}, old_house_treatment=treatment,
             old_house_done_on=on, old_house_overdue=False)
    return case
