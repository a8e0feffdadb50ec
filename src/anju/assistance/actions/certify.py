"""R-MH-1 certifications and the R-MH-8 register of craftsmen and contractors."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from anju.accounts.access import check
from anju.assistance import commands, rules
from anju.assistance.models import Certification, Contractor, Craftsman
from anju.audit import actions as audit
from anju.audit.models import Action as AuditAction
from anju.kit.dates import date_errors
from anju.kit.errors import Code, Conflict, Forbidden, RuleViolation, raise_if
from anju.kit.events import records_changed
from anju.kit.origin import Origin
from anju.registry.codes import LowIncomeCategory
from anju.registry.models import Attachment, Household
from anju.registry.rules import id_number_problem, id_number_valid, normalize_id_number


def certify(household: Household, cmd: commands.Certify, *, acting_user,
            origin: Origin | None = None) -> Certification:
    """R-MH-1: a department certifies a household; only the category's own department may.
    The household is the one the caller found through the door (cmd.household_id)."""
    check(acting_user, "assistance.certify")
    category, certified_on = cmd.category, cmd.certified_on
    valid_until, document_id = cmd.valid_until, cmd.document_id
    errors = []
    if category not in LowIncomeCategory.values:
        errors.append(RuleViolation(Code.CHOICE_INVALID, f"认定类别 {category!r} 不在代码表中",
                                    field="category", rule="R-MH-1"))
    else:
        unmet = rules.certifier_unmet(category, acting_user.department)
        if unmet is not None:
            raise Forbidden(unmet.message, code=unmet.code, rule=unmet.rule, obj=household)
    today = timezone.localdate()
    errors += date_errors(certified_on, "certified_on", "认定日期", today)
    # The end of validity is still to come, as a rule.
    until = date_errors(valid_until, "valid_until", "有效期", today, required=False, plan=True)
    errors += until
    if not until and valid_until is not None and certified_on and valid_until < certified_on:
        errors.append(RuleViolation(Code.DATE_OUT_OF_ORDER, "有效期不能早于认定日期",
                                    field="valid_until"))
    if document_id is not None and not Attachment.objects.filter(
            pk=document_id, household=household).exists():
        errors.append(RuleViolation(Code.ATTACHMENT_NOT_FOUND, "认定材料不在该农户的档案中",
                                    field="document_id"))
    raise_if(errors)
    with transaction.atomic():
        made = Certification.objects.create(
            household=household, division_code=household.division_code, category=category,
            department=acting_user.department, certified_on=certified_on,
            valid_until=valid_until, document_id=document_id, certified_by=acting_user)
        _sync_category(household)
        audit.record(AuditAction.TRANSITION, actor=acting_user, obj=made, origin=origin,
                     details={"action": "certify", "category": category,
                              "household": household.pk})
    return made


def lapse(certification: Certification, cmd: commands.Lapse, *, acting_user,
          origin: Origin | None = None) -> Certification:
    """A certification ends (the household leaves the category); only its department ends it."""
    check(acting_user, "assistance.certify")
    if certification.department != acting_user.department:
        raise Forbidden("只有作出认定的部门可以终止该认定", code=Code.WRONG_DEPARTMENT,
                        rule="R-MH-1", obj=certification)
    if certification.lapsed_on is not None:
        raise Conflict(Code.ALREADY_LAPSED, "该认定已失效", field="lapsed_on", rule="R-MH-1")
    on, reason = cmd.lapsed_on, cmd.reason.strip()
    errors = date_errors(on, "lapsed_on", "失效日期", timezone.localdate(),
                         not_before=certification.certified_on, before_label="认定日期")
    if not reason:
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "须说明失效原因", field="reason"))
    raise_if(errors)
    with transaction.atomic():
        certification.lapsed_on, certification.lapse_reason = on, reason
        certification.save(update_fields=["lapsed_on", "lapse_reason"])
        _sync_category(certification.household)
        audit.record(AuditAction.TRANSITION, actor=acting_user, obj=certification,
                     origin=origin, details={"action": "lapse", "on": on.isoformat()})
    return certification


def current_certification(household: Household, on: date) -> Certification | None:
    for made in household.certifications.all():
        if made.current_on(on):
            return made
    return None


def _sync_category(household: Household) -> None:
    """The household record shows its current category (the ledger's R-CJ-9 reads it)."""
    made = current_certification(household, timezone.localdate())
    category = made.category if made else ""
    if household.low_income_category != category:
        Household.objects.filter(pk=household.pk).update(low_income_category=category)
        household.low_income_category = category
        records_changed(houses=household.houses.values_list("pk", flat=True))


def register_craftsman(cmd: commands.RegisterCraftsman, *, acting_user,
                       origin: Origin | None = None) -> Craftsman:
    """R-MH-8: only a trained craftsman with a valid certificate goes on the register."""
    check(acting_user, "assistance.build")
    errors = []
    for field, label in (("name", "姓名"), ("certificate_no", "培训合格证书编号"),
                         ("division_code", "所在地")):
        if not getattr(cmd, field).strip():
            errors.append(RuleViolation(Code.FIELD_REQUIRED, f"{label}不能为空", field=field))
    id_number = normalize_id_number(cmd.id_number)
    if not id_number_valid(id_number):
        errors.append(RuleViolation(Code.ID_NUMBER_INVALID,
                                    f"身份证号{id_number_problem(id_number)}",
                                    field="id_number"))
    trained_on, valid_until = cmd.trained_on, cmd.valid_until
    today = timezone.localdate()
    if trained_on is None:
        errors.append(RuleViolation(Code.CRAFTSMAN_NOT_CERTIFIED, "工匠须经培训合格（培训日期）",
                                    field="trained_on", rule="R-MH-8"))
    else:
        errors += date_errors(trained_on, "trained_on", "培训日期", today)
    if valid_until is None or valid_until < today:
        errors.append(RuleViolation(Code.CRAFTSMAN_CERTIFICATE_EXPIRED,
                                    "工匠培训合格证书已过期或未填写有效期",
                                    field="valid_until", rule="R-MH-8"))
    raise_if(errors)
    try:
        with transaction.atomic():
            made = Craftsman.objects.create(
                name=cmd.name.strip(), id_number=id_number, phone=cmd.phone.strip(),
                division_code=cmd.division_code.strip(),
                certificate_no=cmd.certificate_no.strip(), trained_on=trained_on,
                valid_until=valid_until, created_by=acting_user)
            audit.record(AuditAction.TRANSITION, actor=acting_user, obj=made, origin=origin,
                         details={"action": "register_craftsman"})
    except IntegrityError:
        raise Conflict(Code.CRAFTSMAN_EXISTS, "该身份证号的工匠已在名录中",
                       field="id_number") from None
    return made


def register_contractor(cmd: commands.RegisterContractor, *, acting_user,
                        origin: Origin | None = None) -> Contractor:
    """R-MH-8: only a contractor whose qualification is valid goes on the register."""
    check(acting_user, "assistance.build")
    errors = []
    for field, label in (("name", "单位名称"), ("credit_code", "统一社会信用代码"),
                         ("qualification_no", "资质证书编号"), ("division_code", "所在地")):
        if not getattr(cmd, field).strip():
            errors.append(RuleViolation(Code.FIELD_REQUIRED, f"{label}不能为空", field=field))
    if len(cmd.credit_code.strip()) not in (0, 18):
        errors.append(RuleViolation(Code.INVALID_VALUE, "统一社会信用代码应为 18 位",
                                    field="credit_code"))
    valid_until = cmd.valid_until
    if valid_until is None or valid_until < timezone.localdate():
        errors.append(RuleViolation(Code.CONTRACTOR_NOT_QUALIFIED, "施工资质已过期或未填写有效期",
                                    field="valid_until", rule="R-MH-8"))
    raise_if(errors)
    try:
        with transaction.atomic():
            made = Contractor.objects.create(
                name=cmd.name.strip(), credit_code=cmd.credit_code.strip().upper(),
                qualification_no=cmd.qualification_no.strip(), valid_until=valid_until,
                division_code=cmd.division_code.strip(), created_by=acting_user)
            audit.record(AuditAction.TRANSITION, actor=acting_user, obj=made, origin=origin,
                         details={"action": "register_contractor"})
    except IntegrityError:
        raise Conflict(Code.CONTRACTOR_EXISTS, "该统一社会信用代码的施工单位已登记",
                       field="credit_code") from None
    return made
