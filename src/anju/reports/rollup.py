"""Keeping the rollup tables current (docs/decisions/0023).

Village rows are counted from the records (houses, ledger entries, findings, applications)
with one grouped query per table; the rows of townships, counties, prefectures and provinces
are the sums of their children's rows, so a county's summary reads about twenty rows. The
"records changed" listener marks a village dirty inside the changing transaction and enqueues
`refresh_stats` once it commits; the task counts the dirty villages again, sums their ancestors
and writes the day's snapshot of those ancestors.
"""

import os
import secrets
from collections.abc import Iterable
from datetime import date, timedelta
from functools import reduce
from operator import or_

from django.db import transaction
from django.db.models import Case, Count, Exists, Min, OuterRef, Q, Sum, Value, When
from django.db.models.functions import Substr
from django.utils import timezone

from anju.appraisal.codes import HazardStatus
from anju.appraisal.models import Hazard
from anju.appraisal.queries import inspection_due_by_village
from anju.divisions.models import Division, Level
from anju.divisions.scope import LEVEL_LENGTHS, within
from anju.kit.events import RecordsChanged
from anju.policy.rules import profile_resolver
from anju.public.codes import LeadStatus
from anju.public.models import VillagerReport
from anju.quality.models import Finding, FindingStatus
from anju.rectification.codes import (
    NOT_CLOSED,
    UNDER_CONTROL_CHECKS,
    EntryStatus,
    MeasureCategory,
)
from anju.rectification.models import LedgerEntry, Measure
from anju.rectification.queries import engineering_overdue_q, overdue_q
from anju.registry.codes import Occupancy
from anju.registry.models import House
from anju.reports import applications
from anju.reports.figures import DAILY, FIGURES, NAMES
from anju.reports.models import DivisionStat, DivisionStatDay

VILLAGE = Level.VILLAGE
BATCH = 500  # villages counted per transaction of a refresh
MAX_ROUNDS = 200  # a refresh stops after this many batches; the next run goes on

# House figures: (group, the house field it counts, codes that differ from the figure's key)
_HOUSE_GROUPS = {"grades": ("grade", {}),
                 "screening": ("screening_result", {"not_screened": ""}),
                 "occupancy": ("occupancy", {})}
_LEDGER_STATUS = {f"ledger_{s}": s for s in EntryStatus.values}


# ---------------------------------------------------------------- counting villages


def _house_counts(where: Q) -> dict[str, dict]:
    counts = {"houses": Count("id"), "priority_houses": Count("id", filter=Q(is_priority=True))}
    for f in FIGURES:
        if f.group in _HOUSE_GROUPS:
            field, codes = _HOUSE_GROUPS[f.group]
            counts[f.name] = Count("id", filter=Q(**{field: codes.get(f.key, f.key)}))
    # R-CJ-8a: a demolished house leaves the counts (a rebuilt D house is no standing D house)
    rows = (House.objects.standing().filter(where).order_by().values("division_code")
            .annotate(**counts))
    return {row.pop("division_code"): row for row in rows}


def _ledger_counts(where: Q, today: date) -> tuple[dict[str, dict], dict[str, date]]:
    counts = {name: Count("id", filter=Q(status=status))
              for name, status in _LEDGER_STATUS.items()}
    not_closed = Q(status__in=NOT_CLOSED)
    rows = (LedgerEntry.objects.filter(where).order_by().values("division_code").annotate(
        **counts,
        red_alerts=Count("id", filter=Q(red_alert=True)),
        broken_alerts=Count("id", filter=Q(broken_alert=True)),
        business_alerts=Count("id", filter=Q(business_alert=True)),
        overdue_checks=Count("id", filter=overdue_q(today)),
        overdue_engineering=Count("id", filter=engineering_overdue_q(today)),
        priority_ledger=Count("id", filter=Q(not_closed, priority=True)),
        priority_red_alerts=Count("id", filter=Q(red_alert=True, priority=True)),
        next_due=Min("next_check_due", filter=Q(status__in=UNDER_CONTROL_CHECKS,
                                                 next_check_due__gte=today)),
        # R-CJ-5: the figures hold until the first work plan still in time falls due
        plan_due=Min("engineering_due_on", filter=Q(not_closed,
                                                    engineering_due_on__gte=today))))
    out, due = _by_village(rows, also=("plan_due",))
    _count_hazard_alerts(where, out)
    _count_late_controls(where, today, out, due)
    return out, due


