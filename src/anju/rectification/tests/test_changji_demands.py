"""The Changji notice's own demands on the ledger: a former business house may not reopen and
business found in it is a red alert (R-CJ-8, R-CJ-10); a major hazard in an occupied house is a
red alert from the moment it is recorded, and ordered controls and engineering plans fall
overdue by their dates (R-CJ-2, R-CJ-5); priority areas sort first and are counted (R-CJ-1)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from anju.appraisal.tests.conftest import components
from anju.rectification.documents import summary_figures
from anju.rectification.models import LedgerEntry, Measure
from anju.rectification.tests.conftest import days_ago
from anju.registry.models import House, RecordEvent
from anju.registry.tests.test_pages import house_form_data

pytestmark = pytest.mark.django_db

LIST = "/api/v1/rectifications"


def inspect(api, user, house, **fields):
    body = {"level": "township", "inspected_on": days_ago(0), **fields}
    response = api(user).post(f"/api/v1/houses/{house.pk}/inspections", body)
    assert response.status_code == 201, response.json()
    return response.json()


def patch_use(api, user, house, use, **more):
    version = api(user).get(f"/api/v1/houses/{house.pk}").json()["version"]
    return api(user).patch(f"/api/v1/houses/{house.pk}", {"version": version, "use": use, **more})


# ---------------------------------------------------------------- R-CJ-8 business houses


@pytest.mark.parametrize("use", ["business", "mixed"])
def test_a_change_of_use_back_to_business_while_the_entry_is_open_is_refused(api, cast,
                                                                            on_ledger, use):
    """R-CJ-8: "a former business house may not reopen: a change of the house's use back to
    business or mixed while its entry is open is refused (409)"."""
    house, _ = on_ledger("d", use="residence")
    before = (house.use, House.objects.get(pk=house.pk).version,
              RecordEvent.objects.filter(house=house).count())
    response = patch_use(api, cast.shancheng, house, use, business_sector="catering")
    error = response.json()["error"]
    assert (response.status_code, error["code"], error["rule"], error["field"]) == (
        409, "business_reopen_not_allowed", "R-CJ-8", "use")
    house.refresh_from_db()
    assert (house.use, house.version, RecordEvent.objects.filter(house=house).count()) == before


def test_a_house_not_on_the_ledger_may_become_a_business_house(api, cast, dangerous_house):
    house = dangerous_house(use="residence")
    response = patch_use(api, cast.shancheng, house, "business", business_sector="catering")
    assert response.status_code == 200, response.json()
    assert response.json()["use"] == "business"


def test_the_house_edit_page_refuses_the_reopening_and_writes_nothing(browser, cast, on_ledger):
    house, _ = on_ledger("c", use="residence")
    house.refresh_from_db()
    version = house.version
    r = browser(cast.shancheng).post(
        f"/registry/houses/{house.pk}/edit",
        house_form_data(house, use="business", business_sector="catering"))
    assert r.status_code in (409, 422)
    assert "不得恢复经营" in r.content.decode()
    house.refresh_from_db()
    assert (house.use, house.version) == ("residence", version)


def test_business_found_on_inspection_is_a_red_alert_like_occupancy(api, browser, cast,
                                                                    on_ledger):
    """R-CJ-8: "business activity found on inspection of such a house is a red alert like
    occupancy"; the lists say why."""
    house, entry = on_ledger("d", use="residence", occupancy="vacant")
    listed = api(cast.shancheng).get(LIST, {"alert": True}).json()
    assert listed["total"] == 0  # an empty house is no red alert
    inspect(api, cast.cadre, house, level="villager_report", findings="一楼仍在开小卖部",
            business_in_use=True)
    body = api(cast.shancheng).get(f"{LIST}/{entry}").json()
    assert (body["red_alert"], body["business_alert"], body["alert_reasons"]) == (
        True, True, ["business_in_use"])
    assert [e["id"] for e in api(cast.shancheng).get(LIST, {"alert": True}).json()["items"]] \
        == [entry]
    rows = api(cast.mhk_housing).get(f"{LIST}/by-division").json()
    assert (rows[0]["red_alerts"], rows[0]["business_alerts"]) == (1, 1)
    page = browser(cast.shancheng).get("/rectification/", {"alert": 1})
    assert "发现经营" in page.content.decode()
    # the township goes and finds the shop shut: the alert ends with that inspection
    inspect(api, cast.shancheng, house, findings="已停止经营，房屋空置")
    body = api(cast.shancheng).get(f"{LIST}/{entry}").json()
    assert (body["red_alert"], body["business_alert"], body["alert_reasons"]) == (False, False, [])


