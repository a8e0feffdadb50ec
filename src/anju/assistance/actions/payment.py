"""R-MH-12: finance pays after acceptance, in full, to the household's 一卡通 account."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from anju.assistance.actions._case import (
    attachments_of,
    move,
    open_move,
    raise_if,
    violation,
)
from anju.assistance.codes import Account, Action, DocumentKind, Payee
from anju.assistance.models import Application, CaseDocument, Payment
from anju.assistance.rules import payment_unmet
from anju.kit.dates import date_errors
from anju.kit.errors import Code, Conflict, RuleViolation


def pay(case: Application, *, acting_user, data: dict, request=None) -> Payment:
    """The full approved amount to the 一卡通 account (cash only on the household's recorded
    request); for township-built housing the contractor, with a warranty retention held."""
    facts = open_move(case, Action.PAY, acting_user=acting_user, version=data.get("version"))
    today = timezone.localdate()
    on = data.get("paid_on") or data.get("on")
    errors = date_errors(on, "paid_on", "拨付日期", today, not_before=case.accepted_on,
                         before_label="验收日期")
    amount = data.get("amount")
    account = data.get("account")
    retention = data.get("retention") or Decimal("0")
    voucher = (data.get("voucher") or "").strip()
    if amount is None:
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "拨付金额不能为空", field="amount",
                                    rule="R-MH-12"))
    if account not in Account.values:
        errors.append(RuleViolation(Code.CHOICE_INVALID, "发放方式应为 yikatong（一卡通）或 cash"
                                    "（现金）", field="account", rule="R-MH-12"))
    if not voucher:
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "须填写拨付凭证号", field="voucher",
                                    rule="R-MH-12"))
    if retention and data.get("warranty_until") is None:
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "预留质保金须填写质保期",
                                    field="warranty_until", rule="R-MH-12"))
    # The warranty ends in the future, as a rule.
    errors += date_errors(data.get("warranty_until"), "warranty_until", "质保期", today,
                          required=False, plan=True)
    cash_request = attachments_of(case, [data.get("cash_request_id")], "cash_request_id")
    receipt = attachments_of(case, [data.get("receipt_id")], "receipt_id")
    voucher_scan = attachments_of(case, [data.get("voucher_id")], "voucher_id")
    if amount is not None and account in Account.values:
        unmet = payment_unmet(
            facts, amount=amount, retention=retention, account=account,
            has_account=bool(case.household.bank_account),
            cash_requested=bool(cash_request) or case.documents.filter(
                kind=DocumentKind.CASH_REQUEST).exists())
        if unmet:
            errors.append(violation(unmet))
    raise_if(errors)
    with transaction.atomic():
        made = Payment.objects.create(
            application=case, division_code=case.division_code, amount=amount, paid_on=on,
            payee=Payee.CONTRACTOR if case.township_built else Payee.HOUSEHOLD,
            account=account, voucher=voucher[:60], retention=retention,
            warranty_until=data.get("warranty_until"), paid_by=acting_user)
        for kind, files in ((DocumentKind.CASH_REQUEST, cash_request),
                            (DocumentKind.RECEIPT, receipt),
                            (DocumentKind.VOUCHER, voucher_scan)):
            CaseDocument.objects.bulk_create(
                CaseDocument(application=case, kind=kind, attachment=a, added_by=acting_user)
                for a in files)
        move(case, Action.PAY, acting_user=acting_user, on=on, request=request,
             details={"payment": made.pk, "amount": str(amount), "account": account,
                      "retention": str(retention)},
             paid_amount=F("paid_amount") + amount + retention, paid_on=on,
             payment_overdue=False, payment_due_soon=False)
    return made


def release_retention(case: Application, *, acting_user, data: dict, request=None) -> Payment:
    """The warranty retention (质保金) goes to the contractor once the warranty has ended."""
    open_move(case, Action.RELEASE_RETENTION, acting_user=acting_user)
    payment = case.payments.filter(retention__gt=0, retention_released_on__isnull=True).first()
    if payment is None:
        raise Conflict(Code.NO_RETENTION, "该项目没有待返还的质保金", field="retention",
                       rule="R-MH-12")
    on: date = data.get("on") or timezone.localdate()
    raise_if(date_errors(on, "on", "返还日期", timezone.localdate()))
    if payment.warranty_until and on < payment.warranty_until:
        raise RuleViolation(Code.WARRANTY_RUNNING, f"质保期至 {payment.warranty_until:%Y-%m-%d}，"
                            "期满后方可返还质保金", field="on", rule="R-MH-12")
    with transaction.atomic():
        payment.retention_released_on = on
        payment.save(update_fields=["retention_released_on"])
        move(case, Action.RELEASE_RETENTION, acting_user=acting_user, on=on, request=request,
             details={"payment": payment.pk, "retention": str(payment.retention)})
    return payment
