from datetime import date
from decimal import Decimal

import pytest

from anju.appraisal.models import Appraisal
from anju.conftest import SHANCHENG_V1
from anju.quality.actions import recheck_house
from anju.quality.models import Finding

# Inside 梅河口市's box (anju.divisions.boxes)
LAT, LNG = Decimal("42.500000"), Decimal("125.700000")
ALL_A = {"foundation": "a", "bearing_wall": "a", "timber_frame": "n/a",
         "timber_truss": "n/a", "concrete_frame": "n/a", "roof": "a"}


@pytest.fixture
def clean_house(make_house, make_household):
    """clean_house(**fields) -> a house of 山城镇 that passes every check, with its household."""

    def make(division_code=SHANCHENG_V1, **fields):
        household = make_household(division_code)
        values = {"household": household, "lat": LAT, "lng": LNG, **fields}
        house = make_house(division_code, **values)
        recheck_house(house.pk)
        return house

    return make


def open_problems(house) -> set[tuple[str, str, str]]:
    """(kind, rule, field) of the house's open findings."""
    return set(Finding.objects.filter(house=house, status="open").values_list(
        "kind", "rule", "field"))


def appraise(house, user, *, on=None, components=None, photos=True, **fields) -> Appraisal:
    """A rural appraisal row as the records hold it (some written before the rules existed)."""
    components = components or dict(ALL_A)
    values = {"method": "rural", "site": "safe", "computed_grade": "A", "grade": "A",
              "prevention": "full", "override_reason": "", **fields}
    rated = [c for c, r in components.items() if r in "abcd"]
    return Appraisal.objects.create(
        house=house, division_code=house.division_code, appraised_on=on or date.today(),
        appraiser="张工", components=components,
        component_photos={c: [1] for c in rated} if photos else {}, recorded_by=user,
        **values)
