"""Acceptance, sign-off (销号, R-CJ-8) and reopening."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from anju.accounts.access import check
from anju.evidence import actions as evidence
from anju.evidence.models import Act as EvidenceAct
from anju.kit.dates import date_errors
from anju.kit.errors import Code, Conflict, RuleViolation, raise_if
from anju.kit.origin import Origin
from anju.rectification.actions._entry import (
    _alert,
    _interval,
    _note,
    _photos,
    _refuse_if_blocked,
    facts_of,
)
from anju.rectification.codes import Action, EntryStatus
from anju.rectification.commands import RecordLedgerAcceptance, ReopenEntry, SignOffEntry
from anju.rectification.models import Acceptance, LedgerEntry
from anju.rectification.transitions import WORKFLOW, open_statuses
from anju.registry.models import House


@transaction.atomic
def record_acceptance(entry: LedgerEntry, cmd: RecordLedgerAcceptance, *, acting_user,
                      origin: Origin | None = None, today: date | None = None) -> Acceptance:
    """验收 (R-CJ-8): after an engineering measure is complete; date, inspectors, result."""
    check(acting_user, "rectification.accept")
    today = today or timezone.localdate()
    passed = cmd.passed
    action = Action.ACCEPT if passed else Action.ACCEPT_FAILED
    facts = facts_of(entry)
    _refuse_if_blocked(entry, action, facts)
    errors = date_errors(cmd.accepted_on, "accepted_on", "验收日期", today)
    inspectors = [name.strip() for name in cmd.inspectors if name.strip()]
    if not inspectors:
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "请填写验收人员", field="inspectors",
                                    rule="R-CJ-8"))
    raise_if(errors)
    accepted_on = cmd.accepted_on
    if accepted_on < facts.last_engineering_on:
        raise RuleViolation(Code.ACCEPTANCE_BEFORE_COMPLETION, "验收日期不能早于工程措施完成日期",
                            field="accepted_on", rule="R-CJ-8")
    # R-CJ-8 on site: no capture, or one with a flag left unaccepted, is refused
    capture = evidence.presence_capture(cmd.evidence_id, house=entry.house,
                                        act=EvidenceAct.RECTIFICATION_ACCEPTANCE,
                                        acting_user=acting_user, on=accepted_on)
    photos = _photos(entry, cmd.photo_ids)
    photos += [p for p in evidence.photos_of(capture) if p not in photos]
    note = _note(cmd.note)
    row = Acceptance.objects.create(
        entry=entry, division_code=entry.division_code, accepted_on=accepted_on,
        passed=passed, inspectors=inspectors, note=note, recorded_by=acting_user)
    row.photos.add(*photos)
    if capture is not None:
        evidence.use_capture(capture, row.pk)
    changes = {"next_check_due": None, "check_overdue": False} if passed else {}
    WORKFLOW.apply(entry, action, acting_user=acting_user, on=accepted_on, comment=note,
                   version=cmd.version, origin=origin,
                   details={"acceptance": row.pk, "passed": passed,
                            "inspectors": len(inspectors)}, **changes)
    return row


@transaction.atomic
def sign_off_rectification(entry: LedgerEntry, cmd: SignOffEntry, *, acting_user,
                           origin: Origin | None = None,
                           today: date | None = None) -> LedgerEntry:
    """销号 (R-CJ-8): refused with `signoff_not_allowed` and the condition not yet met until an
    engineering measure is complete, acceptance has passed and, after a repair, a new A/B
    appraisal exists."""
    check(acting_user, "rectification.sign_off")
    today = today or timezone.localdate()
    facts = facts_of(entry)
    _refuse_if_blocked(entry, Action.SIGN_OFF, facts)
    closed_on = cmd.closed_on
    raise_if(date_errors(closed_on, "closed_on", "销号日期", today))
    if facts.accepted_on and closed_on < facts.accepted_on:
        raise RuleViolation(Code.SIGNOFF_BEFORE_ACCEPTANCE, "销号日期不能早于验收日期",
                            field="closed_on", rule="R-CJ-8")
    WORKFLOW.apply(entry, Action.SIGN_OFF, acting_user=acting_user, on=closed_on,
                   comment=_note(cmd.note), version=cmd.version, origin=origin,
                   closed_on=closed_on, red_alert=False, broken_alert=False,
                   business_alert=False,
                   check_overdue=False, next_check_due=None)
    return entry


@transaction.atomic
def reopen_rectification(entry: LedgerEntry, cmd: ReopenEntry, *, acting_user,
                         origin: Origin | None = None,
                         today: date | None = None) -> LedgerEntry:
    """Undo a sign-off, only with a recorded reason; the house is back on the ledger."""
    check(acting_user, "rectification.sign_off")
    today = today or timezone.localdate()
    _refuse_if_blocked(entry, Action.REOPEN)
    reason = _note(cmd.reason)
    if not reason:
        raise RuleViolation(Code.FIELD_REQUIRED,
                            "撤销销号应写明理由", field="reason", rule="R-CJ-8")
    if LedgerEntry.objects.filter(house_id=entry.house_id, status__in=open_statuses()).exists():
        raise Conflict(Code.HOUSE_ON_LEDGER, "该房屋已有未销号的整治台账", field="house_id",
                       rule="R-CJ-4")
    house = House.objects.get(pk=entry.house_id)
    WORKFLOW.apply(entry, Action.REOPEN, acting_user=acting_user, on=today, comment=reason,
                   version=cmd.version, origin=origin, closed_on=None,
                   red_alert=_alert(house.occupancy, EntryStatus.OPEN),
                   next_check_due=today + _interval(entry.division_code, today))
    return entry