def _count_hazard_alerts(where: Q, out: dict[str, dict]) -> None:
    """R-CJ-2: an occupied house with a major hazard awaiting appraisal, not yet on the
    ledger, is a red alert from the moment the hazard is recorded."""
    on_ledger = LedgerEntry.objects.filter(house_id=OuterRef("house_id"), status__in=NOT_CLOSED)
    rows = (Hazard.objects.filter(where, ~Exists(on_ledger),
                                  status=HazardStatus.AWAITING_APPRAISAL,
                                  house__occupancy=Occupancy.OCCUPIED)
            .order_by().values("division_code")
            .annotate(n=Count("house_id", distinct=True),
                      priority=Count("house_id", distinct=True,
                                     filter=Q(house__is_priority=True))))
    for row in rows:
        figures = out.setdefault(row["division_code"], {})
        figures["hazard_alerts"] = row["n"]
        figures["red_alerts"] = figures.get("red_alerts", 0) + row["n"]
        figures["priority_red_alerts"] = figures.get("priority_red_alerts", 0) + row["priority"]


def _count_late_controls(where: Q, today: date, out: dict, due: dict) -> None:
    """R-CJ-2: entries with an ordered control not carried out within the profile's days of
    their village; the figures hold until the next order still in time falls due."""
    resolve = profile_resolver(today)
    rows = (Measure.objects.filter(where, category=MeasureCategory.CONTROL,
                                   completed_on__isnull=True, ordered_on__isnull=False,
                                   entry__status__in=NOT_CLOSED)
            .order_by().values("division_code", "entry_id").annotate(first=Min("ordered_on")))
    for row in rows:
        code = row["division_code"]
        falls_due = row["first"] + timedelta(days=resolve(code).control_order_days)
        if falls_due < today:
            figures = out.setdefault(code, {})
            figures["overdue_controls"] = figures.get("overdue_controls", 0) + 1
        elif code not in due or falls_due < due[code]:
            due[code] = falls_due


def _by_village(rows, also: tuple[str, ...] = ()) -> tuple[dict[str, dict], dict[str, date]]:
    """Counted rows by village, and each village's next due date apart (the earliest of
    `next_due` and the columns named in `also`)."""
    due, out = {}, {}
    for row in rows:
        code = row.pop("division_code")
        dates = [d for d in (row.pop("next_due"), *(row.pop(c) for c in also)) if d is not None]
        if dates:
            due[code] = min(dates)
        out[code] = row
    return out, due


def _deadline_counts(rows, today: date, *, open_name: str,
                     overdue_name: str) -> tuple[dict[str, dict], dict[str, date]]:
    """Open items with a deadline (`due_on`) per village: all of them, those past it, and the
    next deadline still to come."""
    return _by_village(rows.order_by().values("division_code").annotate(**{
        open_name: Count("id"), overdue_name: Count("id", filter=Q(due_on__lt=today))},
        next_due=Min("due_on", filter=Q(due_on__gte=today))))


def _finding_counts(where: Q, today: date) -> tuple[dict[str, dict], dict[str, date]]:
    return _deadline_counts(Finding.objects.filter(where, status=FindingStatus.OPEN), today,
                            open_name="open_findings", overdue_name="overdue_findings")


def _lead_counts(where: Q, today: date) -> tuple[dict[str, dict], dict[str, date]]:
    """R-CJ-7: the villagers' open leads per village, and those past their deadline."""
    return _deadline_counts(VillagerReport.objects.filter(where, status=LeadStatus.OPEN),
                            today, open_name="villager_leads", overdue_name="overdue_leads")


