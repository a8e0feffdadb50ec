"""R-MH-2..5: the application, the reviews, the notices and the joint approval."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from anju.accounts.access import check
from anju.assistance import commands, rules
from anju.assistance.actions._case import (
    attachments_of,
    file_documents,
    open_move,
    text,
    violation,
)
from anju.assistance.actions.certify import current_certification
from anju.assistance.codes import (
    APPROVERS,
    BUILDING_METHODS,
    Action,
    DocumentKind,
    Method,
    NoticeLevel,
    RepairPart,
    Status,
)
from anju.assistance.commands import TEXT_MAX
from anju.assistance.models import Application, Approval, CaseDocument, Notice, Objection
from anju.assistance.transitions import WORKFLOW
from anju.kit.dates import date_errors
from anju.kit.errors import Code, Conflict, Forbidden, RuleViolation, raise_if
from anju.kit.origin import Origin
from anju.policy.rules import profile_for
from anju.registry.models import House, Household


def case_problems(*, division_code: str, on: date, method: str, persons: int,
                  main_area: Decimal | None, auxiliary_area: Decimal, subsidy: Decimal,
                  grade: str, house: House | None, fully_subsidised: bool,
                  co_owned: bool, area_reason: str = "") -> list[RuleViolation]:
    """R-MH-5..7 for a case as applied for: method, subsidy cap, area standard."""
    profile = profile_for(division_code, on)
    errors = []
    if method not in Method.values:
        return [RuleViolation(Code.CHOICE_INVALID, f"改造方式 {method!r} 不在代码表中",
                              field="method", rule="R-MH-5")]
    unmet = rules.method_unmet(method, has_house=house is not None, grade=grade)
    if unmet:
        errors.append(violation(unmet))
    unmet = rules.subsidy_unmet(subsidy, rules.subsidy_cap(profile, method, grade,
                                                           co_owned=co_owned))
    if unmet:
        errors.append(violation(unmet))
    errors += [violation(u) for u in rules.area_problems(
        profile, method, persons=persons, main_area=main_area, auxiliary_area=auxiliary_area,
        fully_subsidised=fully_subsidised,
        existing_area=house.floor_area if house else None, area_reason=area_reason)]
    return errors


def register_of(household: Household) -> rules.Register:
    """R-MH-2 from the register: the household's standing houses and its earlier cases."""
    earlier = household.applications.filter(status=Status.CLOSED)
    return rules.Register(
        standing=tuple(House.objects.standing().filter(household=household)
                       .order_by("id").values_list("id", "grade", "color_steel")),
        secured_before=earlier.filter(accepted_on__isnull=False,
                                      method__in=BUILDING_METHODS).exists(),
        supported_before=household.applications.filter(approved_on__isnull=False).exists())


def dangerous_parts(house: House | None) -> frozenset:
    """The components the house's latest appraisal rated c or d (its 危险部位)."""
    latest = house.appraisals.first() if house else None
    if latest is None:
        return frozenset()
    return frozenset(c for c, rating in (latest.components or {}).items()
                     if rating in ("c", "d") and c in RepairPart.values)


def route_errors(household: Household, cmd: commands.Apply, *, on: date, persons: int,
                 house: House | None) -> tuple[list[RuleViolation], House | None]:
    """R-MH-5: what the chosen route asks; answers the host house of a relatives placement."""
    profile = profile_for(household.division_code, on)
    errors = [violation(u) for u in rules.route_problems(
        profile, cmd.method, persons=persons,
        head_age=rules.age_on(household.head_id_number or "", on),
        lease_years=cmd.lease_years, annual_rent=cmd.annual_rent,
        reinforcement_parts=list(cmd.reinforcement_parts),
        reinforcement_plan=cmd.reinforcement_plan, dangerous_parts=dangerous_parts(house))]
    host = None
    if cmd.method == Method.RELATIVES:
        if cmd.host_house_id is not None:
            host = House.objects.standing().filter(pk=cmd.host_house_id).exclude(
                household=household).first()
            if host is None:
                errors.append(RuleViolation(
                    Code.NOT_FOUND, "接养人房屋须是他人在册的现存房屋", field="host_house_id",
                    rule="R-MH-5"))
                return errors, None
        unmet = rules.host_house_unmet(host.grade if host else None)
        if unmet:
            errors.append(violation(unmet))
    return errors, host


