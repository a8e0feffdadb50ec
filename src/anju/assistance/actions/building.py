"""R-MH-8..11: design, builder and agreement on file, the start, stage inspections,
completion, acceptance and the original house."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from anju.assistance import commands, rules
from anju.assistance.actions._case import (
    attachments_of,
    file_documents,
    open_move,
    text,
    violation,
)
from anju.assistance.codes import (
    BUILDING_METHODS,
    Action,
    DocumentKind,
    MemberRole,
    Method,
    OldHouseTreatment,
)
from anju.assistance.commands import TEXT_MAX
from anju.assistance.models import (
    Application,
    CompletionAcceptance,
    Contractor,
    Craftsman,
    StageInspection,
)
from anju.assistance.transitions import WORKFLOW
from anju.evidence import actions as evidence
from anju.evidence.models import Act as EvidenceAct
from anju.kit import events
from anju.kit.dates import date_errors
from anju.kit.errors import Code, RuleViolation, raise_if
from anju.kit.events import CaseFact, records_changed
from anju.kit.origin import Origin
from anju.policy.rules import profile_for
from anju.registry.codes import HouseStatus
from anju.registry.models import House

SAFE_SITE = "safe"
# R-CJ-8a: the engineering measure on the house's ledger entry that a case of this method is
ENTRY_MEASURE = {"repair_reinforce": "repair_reinforce", "rebuild": "rebuild"}


def _tell(case: Application, kind: str, on, *, acting_user, **more) -> None:
    """R-CJ-8a: tell the ledger a fact of the case about its house (ADR 0027); the ledger
    records it once on the house's open entry. Inside the verb's transaction."""
    measure = ENTRY_MEASURE.get(case.method, "")
    if not case.house_id or (kind != events.DEMOLISHED and not measure):
        return
    records_changed(case_facts=[CaseFact(
        kind=kind, application_id=case.pk, house_id=case.house_id, on=on,
        number=case.number, measure=measure, actor=acting_user, **more)])


def _dated(case: Application, on, label: str) -> list:
    # What is recorded before the start may predate the written notice, not the application.
    return date_errors(on, "on", label, timezone.localdate(), not_before=case.applied_on,
                       before_label="申请日期")


def register_design(case: Application, cmd: commands.RegisterDesign, *, acting_user,
                    origin: Origin | None = None) -> Application:
    """R-MH-8: a basic structural design; no color-steel; a site clear of known hazards."""
    open_move(case, Action.REGISTER_DESIGN, acting_user=acting_user)
    on = cmd.on or timezone.localdate()
    errors = _dated(case, on, "设计确定日期")
    reference = text(cmd.reference, 100)
    if not reference:
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "须填写图集或设计编号",
                                    field="reference", rule="R-MH-8"))
    if cmd.color_steel:
        errors.append(RuleViolation(Code.COLOR_STEEL_NOT_ALLOWED, "不得新建彩钢房或彩钢屋面",
                                    field="color_steel", rule="R-MH-8"))
    if (cmd.site or SAFE_SITE) != SAFE_SITE:
        errors.append(RuleViolation(
            Code.UNSAFE_SITE, "选址须避开山体滑坡、崩塌、洪涝、泥石流、雷击和采矿塌陷等区域",
            field="site", rule="R-MH-8"))
    files = attachments_of(case, cmd.document_ids, "document_ids")
    raise_if(errors)
    with transaction.atomic():
        file_documents(case, DocumentKind.DESIGN, files, acting_user)
        WORKFLOW.apply(case, Action.REGISTER_DESIGN, acting_user=acting_user, on=on,
                       origin=origin, details={"kind": cmd.kind, "reference": reference},
                       design_kind=cmd.kind, design_reference=reference)
    return case


def register_builder(case: Application, cmd: commands.RegisterBuilder, *, acting_user,
                     origin: Origin | None = None) -> Application:
    """R-MH-8: only a trained craftsman with a valid certificate, or a qualified contractor."""
    open_move(case, Action.REGISTER_BUILDER, acting_user=acting_user)
    today = timezone.localdate()
    on = cmd.on or today
    raise_if(_dated(case, on, "确定施工方日期"))
    craftsman = contractor = None
    if cmd.craftsman_id is not None:
        craftsman = Craftsman.objects.filter(pk=cmd.craftsman_id).first()
        if craftsman is None:
            raise RuleViolation(Code.CRAFTSMAN_NOT_CERTIFIED,
                                "该工匠不在培训合格的农村建筑工匠名录中",
                                field="craftsman_id", rule="R-MH-8")
        if craftsman.valid_until < today:
            raise RuleViolation(Code.CRAFTSMAN_CERTIFICATE_EXPIRED,
                                f"工匠 {craftsman.name} 的培训合格证书已于 "
                                f"{craftsman.valid_until:%Y-%m-%d} 过期",
                                field="craftsman_id", rule="R-MH-8")
    elif cmd.contractor_id is not None:
        contractor = Contractor.objects.filter(pk=cmd.contractor_id).first()
        if contractor is None or contractor.valid_until < today:
            raise RuleViolation(Code.CONTRACTOR_NOT_QUALIFIED, "施工单位未登记或资质已过期",
                                field="contractor_id", rule="R-MH-8")
    else:
        raise RuleViolation(Code.BUILDER_MISSING, "须选择培训合格的工匠或有资质的施工单位",
                            field="craftsman_id", rule="R-MH-8")
    files = attachments_of(case, cmd.document_ids, "document_ids")
    with transaction.atomic():
        file_documents(case, DocumentKind.CRAFTSMAN_CERTIFICATE, files, acting_user)
        WORKFLOW.apply(case, Action.REGISTER_BUILDER, acting_user=acting_user, on=on,
                       origin=origin,
                       details={"craftsman": craftsman.pk if craftsman else None,
                                "contractor": contractor.pk if contractor else None},
                       craftsman=craftsman, contractor=contractor)
    return case


def register_agreement(case: Application, cmd: commands.RegisterAgreement, *, acting_user,
                       origin: Origin | None = None) -> Application:
    """R-MH-8: a construction agreement or commitment letter on file before the start."""
    open_move(case, Action.REGISTER_AGREEMENT, acting_user=acting_user)
    on = cmd.on or timezone.localdate()
    errors = _dated(case, on, "签订日期")
    files = attachments_of(case, cmd.document_ids, "document_ids")
    if not files:
        errors.append(RuleViolation(Code.AGREEMENT_SCAN_REQUIRED, "须上传施工协议或承诺书扫描件",
                                    field="document_ids", rule="R-MH-8"))
    raise_if(errors)
    with transaction.atomic():
        file_documents(case, DocumentKind.AGREEMENT, files, acting_user)
        WORKFLOW.apply(case, Action.REGISTER_AGREEMENT, acting_user=acting_user, on=on,
                       origin=origin, details={"kind": cmd.kind}, agreement_kind=cmd.kind)
    return case


def start_construction(case: Application, cmd: commands.StartConstruction, *, acting_user,
                       origin: Origin | None = None) -> Application:
    """R-MH-3 先审批后建设 and R-MH-8; the D original house's demolition clock starts."""
    open_move(case, Action.START_CONSTRUCTION, acting_user=acting_user, version=cmd.version)
    on = cmd.on or timezone.localdate()
    raise_if(date_errors(on, "on", "开工日期", timezone.localdate(),
                         not_before=case.notified_on, before_label="书面告知日期"))
    files = attachments_of(case, cmd.photo_ids, "photo_ids")
    changes = {"started_on": on}
    if case.house_id and case.grade in rules.DANGEROUS and case.method != "repair_reinforce":
        changes["old_house_due_on"] = rules.old_house_due(on, profile_for(case.division_code,
                                                                          on))
    with transaction.atomic():
        file_documents(case, DocumentKind.PHOTO_BEFORE, files, acting_user)
        WORKFLOW.apply(case, Action.START_CONSTRUCTION, acting_user=acting_user, on=on,
                       origin=origin, **changes)
        _tell(case, events.STARTED, on, acting_user=acting_user)
    return case