def _inspection_counts(where: Q, today: date) -> tuple[dict[str, dict], dict[str, date]]:
    """R-MH-14: houses due for their periodic inspection per village, and the day the next
    house not yet due falls due (its last inspection plus its region's interval)."""
    resolve = profile_resolver(today)
    out, next_due = {}, {}
    for code, (due, first) in inspection_due_by_village(House.objects.filter(where),
                                                        today=today).items():
        if due:
            out[code] = {"inspections_due": due}
        if first is not None:
            # due once last + interval < today: the count holds through last + interval
            next_due[code] = first + timedelta(days=resolve(code).periodic_inspection_interval_days)
    return out, next_due


def count_villages(where: Q, today: date) -> tuple[dict[str, dict], dict[str, date]]:
    """The figures of every village with records matching `where` (a filter on
    division_code), and for each the last day its overdue figures hold."""
    figures: dict[str, dict] = {}
    valid_until: dict[str, date] = {}
    ledger, ledger_due = _ledger_counts(where, today)
    findings, finding_due = _finding_counts(where, today)
    apps, app_due = applications.counts(where, today)
    inspections, inspection_due = _inspection_counts(where, today)
    leads, lead_due = _lead_counts(where, today)
    for part in (_house_counts(where), ledger, findings, apps, inspections, leads):
        for code, values in part.items():
            figures.setdefault(code, dict.fromkeys(NAMES, 0)).update(values)
    for due in (ledger_due, finding_due, app_due, inspection_due, lead_due):
        for code, day in due.items():
            # Counted today, the figures hold until the first deadline still to come passes.
            if code not in valid_until or day < valid_until[code]:
                valid_until[code] = day
    return figures, valid_until


# ---------------------------------------------------------------- writing rows


def _write(rows: list[DivisionStat], fields: list[str]) -> None:
    DivisionStat.objects.bulk_create(rows, batch_size=1000, update_conflicts=True,
                                     unique_fields=["code"], update_fields=fields)


def _write_villages(codes: Iterable[str], figures: dict, valid_until: dict, now) -> None:
    zero = dict.fromkeys(NAMES, 0)
    _write([DivisionStat(code=code, level=VILLAGE, valid_until=valid_until.get(code),
                         refreshed_at=now, **figures.get(code, zero)) for code in codes],
           [*NAMES, "valid_until", "refreshed_at"])


def _clear_marks(marks: list[tuple[str, int]]) -> None:
    """Clear the dirty marks that were read before counting; a village marked again since
    then keeps its mark (its token changed)."""
    for start in range(0, len(marks), BATCH):
        chunk = marks[start:start + BATCH]
        DivisionStat.objects.filter(
            code__in=[c for c, _ in chunk],
            dirty_token=Case(*(When(code=c, then=Value(t)) for c, t in chunk)),
        ).update(dirty=False)


def _any_within(codes: set[str]) -> Q:
    if len(codes) <= 64:
        return reduce(or_, (within(c, "code") for c in codes))
    return within(os.path.commonprefix(sorted(codes)), "code")


def _roll_up(village_codes: Iterable[str], today: date, now) -> list[str]:
    """Sum the ancestors of `village_codes` level by level from their children's rows, and
    write the day's snapshot of each; returns the ancestors' codes."""
    children = set(village_codes)
    done = []
    levels = LEVEL_LENGTHS[::-1]  # 12, 9, 6, 4, 2
    for child_len, length in zip(levels, levels[1:], strict=False):
        parents = {c[:length] for c in children if len(c) == child_len}
        if not parents:
            break
        rows = (DivisionStat.objects.filter(_any_within(parents), level=child_len).order_by()
                .annotate(parent=Substr("code", 1, length)).values("parent")
                .annotate(**{n: Sum(n) for n in NAMES}, first_due=Min("valid_until")))
        written = []
        for row in rows:
            code = row.pop("parent")
            if code in parents:
                written.append(DivisionStat(code=code, level=length, refreshed_at=now,
                                            valid_until=row.pop("first_due"), **row))
        _write(written, [*NAMES, "valid_until", "refreshed_at"])
        _snapshot(written, today)
        done += [r.code for r in written]
        children = parents
    return done


