"""The one door to registry records: every read goes through these scoped functions."""

from anju.divisions.scope import narrowed, scoped
from anju.errors import NotFound
from anju.registry.models import House, Household


def households_for_user(user, *, division: str | None = None):
    return narrowed(user, Household.objects.all(), division)


def get_household_for_user(user, household_id: int) -> Household:
    household = scoped(user, Household.objects.filter(pk=household_id)).first()
    if household is None:
        raise NotFound()
    return household


def houses_for_user(user, *, division: str | None = None, grade: str | None = None,
                    occupancy: str | None = None, use: str | None = None,
                    household_id: int | None = None, q: str | None = None):
    """Houses in scope, priority houses first (R-CJ-1), then by village and record."""
    queryset = narrowed(user, House.objects.all(), division)
    if grade:
        queryset = queryset.filter(grade=grade)
    if occupancy:
        queryset = queryset.filter(occupancy=occupancy)
    if use:
        queryset = queryset.filter(use=use)
    if household_id:
        queryset = queryset.filter(household_id=household_id)
    if q:
        queryset = queryset.filter(address__contains=q.strip()) | queryset.filter(
            household__head_name=q.strip())
    return queryset.order_by("-is_priority", "division_code", "id")


def get_house_for_user(user, house_id: int) -> House:
    house = scoped(user, House.objects.filter(pk=house_id)).first()
    if house is None:
        raise NotFound()
    return house
