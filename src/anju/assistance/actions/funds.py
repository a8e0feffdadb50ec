"""R-MH-12a 资金拨付 (市级报账制, 专款专用, 封闭运行): the township files a disbursement request
with the city's finance for its accepted, city-checked cases and their acceptance reports;
finance reviews it and transfers the amount to the township's finance office, which pays each
household (or the contractor, holding the retention). Every step is dated and the amounts
reconcile: requested = transferred = paid + retention."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from anju.accounts.access import check
from anju.assistance import commands
from anju.assistance.codes import DocumentKind, FundAction, FundStatus, Status
from anju.assistance.models import Application, DisbursementItem, DisbursementRequest
from anju.assistance.transitions import FUNDS
from anju.divisions.scope import within
from anju.kit.dates import date_errors
from anju.kit.errors import Code, RuleViolation, raise_if, version_conflict
from anju.kit.origin import Origin

TOWNSHIP_LENGTH = 9
LIVE = (FundStatus.REQUESTED, FundStatus.APPROVED, FundStatus.TRANSFERRED, FundStatus.SETTLED)


def batch_of(case: Application) -> DisbursementRequest | None:
    """The request (not returned) that covers the case, if any."""
    item = (case.fund_items.filter(request__status__in=LIVE).select_related("request")
            .order_by("-id").first())
    return item.request if item else None


def _case_problem(case: Application | None, township: str) -> str | None:
    if case is None or not case.division_code.startswith(township):
        return "不是本乡镇的改造案件"
    if case.status not in (Status.ACCEPTED, Status.PAID) or case.accepted_on is None:
        return "尚未竣工验收"
    if case.city_checked_on is None:
        return "竣工验收报告尚未经市危改办审验"
    payable = case.subsidy_amount if case.payable_amount is None else case.payable_amount
    if payable - case.paid_amount <= 0:
        return "补助已拨付完毕"
    return None


def file_disbursement(township: str, cmd: commands.FileDisbursement, *, acting_user,
                      origin: Origin | None = None) -> DisbursementRequest:
    """The township's request to the city's finance, one line per accepted case with the
    amount still payable and its acceptance report. `township` is a 9-digit code the caller
    may act in (the door checks the scope)."""
    check(acting_user, FUNDS.capability_of(FundAction.FILE))
    today = timezone.localdate()
    on = cmd.on or today
    errors = date_errors(on, "on", "申请日期", today)
    if len(township) != TOWNSHIP_LENGTH or not township.isdigit():
        errors.append(RuleViolation(Code.DIVISION_INVALID, "报账申请由乡镇提出，须填写乡镇区划代码",
                                    field="division_code", rule="R-MH-12a"))
        raise_if(errors)
    ids = list(dict.fromkeys(cmd.application_ids))
    cases = {c.pk: c for c in Application.objects.filter(within(township), pk__in=ids)}
    taken = set(DisbursementItem.objects.filter(application_id__in=ids, request__status__in=LIVE)
                .values_list("application_id", flat=True))
    lines = []
    for pk in ids:
        case = cases.get(pk)
        why = _case_problem(case, township)
        if why is None and pk in taken:
            why = "已在其他报账申请中"
        report = None
        if why is None:
            report = (case.documents.filter(kind=DocumentKind.ACCEPTANCE_REPORT)
                      .order_by("-id").first())
            if report is None:
                why = "没有竣工验收报告"
        if why is not None:
            label = case.number if case is not None and case.division_code.startswith(
                township) else f"编号 {pk}"
            errors.append(RuleViolation(Code.DISBURSEMENT_CASE_INVALID, f"案件 {label} {why}，"
                                        "不能列入报账申请", field="application_ids",
                                        rule="R-MH-12a"))
            continue
        payable = case.subsidy_amount if case.payable_amount is None else case.payable_amount
        lines.append((case, payable - case.paid_amount, report))
    raise_if(errors)
    total = sum((amount for _, amount, _ in lines), Decimal("0"))
    with transaction.atomic():
        made = DisbursementRequest(division_code=township, requested_on=on,
                                   requested_amount=total, note=(cmd.note or "").strip()[:500],
                                   created_by=acting_user)
        FUNDS.create(made, FundAction.FILE, acting_user=acting_user, on=on, origin=origin,
                     details={"applications": [c.pk for c, _, _ in lines],
                              "amount": str(total)})
        DisbursementItem.objects.bulk_create(
            DisbursementItem(request=made, application=case, amount=amount, report=report)
            for case, amount, report in lines)
    return made


def _open(request: DisbursementRequest, action: str, *, acting_user, version):
    check(acting_user, FUNDS.capability_of(action))
    if version is not None and version != request.version:
        raise version_conflict()
    if FUNDS.move_for(request.status, action) is None:
        raise FUNDS.refuse(request.status, action)


def review_disbursement(request: DisbursementRequest, cmd: commands.ReviewDisbursement, *,
                        acting_user, origin: Origin | None = None) -> DisbursementRequest:
    """The city's finance reviews the request: approved, or returned with its reason (the
    cases may then be filed again)."""
    _open(request, FundAction.REVIEW, acting_user=acting_user, version=cmd.version)
    on = cmd.on or timezone.localdate()
    comment = (cmd.comment or "").strip()[:500]
    errors = date_errors(on, "on", "审核日期", timezone.localdate(),
                         not_before=request.requested_on, before_label="申请日期")
    if cmd.passed is None:
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "须填写审核结论", field="passed"))
    elif not cmd.passed and not comment:
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "退回时须说明理由", field="comment"))
    raise_if(errors)
    with transaction.atomic():
        FUNDS.apply(request, FundAction.REVIEW, acting_user=acting_user, on=on,
                    failed=not cmd.passed, comment=comment, origin=origin,
                    details={"passed": cmd.passed}, reviewed_on=on, review_comment=comment)
    return request


def transfer_disbursement(request: DisbursementRequest, cmd: commands.TransferDisbursement, *,
                          acting_user, origin: Origin | None = None) -> DisbursementRequest:
    """Finance transfers the requested amount to the township's finance office (专款专用: the
    amount transferred is the amount requested)."""
    _open(request, FundAction.TRANSFER, acting_user=acting_user, version=cmd.version)
    on = cmd.on or timezone.localdate()
    errors = date_errors(on, "on", "拨款日期", timezone.localdate(),
                         not_before=request.reviewed_on, before_label="审核日期")
    voucher = (cmd.voucher or "").strip()[:60]
    if not voucher:
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "须填写拨款凭证号", field="voucher",
                                    rule="R-MH-12a"))
    if cmd.amount != request.requested_amount:
        errors.append(RuleViolation(
            Code.DISBURSEMENT_AMOUNT_MISMATCH, f"拨款金额 {cmd.amount:,.2f} 元与申请金额 "
            f"{request.requested_amount:,.2f} 元不符", field="amount", rule="R-MH-12a"))
    raise_if(errors)
    with transaction.atomic():
        FUNDS.apply(request, FundAction.TRANSFER, acting_user=acting_user, on=on, origin=origin,
                    details={"amount": str(cmd.amount), "voucher": voucher},
                    transferred_on=on, transferred_amount=cmd.amount, transfer_voucher=voucher)
    return request


def settle_if_paid(request: DisbursementRequest, cmd=None, *, acting_user, on=None,
                   origin: Origin | None = None) -> DisbursementRequest:
    """Once the township has paid every case of a transferred request (the contractor's
    retention counted as held), the request is settled. Called by the payment verb."""
    request.refresh_from_db()
    if request.status != FundStatus.TRANSFERRED:
        return request
    spent = reconcile(request)
    if spent["paid"] + spent["retention"] < spent["requested"]:
        return request
    on = on or timezone.localdate()
    FUNDS.apply(request, FundAction.SETTLE, acting_user=acting_user, on=on, origin=origin,
                details={"paid": str(spent["paid"]), "retention": str(spent["retention"])},
                settled_on=on)
    return request


def reconcile(request: DisbursementRequest) -> dict:
    """The request's money: requested, transferred, paid to households or contractors, the
    retention (held and released) and whether requested = transferred = paid + retention."""
    sums = request.payments.aggregate(paid=Sum("amount"), retention=Sum("retention"))
    held = request.payments.filter(retention_released_on__isnull=True).aggregate(
        held=Sum("retention"))["held"]
    zero = Decimal("0")
    paid, retention = sums["paid"] or zero, sums["retention"] or zero
    transferred = request.transferred_amount
    return {"requested": request.requested_amount, "transferred": transferred or zero,
            "paid": paid, "retention": retention, "retention_held": held or zero,
            "balanced": transferred is not None
            and request.requested_amount == transferred == paid + retention}

