"""The doors of the statistics: a division in the user's scope, its rollup rows and those of
its children, its history, and the short lists of the dashboard. Figures come from the rollup
tables only; the lists are indexed reads of at most a page of rows."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Avg, Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from anju.divisions.models import Division, Level
from anju.divisions.scope import LEVEL_LENGTHS, covers, narrowed, within
from anju.kit.errors import NotFound
from anju.quality.queries import findings_for_user
from anju.rectification.queries import hazard_alerts_for_user, ledger_for_user
from anju.registry.models import House
from anju.reports import applications
from anju.reports.figures import DAILY, NAMES
from anju.reports.models import DivisionStat, DivisionStatDay
from anju.reports.present import mask_name

HISTORY_DAYS = 365
LIST_LENGTH = 20


def child_length(code: str) -> int | None:
    index = LEVEL_LENGTHS.index(len(code))
    return LEVEL_LENGTHS[index + 1] if index + 1 < len(LEVEL_LENGTHS) else None


def get_division_for_report(user, code: str | None) -> Division:
    """The division whose statistics the user asks for: its own scope when `code` is empty;
    a division outside the scope, or above it, answers 404."""
    code = code or getattr(user, "scope", "")
    if (not code or not code.isdigit() or len(code) not in LEVEL_LENGTHS
            or not covers(user.scope, code)):
        raise NotFound("该区划不在您的管辖范围内", field="division")
    division = Division.objects.filter(code=code).first()
    if division is None:
        raise NotFound("区划代码不存在", field="division")
    return division


@dataclass
class Summary:
    division: Division
    figures: dict  # figure name -> count
    children: list[tuple[Division, dict]]
    refreshed_at: object  # datetime of the division row's last refresh, or None
    pending: int  # villages counted before their latest change or deadline


def _values(row: dict | None) -> dict:
    return {n: (row or {}).get(n, 0) for n in NAMES}


def summary(division: Division, *, today: date | None = None) -> Summary:
    """The division's figures and each child division's, from the rollup rows (three small
    indexed reads, whatever the number of houses)."""
    today = today or timezone.localdate()
    code = division.code
    length = child_length(code)
    children = list(Division.objects.filter(parent_id=code).order_by("code")) if length else []
    wanted = Q(code=code)
    if length:
        wanted |= Q(within(code, "code"), level=length)
    rows = {r["code"]: r for r in DivisionStat.objects.filter(wanted)
            .values("code", "refreshed_at", *NAMES)}
    pending = DivisionStat.objects.filter(within(code, "code"), level=Level.VILLAGE).filter(
        Q(dirty=True) | Q(valid_until__lt=today)).count()
    own = rows.get(code)
    return Summary(division=division, figures=_values(own),
                   children=[(c, _values(rows.get(c.code))) for c in children],
                   refreshed_at=own["refreshed_at"] if own else None, pending=pending)


def history(codes: list[str], *, today: date | None = None, days: int = HISTORY_DAYS):
    """The daily snapshots of `codes` over the last `days` days: {code: [(day, {figure})]}."""
    today = today or timezone.localdate()
    out: dict[str, list] = {c: [] for c in codes}
    for row in (DivisionStatDay.objects.filter(code__in=codes,
                                               day__gt=today - timedelta(days=days))
                .order_by("code", "day").values("code", "day", *DAILY)):
        code, day = row.pop("code"), row.pop("day")
        out[code].append((day, row))
    return out


# ---------------------------------------------------------------- the dashboard's lists


def red_alert_list(user, code: str, limit: int = LIST_LENGTH):
    """R-CJ-6: occupied C/D houses not signed off (and R-CJ-8 business found in use), priority
    areas first (R-CJ-1), then the longest on the ledger."""
    return list(ledger_for_user(user, division=code).filter(red_alert=True)
                .select_related("house", "household")
                .order_by("-priority", "opened_on", "id")[:limit])


def hazard_alert_list(user, code: str, limit: int = LIST_LENGTH):
    """R-CJ-2: occupied houses with a major hazard awaiting appraisal, priority areas first."""
    return list(hazard_alerts_for_user(user, division=code)
                .select_related("house", "house__household")[:limit])


def overdue_check_list(user, code: str, *, today: date, limit: int = LIST_LENGTH):
    """R-CJ-7: entries whose control check is past its date, the longest overdue first."""
    return list(ledger_for_user(user, division=code, overdue=True, today=today)
                .select_related("house", "household").order_by("next_check_due", "id")[:limit])


def overdue_finding_list(user, code: str, *, today: date, limit: int = LIST_LENGTH):
    """R-CJ-3: open findings past their deadline, the oldest deadline first."""
    return list(findings_for_user(user, division=code, overdue=True, today=today)
                .select_related("house", "house__household")[:limit])


def overdue_payment_list(user, code: str, *, today: date, limit: int = LIST_LENGTH):
    return applications.overdue_payments_for_user(user, code, today, limit)


# ---------------------------------------------------------------- the map


MAP_LEVELS = (Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE)
MAP_MAX_POINTS = 50_000


def map_points(user, division: Division, *, dangerous_only: bool = False,
               limit: int = MAP_MAX_POINTS) -> dict:
    """The houses of a county, township or village that have coordinates, as compact rows
    [id, lat, lng, grade, red alert (0/1)]; `dangerous_only` keeps the C/D houses."""
    if division.level not in MAP_LEVELS:
        raise NotFound("地图只显示县级、乡镇或村的房屋", field="division")
    houses = narrowed(user, House.objects.standing(), division.code).filter(
        lat__isnull=False, lng__isnull=False)
    if dangerous_only:
        houses = houses.filter(grade__in=("C", "D"))
    alerts = set(ledger_for_user(user, division=division.code).filter(red_alert=True)
                 .order_by().values_list("house_id", flat=True))
    alerts |= set(hazard_alerts_for_user(user, division=division.code).order_by()
                  .values_list("house_id", flat=True))  # R-CJ-2
    rows = list(houses.order_by("division_code", "id")
                .values_list("id", "lat", "lng", "grade")[:limit + 1])
    truncated = len(rows) > limit
    return {
        "fields": ["id", "lat", "lng", "grade", "alert"],
        "points": [[pk, float(lat), float(lng), grade, int(pk in alerts)]
                   for pk, lat, lng, grade in rows[:limit]],
        "dangerous_only": dangerous_only, "truncated": truncated,
    }


def map_places(user, division: Division) -> list[list]:
    """The base layer of a map drawn without tiles: one point per village (per county on a
    prefecture's map) at the centre of its houses that have coordinates, as rows
    [code, name, lat, lng, houses]. Divisions carry no coordinates; their houses do."""
    length = LEVEL_LENGTHS[-1] if division.level in MAP_LEVELS else Level.COUNTY
    houses = narrowed(user, House.objects.standing(), division.code).filter(
        lat__isnull=False, lng__isnull=False)
    centres = list(houses.order_by().annotate(place=Substr("division_code", 1, length))
                   .values("place").annotate(lat=Avg("lat"), lng=Avg("lng"), n=Count("id"))
                   .order_by("place"))
    names = dict(Division.objects.filter(code__in=[c["place"] for c in centres])
                 .values_list("code", "name"))
    return [[c["place"], names.get(c["place"], ""), round(float(c["lat"]), 6),
             round(float(c["lng"]), 6), c["n"]] for c in centres]


def map_house(user, house_id: int) -> dict:
    """What a map's popup says of one house: its address, its village, its grade and its
    head (masked: the map goes up to the prefecture; the house page has the name)."""
    house = (narrowed(user, House.objects.standing(), None).select_related("household")
             .filter(pk=house_id).first())
    if house is None:
        raise NotFound("没有这栋房屋，或不在您的管辖范围内", field="house")
    village = Division.objects.filter(code=house.division_code).values_list(
        "name", flat=True).first() or ""
    head = house.household.head_name if house.household else ""
    return {"id": house.pk, "address": house.address, "village": village,
            "head": mask_name(head) if head else "", "grade": house.grade or "",
            "grade_label": house.get_grade_display() if house.grade else "未鉴定",
            "occupancy": house.get_occupancy_display()}
