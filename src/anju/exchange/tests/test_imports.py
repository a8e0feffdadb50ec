"""Households and houses imported from Excel and CSV: checked by the registry's own rules, every
bad row reported with its row number as in the file, nothing half-imported."""

import pytest

from anju.audit.models import AuditEvent
from anju.conftest import HONGMEI_V1, SHANCHENG_V1, SHANCHENG_V2, valid_id_number
from anju.crypto import lookup_hash
from anju.exchange.models import Job, JobError
from anju.exchange.tests.conftest import (
    HOUSEHOLD_HEADER,
    csv_bytes,
    errors_of,
    household_row,
    upload,
    xlsx,
)
from anju.registry.models import House, Household, Member, RecordEvent

pytestmark = pytest.mark.django_db


def job(api_client, response) -> dict:
    assert response.status_code == 202, response.content
    return api_client.get(f"/api/v1/jobs/{response.json()['job_id']}").json()


def test_an_import_with_bad_rows_writes_nothing_and_reports_each_bad_row(api, cast,
                                                                        nothing_written):
    client = api(cast.shancheng)
    repeated = valid_id_number()
    rows = [household_row(id_number=repeated),  # row 2
            household_row(name="李四", id_number="220581198001010000"),  # row 3: checksum
            household_row(name="赵五", division=HONGMEI_V1),  # row 4: another township
            household_row(name="孙六", phone="13900000006"),  # row 5: good
            household_row(name="周七", id_number=repeated, phone="13900000007")]  # row 6
    with nothing_written(but=[Job, JobError]):
        body = job(client, upload(client, "households", xlsx(HOUSEHOLD_HEADER, rows)))
    assert body["status"] == "failed"
    assert body["kind"] == "import_households"
    assert errors_of(body) == [
        (3, "head_id_number", "id_number_invalid"),
        (4, "division_code", "division_out_of_scope"),
        (6, "head_id_number", "id_number_duplicate_in_file"),
    ]
    assert body["errors"][2]["message"] == "户主身份证号与第 2 行重复"
    assert body["errors"][1]["message"] == "区划 220581101001 不在您的管辖范围内"
    assert body["progress"] == body["total"] == 5
    message = body["summary"]["message"]
    assert "3 行有误" in message and "未写入任何数据" in message


def test_three_bad_rows_among_thousands_are_each_reported_across_chunks(api, cast, checking,
                                                                      nothing_written):
    client = api(cast.shancheng)
    born = [f"{1950 + i // 300}{1 + i % 12:02d}{1 + i % 25:02d}" for i in range(3000)]
    rows = [household_row(name=f"户主{i}", phone=f"139{i:08d}",
                          id_number=valid_id_number(born[i])) for i in range(3000)]
    rows[1499][4] = 31  # row 1501: persons
    rows[2499][2] = rows[0][2]  # row 2501: the ID of row 2
    rows[2999][0] = "220523100001"  # row 3001: another county's village
    with nothing_written(but=[Job, JobError]):
        body = job(client, upload(client, "households", xlsx(HOUSEHOLD_HEADER, rows)))
    assert body["status"] == "failed" and body["progress"] == 3000
    assert errors_of(body) == [(1501, "persons", "persons_out_of_range"),
                               (2501, "head_id_number", "id_number_duplicate_in_file"),
                               (3001, "division_code", "division_out_of_scope")]


def test_a_clean_file_is_imported_whole_with_members_history_and_one_audit_row(api, cast):
    client = api(cast.shancheng)
    head = valid_id_number("19650301")
    spouse = valid_id_number("19670402")
    rows = [household_row(name="王大山", id_number=head,
                          members=f"王大山,{head},户主；李秀兰,{spouse.lower()},配偶"),
            household_row(name="刘长河", phone="13900000002", members="")]
    body = job(client, upload(client, "households", xlsx(HOUSEHOLD_HEADER, rows)))
    assert (body["status"], body["error_count"], body["summary"]["created"]) == (
        "succeeded", 0, 2)
    household = Household.objects.get(head_id_hash=lookup_hash(head))
    assert (household.head_name, household.persons, household.division_code) == (
        "王大山", 3, SHANCHENG_V1)
    assert [(m.name, m.id_number, m.relation) for m in household.members.all()] == [
        ("王大山", head, "head"), ("李秀兰", spouse, "spouse")]
    event = RecordEvent.objects.get(household=household)
    assert event.action == "household_registered" and event.actor == cast.shancheng
    assert event.changes["head_id_number"] == "<已修改>"
    assert event.changes["import_job"] == body["id"]
    audit = AuditEvent.objects.get(action="import")
    assert audit.details["rows"] == 2 and audit.details["job"] == body["id"]