def stage_inspection(case: Application, cmd: commands.StageInspect, *, acting_user,
                     origin: Origin | None = None) -> StageInspection:
    """R-MH-9: the township on site at the foundation and main-structure stages."""
    open_move(case, Action.STAGE_INSPECTION, acting_user=acting_user)
    on = cmd.on or timezone.localdate()
    errors = date_errors(on, "on", "检查日期", timezone.localdate(),
                         not_before=case.started_on, before_label="开工日期")
    if cmd.passed is None:
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "须填写检查结论", field="passed"))
    findings = cmd.findings.strip()
    if cmd.passed is False and not findings:
        errors.append(RuleViolation(Code.FINDINGS_REQUIRED, "不合格时须写明问题和整改要求",
                                    field="findings", rule="R-MH-9"))
    # R-MH-9 on site: no capture, or one with a flag left unaccepted, is refused
    capture = evidence.presence_capture(cmd.evidence_id, house=case.house,
                                        act=EvidenceAct.STAGE_INSPECTION,
                                        acting_user=acting_user, on=on, errors=errors)
    photos = attachments_of(case, cmd.photo_ids, "photo_ids")
    photos += [p for p in evidence.photos_of(capture) if p not in photos]
    if not photos:
        errors.append(RuleViolation(Code.PHOTOS_REQUIRED, "现场检查须拍照留存",
                                    field="photo_ids", rule="R-MH-9"))
    raise_if(errors)
    with transaction.atomic():
        made = StageInspection.objects.create(
            application=case, stage=cmd.stage, on=on, passed=cmd.passed, findings=findings,
            photo_ids=[p.pk for p in photos], inspected_by=acting_user)
        if capture is not None:
            evidence.use_capture(capture, made.pk)
        file_documents(case, DocumentKind.STAGE_INSPECTION, photos[:1], acting_user)
        file_documents(case, DocumentKind.PHOTO_DURING, photos, acting_user)
        WORKFLOW.apply(case, Action.STAGE_INSPECTION, acting_user=acting_user, on=on,
                       origin=origin, details={"stage": cmd.stage, "passed": made.passed,
                                               "inspection": made.pk})
    return made


