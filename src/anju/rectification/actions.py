"""The verbs of the rectification ledger. Pages, the API, the field app and commands call these.

Each verb takes `acting_user` by keyword, checks the role (the caller fetched the entry through
queries.get_entry_for_user, so scope is settled), asks transitions.py whether the move is open,
checks its rule, changes the entry with a compare-and-set on version and status, and writes a
Transition row, all in one transaction.
"""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import F, Max, OuterRef, Subquery
from django.utils import timezone

from anju.accounts.access import check
from anju.appraisal.models import Appraisal, ControlOrder
from anju.audit import actions as audit
from anju.audit.models import Action as AuditAction
from anju.errors import Conflict, RuleViolation, ValidationErrors, version_conflict
from anju.policy.rules import profile_for, profile_resolver
from anju.rectification import rules, transitions
from anju.rectification.codes import (
    CONTROL,
    ENGINEERING,
    NOT_CLOSED,
    OCCUPANCY_AFTER,
    UNDER_CONTROL_CHECKS,
    Action,
    CheckLevel,
    EntryStatus,
    MeasureCategory,
    MeasureKind,
)
from anju.rectification.hooks import ledger_changed
from anju.rectification.models import (
    Acceptance,
    ControlCheck,
    LedgerEntry,
    Measure,
    Transition,
)
from anju.registry.codes import BUSINESS_USES, DANGEROUS_GRADES, Occupancy
from anju.registry.models import Attachment, House

NOTE_MAX = 2000


def _raise_if(errors):
    if errors:
        raise ValidationErrors(errors)


def _interval(division_code: str, on: date) -> timedelta:
    return timedelta(days=profile_for(division_code, on).control_check_interval_days)


def _programme(house: House, on: date) -> tuple[str, str]:
    """R-CJ-9: the region's programme for a certified low-income household's house."""
    household = house.household
    category = household.low_income_category if household else ""
    if not category:
        return "", ""
    return profile_for(house.division_code, on).low_income_programme, category


def _alert(occupancy: str, status: str) -> bool:
    # R-CJ-6 住人不危房、危房不住人: occupied and not signed off
    return occupancy == Occupancy.OCCUPIED and status != EntryStatus.CLOSED


def _note(data: dict, field: str = "note") -> str:
    return (data.get(field) or "").strip()[:NOTE_MAX]


def facts_of(entry: LedgerEntry) -> rules.Facts:
    """What the closed-loop rules look at, in three small queries."""
    done = list(entry.measures.filter(kind__in=ENGINEERING, completed_on__isnull=False)
                .values_list("kind", "completed_on"))
    last_done = max((d for _, d in done), default=None)
    accepted_on = (entry.acceptances.filter(passed=True).aggregate(on=Max("accepted_on"))["on"]
                   if entry.status in (EntryStatus.ACCEPTED, EntryStatus.CLOSED) else None)
    reappraisal = None
    if last_done is not None:
        latest = (Appraisal.objects.filter(house_id=entry.house_id, appraised_on__gte=last_done)
                  .order_by("-appraised_on", "-id").values_list("grade", flat=True).first())
        reappraisal = latest
    return rules.Facts(
        engineering_completed=frozenset(k for k, _ in done), last_engineering_on=last_done,
        accepted=entry.status in (EntryStatus.ACCEPTED, EntryStatus.CLOSED),
        accepted_on=accepted_on, reappraisal_grade=reappraisal)


def _refuse_if_blocked(entry: LedgerEntry, action: str, facts: rules.Facts | None = None):
    problem = transitions.refusal(entry.status, action, facts)
    if problem is not None:
        raise problem


def _move(entry: LedgerEntry, action: str, *, acting_user, on: date, comment: str = "",
          details: dict | None = None, version: int | None = None, request=None,
          **changes) -> Transition:
    """Apply one move of transitions.MOVES with a compare-and-set, and record it; a change of
    status is also written to the audit log."""
    move = transitions.move_for(entry.status, action)
    if move is None:  # callers check first; this keeps a race from slipping through
        raise transitions.refusal(entry.status, action)
    if version is not None and version != entry.version:
        raise version_conflict()
    target = move.target or entry.status
    updated = LedgerEntry.objects.filter(pk=entry.pk, version=entry.version,
                                         status=entry.status).update(
        status=target, version=F("version") + 1, updated_at=timezone.now(), **changes)
    if updated != 1:
        raise version_conflict()
    row = Transition.objects.create(
        entry=entry, division_code=entry.division_code, from_status=entry.status,
        action=action, to_status=target, on=on, actor=acting_user, comment=comment,
        details=details or {})
    if target != entry.status:
        audit.record(AuditAction.TRANSITION, actor=acting_user, obj=entry, request=request,
                     details={"action": action, "from": entry.status, "to": target})
    ledger_changed([entry.division_code])
    entry.refresh_from_db()
    return row