def _snapshot(rows: list[DivisionStat], today: date) -> None:
    DivisionStatDay.objects.bulk_create(
        [DivisionStatDay(day=today, code=r.code, **{n: getattr(r, n) for n in DAILY})
         for r in rows],
        batch_size=1000, update_conflicts=True, unique_fields=["code", "day"],
        update_fields=list(DAILY))


# ---------------------------------------------------------------- the three entry points


def refresh(*, today: date | None = None) -> int:
    """Count again the villages marked dirty and those whose overdue figures have lapsed, and
    sum their ancestors; one transaction per batch. Returns the number of villages counted."""
    today = today or timezone.localdate()
    counted = 0
    for _ in range(MAX_ROUNDS):
        with transaction.atomic():
            marks = list(DivisionStat.objects.filter(dirty=True, level=VILLAGE)
                         .values_list("code", "dirty_token")[:BATCH])
            lapsed = list(DivisionStat.objects.filter(level=VILLAGE, valid_until__lt=today)
                          .exclude(dirty=True).values_list("code", flat=True)[:BATCH])
            codes = sorted({c for c, _ in marks} | set(lapsed))
            if not codes:
                break
            now = timezone.now()
            figures, valid_until = count_villages(Q(division_code__in=codes), today)
            _write_villages(codes, figures, valid_until, now)
            _clear_marks(marks)
            _roll_up(codes, today, now)
        counted += len(codes)
    return counted


def rebuild(division: str = "", *, today: date | None = None) -> int:
    """Count every village of `division` (all divisions when empty) afresh and sum every
    division above them; returns the number of villages written."""
    today = today or timezone.localdate()
    area = within(division, "code")
    with transaction.atomic():
        marks = list(DivisionStat.objects.filter(area, dirty=True, level=VILLAGE)
                     .values_list("code", "dirty_token"))
        now = timezone.now()
        figures, valid_until = count_villages(within(division), today)
        codes = (set(figures)
                 | set(Division.objects.filter(area, level=VILLAGE)
                       .values_list("code", flat=True))
                 | set(DivisionStat.objects.filter(area, level=VILLAGE)
                       .values_list("code", flat=True)))
        _write_villages(sorted(codes), figures, valid_until, now)
        _clear_marks(marks)
        _roll_up(codes, today, now)
    return len(codes)


def mark_dirty(codes: Iterable[str]) -> None:
    """Mark the villages of `codes` dirty (a shorter code marks every village under it) and
    have `refresh_stats` run once the current transaction commits."""
    codes = {c for c in codes if c}
    villages = {c for c in codes if len(c) == VILLAGE}
    for area in codes - villages:
        for model in (Division, DivisionStat):
            villages |= set(model.objects.filter(within(area, "code"), level=VILLAGE)
                            .values_list("code", flat=True))
    if not villages:
        return
    villages = sorted(villages)
    for start in range(0, len(villages), BATCH):
        # One upsert whatever the rows held before: a new token marks the village again.
        DivisionStat.objects.bulk_create(
            [DivisionStat(code=c, level=VILLAGE, dirty=True,
                          dirty_token=secrets.randbits(62)) for c in villages[start:start + BATCH]],
            update_conflicts=True, unique_fields=["code"],
            update_fields=["dirty", "dirty_token"])
    _refresh_after_commit()


class _RefreshAfterCommit:
    """Enqueues `refresh_stats`; one per transaction, however many changes it made."""

    ran = False

    def __call__(self) -> None:
        from anju.reports.tasks import refresh_stats

        self.ran = True
        refresh_stats.enqueue()


def _refresh_after_commit() -> None:
    pending = getattr(transaction.get_connection(), "run_on_commit", [])
    if not any(isinstance(entry[1], _RefreshAfterCommit) and not entry[1].ran
               for entry in pending):
        transaction.on_commit(_RefreshAfterCommit(), robust=True)


# ---------------------------------------------------------------- hook callbacks


def on_records_changed(change: RecordsChanged) -> None:
    """Count again the villages of the changed houses and the divisions named."""
    codes = set(change.divisions)
    if change.houses:
        codes |= set(House.objects.filter(pk__in=change.houses)
                     .values_list("division_code", flat=True))
    mark_dirty(codes)