def complete(case: Application, cmd: commands.Complete, *, acting_user,
             origin: Origin | None = None) -> Application:
    open_move(case, Action.COMPLETE, acting_user=acting_user, version=cmd.version)
    on = cmd.on or timezone.localdate()
    raise_if(date_errors(on, "on", "竣工日期", timezone.localdate(),
                         not_before=case.started_on, before_label="开工日期"))
    files = attachments_of(case, cmd.photo_ids, "photo_ids")
    with transaction.atomic():
        file_documents(case, DocumentKind.PHOTO_AFTER, files, acting_user)
        WORKFLOW.apply(case, Action.COMPLETE, acting_user=acting_user, on=on, origin=origin,
                       completed_on=on)
        _tell(case, events.COMPLETED, on, acting_user=acting_user)
    return case


def accept(case: Application, cmd: commands.Accept, *, acting_user,
           origin: Origin | None = None) -> CompletionAcceptance:
    """R-MH-10 竣工验收 with its members, the final cost and the measured areas; R-MH-6 and
    R-MH-7 are checked again: an over-area house is not accepted."""
    open_move(case, Action.ACCEPT, acting_user=acting_user, version=cmd.version)
    on = cmd.on or timezone.localdate()
    errors = date_errors(on, "on", "验收日期", timezone.localdate(),
                         not_before=case.completed_on or case.notified_on,
                         before_label="竣工日期" if case.completed_on else "书面告知日期")
    members = [{"role": m.role, "name": m.name.strip()} for m in cmd.members]
    unmet = rules.members_unmet(members, case.method)
    if unmet:
        errors.append(violation(unmet))
    bad_roles = [m["role"] for m in members if m["role"] not in MemberRole.values]
    if bad_roles:
        errors.append(RuleViolation(Code.CHOICE_INVALID,
                                    f"验收人员类别 {bad_roles[0]!r} 不在代码表中",
                                    field="members", rule="R-MH-10"))
    passed = cmd.passed
    # R-MH-6: the audited final account (`final_cost` is its older name)
    audited = cmd.final_account if cmd.final_account is not None else cmd.final_cost
    if passed and case.method in rules.AUDITED_METHODS and audited is None:
        errors.append(RuleViolation(
            Code.FINAL_ACCOUNT_REQUIRED, "维修加固和修缮闲置农房按审计决算拨付，须填写审计决算金额",
            field="final_account", rule="R-MH-6"))
    if passed and case.method == Method.BUY_IDLE and cmd.appraised_price is None:
        errors.append(RuleViolation(
            Code.FIELD_REQUIRED, "购置闲置农房按评估价格拨付，须填写评估价格",
            field="appraised_price", rule="R-MH-6"))
    if passed is None:
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "须填写验收结论", field="passed"))
    profile = profile_for(case.division_code, on)
    if passed and case.method in BUILDING_METHODS:
        errors += [violation(u) for u in rules.area_problems(
            profile, case.method, persons=case.persons, main_area=cmd.main_area,
            auxiliary_area=cmd.auxiliary_area, fully_subsidised=case.fully_subsidised,
            existing_area=case.house.floor_area if case.house_id else None, measured=True,
            area_reason=case.area_reason)]
    report = attachments_of(case, cmd.report_ids, "report_ids")
    if passed and not report:
        errors.append(RuleViolation(Code.ACCEPTANCE_REPORT_REQUIRED, "须上传竣工验收报告",
                                    field="report_ids", rule="R-MH-10"))
    # R-MH-10 on site: no capture, or one with a flag left unaccepted, is refused. A placement
    # (rental, relatives, purchase) is accepted where the household moved, not at its old house.
    capture = None
    if case.method in BUILDING_METHODS or cmd.evidence_id is not None:
        capture = evidence.presence_capture(cmd.evidence_id, house=case.house,
                                            act=EvidenceAct.ACCEPTANCE,
                                            acting_user=acting_user, on=on, errors=errors)
    raise_if(errors)
    with transaction.atomic():
        made = CompletionAcceptance.objects.create(
            application=case, on=on, passed=passed, members=members,
            final_cost=audited if audited is not None else Decimal("0"),
            final_account=audited, appraised_price=cmd.appraised_price,
            main_area=cmd.main_area, auxiliary_area=cmd.auxiliary_area,
            note=text(cmd.note, TEXT_MAX), recorded_by=acting_user)
        file_documents(case, DocumentKind.ACCEPTANCE_REPORT, report, acting_user)
        if capture is not None:
            evidence.use_capture(capture, made.pk)
            file_documents(case, DocumentKind.PHOTO_AFTER, evidence.photos_of(capture),
                           acting_user)
        changes, details = {}, {"passed": passed, "acceptance": made.pk,
                                 "final_cost": str(audited) if audited is not None else None}
        if passed:
            changes = {"accepted_on": on, "payment_due_on": rules.payment_due(on, profile)}
            # R-MH-6: the approved subsidy is a ceiling; an audit below it lowers what is paid
            payable = rules.payable_amount(case.method, case.subsidy_amount,
                                           final_account=audited,
                                           appraised_price=cmd.appraised_price)
            changes["payable_amount"] = payable
            details.update(final_account=str(audited) if audited is not None else None,
                           payable_amount=str(payable),
                           subsidy_amount=str(case.subsidy_amount))
            if cmd.appraised_price is not None:
                details["appraised_price"] = str(cmd.appraised_price)
        comment = ""
        if passed and changes["payable_amount"] < case.subsidy_amount:
            comment = (f"核定补助 {case.subsidy_amount:,.2f} 元，按"
                       f"{'评估价格' if case.method == Method.BUY_IDLE else '审计决算'}"
                       f"应付 {changes['payable_amount']:,.2f} 元")
        WORKFLOW.apply(case, Action.ACCEPT, acting_user=acting_user, on=on, failed=not passed,
                       origin=origin, details=details, comment=comment, **changes)
        _tell(case, events.ACCEPTED, on, acting_user=acting_user, passed=bool(passed),
              inspectors=tuple(f"{MemberRole(m['role']).label}：{m['name']}"
                               if m["role"] in MemberRole.values else m["name"]
                               for m in members))
        if passed and case.method == "rebuild" and case.house_id:
            _register_new_house(case, made, on, acting_user=acting_user, origin=origin)
    return made