def _photos(entry: LedgerEntry, ids) -> list[int]:
    ids = [i for i in (ids or []) if i is not None]
    if not ids:
        return []
    found = set(Attachment.objects.filter(house_id=entry.house_id, pk__in=ids)
                .values_list("pk", flat=True))
    missing = [i for i in ids if i not in found]
    if missing:
        raise RuleViolation("photo_not_found", f"照片 {missing[0]} 不是本房屋的附件",
                            field="photo_ids")
    return ids


def _check_date(value, field: str, label: str, today: date, *, required=True) -> list:
    if value is None:
        return [RuleViolation("field_required", f"{label}不能为空", field=field)] \
            if required else []
    if not isinstance(value, date):
        return [RuleViolation("invalid_value", f"{label}应为日期", field=field)]
    if value > today:
        return [RuleViolation("date_in_future", f"{label}不能晚于今天", field=field)]
    return []


# ---------------------------------------------------------------- entering the ledger


def enter_on_ledger(appraisal: Appraisal, *, acting_user) -> LedgerEntry | None:
    """R-CJ-4: a C/D appraisal puts the house on the ledger (or regrades its open entry); an
    A/B appraisal of a house on the ledger is noted, since sign-off after repair needs it.
    Runs inside record_appraisal's transaction (appraisal.hooks)."""
    house = House.objects.select_related("household").get(pk=appraisal.house_id)
    entry = (LedgerEntry.objects.filter(house=house, status__in=NOT_CLOSED)
             .select_for_update().first())
    on = appraisal.appraised_on
    if appraisal.grade not in DANGEROUS_GRADES:
        if entry is not None:
            _move(entry, Action.REAPPRAISE, acting_user=acting_user, on=on,
                  details={"appraisal": appraisal.pk, "grade": appraisal.grade})
        return entry
    if entry is not None:
        _move(entry, Action.REGRADE, acting_user=acting_user, on=on,
              details={"appraisal": appraisal.pk, "grade": appraisal.grade,
                       "was": entry.grade},
              grade=appraisal.grade, next_check_due=on + _interval(house.division_code, on))
        return entry
    programme, category = _programme(house, on)
    entry = LedgerEntry.objects.create(
        house=house, household=house.household, division_code=house.division_code,
        grade=appraisal.grade, status=EntryStatus.OPEN, opened_on=on, appraised_on=on,
        appraisal=appraisal, hazard=appraisal.hazards.order_by("-id").first(),
        business_sector=house.business_sector if house.use in BUSINESS_USES else "",
        programme=programme, low_income_category=category,
        red_alert=_alert(house.occupancy, EntryStatus.OPEN),
        next_check_due=on + _interval(house.division_code, on))
    # Control measures ordered on the hazard (R-CJ-2) are carried over, still to be done.
    orders = ControlOrder.objects.filter(hazard__house=house, hazard__appraisal=appraisal)
    Measure.objects.bulk_create(
        Measure(entry=entry, division_code=entry.division_code, kind=o.kind,
                category=MeasureCategory.CONTROL, control_order=o, ordered_on=o.ordered_on,
                note=o.note) for o in orders)
    Transition.objects.create(
        entry=entry, division_code=entry.division_code, from_status="", action=Action.ENTER,
        to_status=EntryStatus.OPEN, on=on, actor=acting_user,
        details={"appraisal": appraisal.pk, "grade": appraisal.grade,
                 "planned_controls": [o.kind for o in orders]})
    return entry


def on_appraised(appraisal: Appraisal) -> None:
    enter_on_ledger(appraisal, acting_user=appraisal.recorded_by)


def sync_house_entries(house_id: int) -> None:
    """Keep an entry's derived fields in step with its house (registry.hooks): the red alert
    (R-CJ-6), the business sector (R-CJ-10), the low-income programme (R-CJ-9), and its village
    when the house moves (an open entry is the new village's to close)."""
    entry = (LedgerEntry.objects.filter(house_id=house_id, status__in=NOT_CLOSED)
             .select_related("house__household").first())
    if entry is None:
        return
    house = entry.house
    programme, category = _programme(house, timezone.localdate())
    values = {"red_alert": _alert(house.occupancy, entry.status),
              "business_sector": house.business_sector if house.use in BUSINESS_USES else "",
              "programme": programme or entry.programme,
              "low_income_category": category or entry.low_income_category,
              "household_id": house.household_id, "division_code": house.division_code}
    if any(getattr(entry, k) != v for k, v in values.items()):
        LedgerEntry.objects.filter(pk=entry.pk).update(**values)
    if entry.division_code != house.division_code:
        ledger_changed([entry.division_code, house.division_code])