def test_thousands_of_rows_are_registered_as_written_in_the_file(api, cast, checking):
    client = api(cast.shancheng)
    rows = [household_row(name=f"户主{i}", phone=f"139{i:08d}", account=f"62170{i:011d}",
                          id_number=valid_id_number(f"19{50 + i // 300}{1 + i % 12:02d}01"),
                          members=f"成员{i},{valid_id_number(f'20{10 + i // 300}0101')},子女")
            for i in range(2500)]
    rows[1700][4] = 0  # row 1702: persons
    body = job(client, upload(client, "households", xlsx(HOUSEHOLD_HEADER, rows),
                              mode="good_rows"))
    assert errors_of(body) == [(1702, "persons", "persons_out_of_range")]
    assert body["summary"]["created"] == Household.objects.count() == 2499
    stored = {h.head_name: h for h in Household.objects.prefetch_related("members")}
    for i in (0, 999, 1000, 2499):  # rows of the first, a middle and the last chunk
        household = stored[f"户主{i}"]
        assert (household.head_id_number, household.phone, household.bank_account) == (
            rows[i][2], rows[i][3], rows[i][6])
        assert household.head_id_hash == lookup_hash(rows[i][2])
        [member] = household.members.all()
        assert (member.name, member.relation) == (f"成员{i}", "child")
        assert member.id_number_hash == lookup_hash(member.id_number)
    assert "户主1700" not in stored
    assert RecordEvent.objects.filter(action="household_registered").count() == 2499


def test_the_uploaded_file_is_deleted_once_imported_and_kept_after_a_dry_run(api, cast,
                                                                            settings):
    client = api(cast.shancheng)
    content = xlsx(HOUSEHOLD_HEADER, [household_row()])
    checked = job(client, upload(client, "households", content, dry_run="true"))
    uploads = settings.MEDIA_ROOT / "imports"
    assert len(list(uploads.rglob("*.xlsx"))) == 1  # kept for the import after the check
    job(client, upload(client, "households", content))
    assert len(list(uploads.rglob("*.xlsx"))) == 1  # the imported one is gone
    assert Job.objects.get(pk=checked["id"]).input_file
    assert not Job.objects.exclude(pk=checked["id"]).get().input_file


def test_good_rows_mode_writes_the_good_rows_and_reports_the_others(api, cast):
    client = api(cast.shancheng)
    rows = [household_row(name="甲", phone="13900000001"),
            household_row(name="乙", persons=0, phone="13900000002"),  # row 3
            household_row(name="丙", phone="13900000003")]
    body = job(client, upload(client, "households", xlsx(HOUSEHOLD_HEADER, rows),
                              mode="good_rows"))
    assert body["status"] == "succeeded"
    assert errors_of(body) == [(3, "persons", "persons_out_of_range")]
    assert sorted(Household.objects.values_list("head_name", flat=True)) == ["丙", "甲"]
    assert body["summary"]["created"] == 2


def test_a_dry_run_reports_and_writes_nothing(api, cast, nothing_written):
    client = api(cast.shancheng)
    rows = [household_row(name="甲", phone="13900000001"),
            household_row(name="", phone="13900000002")]
    with nothing_written(but=[Job, JobError]):
        body = job(client, upload(client, "households", xlsx(HOUSEHOLD_HEADER, rows),
                                  dry_run="true"))
    assert body["status"] == "succeeded" and body["dry_run"] is True
    assert errors_of(body) == [(3, "head_name", "field_required")]
    assert body["summary"]["valid"] == 1
    assert "未写入任何数据" in body["summary"]["message"]