def _register_new_house(case: Application, made: CompletionAcceptance, on, *, acting_user,
                        origin) -> None:
    """R-CJ-8a: the rebuilt house is a new record of the household naming the old one; it is
    graded by its own appraisal after acceptance (grading.md §1, ADR 0027)."""
    from anju.registry.actions import register_replacement_house

    area = (made.main_area or 0) + (made.auxiliary_area or 0)
    register_replacement_house(
        House.objects.get(pk=case.house_id), built_on=on, floor_area=area or None,
        build_method="contractor" if case.contractor_id else "craftsman",
        acting_user=acting_user, origin=origin)


def city_check(case: Application, cmd: commands.CityCheck, *, acting_user,
               origin: Origin | None = None) -> Application:
    """R-MH-10: the city renovation office checks the acceptance report."""
    open_move(case, Action.CITY_CHECK, acting_user=acting_user)
    on = cmd.on or timezone.localdate()
    errors = date_errors(on, "on", "审核日期", timezone.localdate(),
                         not_before=case.accepted_on, before_label="验收日期")
    if cmd.passed is None:
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "须填写审核结论", field="passed"))
    raise_if(errors)
    with transaction.atomic():
        WORKFLOW.apply(case, Action.CITY_CHECK, acting_user=acting_user, on=on, origin=origin,
                       comment=text(cmd.comment, TEXT_MAX), details={"passed": cmd.passed},
                       **({"city_checked_on": on} if cmd.passed else {}))
    return case