def apply(household: Household, cmd: commands.Apply, *, acting_user,
          origin: Origin | None = None) -> Application:
    """R-MH-3: the household's application, recorded by the village (or township); R-MH-2
    read from the register."""
    check(acting_user, WORKFLOW.capability_of(Action.APPLY))
    today = timezone.localdate()
    on = cmd.applied_on or today
    errors = date_errors(on, "applied_on", "申请日期", today)
    certification = current_certification(household, on)
    if certification is None:
        errors.append(RuleViolation(
            Code.NOT_CERTIFIED,
            "该农户在申请日期没有有效的低收入群体认定（须经民政或乡村振兴部门认定）",
            field="household_id", rule="R-MH-1"))
    house = None
    if cmd.house_id is not None:
        house = House.objects.filter(pk=cmd.house_id, household=household).first()
        if house is None:
            errors.append(RuleViolation(Code.HOUSE_NOT_OF_HOUSEHOLD, "该房屋不属于申请农户",
                                        field="house_id"))
    grade = house.grade if house else ""
    if house is not None or cmd.house_id is None:
        unmet = rules.eligibility_unmet(
            register_of(household), house_id=house.pk if house else None,
            category=certification.category if certification else "")
        if unmet:
            errors.append(violation(unmet))
    persons = cmd.persons or household.persons
    errors += case_problems(
        division_code=household.division_code, on=on, method=cmd.method, persons=persons,
        main_area=cmd.main_area, auxiliary_area=cmd.auxiliary_area, subsidy=cmd.subsidy_amount,
        grade=grade, house=house, fully_subsidised=cmd.fully_subsidised, co_owned=cmd.co_owned,
        area_reason=cmd.area_reason)
    problems, host = route_errors(household, cmd, on=on, persons=persons, house=house)
    errors += problems
    raise_if(errors)
    # What each route keeps (R-MH-5, R-MH-7); the rest of the routes' fields stay empty.
    route = {"area_reason": text(cmd.area_reason, 200)}
    if cmd.method == Method.REPAIR_REINFORCE:
        route |= {"reinforcement_parts": sorted(set(cmd.reinforcement_parts)),
                  "reinforcement_plan": text(cmd.reinforcement_plan, TEXT_MAX)}
    if host is not None:
        route["host_house"] = host
        if host.grade in rules.DANGEROUS:
            route["host_renovation_due_on"] = rules.months_after(
                on, profile_for(household.division_code, on).relatives_host_renovation_months)
    if cmd.method == Method.PUBLIC_RENTAL:
        route |= {"lease_years": cmd.lease_years, "annual_rent": cmd.annual_rent}
    try:
        with transaction.atomic():
            case = Application(
                household=household, house=house, division_code=household.division_code,
                year=cmd.year or on.year, category=certification.category,
                certification=certification, grade=grade, method=cmd.method, persons=persons,
                main_area=cmd.main_area, auxiliary_area=cmd.auxiliary_area,
                subsidy_amount=cmd.subsidy_amount, fully_subsidised=cmd.fully_subsidised,
                co_owned=cmd.co_owned, township_built=cmd.township_built, applied_on=on,
                created_by=acting_user, **route)
            WORKFLOW.create(case, Action.APPLY, acting_user=acting_user, on=on, origin=origin,
                            details={"method": case.method,
                                     "subsidy_amount": str(cmd.subsidy_amount)})
            file_documents(case, DocumentKind.APPLICATION,
                           attachments_of(case, [cmd.document_id], "document_id"), acting_user)
            # The certification's scan and an appraisal report go on file with the case.
            file_documents(case, DocumentKind.CERTIFICATION, [certification.document],
                           acting_user)
            report = house.appraisals.filter(report_file__isnull=False).first() if house else None
            file_documents(case, DocumentKind.APPRAISAL, [report and report.report_file],
                           acting_user)
    except IntegrityError:
        raise Conflict(Code.APPLICATION_EXISTS, "该农户已有正在办理的改造申请",
                       field="household_id", rule="R-MH-3") from None
    return case