def backfill_ledger(division: str, *, today: date | None = None) -> int:
    """C/D houses of `division` with no open entry (graded before Anju kept appraisals, or by
    bulk data) go onto the ledger in bulk; idempotent. Returns the number of new entries."""
    from anju.registry.bulk import refresh_statistics

    with transaction.atomic():
        made = _backfill(division, today=today)
        if made:
            ledger_changed([division])
    if made:
        refresh_statistics([LedgerEntry, Transition])  # a bulk load: the planner's numbers
    return made


def _backfill(division: str, *, today: date | None) -> int:
    from anju.divisions.scope import within

    today = today or timezone.localdate()
    resolve = profile_resolver(today)
    taken = LedgerEntry.objects.filter(status__in=NOT_CLOSED).values("house_id")
    latest = Appraisal.objects.filter(house=OuterRef("pk")).order_by("-appraised_on", "-id")
    houses = (House.objects.filter(within(division), grade__in=sorted(DANGEROUS_GRADES))
              .exclude(pk__in=taken)
              .annotate(appraised_on=Subquery(latest.values("appraised_on")[:1]))
              .values_list("pk", "household_id", "division_code", "grade", "use",
                           "business_sector", "occupancy", "household__low_income_category",
                           "appraised_on")
              .order_by("pk"))
    made = 0
    batch = []

    def flush():
        nonlocal made
        created = LedgerEntry.objects.bulk_create(batch, batch_size=2000)
        if created and created[0].pk is None:  # backends that do not return ids
            created = list(LedgerEntry.objects.filter(
                house_id__in=[e.house_id for e in batch], status__in=NOT_CLOSED))
        Transition.objects.bulk_create(
            (Transition(entry_id=e.pk, division_code=e.division_code, from_status="",
                        action=Action.ENTER, to_status=EntryStatus.OPEN, on=today,
                        details={"backfill": True, "grade": e.grade}) for e in created),
            batch_size=2000)
        made += len(batch)
        batch.clear()

    for (pk, household_id, code, grade, use, sector, occupancy, category,
         appraised_on) in houses.iterator(chunk_size=2000):
        profile = resolve(code)
        batch.append(LedgerEntry(
            house_id=pk, household_id=household_id, division_code=code, grade=grade,
            status=EntryStatus.OPEN, opened_on=today, appraised_on=appraised_on,
            business_sector=sector if use in BUSINESS_USES else "",
            programme=profile.low_income_programme if category else "",
            low_income_category=category or "",
            red_alert=_alert(occupancy, EntryStatus.OPEN),
            next_check_due=today + timedelta(days=profile.control_check_interval_days)))
        if len(batch) >= 2000:
            flush()
    if batch:
        flush()
    return made


# ---------------------------------------------------------------- measures


@transaction.atomic
def record_measure(entry: LedgerEntry, *, acting_user, data: dict,
                   today: date | None = None) -> Measure:
    """Record an engineering or control measure (R-CJ-5). A control measure with a completion
    date is in place: the entry is under control; evacuation or sealing empties the house
    through the registry's own verb, which clears the red alert (R-CJ-6)."""
    check(acting_user, "rectification.record")
    today = today or timezone.localdate()
    kind = data.get("kind")
    if kind not in MeasureKind.values:
        raise RuleViolation("choice_invalid", f"整治措施“{kind}”不是有效选项", field="kind",
                            rule="R-CJ-5")
    started, completed = data.get("started_on"), data.get("completed_on")
    control = kind in CONTROL
    if control:
        action = Action.RECORD_CONTROL if completed else Action.PLAN_CONTROL
    else:
        action = Action.RECORD_ENGINEERING
    _refuse_if_blocked(entry, action)
    errors = _check_date(started, "started_on", "开始日期", today, required=not control)
    errors += _check_date(completed, "completed_on", "完成日期", today, required=False)
    _raise_if(errors)
    floor = entry.appraised_on
    for field, value in (("started_on", started), ("completed_on", completed)):
        if floor and value and value < floor:
            raise RuleViolation("measure_before_appraisal",
                                f"措施日期不能早于鉴定日期（{floor:%Y-%m-%d}）", field=field,
                                rule="R-CJ-5")
    if started and completed and completed < started:
        raise RuleViolation("date_order", "完成日期不能早于开始日期", field="completed_on")
    photos = _photos(entry, data.get("photo_ids"))
    note = _note(data)
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
    _move(entry, action, acting_user=acting_user, on=completed or started or today,
          comment=note, version=data.get("version"),
          details={"measure": measure.pk, "kind": kind,
                   "started_on": str(started) if started else None,
                   "completed_on": str(completed) if completed else None}, **changes)
    if completed and kind in OCCUPANCY_AFTER:
        _empty_house(entry, acting_user=acting_user, occupancy=OCCUPANCY_AFTER[kind])
    sync_house_entries(entry.house_id)
    return measure


