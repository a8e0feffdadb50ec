"""The township work lists: houses awaiting screening and awaiting appraisal, priority first."""

from datetime import date

import pytest

from anju.appraisal.actions import record_screening
from anju.appraisal.commands import RecordScreening
from anju.appraisal.queries import houses_awaiting_appraisal, houses_awaiting_screening
from anju.conftest import HONGMEI_V1, SHANCHENG, SHANCHENG_V2

pytestmark = pytest.mark.django_db

SERIOUS = [{"kind": "roof_collapse", "level": "serious", "count": 1}]


def test_priority_houses_head_the_awaiting_appraisal_list(cast, make_house):
    plain = make_house()
    school = make_house(division_code=SHANCHENG_V2, priority_tags=["near_school"])
    for house in (plain, school):
        record_screening(house, RecordScreening(checked_on=date(2026, 11, 1), items=SERIOUS),
                         acting_user=cast.shancheng)
    listed = list(houses_awaiting_appraisal(cast.shancheng, division=SHANCHENG))
    assert listed == [school, plain]


def test_the_awaiting_screening_list_holds_unscreened_houses_of_the_scope_only(cast, make_house):
    screened, unscreened = make_house(), make_house()
    make_house(division_code=HONGMEI_V1)
    record_screening(screened, RecordScreening(checked_on=date(2026, 11, 1), items=[]),
                     acting_user=cast.shancheng)
    assert list(houses_awaiting_screening(cast.shancheng)) == [unscreened]
