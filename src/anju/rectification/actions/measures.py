"""Measures (R-CJ-5): control measures, emptying the house, the engineering plan."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from anju.accounts.access import check
from anju.kit.dates import date_errors
from anju.kit.errors import Code, RuleViolation, raise_if
from anju.kit.origin import Origin
from anju.rectification.actions._entry import _interval, _note, _photos, _refuse_if_blocked
from anju.rectification.codes import CONTROL, OCCUPANCY_AFTER, Action, MeasureCategory, MeasureKind
from anju.rectification.commands import PlanEngineering, RecordMeasure
from anju.rectification.models import LedgerEntry, Measure
from anju.rectification.transitions import WORKFLOW
from anju.registry.codes import Occupancy
from anju.registry.commands import UpdateHouse
from anju.registry.models import House


@transaction.atomic
def record_measure(entry: LedgerEntry, cmd: RecordMeasure, *, acting_user,
                   origin: Origin | None = None, today: date | None = None) -> Measure:
    """Record an engineering or control measure (R-CJ-5). A control measure with a completion
    date is in place: the entry is under control; evacuation or sealing empties the house
    through the registry's own verb, which clears the red alert (R-CJ-6)."""
    check(acting_user, "rectification.record")
    today = today or timezone.localdate()
    kind = cmd.kind
    if kind not in MeasureKind.values:
        raise RuleViolation(Code.CHOICE_INVALID, f"整治措施“{kind}”不是有效选项", field="kind",
                            rule="R-CJ-5")
    started, completed = cmd.started_on, cmd.completed_on
    control = kind in CONTROL
    if control:
        action = Action.RECORD_CONTROL if completed else Action.PLAN_CONTROL
    else:
        action = Action.RECORD_ENGINEERING
    _refuse_if_blocked(entry, action)
    errors = date_errors(started, "started_on", "开始日期", today, required=not control)
    errors += date_errors(completed, "completed_on", "完成日期", today, required=False)
    raise_if(errors)
    floor = entry.appraised_on
    for field, value in (("started_on", started), ("completed_on", completed)):
        if floor and value and value < floor:
            raise RuleViolation(Code.MEASURE_BEFORE_APPRAISAL,
                                f"措施日期不能早于鉴定日期（{floor:%Y-%m-%d}）", field=field,
                                rule="R-CJ-5")
    if started and completed and completed < started:
        raise RuleViolation(Code.DATE_OUT_OF_ORDER,
                            "完成日期不能早于开始日期", field="completed_on")
    photos = _photos(entry, cmd.photo_ids)
    note = _note(cmd.note)
    planned = entry.measures.filter(kind=kind, started_on__isnull=True,
                                    completed_on__isnull=True).first()
    if planned is not None and (started or completed):
        planned.started_on, planned.completed_on = started, completed
        planned.note = note or planned.note
        planned.recorded_by = acting_user
        planned.save(update_fields=["started_on", "completed_on", "note", "recorded_by"])
        measure = planned
    else:
        measure = Measure.objects.create(
            entry=entry, division_code=entry.division_code, kind=kind,
            category=MeasureCategory.CONTROL if control else MeasureCategory.ENGINEERING,
            ordered_on=today if not (started or completed) else None, started_on=started,
            completed_on=completed, note=note, recorded_by=acting_user)
    measure.photos.add(*photos)
    changes = {}
    if action == Action.RECORD_CONTROL:
        changes = {"broken_alert": False,
                   "next_check_due": completed + _interval(entry.division_code, completed)}
    WORKFLOW.apply(entry, action, acting_user=acting_user, on=completed or started or today,
                   comment=note, version=cmd.version, origin=origin,
                   details={"measure": measure.pk, "kind": kind,
                            "started_on": str(started) if started else None,
                            "completed_on": str(completed) if completed else None}, **changes)
    if completed and kind in OCCUPANCY_AFTER:
        # The registry's verb says the house changed; the ledger's listener then brings the
        # entry's red alert in step (R-CJ-6), once.
        _empty_house(entry, acting_user=acting_user, origin=origin,
                     occupancy=OCCUPANCY_AFTER[kind])
    return measure


def _empty_house(entry: LedgerEntry, *, acting_user, origin: Origin | None,
                 occupancy: str) -> None:
    from anju.registry.actions import update_house

    house = House.objects.get(pk=entry.house_id)
    if house.occupancy == occupancy or (occupancy == Occupancy.EVACUATED
                                        and house.occupancy == Occupancy.SEALED):
        return
    update_house(house, UpdateHouse(version=house.version, occupancy=occupancy),
                 acting_user=acting_user, origin=origin)


@transaction.atomic
def record_engineering_plan(entry: LedgerEntry, cmd: PlanEngineering, *, acting_user,
                            origin: Origin | None = None,
                            today: date | None = None) -> LedgerEntry:
    """R-CJ-5: where engineering work must wait, the plan for it (因地制宜制定工作方案)."""
    check(acting_user, "rectification.record")
    today = today or timezone.localdate()
    _refuse_if_blocked(entry, Action.PLAN_ENGINEERING)
    plan = _note(cmd.plan)
    if not plan:
        raise RuleViolation(Code.FIELD_REQUIRED, "请写明工程措施计划", field="plan", rule="R-CJ-5")
    due_on = cmd.due_on
    raise_if(date_errors(due_on, "due_on", "计划完成日期", today, required=False, plan=True))
    if due_on is not None and due_on < today:
        raise RuleViolation(Code.DATE_IN_PAST, "计划完成日期不能早于今天", field="due_on")
    WORKFLOW.apply(entry, Action.PLAN_ENGINEERING, acting_user=acting_user, on=today,
                   comment=plan, details={"due_on": str(due_on) if due_on else None},
                   version=cmd.version, origin=origin, engineering_plan=plan,
                   engineering_due_on=due_on)
    return entry
