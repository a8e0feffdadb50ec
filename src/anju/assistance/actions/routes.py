"""R-MH-5: what the plan's other routes record after the application: the host's renovation of
a dangerous host house (投亲靠友), and the yearly rent of a public-rental lease."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from anju.assistance import commands
from anju.assistance.actions._case import attachments_of, file_documents, open_move, text
from anju.assistance.codes import Action, DocumentKind
from anju.assistance.commands import TEXT_MAX
from anju.assistance.models import Application, RentYear
from anju.assistance.transitions import WORKFLOW
from anju.kit.dates import date_errors
from anju.kit.errors import Code, Conflict, RuleViolation, raise_if
from anju.kit.origin import Origin


def record_host_renovation(case: Application, cmd: commands.RecordHostRenovation, *,
                           acting_user, origin: Origin | None = None) -> Application:
    """R-MH-5: the host renovated the C/D host house; the placement may then count as safe.
    A renovation after the limit is still taken and kept as late."""
    open_move(case, Action.RECORD_HOST_RENOVATION, acting_user=acting_user,
              version=cmd.version)
    on = cmd.on or timezone.localdate()
    errors = date_errors(on, "on", "改造完成日期", timezone.localdate(),
                         not_before=case.applied_on, before_label="申请日期")
    reports = attachments_of(case, cmd.report_ids, "report_ids")
    if not reports:
        errors.append(RuleViolation(Code.PHOTOS_REQUIRED, "须上传接养人房屋改造后的鉴定或验收材料",
                                    field="report_ids", rule="R-MH-5"))
    raise_if(errors)
    due = case.host_renovation_due_on
    days_late = max((on - due).days, 0) if due else 0
    with transaction.atomic():
        file_documents(case, DocumentKind.HOST_RENOVATION, reports, acting_user)
        WORKFLOW.apply(case, Action.RECORD_HOST_RENOVATION, acting_user=acting_user, on=on,
                       origin=origin, comment=text(cmd.comment, TEXT_MAX),
                       details={"host_house": case.host_house_id, "days_late": days_late},
                       host_renovated_on=on)
    return case


def record_rent(case: Application, cmd: commands.RecordRent, *, acting_user,
                origin: Origin | None = None) -> RentYear:
    """R-MH-5/6: one year of the lease's rent, paid by the township, once per year of the
    lease."""
    open_move(case, Action.RECORD_RENT, acting_user=acting_user, version=cmd.version)
    paid_on = cmd.paid_on or cmd.on or timezone.localdate()
    errors = date_errors(paid_on, "paid_on", "支付日期", timezone.localdate(),
                         not_before=case.applied_on, before_label="申请日期")
    if case.lease_years and cmd.year_no > case.lease_years:
        errors.append(RuleViolation(Code.RENT_YEAR_BEYOND_LEASE,
                                    f"租赁期限为 {case.lease_years} 年，没有第 {cmd.year_no} 年",
                                    field="year_no", rule="R-MH-5"))
    if not cmd.voucher.strip():
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "须填写凭证号", field="voucher"))
    vouchers = attachments_of(case, [cmd.voucher_id], "voucher_id")
    raise_if(errors)
    if case.rent_years.filter(year_no=cmd.year_no).exists():
        raise Conflict(Code.RENT_YEAR_RECORDED, f"第 {cmd.year_no} 年的租金已登记",
                       field="year_no", rule="R-MH-5")
    try:
        with transaction.atomic():
            made = RentYear.objects.create(application=case, year_no=cmd.year_no,
                                           amount=cmd.amount, paid_on=paid_on,
                                           voucher=cmd.voucher.strip(), paid_by=acting_user)
            file_documents(case, DocumentKind.RENT_VOUCHER, vouchers, acting_user)
            WORKFLOW.apply(case, Action.RECORD_RENT, acting_user=acting_user, on=paid_on,
                           origin=origin, details={"year_no": cmd.year_no,
                                                   "amount": str(cmd.amount)})
    except IntegrityError:
        raise Conflict(Code.RENT_YEAR_RECORDED, f"第 {cmd.year_no} 年的租金已登记",
                       field="year_no", rule="R-MH-5") from None
    return made
