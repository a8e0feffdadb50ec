"""The one door to ledger entries: every read goes through these scoped functions."""

from datetime import date, timedelta

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q
from django.utils import timezone

from anju.appraisal.codes import HazardStatus
from anju.appraisal.models import Hazard
from anju.divisions.scope import narrowed, not_found, scoped
from anju.policy.rules import profile_for
from anju.rectification.codes import (
    ENGINEERING,
    SECTOR_DEPARTMENTS,
    EntryStatus,
    MeasureCategory,
)
from anju.rectification.models import LedgerEntry, Measure
from anju.rectification.transitions import checked_statuses, open_statuses
from anju.registry.codes import Occupancy
from anju.registry.queries import house_search_q


def _sector_narrowed(user, queryset):
    # R-CJ-10: a sector regulator sees the business houses of its sectors only.
    sectors = SECTOR_DEPARTMENTS.get(getattr(user, "department", ""))
    if sectors is not None:
        queryset = queryset.filter(business_sector__in=sorted(sectors))
    return queryset


def overdue_q(today: date) -> Q:
    return Q(status__in=checked_statuses(), next_check_due__lt=today)


def control_overdue_q(today: date, days: int) -> Q:
    """R-CJ-2: a control measure ordered more than `days` (profile) ago and not yet carried out,
    on an entry not signed off; derived from the dates whenever it is read."""
    late = Measure.objects.filter(
        entry=OuterRef("pk"), category=MeasureCategory.CONTROL, completed_on__isnull=True,
        ordered_on__lt=today - timedelta(days=days))
    return Q(Exists(late), status__in=open_statuses())


def engineering_overdue_q(today: date) -> Q:
    """R-CJ-5: the work plan's due date for the engineering measure has passed and no
    engineering measure is completed yet."""
    done = Measure.objects.filter(entry=OuterRef("pk"), kind__in=sorted(ENGINEERING),
                                  completed_on__isnull=False)
    return Q(~Exists(done), status__in=open_statuses(), engineering_due_on__lt=today)


def control_order_days(user, division: str | None, today: date) -> int:
    """The profile's days for an ordered control (R-CJ-2) of the division looked at."""
    code = division or getattr(user, "scope", "") or ""
    return profile_for(code, today).control_order_days


def hazard_alerts_for_user(user, *, division: str | None = None):
    """R-CJ-2: occupied houses with a major hazard awaiting its appraisal, not yet on the
    ledger: red alerts from the moment the hazard is recorded. Priority areas first (R-CJ-1),
    then the oldest hazard."""
    on_ledger = LedgerEntry.objects.filter(house_id=OuterRef("house_id"),
                                           status__in=open_statuses())
    hazards = narrowed(user, Hazard.objects.all(), division).filter(
        ~Exists(on_ledger), status=HazardStatus.AWAITING_APPRAISAL,
        house__occupancy=Occupancy.OCCUPIED)
    sectors = SECTOR_DEPARTMENTS.get(getattr(user, "department", ""))
    if sectors is not None:  # R-CJ-10: a sector department sees business houses only
        hazards = hazards.filter(house__business_sector__in=sorted(sectors))
    return hazards.order_by("-house__is_priority", "found_on", "id")


