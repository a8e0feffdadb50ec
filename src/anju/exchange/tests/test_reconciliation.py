"""Acting on a reconciliation (对账, national-exchange.md): "Nothing is overwritten by the load;
a clerk accepts a difference into Anju (through the ordinary verbs, audited) or marks it to be
corrected upstream. The list is exportable, so the county can fix the national side."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from python_calamine import CalamineWorkbook

from anju.audit.models import AuditEvent
from anju.conftest import HONGMEI_V1, sign_in
from anju.exchange.models import Difference
from anju.exchange.tests.test_national import _load, _workbook, export, rows_of
from anju.registry.models import House, RecordEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_houses(make_household, make_house):
    made = []
    for n in range(3):
        household = make_household(head_name=f"张{n}")
        made.append(make_house(household=household, address=f"演示一村 {n} 号",
                               land_type="collective", built_year=2005))
    return made


@pytest.fixture
def reconciled(api, cast, three_houses):
    """The county's N1 loaded back with three cells edited and one row deleted."""
    rows = rows_of(export(api, cast.mhk_housing, "house-collection"))
    header = rows[1]
    rows[2][header.index("土地性质")] = "国有"
    rows[2][header.index("建造年代")] = "2 1981—1990年"
    rows[3][header.index("宅基地审批手续")] = "有"
    del rows[4]
    return _load(api, cast.mhk_housing, _workbook(rows))


def differences(api, user, job, **query):
    q = "&".join(f"{k}={v}" for k, v in query.items())
    r = api(user).get(f"/api/v1/imports/national/{job['id']}/differences?{q}")
    assert r.status_code == 200, r.content
    return r.json()["items"]


def one(items, column):
    (found,) = [d for d in items if d["column"] == column]
    return found


def test_the_differences_are_listed_with_both_values_and_open(api, cast, reconciled,
                                                              three_houses):
    items = differences(api, cast.mhk_housing, reconciled)
    assert sorted((d["kind"], d["column"], d["national_value"], d["anju_value"], d["state"])
                  for d in items) == sorted([
        ("national_difference", "土地性质", "国有", "集体", "open"),
        ("national_difference", "建造年代", "2 1981—1990年", "4 2001—2010年", "open"),
        ("national_difference", "宅基地审批手续", "有", "", "open"),
        ("missing_in_file", "", "", "演示一村 2 号", "open")])
    assert one(items, "土地性质")["house_id"] == three_houses[0].pk
    # nothing is overwritten by loading
    assert House.objects.get(pk=three_houses[0].pk).land_type == "collective"


def test_a_clerk_accepts_a_difference_into_anju_through_the_ordinary_act(api, cast, reconciled,
                                                                         three_houses):
    land = one(differences(api, cast.mhk_housing, reconciled), "土地性质")
    assert land["acceptable"]
    r = api(cast.mhk_housing).post(
        f"/api/v1/imports/national/{reconciled['id']}/differences/{land['id']}/accept",
        {"note": "以国家系统为准"})
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "accepted"
    house = House.objects.get(pk=three_houses[0].pk)
    assert house.land_type == "state"
    # the house changed by its ordinary act: its history row and its version
    event = RecordEvent.objects.filter(house=house, action="house_updated").latest("id")
    assert event.changes == {"land_type": "state"}
    assert house.version == three_houses[0].version + 1
    assert AuditEvent.objects.filter(action="transition", object_id=str(land["id"]),
                                     details__to="accepted").exists()
    # accepted once: a second time is out of order
    again = api(cast.mhk_housing).post(
        f"/api/v1/imports/national/{reconciled['id']}/differences/{land['id']}/accept", {})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "difference_decided"


def test_a_permit_the_national_system_holds_is_accepted_as_a_yes(api, cast, reconciled,
                                                               three_houses):
    permit = one(differences(api, cast.mhk_housing, reconciled), "宅基地审批手续")
    r = api(cast.mhk_housing).post(
        f"/api/v1/imports/national/{reconciled['id']}/differences/{permit['id']}/accept", {})
    assert r.status_code == 200, r.content
    assert House.objects.get(pk=three_houses[1].pk).homestead_permit is True


