"""The one door to ledger entries: every read goes through these scoped functions."""

from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from anju.divisions.scope import narrowed, not_found, scoped
from anju.rectification.codes import SECTOR_DEPARTMENTS, EntryStatus
from anju.rectification.models import LedgerEntry
from anju.rectification.transitions import checked_statuses, open_statuses


def _sector_narrowed(user, queryset):
    # R-CJ-10: a sector regulator sees the business houses of its sectors only.
    sectors = SECTOR_DEPARTMENTS.get(getattr(user, "department", ""))
    if sectors is not None:
        queryset = queryset.filter(business_sector__in=sorted(sectors))
    return queryset


def overdue_q(today: date) -> Q:
    return Q(status__in=checked_statuses(), next_check_due__lt=today)


def ledger_for_user(user, *, division: str | None = None, status: str | None = None,
                    grade: str | None = None, house_id: int | None = None,
                    overdue: bool | None = None, alert: bool | None = None,
                    proposed: bool | None = None, today: date | None = None):
    """Ledger entries in scope, newest first; `alert` means a red alert (R-CJ-6) or a broken
    control measure (R-CJ-7); `overdue` a control check past its date."""
    queryset = _sector_narrowed(user, narrowed(user, LedgerEntry.objects.all(), division))
    if status:
        queryset = queryset.filter(status=status)
    if grade:
        queryset = queryset.filter(grade=grade)
    if house_id:
        queryset = queryset.filter(house_id=house_id)
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
    return queryset.order_by("-red_alert", "division_code", "-id")


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
    """Occupied C/D houses not signed off (R-CJ-6): the red-alert list."""
    return ledger_for_user(user, division=division).filter(red_alert=True)


def counts_by_child(user, parent_code: str, child_width: int, *, today: date | None = None):
    """Per child division of `parent_code`: entries by status, red alerts, broken measures and
    overdue checks, in one grouped query (dashboards of every level above, R-CJ-6/R-CJ-10)."""
    from django.db.models.functions import Substr

    today = today or timezone.localdate()
    rows = (_sector_narrowed(user, narrowed(user, LedgerEntry.objects.all(), parent_code))
            .annotate(child=Substr("division_code", 1, child_width)).values("child")
            .annotate(total=Count("id"),
                      open=Count("id", filter=Q(status=EntryStatus.OPEN)),
                      controlled=Count("id", filter=Q(status=EntryStatus.CONTROLLED)),
                      accepted=Count("id", filter=Q(status=EntryStatus.ACCEPTED)),
                      closed=Count("id", filter=Q(status=EntryStatus.CLOSED)),
                      red_alerts=Count("id", filter=Q(red_alert=True)),
                      broken=Count("id", filter=Q(broken_alert=True)),
                      overdue=Count("id", filter=overdue_q(today)))
            .order_by("child"))
    return {row.pop("child"): row for row in rows}


def red_alert_counts(user, division: str, *, child_width: int | None = None) -> dict[str, int]:
    """Red alerts per child division of `division` (R-CJ-6)."""
    width = child_width or {2: 4, 4: 6, 6: 9, 9: 12}.get(len(division), 12)
    return {code: row["red_alerts"] for code, row in
            counts_by_child(user, division, width).items()}


def not_closed(queryset):
    return queryset.filter(status__in=open_statuses())