def _empty_house(entry: LedgerEntry, *, acting_user, occupancy: str) -> None:
    from anju.registry.actions import update_house

    house = House.objects.get(pk=entry.house_id)
    if house.occupancy == occupancy or (occupancy == Occupancy.EVACUATED
                                        and house.occupancy == Occupancy.SEALED):
        return
    update_house(house, acting_user=acting_user, version=house.version,
                 changes={"occupancy": occupancy})


@transaction.atomic
def record_engineering_plan(entry: LedgerEntry, *, acting_user, plan: str,
                            due_on: date | None, version: int | None = None,
                            today: date | None = None) -> LedgerEntry:
    """R-CJ-5: where engineering work must wait, the plan for it (因地制宜制定工作方案)."""
    check(acting_user, "rectification.record")
    today = today or timezone.localdate()
    _refuse_if_blocked(entry, Action.PLAN_ENGINEERING)
    plan = (plan or "").strip()[:NOTE_MAX]
    if not plan:
        raise RuleViolation("field_required", "请写明工程措施计划", field="plan", rule="R-CJ-5")
    if due_on is not None and due_on < today:
        raise RuleViolation("date_in_past", "计划完成日期不能早于今天", field="due_on")
    _move(entry, Action.PLAN_ENGINEERING, acting_user=acting_user, on=today, comment=plan,
          details={"due_on": str(due_on) if due_on else None}, version=version,
          engineering_plan=plan, engineering_due_on=due_on)
    return entry


# ---------------------------------------------------------------- checks


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
        errors.append(RuleViolation("choice_invalid", f"检查方式“{data.get('level')}”不是有效选项",
                                    field="level", rule="R-CJ-7"))
    if not isinstance(holds, bool):
        errors.append(RuleViolation("field_required", "请说明管控措施是否有效", field="holds",
                                    rule="R-CJ-7"))
    errors += _check_date(data.get("checked_on"), "checked_on", "检查日期", today)
    _raise_if(errors)
    checked_on = data["checked_on"]
    if checked_on < entry.opened_on:
        raise RuleViolation("check_before_entry", "检查日期不能早于列入台账的日期",
                            field="checked_on", rule="R-CJ-7")
    photos = _photos(entry, data.get("photo_ids"))
    note = _note(data)
    if not holds and not note:
        raise RuleViolation("field_required", "管控失效时应写明情况", field="note", rule="R-CJ-7")
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


# ---------------------------------------------------------------- acceptance and sign-off


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
    errors = _check_date(data.get("accepted_on"), "accepted_on", "验收日期", today)
    inspectors = [str(i).strip()[:80] for i in (data.get("inspectors") or []) if str(i).strip()]
    if not inspectors:
        errors.append(RuleViolation("field_required", "请填写验收人员", field="inspectors",
                                    rule="R-CJ-8"))
    if not isinstance(passed, bool):
        errors.append(RuleViolation("field_required", "请说明验收是否合格", field="passed",
                                    rule="R-CJ-8"))
    _raise_if(errors)
    accepted_on = data["accepted_on"]
    if accepted_on < facts.last_engineering_on:
        raise RuleViolation("acceptance_before_completion", "验收日期不能早于工程措施完成日期",
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
    _raise_if(_check_date(data.get("closed_on"), "closed_on", "销号日期", today))
    closed_on = data["closed_on"]
    if facts.accepted_on and closed_on < facts.accepted_on:
        raise RuleViolation("signoff_before_acceptance", "销号日期不能早于验收日期",
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
        raise RuleViolation("field_required", "撤销销号应写明理由", field="reason", rule="R-CJ-8")
    if LedgerEntry.objects.filter(house_id=entry.house_id, status__in=NOT_CLOSED).exists():
        raise Conflict("house_on_ledger", "该房屋已有未销号的整治台账", field="house_id",
                       rule="R-CJ-4")
    house = House.objects.get(pk=entry.house_id)
    _move(entry, Action.REOPEN, acting_user=acting_user, on=today, comment=reason,
          version=version, request=request, closed_on=None,
          red_alert=_alert(house.occupancy, EntryStatus.OPEN),
          next_check_due=today + _interval(entry.division_code, today))
    return entry
