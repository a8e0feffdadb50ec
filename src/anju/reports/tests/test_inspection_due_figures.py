"""R-MH-14 in the statistics: the villages' "定期巡检到期" figures and the day they stop holding
are counted in one pass over the area (docs/decisions/0055), and equal what the first form —
a last-inspection subquery per house and `NOT IN` the due houses — counted, house for house,
on a county with every edge the rule has."""

from datetime import date, timedelta

import pytest
from django.db.models import Count, Min, Q

from anju.appraisal.queries import inspections_due, with_last_inspection
from anju.appraisal.tests.test_inspections_due import inspected
from anju.conftest import CHANGJI_V1, HONGMEI_V1, SHANCHENG_V1, SHANCHENG_V2
from anju.divisions.scope import within
from anju.policy.models import PolicyProfile
from anju.policy.rules import profile_resolver
from anju.registry.codes import HouseStatus, LowIncomeCategory
from anju.registry.models import House
from anju.reports import rollup

pytestmark = pytest.mark.django_db
TODAY = date.today()


def first_form(where: Q, today: date):
    """The figures as rollup counted them before (kept here as the reference)."""
    houses = House.objects.filter(where)
    rows = (inspections_due(houses, today=today).order_by().values("division_code")
            .annotate(n=Count("id")).values_list("division_code", "n"))
    out = {code: {"inspections_due": n} for code, n in rows}
    due_now = inspections_due(houses, today=today).values("pk")
    resolve = profile_resolver(today)
    next_due = {}
    for code, last in (with_last_inspection(
            houses.filter(status=HouseStatus.STANDING,
                          household__low_income_category__in=LowIncomeCategory.values)
            .exclude(pk__in=due_now)).order_by().values("division_code")
            .annotate(first=Min("last_inspected_on")).values_list("division_code", "first")):
        if last is not None:
            next_due[code] = last + timedelta(days=resolve(code).periodic_inspection_interval_days)
    return out, next_due


@pytest.fixture
def county(cast, make_household, make_house):
    """梅河口市 (a 180-day profile for 红梅镇) and a village of 昌吉 (365 days), with houses
    never inspected, inspected on the cutoff day and the day before, inspected often, inspected
    on a future date, demolished, and not low-income."""
    PolicyProfile.objects.create(division_prefix=HONGMEI_V1[:9], base="meihekou-2021",
                                 name="红梅半年巡检", effective_from=TODAY - timedelta(days=1),
                                 overrides={"periodic_inspection_interval_days": 180})

    def house(village, *days_ago, low_income=True, **fields):
        household = make_household(division_code=village,
                                   low_income_category="dibao" if low_income else "")
        made = make_house(division_code=village, household=household, **fields)
        for days in days_ago:
            inspected(made, days, cast.cadre)
        return made

    for village, interval in ((SHANCHENG_V1, 365), (HONGMEI_V1, 180), (CHANGJI_V1, 365)):
        house(village)  # never inspected: due now
        house(village, interval)  # on the cutoff day: not due yet
        house(village, interval + 1)  # the day before: due
        house(village, interval + 300, 20, 700)  # often, lately too: not due
        house(village, -3)  # a date ahead (a typing slip): not due
        house(village, status="demolished", demolished_on=TODAY)  # gone: not counted
        house(village, 900, low_income=False)  # not low-income: not counted
    house(SHANCHENG_V2, 10, 30)  # a village where nothing is due: holds 355 days
    house(SHANCHENG_V2, 2000, low_income=False)


@pytest.mark.parametrize("area", ["", "22", "220581", "220581101", "652301100001"])
def test_the_one_pass_count_equals_the_house_by_house_count(county, area):
    where = within(area)
    assert rollup._inspection_counts(where, TODAY) == first_form(where, TODAY)


def test_the_villages_figures_and_the_day_they_stop_holding(county):
    """Due: never inspected, or last inspected before the region's interval (365 days; 180 in
    红梅镇); the figures hold until the earliest house not due falls due."""
    figures, holds_until = rollup._inspection_counts(Q(), TODAY)
    assert figures == {SHANCHENG_V1: {"inspections_due": 2}, HONGMEI_V1: {"inspections_due": 2},
                       CHANGJI_V1: {"inspections_due": 2}}
    assert holds_until == {SHANCHENG_V1: TODAY, HONGMEI_V1: TODAY, CHANGJI_V1: TODAY,
                           SHANCHENG_V2: TODAY - timedelta(days=10) + timedelta(days=365)}


def test_a_refresh_batch_counts_only_its_villages(county):
    figures, holds_until = rollup._inspection_counts(Q(division_code__in=[HONGMEI_V1]), TODAY)
    assert figures == {HONGMEI_V1: {"inspections_due": 2}}
    assert set(holds_until) == {HONGMEI_V1}