def test_registered_heads_and_same_name_and_phone_in_the_village_are_duplicates(
        api, cast, make_household):
    registered = make_household(head_name="王大山", phone="13812345678")
    client = api(cast.shancheng)
    rows = [household_row(name="张三", id_number=registered.head_id_number,
                          phone="13900000001"),
            household_row(name="王大山", phone="13812345678"),
            household_row(name="王大山", phone="13812345678", division=SHANCHENG_V2),
            household_row(name="李四", phone="13900000004"),
            household_row(name="李四", phone="13900000004")]
    body = job(client, upload(client, "households", xlsx(HOUSEHOLD_HEADER, rows),
                              mode="good_rows"))
    assert errors_of(body) == [(2, "head_id_number", "id_number_duplicate"),
                               (3, "head_name", "household_duplicate"),
                               (6, "head_name", "household_duplicate_in_file")]
    assert body["summary"]["duplicates"] == 3
    # the same name and phone in another village is another household
    assert Household.objects.filter(head_name="王大山").count() == 2
    assert Household.objects.count() == 3


def test_a_csv_saved_by_excel_in_gb18030_with_chinese_titles_is_read(api, cast):
    client = api(cast.shancheng)
    header = ["所在村区划代码", "户主姓名", "户主身份证号", "联系电话", "家庭人口", "备注"]
    head = valid_id_number()
    content = csv_bytes(header, [[SHANCHENG_V1, "陈国强", head, "13812340000", "4", "无"]],
                        encoding="gb18030")
    body = job(client, upload(client, "households", content, name="农户.csv"))
    assert body["status"] == "succeeded", body
    assert body["summary"]["ignored_columns"] == ["备注"]
    assert Household.objects.get(head_id_hash=lookup_hash(head)).head_name == "陈国强"


def test_a_utf8_csv_row_numbers_count_the_header_and_blank_lines(api, cast):
    client = api(cast.shancheng)
    content = csv_bytes(HOUSEHOLD_HEADER, [household_row(phone="13900000001"), [],
                                           household_row(persons="三", phone="13900000003")])
    body = job(client, upload(client, "households", content, name="x.csv", dry_run="true"))
    assert errors_of(body) == [(4, "persons", "integer_invalid")]
    assert body["errors"][0]["message"] == "家庭人口应为整数"


def test_an_id_number_that_excel_stored_as_a_number_is_reported(api, cast):
    client = api(cast.shancheng)
    row = household_row()
    row[2] = 220581198001010017.0  # what Excel keeps of an 18-digit number
    body = job(client, upload(client, "households", xlsx(HOUSEHOLD_HEADER, [row]),
                              dry_run="true"))
    assert errors_of(body) == [(2, "head_id_number", "digits_lost")]