def test_the_sector_department_sees_business_found_in_its_former_business_house(api, cast,
                                                                               on_ledger):
    """R-CJ-10: the business house's competent department sees it in its view of the ledger,
    also after its use was changed to a dwelling."""
    shop, entry = on_ledger("d", use="business", business_sector="health", occupancy="vacant")
    assert patch_use(api, cast.shancheng, shop, "residence").status_code == 200
    inspect(api, cast.shancheng, shop, findings="诊所仍在营业", business_in_use=True)
    listed = api(cast.mhk_health).get(LIST, {"alert": True}).json()
    assert [(e["id"], e["alert_reasons"]) for e in listed["items"]] == [
        (entry, ["business_in_use"])]


# ---------------------------------------------------------------- R-CJ-2, R-CJ-5 hazards


def test_an_occupied_house_with_a_major_hazard_is_a_red_alert_when_recorded(api, browser, cast,
                                                                            dangerous_house):
    """R-CJ-2: "An occupied house with a major hazard is a red alert (R-CJ-6) from the moment
    the hazard is recorded, not from its later appraisal"."""
    house = dangerous_house()
    inspect(api, cast.cadre, house, level="village", major_hazard=True,
            findings="后墙外闪，随时可能倒塌")
    assert not LedgerEntry.objects.filter(house=house).exists()  # not appraised yet
    rows = api(cast.mhk_housing).get(f"{LIST}/by-division").json()
    assert (rows[0]["red_alerts"], rows[0]["hazard_alerts"]) == (1, 1)
    page = browser(cast.shancheng).get("/rectification/").content.decode()
    assert 'id="hazard-alerts"' in page and house.address in page
    summary = summary_figures(cast.mhk_housing, None)["status"]  # the county's work summary
    assert (summary["red_alerts"], summary["hazard_alerts"]) == (1, 1)
    # appraised D: the entry carries the alert, counted once
    response = api(cast.appraiser1).post(f"/api/v1/houses/{house.pk}/appraisals", {
        "appraised_on": days_ago(0), "appraiser": "张工", "site": "safe",
        "components": components("d"), "prevention": "full"})
    assert response.status_code == 201, response.json()
    rows = api(cast.mhk_housing).get(f"{LIST}/by-division").json()
    assert (rows[0]["red_alerts"], rows[0]["hazard_alerts"]) == (1, 0)


def test_a_hazard_in_an_empty_house_is_no_red_alert(api, cast, dangerous_house):
    house = dangerous_house(occupancy="evacuated")
    inspect(api, cast.cadre, house, level="village", major_hazard=True, findings="屋面塌陷")
    rows = api(cast.mhk_housing).get(f"{LIST}/by-division").json()
    assert sum(r["red_alerts"] for r in rows) == 0


