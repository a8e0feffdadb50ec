"""The house page says where the grade came from, and its appraisal history agrees."""

from datetime import date

import pytest
from django.utils import timezone

from anju.appraisal.models import Screening
from anju.rectification.tests.conftest import appraisal_body, days_ago

pytestmark = pytest.mark.django_db


def _pages(browser, user, house) -> tuple[str, str]:
    client = browser(user)
    top = client.get(f"/registry/houses/{house.pk}/").content.decode()
    panel = client.get(f"/appraisal/houses/{house.pk}/").content.decode()
    return top, panel


def test_a_grade_that_came_with_imported_data_says_so_and_no_appraisal_is_claimed(
        browser, cast, make_house):
    house = make_house(grade="D")
    top, panel = _pages(browser, cast.shancheng, house)
    today = timezone.localdate().strftime("%Y-%m-%d")
    assert f"来自导入（{today}），本系统中无鉴定记录" in top
    assert f"等级来源：来自导入（{today}）" in panel
    assert "尚未鉴定。" not in panel
    assert "当前 D 级随数据导入" in panel


def test_an_appraised_grade_names_its_date_appraiser_and_organisation(api, browser, cast,
                                                                      make_house):
    house = make_house()
    r = api(cast.appraiser1).post(f"/api/v1/houses/{house.pk}/appraisals",
                                  appraisal_body("c", on=30))
    assert r.status_code == 201, r.json()
    top, panel = _pages(browser, cast.shancheng, house)
    source = f"鉴定（{days_ago(30)}，张工 / 梅河口市住建局）"
    assert source in top
    assert f"等级来源：{source}" in panel
    assert "来自导入" not in top + panel


def test_an_unappraised_house_says_not_yet_appraised_with_its_screening(browser, cast,
                                                                       make_house):
    house = make_house()
    Screening.objects.create(house=house, division_code=house.division_code,
                             checked_on=date(2026, 3, 2), level="village", result="serious",
                             recorded_by=cast.shancheng)
    top, panel = _pages(browser, cast.shancheng, house)
    assert "尚未鉴定；排查初判：存在严重安全隐患（2026-03-02）" in top
    assert "尚未鉴定。" in panel
    bare = make_house()
    assert "尚未鉴定，也未排查" in _pages(browser, cast.shancheng, bare)[0]
