"""Control checks at each level (R-CJ-7) and the overdue sweep."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from anju.accounts.access import check
from anju.kit.dates import date_errors
from anju.kit.errors import Code, RuleViolation, raise_if
from anju.kit.events import CONTROL_CHECK, HouseChecked, records_changed
from anju.kit.origin import Origin
from anju.rectification.actions._entry import _interval, _note, _photos, _refuse_if_blocked
from anju.rectification.codes import Action, CheckLevel
from anju.rectification.commands import RecordControlCheck
from anju.rectification.models import ControlCheck, LedgerEntry, Transition
from anju.rectification.transitions import WORKFLOW, checked_statuses


@transaction.atomic
def record_control_check(entry: LedgerEntry, cmd: RecordControlCheck, *, acting_user,
                         origin: Origin | None = None,
                         today: date | None = None) -> ControlCheck:
    """A periodic check that the control measures hold (R-CJ-7); a broken one raises an alert
    and the entry is no longer under control."""
    check(acting_user, "rectification.record")
    today = today or timezone.localdate()
    holds = cmd.holds
    action = Action.CHECK if holds else Action.CHECK_BROKEN
    _refuse_if_blocked(entry, action)
    errors = []
    if cmd.level not in CheckLevel.values:
        errors.append(RuleViolation(Code.CHOICE_INVALID, f"检查方式“{cmd.level}”不是有效选项",
                                    field="level", rule="R-CJ-7"))
    errors += date_errors(cmd.checked_on, "checked_on", "检查日期", today)
    raise_if(errors)
    checked_on = cmd.checked_on
    if checked_on < entry.opened_on:
        raise RuleViolation(Code.CHECK_BEFORE_ENTRY, "检查日期不能早于列入台账的日期",
                            field="checked_on", rule="R-CJ-7")
    photos = _photos(entry, cmd.photo_ids)
    note = _note(cmd.note)
    if not holds and not note:
        raise RuleViolation(Code.FIELD_REQUIRED, "管控失效时应写明情况", field="note",
                            rule="R-CJ-7")
    row = ControlCheck.objects.create(
        entry=entry, division_code=entry.division_code, level=cmd.level,
        checked_on=checked_on, holds=holds, note=note, recorded_by=acting_user)
    row.photos.add(*photos)
    WORKFLOW.apply(entry, action, acting_user=acting_user, on=checked_on, comment=note,
                   version=cmd.version, origin=origin,
                   details={"check": row.pk, "level": row.level, "holds": holds},
                   broken_alert=not holds, check_overdue=False,
                   next_check_due=checked_on + _interval(entry.division_code, checked_on))
    # R-CJ-7 村民监督: the leads about this house close on this check, in this transaction
    records_changed(divisions=[entry.division_code], checks=[HouseChecked(
        CONTROL_CHECK, row.pk, entry.house_id, checked_on, row.level, holds=holds,
        actor=acting_user)])
    return row


@transaction.atomic
def flag_overdue_checks(today: date | None = None) -> int:
    """The daily sweep (R-CJ-7): entries whose control check is past its date are flagged once
    per lapse, with a transition row. Returns the number flagged."""
    today = today or timezone.localdate()
    due = list(LedgerEntry.objects.filter(status__in=checked_statuses(),
                                          next_check_due__lt=today, check_overdue=False)
               .values_list("pk", "division_code", "status", "next_check_due"))
    # In bulk, not through WORKFLOW.apply: a county's sweep flags thousands of entries, and
    # the move keeps each status (no compare-and-set to win, no audit row to write).
    for start in range(0, len(due), 2000):
        chunk = due[start:start + 2000]
        LedgerEntry.objects.filter(pk__in=[d[0] for d in chunk]).update(check_overdue=True)
        Transition.objects.bulk_create(
            Transition(entry_id=pk, division_code=code, from_status=status,
                       action=Action.FLAG_OVERDUE, to_status=status, on=today,
                       details={"due": str(due_on)})
            for pk, code, status, due_on in chunk)
    return len(due)


