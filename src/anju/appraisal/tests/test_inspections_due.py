"""R-MH-14 定期巡检: "low-income households' houses are inspected on a profile interval (default
365 days, from the last inspection of any level); the township has the due list (page, API,
export, count on its home and dashboards), an inspection clears it, and a house found
dangerous is marked, enters the ledger and is offered the procedure." """

import csv
import io
from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.utils import timezone
from python_calamine import CalamineWorkbook

from anju.appraisal.models import Inspection
from anju.appraisal.tests.conftest import appraisal_body, components
from anju.conftest import CHANGJI_V1, HONGMEI_V1, SHANCHENG_V2
from anju.policy.models import PolicyProfile

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def inspected(house, days_ago, user, level="village"):
    return Inspection.objects.create(house=house, division_code=house.division_code,
                                     level=level, inspected_on=TODAY - timedelta(days=days_ago),
                                     inspector="巡查员", recorded_by=user)


def due_ids(api, user, division=None) -> list[int]:
    url = "/api/v1/inspections/due?page_size=200" + (f"&division={division}" if division else "")
    response = api(user).get(url)
    assert response.status_code == 200, response.content
    return [item["house_id"] for item in response.json()["items"]]


@pytest.fixture
def low_income(make_household, make_house):
    def make(division_code=None, **house_fields):
        kwargs = {"division_code": division_code} if division_code else {}
        household = make_household(low_income_category="dibao", **kwargs)
        return make_house(household=household, grade="B", **kwargs, **house_fields)
    return make


def test_low_income_houses_not_inspected_within_the_interval_are_due(api, cast, low_income,
                                                                      make_house,
                                                                      make_household):
    """定期巡检: certified households' standing houses, last inspected more than the profile's
    365 days ago or never, are on the township's list; others are not."""
    never = low_income()
    stale = low_income()
    inspected(stale, 400, cast.cadre)
    fresh = low_income()
    inspected(fresh, 30, cast.cadre)
    inspected(fresh, 500, cast.cadre)
    ordinary = make_house(household=make_household(), grade="B")  # not low-income
    demolished = low_income(status="demolished", demolished_on=TODAY)
    response = api(cast.shancheng).get("/api/v1/inspections/due")
    body = response.json()
    assert body["total"] == 2
    items = {i["house_id"]: i for i in body["items"]}
    assert set(items) == {never.pk, stale.pk}
    assert ordinary.pk not in items and fresh.pk not in items and demolished.pk not in items
    assert items[never.pk]["last_inspected_on"] is None
    assert items[never.pk]["due_on"] == TODAY.isoformat()  # never inspected: due now
    assert items[stale.pk]["last_inspected_on"] == (TODAY - timedelta(days=400)).isoformat()
    assert items[stale.pk]["due_on"] == (TODAY - timedelta(days=35)).isoformat()
    assert items[stale.pk]["household_id"] == stale.household_id
    assert items[stale.pk]["division_code"] == stale.division_code


def test_an_inspection_of_any_level_clears_the_house_from_the_list(api, cast, low_income):
    """"from the last inspection of any level": a villager's own check counts too."""
    house = low_income()
    assert due_ids(api, cast.shancheng) == [house.pk]
    response = api(cast.cadre).post(f"/api/v1/houses/{house.pk}/inspections", {
        "level": "household_self", "inspected_on": TODAY.isoformat(), "findings": "无异常"})
    assert response.status_code == 201
    assert due_ids(api, cast.shancheng) == []


def test_the_interval_is_the_profile_of_the_region(api, cast, low_income):
    """A region's profile may set its own interval; each house takes its own region's."""
    here = low_income()
    inspected(here, 200, cast.cadre)
    there = low_income(CHANGJI_V1)
    inspected(there, 200, cast.cadre)
    PolicyProfile.objects.create(division_prefix="220581", base="meihekou-2021",
                                 name="梅河口半年巡检", effective_from=TODAY - timedelta(days=1),
                                 overrides={"periodic_inspection_interval_days": 180})
    assert due_ids(api, cast.shancheng) == [here.pk]
    assert due_ids(api, cast.changji) == []


def test_the_list_is_scoped_and_narrowed_by_division(api, cast, low_income):
    mine = low_income()
    other_village = low_income(SHANCHENG_V2)
    other_township = low_income(HONGMEI_V1)
    assert set(due_ids(api, cast.shancheng)) == {mine.pk, other_village.pk}
    assert due_ids(api, cast.shancheng, division=SHANCHENG_V2) == [other_village.pk]
    assert set(due_ids(api, cast.mhk_housing)) == {mine.pk, other_village.pk,
                                                   other_township.pk}
    response = api(cast.shancheng).get("/api/v1/inspections/due?division=220581101")
    assert response.status_code == 404


def test_the_list_pages_like_every_list(api, cast, low_income):
    houses = [low_income() for _ in range(5)]
    page = api(cast.shancheng).get("/api/v1/inspections/due?page=2&page_size=2").json()
    assert page["total"] == 5 and page["page"] == 2 and page["page_size"] == 2
    assert [i["house_id"] for i in page["items"]] == [h.pk for h in houses[2:4]]
    past = api(cast.shancheng).get("/api/v1/inspections/due?page=9&page_size=2").json()
    assert past["items"] == [] and past["total"] == 5


