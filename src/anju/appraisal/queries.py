"""The doors to appraisal records and the township work lists (issue: 排查、鉴定工作清单)."""

from datetime import date, timedelta

from django.db import connections
from django.db.models import Case, DateField, Exists, Max, OuterRef, Subquery, Value, When
from django.utils import timezone

from anju.appraisal.models import Hazard, Inspection, ScreeningItemKind
from anju.divisions.scope import narrowed, within
from anju.policy.rules import profile_for, region_cutoffs
from anju.registry.codes import HouseStatus
from anju.registry.models import House
from anju.registry.queries import houses_for_user


def item_kinds_for_user(user, division: str | None = None):
    """The screening catalogue in force for `division` (default: the user's scope): the national
    kinds and those a region above it added."""
    code = division or user.scope or ""
    kinds = ScreeningItemKind.objects.order_by("position", "code")
    return [{"code": k.code, "level": k.level, "name": k.name} for k in kinds
            if code.startswith(k.region) or k.region.startswith(code)]


def houses_awaiting_screening(user, *, division: str | None = None):
    """Houses never screened, priority houses first (R-CJ-1)."""
    return houses_for_user(user, division=division).filter(screening_result="")


def houses_awaiting_appraisal(user, *, division: str | None = None):
    """Houses screened serious/some and not appraised since: "待鉴定" (grading.md §1)."""
    return houses_for_user(user, division=division).filter(awaiting_appraisal=True)


def hazards_for_house(house):
    return Hazard.objects.filter(house=house).prefetch_related("controls")


# --- R-MH-14 定期巡检 ------------------------------------------------------------------------


def inspections_due(houses, *, scope: str = "", today: date | None = None,
                    cutoffs: list | None = None):
    """R-MH-14 定期巡检: of `houses` (a scoped House queryset inside `scope`), the standing houses
    of certified low-income households with no inspection of any level within the profile's
    interval (never inspected: due now), by village and record. The houses come from
    house_low_income_due_idx in list order (the count reads it whole, a page stops at its
    end); each costs one probe of inspection_latest_idx."""
    today = today or timezone.localdate()
    since = Inspection.objects.filter(house=OuterRef("pk"))
    cutoffs = cutoffs or region_cutoffs(scope, today,
                                        lambda p: p.periodic_inspection_interval_days)
    if len(cutoffs) == 1:
        recent = since.filter(inspected_on__gte=cutoffs[0][1])
    else:
        # Each house is measured against the cutoff of the most specific region it is in.
        cutoff = Case(*[When(within(prefix, "house__division_code"), then=Value(on))
                        for prefix, on in cutoffs[:-1]],
                      default=Value(cutoffs[-1][1]), output_field=DateField())
        recent = since.filter(inspected_on__gte=cutoff)
    # certified_low_income is the household's category, kept by the database (registry
    # migration 0011); filtered as the partial index's own condition.
    return (houses.filter(certified_low_income=True, status=HouseStatus.STANDING)
            .filter(~Exists(recent)).order_by("division_code", "id"))


def with_last_inspection(houses):
    """Annotate `last_inspected_on` (of any level); for the rows of a page."""
    last = (Inspection.objects.filter(house=OuterRef("pk")).order_by("-inspected_on")
            .values("inspected_on")[:1])
    return houses.annotate(last_inspected_on=Subquery(last))


def inspection_due_by_village(houses, *, today: date) -> dict[str, tuple[int, date | None]]:
    """R-MH-14 for whole areas (the statistics): {village: (houses due, the earliest last
    inspection among the houses not due)} over `houses` (an unscoped House queryset).

    One pass, whatever the size: each standing low-income house's last inspection comes from
    one grouped join (house_low_income_due_idx beside inspection_latest_idx), and the village
    figures are a grouped sum over those rows. A house-by-house subquery and a `NOT IN` of the
    due houses (the figures' first form) turn quadratic once the due houses outgrow work_mem:
    a province's rebuild did not finish in 35 minutes (docs/decisions/0055)."""
    cutoffs = region_cutoffs("", today, lambda p: p.periodic_inspection_interval_days)
    cutoff = (Value(cutoffs[0][1], output_field=DateField()) if len(cutoffs) == 1 else
              Case(*[When(within(prefix), then=Value(on)) for prefix, on in cutoffs[:-1]],
                   default=Value(cutoffs[-1][1]), output_field=DateField()))
    per_house = (houses.filter(certified_low_income=True, status=HouseStatus.STANDING)
                 .order_by().values("id", "division_code")
                 .annotate(cutoff=cutoff, last=Max("inspections__inspected_on")))
    inner, params = per_house.query.sql_with_params()
    connection = connections[per_house.db]
    with connection.cursor() as cursor:
        # due: no inspection since the region's cutoff (never inspected: due now)
        cursor.execute(
            "SELECT division_code,"
            " SUM(CASE WHEN last IS NULL OR last < cutoff THEN 1 ELSE 0 END),"
            " MIN(CASE WHEN last >= cutoff THEN last END)"
            f" FROM ({inner}) per_house GROUP BY division_code", params)
        rows = cursor.fetchall()
    field = DateField()
    return {code: (int(due), field.to_python(first)) for code, due, first in rows}


def inspections_due_for_user(user, *, division: str | None = None, today: date | None = None,
                             cutoffs: list | None = None):
    """The township's due list: houses in the user's scope, narrowed to `division`."""
    houses = narrowed(user, House.objects.all(), division)
    return inspections_due(houses, scope=division or user.scope, today=today, cutoffs=cutoffs)


def inspections_due_page(user, *, division: str | None, page: int, page_size: int,
                         today: date | None = None) -> tuple[int, list]:
    """(total, the page's houses with `last_inspected_on`) of the due list; the rows carry the
    API's columns only (no household)."""
    due = DueList(user, division, today, heads=False)
    start = (page - 1) * page_size
    total = due.count()
    return total, (due[start:start + page_size] if start < total else [])


# What a row of the list shows (due_on needs division_code): a page loads these columns, not
# the house's fifty, and the head's name only where the page shows it.
_ROW_FIELDS = ("id", "household_id", "division_code", "address")


class DueList:
    """The due list as a page source (django Paginator): one count, then the slice.
    `heads`: each row's household (its head's name) is loaded too."""

    def __init__(self, user, division: str | None, today: date | None = None, *,
                 heads: bool = True):
        self.user, self.division, self.heads = user, division, heads
        self.today = today or timezone.localdate()
        self._count = None
        self._cutoffs = None

    def _rows(self):
        if self._cutoffs is None:  # read the profiles once for the count and the page
            self._cutoffs = region_cutoffs(self.division or self.user.scope, self.today,
                                           lambda p: p.periodic_inspection_interval_days)
        return inspections_due_for_user(self.user, division=self.division, today=self.today,
                                        cutoffs=self._cutoffs)

    def count(self) -> int:
        if self._count is None:
            self._count = self._rows().count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list:
        rows = with_last_inspection(self._rows())
        if self.heads:
            rows = rows.select_related("household").only(*_ROW_FIELDS, "household__head_name")
        else:
            rows = rows.only(*_ROW_FIELDS)
        return list(rows[key])


def due_on(house, today: date, resolve=None) -> date:
    """When the house fell due: its last inspection plus the interval; never inspected, today.
    `resolve` (policy.rules.profile_resolver) spares a page one lookup per row."""
    if house.last_inspected_on is None:
        return today
    profile = resolve(house.division_code) if resolve else profile_for(house.division_code,
                                                                       today)
    return house.last_inspected_on + timedelta(days=profile.periodic_inspection_interval_days)
