"""Control checks at each level (R-CJ-7) and the overdue sweep."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from anju.accounts.access import check
from anju.kit.dates import date_errors
from anju.kit.errors import Code, RuleViolation
from anju.rectification.actions._entry import (
    _interval,
    _move,
    _note,
    _photos,
    _raise_if,
    _refuse_if_blocked,
)
from anju.rectification.codes import UNDER_CONTROL_CHECKS, Action, CheckLevel
from anju.rectification.models import ControlCheck, LedgerEntry, Transition


@transaction.atomic
def record_control_check(entry: LedgerEntry, *, acting_user, data: dict,
                         today: date | None = None) -> ControlCheck:
    """A periodic check that the control measures hold (R-CJ-7); a broken one raises an alert
    and the entry is no longer under control."""
    check(acting_user, "rectification.record")
    today = today or timezone.localdate()
    holds = data.get("holds")
    action = Action.CHECK if holds else Action.CHECK_BROKEN
    _refuse_if_blocked(entry, action)
    errors = []
    if data.get("level") not in CheckLevel.values:
        errors.append(RuleViolation(Code.CHOICE_INVALID,
                                    f"检查方式“{data.get('level')}”不是有效选项",
                                    field="level", rule="R-CJ-7"))
    if not isinstance(holds, bool):
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "请说明管控措施是否有效", field="holds",
                                    rule="R-CJ-7"))
    errors += date_errors(data.get("checked_on"), "checked_on", "检查日期", today)
    _raise_if(errors)
    checked_on = data["checked_on"]
    if checked_on < entry.opened_on:
        raise RuleViolation(Code.CHECK_BEFORE_ENTRY, "检查日期不能早于列入台账的日期",
                            field="checked_on", rule="R-CJ-7")
    photos = _photos(entry, data.get("photo_ids"))
    note = _note(data)
    if not holds and not note:
        raise RuleViolation(Code.FIELD_REQUIRED, "管控失效时应写明情况", field="note",
                            rule="R-CJ-7")
    row = ControlCheck.objects.create(
        entry=entry, division_code=entry.division_code, level=data["level"],
        checked_on=checked_on, holds=holds, note=note, recorded_by=acting_user)
    row.photos.add(*photos)
    _move(entry, action, acting_user=acting_user, on=checked_on, comment=note,
          version=data.get("version"),
          details={"check": row.pk, "level": row.level, "holds": holds},
          broken_alert=not holds, check_overdue=False,
          next_check_due=checked_on + _interval(entry.division_code, checked_on))
    return row


@transaction.atomic
def flag_overdue_checks(today: date | None = None) -> int:
    """The daily sweep (R-CJ-7): entries whose control check is past its date are flagged once
    per lapse, with a transition row. Returns the number flagged."""
    today = today or timezone.localdate()
    due = list(LedgerEntry.objects.filter(status__in=UNDER_CONTROL_CHECKS,
                                          next_check_due__lt=today, check_overdue=False)
               .values_list("pk", "division_code", "status", "next_check_due"))
    for start in range(0, len(due), 2000):
        chunk = due[start:start + 2000]
        LedgerEntry.objects.filter(pk__in=[d[0] for d in chunk]).update(check_overdue=True)
        Transition.objects.bulk_create(
            Transition(entry_id=pk, division_code=code, from_status=status,
                       action=Action.FLAG_OVERDUE, to_status=status, on=today,
                       details={"due": str(due_on)})
            for pk, code, status, due_on in chunk)
    return len(due)