def test_the_township_has_the_page_the_export_and_the_count_on_its_home(api, cast, browser,
                                                                        low_income):
    house = low_income()
    inspected(house, 366, cast.cadre)
    clerk = browser(cast.shancheng)
    page = clerk.get("/appraisal/inspections/due/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "定期巡检到期清单" in text and house.address in text
    home = clerk.get("/").content.decode()
    assert 'data-figure="inspections_due"' in home and "定期巡检到期" in home
    csv_file = api(cast.shancheng).get("/api/v1/inspections/due.csv")
    assert csv_file.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(csv_file.streaming_content)
                                       .decode("utf-8-sig"))))
    assert rows[0][:4] == ["房屋编号", "所在村代码", "所在村", "地址"]
    assert rows[1][0] == str(house.pk) and rows[1][6] == (TODAY - timedelta(days=366)).isoformat()
    assert unquote(csv_file["Content-Disposition"].split("''")[1]) == (
        f"定期巡检到期清单-梅河口市山城镇-220581100-{TODAY:%Y%m%d}.csv")
    xlsx = api(cast.shancheng).get("/api/v1/inspections/due.xlsx")
    assert xlsx.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(xlsx.streaming_content)))
    assert book.sheet_names == ["定期巡检到期清单", "说明"]
    note = dict(map(tuple, book.get_sheet_by_name("说明").to_python()[1:]))
    assert (note["区划"], note["导出日期"]) == ("梅河口市山城镇", f"{TODAY:%Y-%m-%d}")


def test_a_house_found_dangerous_is_marked_enters_the_ledger_and_is_offered_the_procedure(
        api, cast, browser, low_income):
    """"a house found dangerous is marked, enters the ledger and is offered the procedure":
    the inspection records 疑似危房, the house awaits appraisal; graded D it is on the ledger
    and its page and ledger entry offer 住房安全保障 to the certified household."""
    from anju.rectification.models import LedgerEntry

    house = low_income()
    refused = api(cast.cadre).post(f"/api/v1/houses/{house.pk}/inspections", {
        "level": "village", "inspected_on": TODAY.isoformat(), "suspected_dangerous": True})
    assert refused.status_code == 422 and refused.json()["error"]["rule"] == "R-MH-14"
    response = api(cast.cadre).post(f"/api/v1/houses/{house.pk}/inspections", {
        "level": "village", "inspected_on": TODAY.isoformat(), "suspected_dangerous": True,
        "findings": "后墙严重开裂，疑似危房"})
    assert response.status_code == 201 and response.json()["suspected_dangerous"] is True
    house.refresh_from_db()
    assert house.awaiting_appraisal is True  # marked: on the township's 待鉴定 list
    assert due_ids(api, cast.shancheng) == []  # and inspected
    response = api(cast.appraiser1).post(
        f"/api/v1/houses/{house.pk}/appraisals",
        appraisal_body(appraised_on=TODAY.isoformat(),
                       components=components("a", bearing_wall="d", foundation="d")))
    assert response.status_code == 201, response.content
    house.refresh_from_db()
    assert house.grade == "D" and house.awaiting_appraisal is False
    entry = LedgerEntry.objects.get(house=house)
    clerk = browser(cast.shancheng)
    assert "可申请住房安全保障" in clerk.get(f"/registry/houses/{house.pk}/").content.decode()
    assert "可申请住房安全保障" in clerk.get(
        f"/rectification/{entry.pk}/").content.decode()


def test_no_offer_for_a_household_not_certified(cast, browser, make_house, make_household):
    house = make_house(household=make_household(), grade="D")
    page = browser(cast.shancheng).get(f"/registry/houses/{house.pk}/").content.decode()
    assert "可申请住房安全保障" not in page


def test_the_statistics_count_houses_due_at_every_level(api, cast, browser, low_income):
    """"count on ... dashboards": GET /stats/summary carries inspections_due for the county
    and each township; the dashboard shows it."""
    from anju.reports import rollup

    low_income()
    inspected(low_income(HONGMEI_V1), 366, cast.cadre)
    inspected(low_income(), 10, cast.cadre)
    rollup.rebuild("220581")
    summary = api(cast.mhk_housing).get("/api/v1/stats/summary?division=220581").json()
    assert summary["inspections_due"] == 2
    by_code = {c["code"]: c["inspections_due"] for c in summary["children"]}
    assert by_code["220581100"] == 1 and by_code["220581101"] == 1
    page = browser(cast.mhk_housing).get("/reports/?division=220581").content.decode()
    assert 'data-figure="inspections_due"' in page


def test_a_household_certified_later_puts_its_houses_on_the_list_and_lifted_takes_them_off(
        api, cast, make_house, make_household):
    """"low-income households' houses": certified is the household's category as it stands
    now, however it was written (a record saved, a roster applied in bulk)."""
    from anju.registry.models import Household

    household = make_household()
    house = make_house(household=household, grade="B")
    assert due_ids(api, cast.shancheng) == []
    Household.objects.filter(pk=household.pk).update(low_income_category="tekun")
    assert due_ids(api, cast.shancheng) == [house.pk]
    house.address = "新地址 1 号"  # a copy read before the certification, saved after it
    house.save()
    assert due_ids(api, cast.shancheng) == [house.pk]
    household.refresh_from_db()
    household.low_income_category = ""
    household.save()
    assert due_ids(api, cast.shancheng) == []


def test_a_house_follows_the_household_it_belongs_to(api, cast, make_house, make_household):
    """A house moved to a certified household, or inserted in bulk for one, is due; one moved
    away from it is not."""
    from anju.registry.models import House

    certified = make_household(low_income_category="dibao")
    ordinary = make_household()
    house = make_house(household=ordinary, grade="B")
    house.household = certified
    house.save()
    assert due_ids(api, cast.shancheng) == [house.pk]
    bulk = make_house(household=ordinary, grade="B")
    bulk.pk, bulk.household = None, certified
    [bulk] = House.objects.bulk_create([bulk])
    assert set(due_ids(api, cast.shancheng)) == {house.pk, bulk.pk}
    House.objects.filter(pk=house.pk).update(household=ordinary)
    assert due_ids(api, cast.shancheng) == [bulk.pk]
