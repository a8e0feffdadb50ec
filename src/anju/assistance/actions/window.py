"""The township's window (咨询服务窗口、工程纠纷调解) and the city office's archive review
(R-MH-13 三统一): acts outside a case's workflow, each audited."""

from django.db import transaction
from django.utils import timezone

from anju.accounts.access import check
from anju.assistance import commands, rules
from anju.assistance.codes import Status
from anju.assistance.models import (
    Application,
    ArchiveReview,
    ArchiveReviewItem,
    WindowCase,
)
from anju.audit import actions as audit
from anju.audit.models import Action as AuditAction
from anju.divisions.scope import covers, within
from anju.kit.dates import date_errors
from anju.kit.errors import Code, Conflict, NotFound, RuleViolation, raise_if
from anju.kit.origin import Origin
from anju.registry.models import Household

# R-MH-13: the cases whose archive the city office reviews: paid, waived or closed
ARCHIVED = (Status.PAID, Status.WAIVED, Status.CLOSED)


def record_window_case(household: Household, cmd: commands.RecordWindowCase, *, acting_user,
                       origin: Origin | None = None) -> WindowCase:
    """A consultation or a construction dispute taken at the township's window, against the
    household and, when named, one of its cases."""
    check(acting_user, "assistance.apply")
    today = timezone.localdate()
    on = cmd.received_on or today
    errors = date_errors(on, "received_on", "受理日期", today)
    if not cmd.subject.strip():
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "须填写咨询或纠纷内容",
                                    field="subject"))
    case = None
    if cmd.application_id is not None:
        case = Application.objects.filter(pk=cmd.application_id,
                                          household=household).first()
        if case is None:
            errors.append(RuleViolation(Code.APPLICATION_NOT_OF_HOUSEHOLD, "该改造申请不是本户的",
                                        field="application_id"))
    raise_if(errors)
    with transaction.atomic():
        made = WindowCase.objects.create(
            kind=cmd.kind, household=household, application=case,
            division_code=household.division_code, received_on=on,
            subject=cmd.subject.strip(), parties=cmd.parties.strip(), recorded_by=acting_user)
        audit.record(AuditAction.TRANSITION, actor=acting_user, obj=made, origin=origin,
                     details={"to": "received", "kind": cmd.kind})
    return made


def resolve_window_case(window_case: WindowCase, cmd: commands.ResolveWindowCase, *,
                        acting_user, origin: Origin | None = None) -> WindowCase:
    """The answer given or the dispute settled (调解结果)."""
    check(acting_user, "assistance.apply")
    if window_case.resolved_on is not None:
        raise Conflict(Code.WINDOW_CASE_RESOLVED, "该事项已办结", field="outcome")
    today = timezone.localdate()
    on = cmd.on or today
    errors = date_errors(on, "on", "办结日期", today, not_before=window_case.received_on,
                         before_label="受理日期")
    if not cmd.outcome.strip():
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "须填写答复或调解结果",
                                    field="outcome"))
    raise_if(errors)
    with transaction.atomic():
        updated = WindowCase.objects.filter(pk=window_case.pk, resolved_on__isnull=True).update(
            outcome=cmd.outcome.strip(), resolved_on=on, resolved_by=acting_user)
        if updated != 1:
            raise Conflict(Code.WINDOW_CASE_RESOLVED, "该事项已办结", field="outcome")
        audit.record(AuditAction.TRANSITION, actor=acting_user, obj=window_case, origin=origin,
                     details={"to": "resolved", "kind": window_case.kind})
    window_case.refresh_from_db()
    return window_case


