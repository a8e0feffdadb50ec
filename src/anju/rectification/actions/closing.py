"""Acceptance, sign-off (销号, R-CJ-8) and reopening."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from anju.accounts.access import check
from anju.kit.dates import date_errors
from anju.kit.errors import Code, Conflict, RuleViolation
from anju.rectification.actions._entry import (
    NOTE_MAX,
    _alert,
    _interval,
    _move,
    _note,
    _photos,
    _raise_if,
    _refuse_if_blocked,
    facts_of,
)
from anju.rectification.codes import NOT_CLOSED, Action, EntryStatus
from anju.rectification.models import Acceptance, LedgerEntry
from anju.registry.models import House


@transaction.atomic
def record_acceptance(entry: LedgerEntry, *, acting_user, data: dict,
                      today: date | None = None) -> Acceptance:
    """验收 (R-CJ-8): after an engineering measure is complete; date, inspectors, result."""
    check(acting_user, "rectification.accept")
    today = today or timezone.localdate()
    passed = data.get("passed")
    action = Action.ACCEPT if passed else Action.ACCEPT_FAILED
    facts = facts_of(entry)
    _refuse_if_blocked(entry, action, facts)
    errors = date_errors(data.get("accepted_on"), "accepted_on", "验收日期", today)
    inspectors = [str(i).strip()[:80] for i in (data.get("inspectors") or []) if str(i).strip()]
    if not inspectors:
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "请填写验收人员", field="inspectors",
                                    rule="R-CJ-8"))
    if not isinstance(passed, bool):
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "请说明验收是否合格", field="passed",
                                    rule="R-CJ-8"))
    _raise_if(errors)
    accepted_on = data["accepted_on"]
    if accepted_on < facts.last_engineering_on:
        raise RuleViolation(Code.ACCEPTANCE_BEFORE_COMPLETION, "验收日期不能早于工程措施完成日期",
                            field="accepted_on", rule="R-CJ-8")
    photos = _photos(entry, data.get("photo_ids"))
    note = _note(data)
    row = Acceptance.objects.create(
        entry=entry, division_code=entry.division_code, accepted_on=accepted_on,
        passed=passed, inspectors=inspectors, note=note, recorded_by=acting_user)
    row.photos.add(*photos)
    changes = {"next_check_due": None, "check_overdue": False} if passed else {}
    _move(entry, action, acting_user=acting_user, on=accepted_on, comment=note,
          version=data.get("version"),
          details={"acceptance": row.pk, "passed": passed, "inspectors": len(inspectors)},
          **changes)
    return row


@transaction.atomic
def sign_off_rectification(entry: LedgerEntry, *, acting_user, data: dict, request=None,
                           today: date | None = None) -> LedgerEntry:
    """销号 (R-CJ-8): refused with `signoff_not_allowed` and the condition not yet met until an
    engineering measure is complete, acceptance has passed and, after a repair, a new A/B
    appraisal exists."""
    check(acting_user, "rectification.sign_off")
    today = today or timezone.localdate()
    facts = facts_of(entry)
    _refuse_if_blocked(entry, Action.SIGN_OFF, facts)
    _raise_if(date_errors(data.get("closed_on"), "closed_on", "销号日期", today))
    closed_on = data["closed_on"]
    if facts.accepted_on and closed_on < facts.accepted_on:
        raise RuleViolation(Code.SIGNOFF_BEFORE_ACCEPTANCE, "销号日期不能早于验收日期",
                            field="closed_on", rule="R-CJ-8")
    _move(entry, Action.SIGN_OFF, acting_user=acting_user, on=closed_on, comment=_note(data),
          version=data.get("version"), request=request, closed_on=closed_on, red_alert=False,
          broken_alert=False, check_overdue=False, next_check_due=None)
    return entry


@transaction.atomic
def reopen_rectification(entry: LedgerEntry, *, acting_user, reason: str, request=None,
                         version: int | None = None,
                         today: date | None = None) -> LedgerEntry:
    """Undo a sign-off, only with a recorded reason; the house is back on the ledger."""
    check(acting_user, "rectification.sign_off")
    today = today or timezone.localdate()
    _refuse_if_blocked(entry, Action.REOPEN)
    reason = (reason or "").strip()[:NOTE_MAX]
    if not reason:
        raise RuleViolation(Code.FIELD_REQUIRED,
                            "撤销销号应写明理由", field="reason", rule="R-CJ-8")
    if LedgerEntry.objects.filter(house_id=entry.house_id, status__in=NOT_CLOSED).exists():
        raise Conflict(Code.HOUSE_ON_LEDGER, "该房屋已有未销号的整治台账", field="house_id",
                       rule="R-CJ-4")
    house = House.objects.get(pk=entry.house_id)
    _move(entry, Action.REOPEN, acting_user=acting_user, on=today, comment=reason,
          version=version, request=request, closed_on=None,
          red_alert=_alert(house.occupancy, EntryStatus.OPEN),
          next_check_due=today + _interval(entry.division_code, today))
    return entry
