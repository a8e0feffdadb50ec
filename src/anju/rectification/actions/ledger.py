"""Entering the ledger: an appraised C/D house, the listener that keeps an entry in step with
its house, and the bulk backfill."""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from anju.appraisal.models import Appraisal, ControlOrder
from anju.kit import keyset
from anju.kit.events import RecordsChanged, records_changed
from anju.kit.origin import Origin
from anju.policy.rules import profile_resolver
from anju.rectification.actions._entry import _alert, _business_found, _interval, _programme
from anju.rectification.actions.joined import propose_sign_off, record_case_fact
from anju.rectification.codes import Action, EntryStatus, MeasureCategory, MeasureKind
from anju.rectification.models import LedgerEntry, Measure, Transition
from anju.rectification.transitions import WORKFLOW, open_statuses
from anju.registry.codes import BUSINESS_USES, DANGEROUS_GRADES, HouseStatus
from anju.registry.models import House


def enter_on_ledger(appraisal: Appraisal, *, acting_user,
                    origin: Origin | None = None) -> LedgerEntry | None:
    """R-CJ-4: a C/D appraisal puts the house on the ledger (or regrades its open entry); an
    A/B appraisal of a house on the ledger is noted, since sign-off after repair needs it.
    Runs inside record_appraisal's transaction (the "records changed" event)."""
    house = House.objects.select_related("household").get(pk=appraisal.house_id)
    entry = (LedgerEntry.objects.filter(house=house, status__in=open_statuses())
             .select_for_update().first())
    on = appraisal.appraised_on
    if appraisal.grade not in DANGEROUS_GRADES:
        if entry is not None:
            WORKFLOW.apply(entry, Action.REAPPRAISE, acting_user=acting_user, on=on,
                           origin=origin,
                           details={"appraisal": appraisal.pk, "grade": appraisal.grade})
            propose_sign_off(entry, on=on)
        return entry
    if entry is not None:
        WORKFLOW.apply(entry, Action.REGRADE, acting_user=acting_user, on=on, origin=origin,
                       details={"appraisal": appraisal.pk, "grade": appraisal.grade,
                                "was": entry.grade},
                       grade=appraisal.grade,
                       next_check_due=on + _interval(house.division_code, on))
        return entry
    programme, category = _programme(house, on)
    entry = LedgerEntry(
        house=house, household=house.household, division_code=house.division_code,
        grade=appraisal.grade, opened_on=on, appraised_on=on,
        appraisal=appraisal, hazard=appraisal.hazards.order_by("-id").first(),
        business_sector=house.business_sector if house.use in BUSINESS_USES else "",
        programme=programme, low_income_category=category, priority=house.is_priority,
        red_alert=_alert(house.occupancy, EntryStatus.OPEN),
        next_check_due=on + _interval(house.division_code, on))
    # Control measures ordered on the hazard (R-CJ-2) are carried over, still to be done.
    orders = list(ControlOrder.objects.filter(hazard__house=house, hazard__appraisal=appraisal))
    WORKFLOW.create(entry, Action.ENTER, acting_user=acting_user, on=on, origin=origin,
                    details={"appraisal": appraisal.pk, "grade": appraisal.grade,
                             "planned_controls": [o.kind for o in orders]})
    Measure.objects.bulk_create(
        Measure(entry=entry, division_code=entry.division_code, kind=o.kind,
                category=MeasureCategory.CONTROL, control_order=o, ordered_on=o.ordered_on,
                note=o.note) for o in orders)
    return entry


def on_records_changed(change: RecordsChanged) -> None:
    """The ledger follows what changed: an appraised C/D house goes on (R-CJ-4), an entry's
    derived fields follow its house."""
    for appraisal in change.appraisals:
        enter_on_ledger(appraisal, acting_user=appraisal.recorded_by)
    for fact in change.case_facts:
        record_case_fact(fact)
    for house_id in sorted(change.houses):
        sync_house_entries(house_id)


def sync_house_entries(house_id: int) -> None:
    """Keep an entry's derived fields in step with its house ("records changed"): the red alert
    (R-CJ-6), the business sector (R-CJ-10), the low-income programme (R-CJ-9), and its village
    when the house moves (an open entry is the new village's to close)."""
    entry = (LedgerEntry.objects.filter(house_id=house_id, status__in=open_statuses())
             .select_related("house__household").first())
    if entry is None:
        return
    house = entry.house
    programme, category = _programme(house, timezone.localdate())
    business = _business_found(house.pk, entry.opened_on)
    # R-CJ-8/R-CJ-10: a former business house stays in its sector's view until signed off
    sector = (house.business_sector if house.use in BUSINESS_USES else "") \
        or entry.business_sector
    values = {"red_alert": _alert(house.occupancy, entry.status, business, house.status),
              "business_alert": business, "priority": house.is_priority,
              "business_sector": sector,
              "programme": programme or entry.programme,
              "low_income_category": category or entry.low_income_category,
              "household_id": house.household_id, "division_code": house.division_code}
    if any(getattr(entry, k) != v for k, v in values.items()):
        LedgerEntry.objects.filter(pk=entry.pk).update(**values)
    if house.status == HouseStatus.DEMOLISHED:
        _house_demolished(entry, house)
    if entry.division_code != house.division_code:
        records_changed(divisions=[entry.division_code, house.division_code])


