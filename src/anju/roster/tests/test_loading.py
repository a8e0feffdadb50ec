"""以人找房 (national-exchange.md N4): civil affairs and rural revitalisation hand over last
month's newly identified and removed people; a list with duplicate people, unknown villages,
bad ID numbers or IDs mangled by Excel is reported row by row, and nothing is written."""

from anju.conftest import HONGMEI_V1, SHANCHENG_V1
from anju.kit.xlsx import stream_xlsx
from anju.roster.models import RosterError, RosterLoad, RosterPerson
from anju.roster.tests.conftest import csv_bytes, job, months_back, person_id, upload


def test_a_list_of_1000_people_with_3_bad_rows_reports_exactly_those_3_and_writes_nothing(
        api, cast, nothing_written):
    rows = [[f"张{n}", person_id(n), SHANCHENG_V1 if n % 2 else HONGMEI_V1, "农村低保户", "新识别"]
            for n in range(1000)]
    rows[99][1] = rows[99][1][:17] + ("0" if rows[99][1][17] != "0" else "1")  # checksum
    rows[499][2] = "220581100999"  # no such village
    rows[899][1] = rows[10][1]  # the same person twice
    client = api(cast.mhk_civil)
    with nothing_written(but=(RosterLoad, RosterError)):
        body = job(client, upload(client, csv_bytes(rows), period=months_back(1), dry_run=True))
    assert body["status"] == "succeeded"
    assert body["total"] == 1000
    assert [(e["row"], e["field"], e["code"]) for e in body["errors"]] == [
        (101, "id_number", "id_number_invalid"),
        (501, "village", "division_unknown"),
        (901, "id_number", "id_number_duplicate"),
    ]
    assert "第12行" in body["errors"][2]["message"]
    assert "997 人可以导入" in body["summary"]["message"]
    assert RosterPerson.objects.count() == 0


def test_a_real_run_with_a_bad_row_writes_no_one(api, cast):
    rows = [["李一", person_id(1), SHANCHENG_V1, "农村低保户", "新识别"],
            ["李二", person_id(2), "无此村", "农村低保户", "新识别"]]
    client = api(cast.mhk_civil)
    body = job(client, upload(client, csv_bytes(rows), period=months_back(1)))
    assert body["status"] == "failed"
    assert body["summary"]["code"] == "rows_invalid"
    assert [e["row"] for e in body["errors"]] == [3]
    assert "辖区内没有名为“无此村”的村" in body["errors"][0]["message"]
    assert RosterPerson.objects.count() == 0


def test_a_gbk_csv_as_chinese_excel_saves_it_is_read(api, cast):
    rows = [["王秀英", person_id(5), SHANCHENG_V1, "农村易返贫致贫户", "新识别"],
            ["赵铁柱", person_id(6), SHANCHENG_V1, "其他脱贫户", "出列"]]
    client = api(cast.mhk_rural)
    body = job(client, upload(client, csv_bytes(rows, encoding="gbk"), period=months_back(1)))
    assert body["status"] == "succeeded", body
    assert sorted(RosterPerson.objects.values_list("name", "category", "change")) == [
        ("王秀英", "at_risk", "identified"), ("赵铁柱", "other_lifted", "removed")]


def test_an_id_number_excel_wrote_in_scientific_notation_is_refused_with_its_message(api, cast):
    rows = [["钱多", "2.20581E+17", SHANCHENG_V1, "农村低保户", "新识别"]]
    client = api(cast.mhk_civil)
    body = job(client, upload(client, csv_bytes(rows), period=months_back(1), dry_run=True))
    (error,) = body["errors"]
    assert (error["row"], error["field"], error["code"]) == (2, "id_number", "digits_lost")
    assert "科学计数法（2.20581E+17）" in error["message"]
    assert "文本" in error["message"]


def test_an_id_number_kept_as_a_number_in_an_xlsx_is_refused(api, cast):
    content = b"".join(stream_xlsx([(h, 12) for h in ["姓名", "身份证号", "所在村", "低收入类别",
                                                      "变动类型"]],
                                   [["孙立", 220581198001010011, SHANCHENG_V1, "农村低保户",
                                     "新识别"]]))
    client = api(cast.mhk_civil)
    body = job(client, upload(client, content, period=months_back(1), name="名单.xlsx",
                              dry_run=True))
    (error,) = body["errors"]
    assert (error["row"], error["code"]) == (2, "digits_lost")
    assert "存成了数字" in error["message"]


def test_a_category_of_another_department_is_refused_r_mh_1(api, cast):
    rows = [["周平", person_id(7), SHANCHENG_V1, "农村易返贫致贫户", "新识别"]]
    client = api(cast.mhk_civil)
    body = job(client, upload(client, csv_bytes(rows), period=months_back(1), dry_run=True))
    assert [e["code"] for e in body["errors"]] == ["wrong_department"]


def test_only_the_certifying_departments_load_lists(api, cast):
    rows = [["周平", person_id(7), SHANCHENG_V1, "农村低保户", "新识别"]]
    response = upload(api(cast.mhk_housing), csv_bytes(rows), period=months_back(1))
    assert response.status_code == 403


def test_a_person_already_on_the_month_s_list_is_reported(api, cast):
    rows = [["吴江", person_id(8), SHANCHENG_V1, "农村低保户", "新识别"]]
    client = api(cast.mhk_civil)
    assert job(client, upload(client, csv_bytes(rows), period=months_back(1)))["status"] == (
        "succeeded")
    body = job(client, upload(client, csv_bytes(rows), period=months_back(1)))
    assert [e["code"] for e in body["errors"]] == ["roster_person_listed"]
    assert RosterPerson.objects.count() == 1


def test_a_month_in_the_future_is_refused(api, cast):
    rows = [["吴江", person_id(8), SHANCHENG_V1, "农村低保户", "新识别"]]
    response = upload(api(cast.mhk_civil), csv_bytes(rows), period=months_back(-2))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "period_invalid"


def test_a_file_without_the_id_column_is_refused_at_once(api, cast, nothing_written):
    content = csv_bytes([["马兰", SHANCHENG_V1, "农村低保户", "新识别"]],
                        header=["姓名", "所在村", "低收入类别", "变动类型"])
    with nothing_written():
        response = upload(api(cast.mhk_civil), content, period=months_back(1))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "columns_missing"
    assert "身份证号" in response.json()["error"]["message"]


def test_a_village_may_be_named_when_its_name_is_unique_in_the_county(api, cast):
    from anju.divisions.models import Division

    Division.objects.filter(code=SHANCHENG_V1).update(name="红旗村")
    shared = Division.objects.get(code=HONGMEI_V1[:9] + "002").name  # 演示二村, in both towns
    rows = [["马兰", person_id(9), "红旗村", "农村低保户", "新识别"],
            ["马力", person_id(10), shared, "农村低保户", "新识别"]]
    client = api(cast.mhk_civil)
    body = job(client, upload(client, csv_bytes(rows), period=months_back(1)))
    assert [(e["row"], e["code"]) for e in body["errors"]] == [(3, "village_ambiguous")]
    assert "请填写 12 位村代码" in body["errors"][0]["message"]
    rows.pop()
    assert job(client, upload(client, csv_bytes(rows), period=months_back(1)))["status"] == (
        "succeeded")
    assert RosterPerson.objects.get().division_code == SHANCHENG_V1