def start_archive_review(cmd: commands.StartArchiveReview, *, acting_user,
                         origin: Origin | None = None) -> ArchiveReview:
    """R-MH-13: the city office draws a random sample of a township's archived cases; the
    draw is seeded by the review's id and date, so it can be drawn again and checked."""
    check(acting_user, "assistance.supervise")
    today = timezone.localdate()
    on = cmd.on or today
    code = cmd.division_code.strip()
    errors = date_errors(on, "on", "审查日期", today)
    if not (code.isdigit() and len(code) == 9):
        errors.append(RuleViolation(Code.DIVISION_INVALID, "应填写 9 位乡镇代码",
                                    field="division_code", rule="R-MH-13"))
    raise_if(errors)
    if not covers(acting_user.scope, code):
        raise NotFound("该区划不在您的管辖范围内", field="division_code")
    cases = list(Application.objects.filter(within(code), status__in=ARCHIVED)
                 .values_list("pk", flat=True))
    if not cases:
        raise RuleViolation(Code.ARCHIVE_SAMPLE_EMPTY,
                            "该乡镇没有已拨付、放弃改造或已结案的档案可供抽查",
                            field="division_code", rule="R-MH-13")
    with transaction.atomic():
        review = ArchiveReview.objects.create(division_code=code, reviewed_on=on,
                                              sample_size=cmd.sample_size,
                                              reviewer=acting_user)
        review.seed = f"{review.pk}:{on.isoformat()}"
        review.save(update_fields=["seed"])
        drawn = rules.archive_sample(cases, cmd.sample_size, review.seed)
        divisions = dict(Application.objects.filter(pk__in=drawn)
                         .values_list("pk", "division_code"))
        ArchiveReviewItem.objects.bulk_create(
            ArchiveReviewItem(review=review, application_id=pk, division_code=divisions[pk])
            for pk in drawn)
        audit.record(AuditAction.TRANSITION, actor=acting_user, obj=review, origin=origin,
                     details={"to": "sampled", "cases": drawn, "seed": review.seed})
    return review


def check_archive_item(item: ArchiveReviewItem, cmd: commands.CheckArchiveItem, *,
                       acting_user, origin: Origin | None = None) -> ArchiveReviewItem:
    """The city office's finding on one sampled file; one not passed goes back to the
    township's queue (审查意见反馈乡镇)."""
    check(acting_user, "assistance.supervise")
    if item.passed is not None:
        raise Conflict(Code.ARCHIVE_ITEM_CHECKED, "该户档案已审查", field="passed",
                       rule="R-MH-13")
    today = timezone.localdate()
    on = cmd.on or today
    errors = date_errors(on, "on", "审查日期", today)
    if cmd.passed is None:
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "须填写审查结论", field="passed"))
    elif not cmd.passed and not cmd.finding.strip():
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "退回整改时须写明审查意见",
                                    field="finding", rule="R-MH-13"))
    raise_if(errors)
    with transaction.atomic():
        ArchiveReviewItem.objects.filter(pk=item.pk).update(
            passed=cmd.passed, finding=cmd.finding.strip(), checked_on=on)
        audit.record(AuditAction.TRANSITION, actor=acting_user, obj=item, origin=origin,
                     details={"to": "passed" if cmd.passed else "returned"})
    item.refresh_from_db()
    return item


def resolve_archive_item(item: ArchiveReviewItem, cmd: commands.ResolveArchiveItem, *,
                         acting_user, origin: Origin | None = None) -> ArchiveReviewItem:
    """The township reports a returned file put right; it leaves the township's queue."""
    check(acting_user, "assistance.review")
    if item.passed is not False or item.resolved_on is not None:
        raise Conflict(Code.ARCHIVE_ITEM_NOT_RETURNED, "该户档案没有待整改的审查意见",
                       field="resolution", rule="R-MH-13")
    today = timezone.localdate()
    on = cmd.on or today
    errors = date_errors(on, "on", "整改日期", today, not_before=item.checked_on,
                         before_label="审查日期")
    if not cmd.resolution.strip():
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "须填写整改情况", field="resolution"))
    raise_if(errors)
    with transaction.atomic():
        ArchiveReviewItem.objects.filter(pk=item.pk).update(
            resolution=cmd.resolution.strip(), resolved_on=on, resolved_by=acting_user)
        audit.record(AuditAction.TRANSITION, actor=acting_user, obj=item, origin=origin,
                     details={"to": "resolved"})
    item.refresh_from_db()
    return item

