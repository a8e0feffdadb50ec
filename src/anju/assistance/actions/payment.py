"""R-MH-12: finance pays after acceptance, in full, to the household's 一卡通 account."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from anju.assistance import commands, rules
from anju.assistance.actions import funds
from anju.assistance.actions._case import attachments_of, open_move, text, violation
from anju.assistance.codes import Action, DocumentKind, FundStatus, Payee
from anju.assistance.models import Application, CaseDocument, Payment
from anju.assistance.transitions import WORKFLOW
from anju.kit.dates import date_errors
from anju.kit.errors import Code, Conflict, RuleViolation, raise_if
from anju.kit.origin import Origin


def pay(case: Application, cmd: commands.Pay, *, acting_user,
        origin: Origin | None = None) -> Payment:
    """The full approved amount to the 一卡通 account (cash only on the household's recorded
    request); for township-built housing the contractor, with a warranty retention held."""
    facts = open_move(case, Action.PAY, acting_user=acting_user, version=cmd.version)
    today = timezone.localdate()
    on = cmd.paid_on or cmd.on
    errors = date_errors(on, "paid_on", "拨付日期", today, not_before=case.accepted_on,
                         before_label="验收日期")
    amount, account, retention = cmd.amount, cmd.account, cmd.retention
    voucher = text(cmd.voucher, 60)
    if not voucher:
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "须填写拨付凭证号", field="voucher",
                                    rule="R-MH-12"))
    if retention and cmd.warranty_until is None:
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "预留质保金须填写质保期",
                                    field="warranty_until", rule="R-MH-12"))
    # The warranty ends in the future, as a rule.
    errors += date_errors(cmd.warranty_until, "warranty_until", "质保期", today,
                          required=False, plan=True)
    cash_request = attachments_of(case, [cmd.cash_request_id], "cash_request_id")
    receipt = attachments_of(case, [cmd.receipt_id], "receipt_id")
    voucher_scan = attachments_of(case, [cmd.voucher_id], "voucher_id")
    unmet = rules.payment_unmet(
        facts, amount=amount, retention=retention, account=account,
        has_account=bool(case.household.bank_account),
        cash_requested=bool(cash_request) or case.documents.filter(
            kind=DocumentKind.CASH_REQUEST).exists())
    if unmet:
        errors.append(violation(unmet))
    # R-MH-12a: a case filed with the city's finance is paid from its batch once transferred
    batch = funds.batch_of(case)
    if batch is not None and batch.status not in (FundStatus.TRANSFERRED, FundStatus.SETTLED):
        raise Conflict(Code.FUNDS_NOT_TRANSFERRED,
                       f"报账申请 {batch.number} 尚未由财政拨付到乡镇财政所，暂不能发放",
                       field="status", rule="R-MH-12a")
    if batch is not None and on and batch.transferred_on and on < batch.transferred_on:
        errors.append(RuleViolation(
            Code.DATE_OUT_OF_ORDER, f"发放日期不能早于财政拨付到乡镇的日期 "
            f"{batch.transferred_on:%Y-%m-%d}", field="paid_on", rule="R-MH-12a"))
    raise_if(errors)
    # R-MH-12: a payment after the deadline is still taken, and remembered as late
    late = rules.days_late(case.payment_due_on, on) if on else 0
    with transaction.atomic():
        made = Payment.objects.create(
            application=case, division_code=case.division_code, amount=amount, paid_on=on,
            payee=Payee.CONTRACTOR if case.township_built else Payee.HOUSEHOLD,
            account=account, voucher=voucher, retention=retention,
            warranty_until=cmd.warranty_until, paid_by=acting_user,
            due_on=case.payment_due_on, days_late=late, batch=batch)
        for kind, files in ((DocumentKind.CASH_REQUEST, cash_request),
                            (DocumentKind.RECEIPT, receipt),
                            (DocumentKind.VOUCHER, voucher_scan)):
            CaseDocument.objects.bulk_create(
                CaseDocument(application=case, kind=kind, attachment=a, added_by=acting_user)
                for a in files)
        WORKFLOW.apply(case, Action.PAY, acting_user=acting_user, on=on, origin=origin,
                       details={"payment": made.pk, "amount": str(amount), "account": account,
                                "retention": str(retention), "days_late": late,
                                **({"batch": batch.pk} if batch else {})},
                       paid_amount=F("paid_amount") + amount + retention, paid_on=on,
                       payment_overdue=False, payment_due_soon=False)
        if batch is not None:
            funds.settle_if_paid(batch, acting_user=acting_user, on=on)
    return made


def release_retention(case: Application, cmd: commands.ReleaseRetention, *, acting_user,
                      origin: Origin | None = None) -> Payment:
    """The warranty retention (质保金) goes to the contractor once the warranty has ended."""
    open_move(case, Action.RELEASE_RETENTION, acting_user=acting_user)
    payment = case.payments.filter(retention__gt=0, retention_released_on__isnull=True).first()
    if payment is None:
        raise Conflict(Code.NO_RETENTION, "该项目没有待返还的质保金", field="retention",
                       rule="R-MH-12")
    on = cmd.on or timezone.localdate()
    raise_if(date_errors(on, "on", "返还日期", timezone.localdate()))
    if payment.warranty_until and on < payment.warranty_until:
        raise RuleViolation(Code.WARRANTY_RUNNING, f"质保期至 {payment.warranty_until:%Y-%m-%d}，"
                            "期满后方可返还质保金", field="on", rule="R-MH-12")
    with transaction.atomic():
        payment.retention_released_on = on
        payment.save(update_fields=["retention_released_on"])
        WORKFLOW.apply(case, Action.RELEASE_RETENTION, acting_user=acting_user, on=on,
                       origin=origin, details={"payment": payment.pk,
                                               "retention": str(payment.retention)})
    return payment