@pytest.mark.parametrize("name,content", [
    ("photo.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100),
    ("scan.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"),
    ("archive.xlsx", b"PK\x03\x04" + b"\x00" * 60),
])
def test_a_file_that_is_not_a_spreadsheet_is_refused(api, cast, name, content,
                                                     nothing_written):
    client = api(cast.shancheng)
    with nothing_written():
        response = upload(client, "households", content, name=name)
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_file"
    assert Job.objects.count() == 0


def test_a_sheet_with_missing_columns_is_refused_naming_each(api, cast):
    client = api(cast.shancheng)
    response = upload(client, "households",
                      xlsx(["户主姓名", "phone"], [["王大山", "13812345678"]]))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "columns_missing"
    assert error["message"] == ("缺少必填列：所在村区划代码（division_code）、"
                                "户主身份证号（head_id_number）、家庭人口（persons）")
    assert [d["field"] for d in error["details"][1:]] == [
        "division_code", "head_id_number", "persons"]


def test_only_those_who_may_edit_the_register_may_import(api, cast):
    content = xlsx(HOUSEHOLD_HEADER, [household_row()])
    assert upload(api(cast.appraiser1), "households", content).status_code == 403
    assert upload(api(cast.changji), "households", content).status_code == 403


def test_a_job_is_shown_only_to_its_owner(api, cast):
    client = api(cast.shancheng)
    body = job(client, upload(client, "households", xlsx(HOUSEHOLD_HEADER, [household_row()]),
                              dry_run="true"))
    assert api(cast.hongmei).get(f"/api/v1/jobs/{body['id']}").status_code == 404
    assert api(cast.mhk_housing).get(f"/api/v1/jobs/{body['id']}").status_code == 404
    listed = client.get("/api/v1/jobs").json()
    assert [j["id"] for j in listed["items"]] == [body["id"]]


def test_houses_are_linked_to_their_household_and_pass_the_registry_rules(
        api, cast, make_household):
    household = make_household()
    other = make_household(division_code=SHANCHENG_V2)
    client = api(cast.shancheng)
    header = ["division_code", "head_id_number", "address", "structure", "floors",
              "floor_area", "use", "business_sector", "occupancy", "priority_tags",
              "built_year"]
    rows = [
        [SHANCHENG_V1, household.head_id_number, "一组 1 号", "砖石（非预制板）", 2, 120.5,
         "自住", "", "有人居住", "学校周边、城中村", 1998],
        [SHANCHENG_V1, "", "一组 2 号", "earth_wood", 1, 0, "residence", "", "occupied", "",
         ""],  # row 3: area
        [SHANCHENG_V1, "", "一组 3 号", "concrete", 1, 60, "business", "", "occupied", "", ""],
        [SHANCHENG_V1, other.head_id_number, "二组 1 号", "concrete", 1, 60, "residence", "",
         "occupied", "", ""],  # row 5: household elsewhere
        [SHANCHENG_V1, "", "一组 6 号", "土坯", 1, 60, "residence", "", "occupied", "", ""],
    ]
    with_errors = job(client, upload(client, "houses", xlsx(header, rows)))
    assert with_errors["status"] == "failed"
    assert errors_of(with_errors) == [
        (3, "floor_area", "floor_area_out_of_range"),
        (4, "business_sector", "field_required"),
        (5, "household_id", "household_elsewhere"),
        (6, "structure", "choice_invalid"),
    ]
    assert House.objects.count() == 0
    body = job(client, upload(client, "houses", xlsx(header, rows[:1])))
    assert body["status"] == "succeeded", body
    house = House.objects.get()
    assert (house.household, house.structure, house.use, house.occupancy) == (
        household, "masonry_cast", "residence", "occupied")
    assert (house.priority_tags, house.is_priority, house.storey_band,
            house.build_year_band) == (["near_school", "urban_village"], True, "2", "1991-2000")
    assert str(house.floor_area) == "120.50"
    assert RecordEvent.objects.get(house=house).action == "house_registered"
    again = job(client, upload(client, "houses", xlsx(header, rows[:1]), dry_run="true"))
    assert errors_of(again) == [(2, "address", "house_duplicate")]


def test_a_read_only_column_is_left_out_and_the_report_says_why(api, cast):
    client = api(cast.shancheng)
    header = [*HOUSEHOLD_HEADER, "低收入类别"]
    body = job(client, upload(client, "households", xlsx(header, [household_row() + ["dibao"]])))
    assert body["status"] == "succeeded"
    assert Household.objects.get().low_income_category == ""
    assert body["summary"]["read_only"] == ["低收入类别由民政或乡村振兴部门认定后产生，不能导入"]
    assert Member.objects.count() == 0


def test_the_national_form_columns_are_imported_and_a_blank_one_stays_unknown(api, cast,
                                                                              make_household):
    household = make_household()
    client = api(cast.shancheng)
    header = ["division_code", "head_id_number", "address", "structure", "floors", "floor_area",
              "use", "occupancy", "土地性质", "宅基地审批手续", "规划许可手续", "改造内容",
              "采暖用能", "房屋高度"]
    rows = [[SHANCHENG_V1, household.head_id_number, "一组 1 号", "concrete", 2, 120, "residence",
             "occupied", "集体土地", "是", "", "加层、扩建", "燃煤", 6.5],
            [SHANCHENG_V1, household.head_id_number, "一组 2 号", "concrete", 2, 120, "residence",
             "occupied", "耕地", "", "", "", "", ""]]  # row 3: no such land type
    bad = job(client, upload(client, "houses", xlsx(header, rows)))
    assert errors_of(bad) == [(3, "land_type", "choice_invalid")]
    body = job(client, upload(client, "houses", xlsx(header, rows[:1])))
    assert body["status"] == "succeeded", body
    house = House.objects.get()
    assert (house.land_type, house.homestead_permit, house.planning_permit, house.alterations,
            house.heating_energy, str(house.height), house.cooking_energy) == (
        "collective", True, None, ["add_storey", "extension"], "coal", "6.50", "")