def ledger_for_user(user, *, division: str | None = None, status: str | None = None,
                    grade: str | None = None, house_id: int | None = None,
                    overdue: bool | None = None, alert: bool | None = None,
                    proposed: bool | None = None,
                    priority: bool | None = None, control_overdue: bool | None = None,
                    engineering_overdue: bool | None = None, q: str | None = None,
                    today: date | None = None):
    """Ledger entries in scope: red alerts first, then priority areas (R-CJ-1), then newest;
    `alert` means a red alert (R-CJ-6, R-CJ-8) or a broken control measure (R-CJ-7);
    `overdue` a control check past its date; `proposed` every condition of sign-off holds
    (R-CJ-8a); `control_overdue` an ordered control not carried out in the profile's days
    (R-CJ-2); `engineering_overdue` a work plan past its due date (R-CJ-5); `q` the house
    list's search: an address fragment, the head's name or an ID number."""
    queryset = _sector_narrowed(user, narrowed(user, LedgerEntry.objects.all(), division))
    if status:
        queryset = queryset.filter(status=status)
    if grade:
        queryset = queryset.filter(grade=grade)
    if house_id:
        queryset = queryset.filter(house_id=house_id)
    if q and q.strip():
        queryset = queryset.filter(house_search_q(q, via="house__"))
    today = today or timezone.localdate()
    if overdue is True:
        queryset = queryset.filter(overdue_q(today))
    elif overdue is False:
        queryset = queryset.exclude(overdue_q(today))
    if alert is True:
        queryset = queryset.filter(Q(red_alert=True) | Q(broken_alert=True))
    elif alert is False:
        queryset = queryset.filter(red_alert=False, broken_alert=False)
    if proposed is not None:
        # R-CJ-8a: every condition of sign-off holds; the township is asked to sign off
        queryset = queryset.filter(status=EntryStatus.ACCEPTED,
                                   signoff_proposed_on__isnull=not proposed)
    if priority is not None:
        queryset = queryset.filter(priority=priority)
    if control_overdue is not None:
        late = control_overdue_q(today, control_order_days(user, division, today))
        queryset = queryset.filter(late) if control_overdue else queryset.exclude(late)
    if engineering_overdue is not None:
        late = engineering_overdue_q(today)
        queryset = queryset.filter(late) if engineering_overdue else queryset.exclude(late)
    return queryset.order_by("-red_alert", "-priority", "division_code", "-id")


def get_entry_for_user(user, entry_id: int) -> LedgerEntry:
    entry = _sector_narrowed(user, scoped(user, LedgerEntry.objects.filter(pk=entry_id))) \
        .select_related("house", "household", "appraisal").first()
    if entry is None:
        raise not_found(LedgerEntry, pk=entry_id)
    return entry


def entry_of_case(user, *, house_id: int | None, application_id: int) -> LedgerEntry | None:
    """R-CJ-8a: the ledger entry a renovation case is the engineering measure of: the one its
    facts were recorded on, else its house's open entry; None outside the user's scope."""
    if not house_id:
        return None
    entries = ledger_for_user(user, house_id=house_id)
    told = entries.filter(Q(measures__application_id=application_id)
                          | Q(acceptances__application_id=application_id)).distinct()
    return told.order_by("-id").first() or entries.filter(
        status__in=open_statuses()).first()


def entry_ref_of_case(user, *, house_id: int | None, application_id: int) -> dict | None:
    """The entry of `entry_of_case` as the case's page and API show it."""
    from anju.rectification import rules
    from anju.rectification.actions import facts_of

    entry = entry_of_case(user, house_id=house_id, application_id=application_id)
    if entry is None:
        return None
    # what the entry still waits for (after a repair: the re-appraisal A/B, R-CJ-8)
    unmet = (rules.signoff_unmet(facts_of(entry)) if entry.status == EntryStatus.ACCEPTED
             else None)
    return {"id": entry.pk, "number": entry.number, "status": entry.status,
            "status_label": entry.get_status_display(),
            "signoff_proposed_on": entry.signoff_proposed_on,
            "waiting_for": unmet.message if unmet else None}


def red_alerts_for_user(user, *, division: str | None = None):
    """Occupied C/D houses not signed off (R-CJ-6), and those found in business use (R-CJ-8):
    the red-alert list of the ledger, priority areas first (R-CJ-1). The houses with a major
    hazard not yet appraised are `hazard_alerts_for_user`."""
    return ledger_for_user(user, division=division).filter(red_alert=True)