def village_review(case: Application, cmd: commands.VillageReview, *, acting_user,
                   origin: Origin | None = None) -> Application:
    """R-MH-3 村民会议/村民代表会议民主评议: the meeting, who came, its result, the minutes."""
    open_move(case, Action.VILLAGE_REVIEW, acting_user=acting_user, version=cmd.version)
    errors = date_errors(cmd.on, "on", "评议日期", timezone.localdate(),
                         not_before=case.applied_on, before_label="申请日期")
    if cmd.passed is None:
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "须填写评议结果", field="passed"))
    minutes = attachments_of(case, [cmd.minutes_id], "minutes_id")
    if not minutes:
        errors.append(RuleViolation(Code.MINUTES_REQUIRED, "须上传民主评议会议记录扫描件",
                                    field="minutes_id", rule="R-MH-3"))
    raise_if(errors)
    passed = cmd.passed
    with transaction.atomic():
        file_documents(case, DocumentKind.VILLAGE_MINUTES, [minutes[0]], acting_user)
        WORKFLOW.apply(case, Action.VILLAGE_REVIEW, acting_user=acting_user, on=cmd.on,
                       failed=not passed, comment=text(cmd.comment, TEXT_MAX), origin=origin,
                       details={"passed": passed, "meeting": text(cmd.meeting_kind, TEXT_MAX),
                                "attendance": cmd.attendance},
                       **({} if passed else {"rejected_reason": "村级民主评议未通过"}))
    return case


def township_review(case: Application, cmd: commands.TownshipReview, *, acting_user,
                    origin: Origin | None = None) -> Application:
    """R-MH-3 乡镇初审."""
    open_move(case, Action.TOWNSHIP_REVIEW, acting_user=acting_user, version=cmd.version)
    errors = date_errors(cmd.on, "on", "初审日期", timezone.localdate(),
                         not_before=case.applied_on, before_label="申请日期")
    if cmd.passed is None:
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "须填写初审结果", field="passed"))
    raise_if(errors)
    comment = text(cmd.comment, TEXT_MAX)
    with transaction.atomic():
        WORKFLOW.apply(case, Action.TOWNSHIP_REVIEW, acting_user=acting_user, on=cmd.on,
                       failed=not cmd.passed, comment=comment, origin=origin,
                       details={"passed": cmd.passed},
                       **({} if cmd.passed else {"rejected_reason": comment or "乡镇初审未通过"}))
    return case


def publish_notice(case: Application, cmd: commands.PublishNotice, *, acting_user,
                   origin: Origin | None = None) -> Notice:
    """R-MH-4 三级公示: a notice as posted (paper notices are entered afterwards)."""
    open_move(case, Action.PUBLISH_NOTICE, acting_user=acting_user)
    starts, ends = cmd.starts_on, cmd.ends_on
    today = timezone.localdate()
    # A notice may still be up: its end is the one date here that may lie ahead.
    errors = (date_errors(starts, "starts_on", "公示开始日期", today)
              + date_errors(ends, "ends_on", "公示结束日期", today, plan=True))
    if not errors:
        days = profile_for(case.division_code, starts).notice_days
        if ends < starts:
            errors.append(RuleViolation(Code.DATE_OUT_OF_ORDER, "公示结束日期不能早于开始日期",
                                        field="ends_on"))
        elif (ends - starts).days + 1 < days:
            errors.append(RuleViolation(
                Code.NOTICE_TOO_SHORT, f"公示期不少于 {days} 天（{starts:%m-%d} 起应至少公示到 "
                f"{starts + timedelta(days=days - 1):%m-%d}）", field="ends_on", rule="R-MH-4"))
    photo = attachments_of(case, [cmd.photo_id], "photo_id")
    raise_if(errors)
    scope = {NoticeLevel.VILLAGE: case.division_code, NoticeLevel.TOWNSHIP:
             case.division_code[:9], NoticeLevel.COUNTY: case.division_code[:6]}[cmd.level]
    with transaction.atomic():
        contents = list(dict.fromkeys(cmd.contents))
        notice = Notice.objects.create(application=case, division_code=scope, level=cmd.level,
                                       starts_on=starts, ends_on=ends, contents=contents,
                                       place=text(cmd.place, 100),
                                       photo=photo[0] if photo else None,
                                       posted_by=acting_user)
        file_documents(case, DocumentKind.PUBLICITY, photo, acting_user)
        WORKFLOW.apply(case, Action.PUBLISH_NOTICE, acting_user=acting_user, on=starts,
                       origin=origin, details={"notice": notice.pk, "level": cmd.level,
                                               "starts_on": starts.isoformat(),
                                               "ends_on": ends.isoformat(),
                                               "contents": contents})
    return notice


