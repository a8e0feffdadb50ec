"""N4 低收入群体住房安全动态监测台账 (national-exchange.md N4): one row per person of the monthly
rosters and their only house — person, category, certifying department, house, grade and date,
route, state, and the dates against the two deadlines (the list by the 5th, the house appraised
by the 20th) — checked cell by cell against a row written out by hand."""

import io
from datetime import date, timedelta

import pytest
from django.utils import timezone
from python_calamine import CalamineWorkbook

from anju.conftest import HONGMEI_V1, SHANCHENG_V1
from anju.rectification.tests.conftest import appraisal_body
from anju.roster.tests.conftest import csv_bytes, job, months_back, person_id, upload

pytestmark = pytest.mark.django_db

HEADER = [
    "县", "乡镇", "村", "行政区划代码", "名单月份", "变动类型", "姓名", "身份证号", "类别",
    "认定部门", "房屋地址", "房屋编码", "鉴定等级", "鉴定日期", "保障方式", "状态", "销号日期",
    "名单应移交日期", "名单移交日期", "鉴定期限"]


def ledger(api, user, **params) -> list[list]:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = api(user).get("/api/v1/exports/national/monitoring-ledger.xlsx"
                             + (f"?{query}" if query else ""))
    assert response.status_code == 200, response.content
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    (name,) = workbook.sheet_names
    return workbook.get_sheet_by_name(name).to_python()


def masked(id_number: str) -> str:
    return id_number[:6] + "********" + id_number[-4:]


def test_n4_each_listed_person_with_their_house_grade_route_state_and_both_deadlines(
        api, cast, make_household, make_house):
    """以人找房: the list of two months ago, due by the 5th of last month, each house to be
    appraised by the 20th of last month; the C house is routed to the renovation programme,
    the other is late."""
    weak = make_house(household=make_household(head_id_number=person_id(70)),
                      address="山城镇演示一村 12 号", national_code="220581100001000777")
    make_house(household=make_household(head_id_number=person_id(71)),
               address="山城镇演示一村 13 号")
    make_house(household=make_household(division_code=HONGMEI_V1,
                                        head_id_number=person_id(72)),
               division_code=HONGMEI_V1)
    period = months_back(2)
    client = api(cast.mhk_civil)
    body = job(client, upload(client, csv_bytes([
        ["危房户", person_id(70), SHANCHENG_V1, "农村低保户", "新识别"],
        ["未鉴定", person_id(71), SHANCHENG_V1, "农村分散供养特困人员", "新识别"],
        ["红梅人", person_id(72), HONGMEI_V1, "农村低保户", "新识别"]]), period=period))
    assert body["status"] == "succeeded", body
    response = api(cast.appraiser1).post(f"/api/v1/houses/{weak.pk}/appraisals",
                                         appraisal_body("c", on=1))
    assert response.status_code == 201, response.json()

    today = timezone.localdate()
    last_month = today.replace(day=1) - timedelta(days=1)
    rows = ledger(api, cast.shancheng)  # a township sees its own villages only
    assert rows[0][0] == "低收入群体住房安全动态监测台账（N4；版式生效日期 2023-01-01）"
    assert rows[1] == HEADER
    assert rows[2] == [
        "梅河口市", "山城镇", "演示一村", SHANCHENG_V1, period, "新识别", "危房户",
        masked(person_id(70)), "农村低保户", "民政", "山城镇演示一村 12 号",
        "220581100001000777", "C", f"{today - timedelta(days=1):%Y-%m-%d}", "危房改造",
        "危房整治中", "", f"{date(last_month.year, last_month.month, 5):%Y-%m-%d}",
        f"{today:%Y-%m-%d}", f"{date(last_month.year, last_month.month, 20):%Y-%m-%d}"]
    assert rows[3][6] == "未鉴定"
    assert rows[3][12:17] == ["", "", "", "逾期未鉴定", ""]
    assert len(rows) == 4


def test_n4_the_county_housing_department_sees_id_numbers_in_full_and_every_township(
        api, cast, make_household, make_house):
    make_house(household=make_household(division_code=HONGMEI_V1,
                                        head_id_number=person_id(80)),
               division_code=HONGMEI_V1)
    client = api(cast.mhk_civil)
    body = job(client, upload(client, csv_bytes([
        ["出列人", person_id(80), HONGMEI_V1, "农村低保户", "出列"]]), period=months_back(1)))
    assert body["status"] == "succeeded", body
    rows = ledger(api, cast.mhk_housing)
    assert [(r[5], r[6], r[7], r[15]) for r in rows[2:]] == [
        ("出列", "出列人", person_id(80), "已出列")]


def test_n4_a_house_already_on_the_ledger_shows_its_grade_and_the_route_of_its_entry(
        api, cast, on_ledger):
    house, entry_id = on_ledger("d")
    house.household.head_id_number = person_id(90)
    house.household.save()
    client = api(cast.mhk_civil)
    body = job(client, upload(client, csv_bytes([
        ["台账户", person_id(90), SHANCHENG_V1, "农村低保户", "新识别"]]), period=months_back(0)))
    assert body["status"] == "succeeded", body
    (row,) = ledger(api, cast.shancheng)[2:]
    appraised = timezone.localdate() - timedelta(days=30)
    assert row[12:17] == ["D", f"{appraised:%Y-%m-%d}", "危房改造", "危房整治中", ""]


def test_n4_the_dry_run_names_only_the_cells_a_row_should_have_and_lacks(
        api, cast, make_household, make_house):
    """A late row needs no grade, route or 销号 date yet; a matched house lacks its national
    code until the national system gives one."""
    make_house(household=make_household(head_id_number=person_id(95)), address="演示一村 9 号")
    client = api(cast.mhk_civil)
    body = job(client, upload(client, csv_bytes([
        ["未鉴定", person_id(95), SHANCHENG_V1, "农村低保户", "新识别"],
        ["无记录", person_id(96), SHANCHENG_V1, "农村低保户", "新识别"]]),
        period=months_back(2)))
    assert body["status"] == "succeeded", body
    response = api(cast.shancheng).get(
        "/api/v1/exports/national/monitoring-ledger/incomplete")
    assert response.status_code == 200, response.json()
    assert [(i["label"], i["missing"]) for i in response.json()["items"]] == [
        ("未鉴定", ["房屋编码"])]