def test_a_build_year_band_cannot_be_accepted_and_nothing_is_written(api, cast, reconciled,
                                                                    three_houses):
    band = one(differences(api, cast.mhk_housing, reconciled), "建造年代")
    assert not band["acceptable"]
    r = api(cast.mhk_housing).post(
        f"/api/v1/imports/national/{reconciled['id']}/differences/{band['id']}/accept", {})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "difference_not_acceptable"
    assert House.objects.get(pk=three_houses[0].pk).built_year == 2005
    assert one(differences(api, cast.mhk_housing, reconciled), "建造年代")["state"] == "open"


def test_a_difference_marked_for_correction_upstream_leaves_anju_as_it_is(api, cast,
                                                                         reconciled,
                                                                         three_houses):
    land = one(differences(api, cast.mhk_housing, reconciled), "土地性质")
    r = api(cast.mhk_housing).post(
        f"/api/v1/imports/national/{reconciled['id']}/differences/{land['id']}/upstream",
        {"note": "国家系统录错"})
    assert r.status_code == 200, r.content
    assert (r.json()["state"], r.json()["note"]) == ("upstream", "国家系统录错")
    assert House.objects.get(pk=three_houses[0].pk).land_type == "collective"
    assert AuditEvent.objects.filter(action="transition", object_id=str(land["id"]),
                                     details__to="upstream").exists()
    left = differences(api, cast.mhk_housing, reconciled, state="open")
    assert "土地性质" not in [d["column"] for d in left] and len(left) == 3


def test_the_list_of_differences_is_exportable_for_the_national_side(api, cast, reconciled):
    r = api(cast.mhk_housing).get(
        f"/api/v1/imports/national/{reconciled['id']}/differences.xlsx")
    assert r.status_code == 200
    data = b"".join(r.streaming_content)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert sheet[0][:7] == ["文件行号", "房屋编号", "区划", "类别", "列", "国家系统", "安居"]
    assert sorted(row[4] for row in sheet[1:]) == sorted(["土地性质", "建造年代", "宅基地审批手续",
                                                          ""])


def test_another_officer_cannot_see_or_act_on_the_differences(api, cast, reconciled):
    client = api(cast.shancheng)
    assert client.get(
        f"/api/v1/imports/national/{reconciled['id']}/differences").status_code == 404
    item = differences(api, cast.mhk_housing, reconciled)[0]
    r = client.post(
        f"/api/v1/imports/national/{reconciled['id']}/differences/{item['id']}/upstream", {})
    assert r.status_code == 404


# --- the county officer's pages --------------------------------------------------------------


def test_the_county_officer_loads_a_national_file_and_accepts_a_difference_on_the_page(
        api, cast, three_houses, make_house):
    make_house(division_code=HONGMEI_V1, address="红梅镇演示一村 1 号")
    officer = sign_in(Client(), cast.mhk_housing)
    start = officer.get("/exchange/national/").content.decode()
    assert "载入国家系统文件对账" in start and "山城镇" in start
    r = officer.get("/exchange/national/export?layout=house-collection&division=220581100")
    assert r["Location"] == "/api/v1/exports/national/house-collection.xlsx?division=220581100"
    rows = rows_of(officer.get(r["Location"]))
    rows[2][rows[1].index("土地性质")] = "国有"
    r = officer.post("/exchange/national/", {
        "layout": "house-collection", "division": "220581100",
        "file": SimpleUploadedFile("国家.xlsx", _workbook(rows))})
    assert r.status_code == 302, r.content.decode()
    report = officer.get(r["Location"]).content.decode()
    assert "查看并处理对账差异" in report
    job_id = int(r["Location"].rstrip("/").rsplit("/", 1)[1])
    # a township's file is compared with that township: 红梅镇's house is not "missing"
    assert not Difference.objects.filter(job_id=job_id, kind="missing_in_file").exists()
    listing = officer.get(f"/exchange/jobs/{job_id}/differences/").content.decode()
    assert "采纳到安居" in listing and "国有" in listing
    land = Difference.objects.get(job_id=job_id, column="土地性质")
    r = officer.post(f"/exchange/jobs/{job_id}/differences/{land.pk}/accept", {"back": ""})
    assert r.status_code == 302
    assert "已采纳到安居" in officer.get(r["Location"]).content.decode()
    assert House.objects.get(pk=three_houses[0].pk).land_type == "state"