def record_objection(case: Application, cmd: commands.RecordObjection, *, acting_user,
                     origin: Origin | None = None) -> Objection:
    """R-MH-4: an objection raised during the notice period, before approval or to the
    recipients' list published after it."""
    open_move(case, Action.RECORD_OBJECTION, acting_user=acting_user)
    said = cmd.text.strip()
    on = cmd.on or timezone.localdate()
    errors = date_errors(on, "on", "异议提出日期", timezone.localdate())
    if not said:
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "异议内容不能为空", field="text"))
    notice = None
    if cmd.notice_id is not None:
        notice = case.notices.filter(pk=cmd.notice_id).first()
        if notice is None:
            errors.append(RuleViolation(Code.NOT_FOUND, "该公示不属于本申请", field="notice_id"))
    raise_if(errors)
    with transaction.atomic():
        made = Objection.objects.create(application=case, notice=notice, raised_on=on,
                                        text=said, recorded_by=acting_user)
        WORKFLOW.apply(case, Action.RECORD_OBJECTION, acting_user=acting_user, on=on,
                       origin=origin, details={"objection": made.pk})
    return made


def resolve_objection(case: Application, cmd: commands.ResolveObjection, *, acting_user,
                      origin: Origin | None = None) -> Objection:
    open_move(case, Action.RESOLVE_OBJECTION, acting_user=acting_user)
    objection = case.objections.filter(pk=cmd.objection_id).first()
    resolution = cmd.resolution.strip()
    on = cmd.on or timezone.localdate()
    errors = []
    if objection is None:
        errors.append(RuleViolation(Code.NOT_FOUND, "该异议不属于本申请", field="objection_id"))
    elif objection.resolved_on is not None:
        raise Conflict(Code.OBJECTION_RESOLVED, "该异议已处理", field="objection_id",
                       rule="R-MH-4")
    if not resolution:
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "须填写处理结果", field="resolution"))
    if objection is not None:
        errors += date_errors(on, "on", "处理日期", timezone.localdate(),
                              not_before=objection.raised_on, before_label="异议提出日期")
    raise_if(errors)
    with transaction.atomic():
        objection.resolved_on, objection.resolution = on, resolution
        objection.save(update_fields=["resolved_on", "resolution"])
        WORKFLOW.apply(case, Action.RESOLVE_OBJECTION, acting_user=acting_user, on=on,
                       origin=origin, details={"objection": objection.pk})
    return objection


def check_approver(case: Application, *, acting_user) -> None:
    """R-MH-3: only civil affairs, rural revitalisation and housing take part (403)."""
    check(acting_user, "assistance.approve")
    if acting_user.department not in APPROVERS:
        raise Forbidden("只有民政、乡村振兴、住建部门参与联合审批", code=Code.WRONG_DEPARTMENT,
                        rule="R-MH-3", obj=case)


def department_approve(case: Application, cmd: commands.DepartmentApprove, *, acting_user,
                       origin: Origin | None = None) -> Application:
    """R-MH-3 三部门联合审批: civil affairs, rural revitalisation and housing each decide once;
    the third approval approves the case, any refusal rejects it."""
    check_approver(case, acting_user=acting_user)
    department = acting_user.department
    open_move(case, Action.DEPARTMENT_APPROVE, acting_user=acting_user, version=cmd.version)
    if case.approvals.filter(department=department).exists():
        raise Conflict(Code.ALREADY_DECIDED, "本部门已对该申请作出审批意见，不能重复审批",
                       field="decision", rule="R-MH-3")
    decision, on = cmd.decision, cmd.on or timezone.localdate()
    comment = text(cmd.comment, TEXT_MAX)
    errors = date_errors(on, "on", "审批日期", timezone.localdate(),
                         not_before=case.applied_on, before_label="申请日期")
    if decision == "reject" and not comment:
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "不同意时须说明理由", field="comment"))
    raise_if(errors)
    with transaction.atomic():
        try:
            with transaction.atomic():
                Approval.objects.create(application=case, department=department,
                                        decision=decision, on=on, decided_by=acting_user,
                                        comment=comment)
        except IntegrityError:
            raise Conflict(Code.ALREADY_DECIDED, "本部门已对该申请作出审批意见，不能重复审批",
                           field="decision", rule="R-MH-3") from None
        approvals = dict(case.approvals.values_list("department", "decision"))
        done = rules.all_approved(approvals)
        changes = {"approved_on": on} if done else {}
        if decision == "reject":
            changes["rejected_reason"] = comment
        WORKFLOW.apply(case, Action.DEPARTMENT_APPROVE, acting_user=acting_user, on=on,
                       failed=decision == "reject",
                       pending=decision == "approve" and not done, comment=comment,
                       origin=origin, details={"department": department, "decision": decision},
                       **changes)
    return case