def handover(case: Application, cmd: commands.Handover, *, acting_user,
             origin: Origin | None = None) -> Application:
    open_move(case, Action.HANDOVER, acting_user=acting_user)
    on = cmd.on or timezone.localdate()
    raise_if(date_errors(on, "on", "交付日期", timezone.localdate(),
                         not_before=case.accepted_on, before_label="验收日期"))
    with transaction.atomic():
        WORKFLOW.apply(case, Action.HANDOVER, acting_user=acting_user, on=on, origin=origin,
                       handed_over_on=on)
    return case


def record_old_house(case: Application, cmd: commands.RecordOldHouse, *, acting_user,
                     origin: Origin | None = None) -> Application:
    """R-MH-11: the original house demolished (D), or demolished, sealed, signposted or
    cordoned (C) so that nobody moves back."""
    open_move(case, Action.RECORD_OLD_HOUSE, acting_user=acting_user)
    on = cmd.on or timezone.localdate()
    errors = date_errors(on, "on", "处置日期", timezone.localdate())
    if case.grade == "D" and cmd.treatment != OldHouseTreatment.DEMOLISHED:
        errors.append(RuleViolation(Code.OLD_HOUSE_NOT_DEMOLISHED, "D 级原房须拆除",
                                    field="treatment", rule="R-MH-11"))
    photos = attachments_of(case, cmd.photo_ids, "photo_ids")
    if not photos:
        errors.append(RuleViolation(Code.PHOTOS_REQUIRED, "原房处置须拍照留存",
                                    field="photo_ids", rule="R-MH-11"))
    raise_if(errors)
    with transaction.atomic():
        file_documents(case, DocumentKind.OLD_HOUSE, photos, acting_user)
        WORKFLOW.apply(case, Action.RECORD_OLD_HOUSE, acting_user=acting_user, on=on,
                       origin=origin, details={"treatment": cmd.treatment},
                       old_house_treatment=cmd.treatment, old_house_done_on=on,
                       old_house_overdue=False)
        if cmd.treatment == OldHouseTreatment.DEMOLISHED and case.house_id:
            _demolish_old_house(case, on, photos, acting_user=acting_user, origin=origin)
    return case


def _demolish_old_house(case: Application, on, photos, *, acting_user, origin) -> None:
    """R-MH-11 through the registry's own verb: the old house is marked demolished, with the
    date and the photos as evidence; the ledger records the demolition on its entry first
    (R-CJ-8a), so the registry's change finds it there."""
    from anju.registry.actions import demolish_house
    from anju.registry.commands import DemolishHouse

    house = House.objects.get(pk=case.house_id)
    if house.status == HouseStatus.DEMOLISHED:
        return
    note = f"危房改造 {case.number} 原房拆除"
    _tell(case, events.DEMOLISHED, on, acting_user=acting_user, note=note)
    demolish_house(house, DemolishHouse(
        version=house.version, demolished_on=on, note=note,
        attachment_ids=[p.pk for p in photos if p.house_id == house.pk]),
        acting_user=acting_user, origin=origin)