def counts_by_child(user, parent_code: str, child_width: int, *, today: date | None = None):
    """Per child division of `parent_code`: entries by status, red alerts (with the occupied
    houses whose major hazard awaits appraisal, R-CJ-2), broken measures, overdue checks,
    priority-area entries not signed off (R-CJ-1) and business found in use (R-CJ-8), in two
    grouped queries (dashboards of every level above, R-CJ-6/R-CJ-10)."""
    from django.db.models.functions import Substr

    today = today or timezone.localdate()
    # Grouped by village in the order of the covering index (ledger_counts_idx), then summed
    # per child here: cheaper than grouping the county's rows by a prefix in the database.
    rows = (_sector_narrowed(user, narrowed(user, LedgerEntry.objects.all(), parent_code))
            .order_by().values("division_code")
            .annotate(total=Count("id"),
                      open=Count("id", filter=Q(status=EntryStatus.OPEN)),
                      controlled=Count("id", filter=Q(status=EntryStatus.CONTROLLED)),
                      accepted=Count("id", filter=Q(status=EntryStatus.ACCEPTED)),
                      closed=Count("id", filter=Q(status=EntryStatus.CLOSED)),
                      red_alerts=Count("id", filter=Q(red_alert=True)),
                      broken=Count("id", filter=Q(broken_alert=True)),
                      overdue=Count("id", filter=overdue_q(today)),
                      priority=Count("id", filter=Q(priority=True, status__in=open_statuses())),
                      business_alerts=Count("id", filter=Q(business_alert=True))))
    out: dict[str, dict] = {}
    for row in rows:
        child = row.pop("division_code")[:child_width]
        if (counts := out.get(child)) is None:
            out[child] = row | {"hazard_alerts": 0}
        else:
            for key, n in row.items():
                counts[key] += n
    # R-CJ-2: an occupied house with a major hazard is a red alert before it is on the ledger
    zero = dict.fromkeys(("total", "open", "controlled", "accepted", "closed", "red_alerts",
                          "broken", "overdue", "priority", "business_alerts"), 0)
    for row in (hazard_alerts_for_user(user, division=parent_code).order_by()
                .annotate(child=Substr("division_code", 1, child_width)).values("child")
                .annotate(n=Count("house_id", distinct=True))):
        counts = out.setdefault(row["child"], zero | {"hazard_alerts": 0})
        counts["hazard_alerts"] = row["n"]
        counts["red_alerts"] += row["n"]
    return dict(sorted(out.items()))


def red_alert_counts(user, division: str, *, child_width: int | None = None) -> dict[str, int]:
    """Red alerts per child division of `division` (R-CJ-6)."""
    width = child_width or {2: 4, 4: 6, 6: 9, 9: 12}.get(len(division), 12)
    return {code: row["red_alerts"] for code, row in
            counts_by_child(user, division, width).items()}


def not_closed(queryset):
    return queryset.filter(status__in=open_statuses())


def overdue_measure_counts(user, *, division: str | None = None,
                           today: date | None = None) -> dict[str, int]:
    """R-CJ-2/R-CJ-5: entries with an ordered control not carried out in time, and with an
    engineering plan past its due date, counted from the dates now."""
    today = today or timezone.localdate()
    entries = _sector_narrowed(user, narrowed(user, LedgerEntry.objects.all(), division))
    days = control_order_days(user, division, today)
    return entries.aggregate(
        control_overdue=Count("id", filter=control_overdue_q(today, days)),
        engineering_overdue=Count("id", filter=engineering_overdue_q(today)))


def with_overdue_flags(queryset, user, *, division: str | None = None,
                       today: date | None = None):
    """Each entry marked `control_late` and `engineering_late` (R-CJ-2, R-CJ-5) for a page."""
    today = today or timezone.localdate()
    days = control_order_days(user, division, today)
    return queryset.annotate(
        control_late=ExpressionWrapper(control_overdue_q(today, days), BooleanField()),
        engineering_late=ExpressionWrapper(engineering_overdue_q(today), BooleanField()))


def houses_with_overdue_measures(user, *, division: str | None = None, control: bool = False,
                                 engineering: bool = False, today: date | None = None):
    """The township's work list (R-CJ-2, R-CJ-5): houses whose entry has an ordered control
    not carried out in time (`control`) or an engineering plan past its date (`engineering`);
    priority houses first (R-CJ-1)."""
    from anju.registry.queries import houses_for_user

    entries = ledger_for_user(user, division=division, today=today,
                              control_overdue=True if control else None,
                              engineering_overdue=True if engineering else None)
    return houses_for_user(user, division=division).filter(
        pk__in=entries.order_by().values("house_id"))


def open_entry_ids(house_ids) -> dict[int, int]:
    """The open entry of each of `house_ids` (the caller read the houses through its door)."""
    return dict(LedgerEntry.objects.filter(house_id__in=list(house_ids),
                                           status__in=open_statuses())
                .values_list("house_id", "id"))
