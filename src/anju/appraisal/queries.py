"""The doors to appraisal records and the township work lists (issue: 排查、鉴定工作清单)."""

from datetime import date, timedelta

from django.db.models import Case, DateField, Exists, OuterRef, Subquery, Value, When
from django.utils import timezone

from anju.appraisal.models import Hazard, Inspection, ScreeningItemKind
from anju.divisions.scope import narrowed, within
from anju.policy.rules import profile_for, region_cutoffs
from anju.registry.codes import HouseStatus, LowIncomeCategory
from anju.registry.models import House, Household
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
                    walk: bool = False, cutoffs: list | None = None):
    """R-MH-14 定期巡检: of `houses` (a scoped House queryset inside `scope`), the standing houses
    of certified low-income households with no inspection of any level within the profile's
    interval (never inspected: due now), by village and record, each annotated with
    `last_inspected_on`. One statement, two shapes: by default it starts from the certified
    households (their partial index, then house_household_state_idx), which suits the count;
    `walk=True` walks the houses in list order and stops at the page, which suits the first
    pages. Either way each house costs one probe of inspection_latest_idx."""
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
    # Named categories rather than "not empty": each is a range of household_low_income_idx.
    certified = Household.objects.filter(low_income_category__in=LowIncomeCategory.values)
    if walk:
        houses = houses.filter(Exists(certified.filter(pk=OuterRef("household_id"))))
    else:
        houses = houses.filter(household_id__in=(
            certified.filter(within(scope)) if scope else certified).values("pk"))
    return (houses.filter(status=HouseStatus.STANDING).filter(~Exists(recent))
            .order_by("division_code", "id"))


def with_last_inspection(houses):
    """Annotate `last_inspected_on` (of any level); for the rows of a page."""
    last = (Inspection.objects.filter(house=OuterRef("pk")).order_by("-inspected_on")
            .values("inspected_on")[:1])
    return houses.annotate(last_inspected_on=Subquery(last))


def inspections_due_for_user(user, *, division: str | None = None, today: date | None = None,
                             walk: bool = False, cutoffs: list | None = None):
    """The township's due list: houses in the user's scope, narrowed to `division`."""
    houses = narrowed(user, House.objects.all(), division)
    return inspections_due(houses, scope=division or user.scope, today=today, walk=walk,
                           cutoffs=cutoffs)


# Pages up to this offset walk the houses in list order (cheap near the top); deeper ones
# start from the certified households and sort.
_WALK_LIMIT = 2000


def inspections_due_page(user, *, division: str | None, page: int, page_size: int,
                         today: date | None = None) -> tuple[int, list]:
    """(total, the page's houses with `last_inspected_on`) of the due list."""
    due = DueList(user, division, today)
    start = (page - 1) * page_size
    total = due.count()
    return total, (due[start:start + page_size] if start < total else [])


class DueList:
    """The due list as a page source (django Paginator): its count from the households' side,
    its slices walked in list order near the top."""

    def __init__(self, user, division: str | None, today: date | None = None):
        self.user, self.division = user, division
        self.today = today or timezone.localdate()
        self._count = None
        self._cutoffs = None

    def _rows(self, walk: bool):
        if self._cutoffs is None:  # read the profiles once for the count and the page
            self._cutoffs = region_cutoffs(self.division or self.user.scope, self.today,
                                           lambda p: p.periodic_inspection_interval_days)
        return inspections_due_for_user(self.user, division=self.division, today=self.today,
                                        walk=walk, cutoffs=self._cutoffs)

    def count(self) -> int:
        if self._count is None:
            self._count = self._rows(walk=False).count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list:
        start = key.start or 0
        rows = self._rows(walk=start < _WALK_LIMIT)
        return list(with_last_inspection(rows).select_related("household")[key])


def due_on(house, today: date, resolve=None) -> date:
    """When the house fell due: its last inspection plus the interval; never inspected, today.
    `resolve` (policy.rules.profile_resolver) spares a page one lookup per row."""
    if house.last_inspected_on is None:
        return today
    profile = resolve(house.division_code) if resolve else profile_for(house.division_code,
                                                                       today)
    return house.last_inspected_on + timedelta(days=profile.periodic_inspection_interval_days)