def _house_demolished(entry: LedgerEntry, house: House) -> None:
    """R-CJ-8a: a house pulled down (the registry's verb) has its demolition on its entry:
    recorded once, by the case that told it first or here from the register."""
    if not entry.measures.filter(kind=MeasureKind.DEMOLISH, completed_on__isnull=False).exists():
        planned = entry.measures.filter(kind=MeasureKind.DEMOLISH).first()
        measure = planned or Measure(entry=entry, division_code=entry.division_code,
                                     kind=MeasureKind.DEMOLISH,
                                     category=MeasureCategory.ENGINEERING)
        measure.started_on = measure.started_on or house.demolished_on
        measure.completed_on = house.demolished_on
        measure.note = measure.note or house.demolition_note
        measure.save()
        if WORKFLOW.move_for(entry.status, Action.RECORD_ENGINEERING) is not None:
            WORKFLOW.apply(entry, Action.RECORD_ENGINEERING, acting_user=None,
                           on=house.demolished_on,
                           details={"measure": measure.pk, "kind": measure.kind,
                                    "completed_on": str(house.demolished_on)})
    propose_sign_off(entry, on=house.demolished_on)


def backfill_ledger(division: str, *, today: date | None = None) -> int:
    """C/D houses of `division` with no open entry (graded before Anju kept appraisals, or by
    bulk data) go onto the ledger in bulk; idempotent. Returns the number of new entries."""
    from anju.registry.bulk import refresh_statistics

    with transaction.atomic():
        made = _backfill(division, today=today)
        if made:
            records_changed(divisions=[division])
    if made:
        refresh_statistics([LedgerEntry, Transition])  # a bulk load: the planner's numbers
    return made


def _backfill(division: str, *, today: date | None) -> int:
    from anju.divisions.scope import within

    today = today or timezone.localdate()
    resolve = profile_resolver(today)
    open_now = open_statuses()
    taken = LedgerEntry.objects.filter(status__in=open_now).values("house_id")
    latest = Appraisal.objects.filter(house=OuterRef("pk")).order_by("-appraised_on", "-id")
    houses = (House.objects.filter(within(division), grade__in=sorted(DANGEROUS_GRADES))
              .exclude(pk__in=taken)
              .annotate(appraised_on=Subquery(latest.values("appraised_on")[:1]))
              .values_list("pk", "household_id", "division_code", "grade", "use",
                           "business_sector", "occupancy", "household__low_income_category",
                           "appraised_on", "is_priority")
              .order_by("pk"))
    made = 0
    batch = []

    def flush():
        nonlocal made
        created = LedgerEntry.objects.bulk_create(batch, batch_size=2000)
        if created and created[0].pk is None:  # backends that do not return ids
            created = list(LedgerEntry.objects.filter(
                house_id__in=[e.house_id for e in batch], status__in=open_now))
        # The ENTER move in bulk, not through WORKFLOW.create: a county's backfill enters tens
        # of thousands of graded houses at once (no person acts, so no audit row per entry).
        Transition.objects.bulk_create(
            (Transition(entry_id=e.pk, division_code=e.division_code, from_status="",
                        action=Action.ENTER, to_status=EntryStatus.OPEN, on=today,
                        details={"backfill": True, "grade": e.grade}) for e in created),
            batch_size=2000)
        made += len(batch)
        batch.clear()

    for (pk, household_id, code, grade, use, sector, occupancy, category,
         appraised_on, is_priority) in keyset.rows(houses, 2000):
        profile = resolve(code)
        batch.append(LedgerEntry(
            house_id=pk, household_id=household_id, division_code=code, grade=grade,
            status=EntryStatus.OPEN, opened_on=today, appraised_on=appraised_on,
            business_sector=sector if use in BUSINESS_USES else "",
            programme=profile.low_income_programme if category else "",
            low_income_category=category or "", priority=is_priority,
            red_alert=_alert(occupancy, EntryStatus.OPEN),
            next_check_due=today + timedelta(days=profile.control_check_interval_days)))
        if len(batch) >= 2000:
            flush()
    if batch:
        flush()
    return made