def test_an_ordered_control_not_carried_out_within_the_profile_days_is_overdue(api, browser,
                                                                               cast, on_ledger):
    """R-CJ-2: "an ordered control not carried out within *profile* days (default 3) is
    overdue and shown to the township and the county"; derived from the dates on read."""
    house, entry = on_ledger("d")
    ordered = timezone.localdate()
    measure = Measure.objects.create(entry_id=entry, division_code=house.division_code,
                                     kind="evacuate", category="control", ordered_on=ordered)
    client = api(cast.shancheng)
    assert client.get(f"{LIST}/{entry}").json()["control_overdue"] is False
    Measure.objects.filter(pk=measure.pk).update(ordered_on=ordered - timedelta(days=3))
    assert client.get(f"{LIST}/{entry}").json()["control_overdue"] is False  # day 3: in time
    Measure.objects.filter(pk=measure.pk).update(ordered_on=ordered - timedelta(days=4))
    assert client.get(f"{LIST}/{entry}").json()["control_overdue"] is True
    assert [e["id"] for e in client.get(LIST, {"control_overdue": True}).json()["items"]] == [
        entry]
    assert api(cast.mhk_housing).get(LIST, {"control_overdue": True}).json()["total"] == 1
    page = browser(cast.shancheng).get("/quality/worklist/", {"tab": "control_overdue"})
    assert house.address in page.content.decode()
    home = browser(cast.shancheng).get("/").content.decode()  # 我的待办
    assert re.search(r'data-figure="control_overdue"[^>]*>\s*<span class="figure-n">1</span>',
                     home)
    # carried out: no longer overdue
    Measure.objects.filter(pk=measure.pk).update(completed_on=ordered)
    assert client.get(f"{LIST}/{entry}").json()["control_overdue"] is False
    assert client.get(LIST, {"control_overdue": True}).json()["total"] == 0


def test_an_engineering_plan_past_its_due_date_is_overdue(api, browser, cast, on_ledger):
    """R-CJ-5: a work plan for the later engineering measure "whose due date, once passed, is
    flagged"."""
    house, entry = on_ledger("c")
    client = api(cast.shancheng)
    version = client.get(f"{LIST}/{entry}").json()["version"]
    planned = client.post(f"{LIST}/{entry}/plan", {
        "plan": "入冬前完成维修加固", "due_on": str(timezone.localdate() + timedelta(days=1)),
        "version": version})
    assert planned.status_code == 200, planned.json()
    assert planned.json()["engineering_overdue"] is False
    LedgerEntry.objects.filter(pk=entry).update(
        engineering_due_on=timezone.localdate() - timedelta(days=1))  # the day has passed
    assert client.get(f"{LIST}/{entry}").json()["engineering_overdue"] is True
    assert client.get(LIST, {"engineering_overdue": True}).json()["total"] == 1
    page = browser(cast.shancheng).get("/quality/worklist/", {"tab": "engineering_overdue"})
    assert house.address in page.content.decode()


# ---------------------------------------------------------------- R-CJ-1 priority areas


def test_priority_area_houses_sort_first_in_the_ledger_and_are_counted(api, cast, on_ledger):
    """R-CJ-1: priority houses "are tagged and sorted first" — in the ledger too, not only in
    the house list."""
    plain, plain_entry = on_ledger("c", occupancy="vacant")
    school, school_entry = on_ledger("c", occupancy="vacant", priority_tags=["near_school"])
    later, later_entry = on_ledger("d", occupancy="vacant")
    items = api(cast.shancheng).get(LIST).json()["items"]
    assert [e["id"] for e in items] == [school_entry, later_entry, plain_entry]
    assert items[0]["priority"] is True
    rows = api(cast.mhk_housing).get(f"{LIST}/by-division").json()
    assert rows[0]["priority"] == 1
    assert api(cast.shancheng).get(LIST, {"priority": True}).json()["total"] == 1
    # a house tagged later follows onto its entry
    version = api(cast.shancheng).get(f"/api/v1/houses/{plain.pk}").json()["version"]
    assert api(cast.shancheng).patch(f"/api/v1/houses/{plain.pk}", {
        "version": version, "priority_tags": ["near_market"]}).status_code == 200
    assert LedgerEntry.objects.get(pk=plain_entry).priority is True


def test_red_alerts_in_priority_areas_come_first(api, cast, on_ledger):
    on_ledger("d")
    _, school_entry = on_ledger("c", priority_tags=["near_school"])
    items = api(cast.shancheng).get(LIST, {"alert": True}).json()["items"]
    assert items[0]["id"] == school_entry
