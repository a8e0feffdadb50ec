"""What every verb of a case shares: reading its facts, checking the move, filing documents."""

from datetime import date

from django.db.models import Q
from django.utils import timezone

from anju.accounts.access import check
from anju.assistance import rules
from anju.assistance.codes import Account, Stage
from anju.assistance.models import Application, CaseDocument
from anju.assistance.transitions import WORKFLOW, refusal
from anju.kit.errors import Code, RuleViolation, version_conflict
from anju.policy.rules import profile_for
from anju.registry.models import Attachment


def violation(unmet: rules.Unmet) -> RuleViolation:
    return RuleViolation(unmet.code, unmet.message, field=unmet.field, rule=unmet.rule)


def text(value: str | None, most: int) -> str:
    return (value or "").strip()[:most]


def facts_of(case: Application, today: date | None = None) -> rules.Facts:
    """The case's facts for the procedure's conditions, in a few small queries."""
    today = today or timezone.localdate()
    builder_valid = False
    if case.contractor_id:
        builder_valid = case.contractor.valid_until >= today
    elif case.craftsman_id:
        builder_valid = case.craftsman.valid_until >= today
    payments = list(case.payments.values_list("account", flat=True))
    return rules.Facts(
        method=case.method, grade=case.grade, has_house=case.house_id is not None, today=today,
        approvals=dict(case.approvals.values_list("department", "decision")),
        notices=tuple(case.notices.values_list("level", "starts_on", "ends_on")),
        open_objections=case.objections.filter(resolved_on__isnull=True).count(),
        design=bool(case.design_kind), builder_valid=builder_valid,
        agreement=bool(case.agreement_kind),
        stages_passed=frozenset(case.inspections.filter(passed=True)
                                .values_list("stage", flat=True)) & set(Stage.values),
        accepted=case.accepted_on is not None, subsidy_amount=case.subsidy_amount,
        paid_amount=case.paid_amount, old_house_treatment=case.old_house_treatment,
        documents=frozenset(case.documents.values_list("kind", flat=True)),
        account=Account.CASH if Account.CASH in payments else (payments[0] if payments else ""),
        township_built=case.township_built,
        host_grade=case.host_house.grade if case.host_house_id else "",
        host_renovated=case.host_renovated_on is not None,
        publicity_levels=tuple(profile_for(case.division_code, today).publicity_levels or ()),
        city_checked=case.city_checked_on is not None, payable_amount=case.payable_amount)


def open_move(case: Application, action: str, *, acting_user, facts: rules.Facts | None = None,
              version: int | None = None) -> rules.Facts:
    """Check the role, the order and the move's own rule; answer the facts read for it."""
    check(acting_user, WORKFLOW.capability_of(action))
    if version is not None and version != case.version:
        raise version_conflict()
    facts = facts or facts_of(case)
    problem = refusal(case.status, action, facts)
    if problem is not None:
        raise problem
    return facts


def file_documents(case: Application, kind: str, attachments, acting_user) -> None:
    """Put uploaded files on the case's archive (R-MH-13) as `kind`; None is skipped."""
    CaseDocument.objects.bulk_create(
        CaseDocument(application=case, kind=kind, attachment=a, added_by=acting_user)
        for a in attachments if a is not None)


def attachments_of(case: Application, ids, field: str) -> list[Attachment]:
    """Uploaded files named by id must be on the household's (or its house's) file."""
    ids = [i for i in (ids or []) if i is not None]
    if not ids:
        return []
    mine = Q(household_id=case.household_id)
    if case.house_id:
        mine |= Q(house_id=case.house_id)
    found = {a.pk: a for a in Attachment.objects.filter(mine, pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise RuleViolation(Code.ATTACHMENT_NOT_FOUND, f"附件 {missing[0]} 不在该农户的档案中",
                            field=field)
    return [found[i] for i in ids]