def notify(case: Application, cmd: commands.Notify, *, acting_user,
           origin: Origin | None = None) -> Application:
    """R-MH-3: the written notice (书面告知通知单) to the household; Anju writes it."""
    open_move(case, Action.NOTIFY, acting_user=acting_user, version=cmd.version)
    on = cmd.on or timezone.localdate()
    raise_if(date_errors(on, "on", "告知日期", timezone.localdate(),
                         not_before=case.approved_on, before_label="审批日期"))
    changes = {}
    if case.house_id and case.grade == "D" and case.method not in BUILDING_METHODS \
            and case.method != Method.WAIVER:
        # R-MH-11: a household placed elsewhere (置换安置、公有住房、养老院、投亲靠友) leaves its
        # D house, which is demolished within the month of the notice that places it
        changes["old_house_due_on"] = rules.old_house_due(
            on, profile_for(case.division_code, on))
    with transaction.atomic():
        CaseDocument.objects.create(application=case, kind=DocumentKind.NOTICE, generated=True,
                                    added_by=acting_user)
        WORKFLOW.apply(case, Action.NOTIFY, acting_user=acting_user, on=on, origin=origin,
                       notified_on=on, **changes)
    return case


def waive(case: Application, cmd: commands.Waive, *, acting_user,
          origin: Origin | None = None) -> Application:
    """R-MH-5 放弃改造: the household's letter and proof of other safe housing on file."""
    open_move(case, Action.WAIVE, acting_user=acting_user, version=cmd.version)
    on = cmd.on or timezone.localdate()
    reason = text(cmd.reason, TEXT_MAX)
    errors = date_errors(on, "on", "确认日期", timezone.localdate())
    if not reason:
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "须说明放弃改造的原因", field="reason"))
    letter = attachments_of(case, [cmd.letter_id], "letter_id")
    proof = attachments_of(case, [cmd.proof_id], "proof_id")
    if not letter:
        errors.append(RuleViolation(Code.WAIVER_LETTER_REQUIRED, "须上传农户放弃改造申请书",
                                    field="letter_id", rule="R-MH-5"))
    if not proof:
        errors.append(RuleViolation(Code.WAIVER_PROOF_REQUIRED, "须上传有其他安全住房的证明",
                                    field="proof_id", rule="R-MH-5"))
    # "各乡镇（街）政府与农户签订保障其利益的协议并建立档案，保留相应的影像资料"
    agreement = attachments_of(case, [cmd.agreement_id], "agreement_id")
    images = attachments_of(case, cmd.image_ids, "image_ids")
    if not agreement:
        errors.append(RuleViolation(Code.WAIVER_AGREEMENT_REQUIRED,
                                    "须上传乡镇与农户签订的保障其利益的协议",
                                    field="agreement_id", rule="R-MH-5"))
    if not images:
        errors.append(RuleViolation(Code.WAIVER_IMAGES_REQUIRED, "须上传放弃改造的影像资料",
                                    field="image_ids", rule="R-MH-5"))
    raise_if(errors)
    changes = {"waived_on": on, "method": Method.WAIVER, "subsidy_amount": Decimal("0")}
    if case.house_id and case.grade == "D":
        changes["old_house_due_on"] = rules.old_house_due(
            on, profile_for(case.division_code, on))
    with transaction.atomic():
        file_documents(case, DocumentKind.WAIVER_LETTER, [letter[0]], acting_user)
        file_documents(case, DocumentKind.WAIVER_PROOF, [proof[0]], acting_user)
        file_documents(case, DocumentKind.WAIVER_AGREEMENT, agreement, acting_user)
        file_documents(case, DocumentKind.WAIVER_IMAGES, images, acting_user)
        WORKFLOW.apply(case, Action.WAIVE, acting_user=acting_user, on=on, origin=origin,
                       comment=reason, details={"was": case.method}, **changes)
    return case


def reject(case: Application, cmd: commands.Reject, *, acting_user,
           origin: Origin | None = None) -> Application:
    open_move(case, Action.REJECT, acting_user=acting_user, version=cmd.version)
    reason = text(cmd.reason, TEXT_MAX)
    on = cmd.on or timezone.localdate()
    errors = date_errors(on, "on", "日期", timezone.localdate())
    if not reason:
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "须说明不予通过的原因", field="reason"))
    raise_if(errors)
    with transaction.atomic():
        WORKFLOW.apply(case, Action.REJECT, acting_user=acting_user, on=on, comment=reason,
                       origin=origin, rejected_reason=reason)
    return case
