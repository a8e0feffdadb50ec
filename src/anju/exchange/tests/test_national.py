"""The national layouts (national-exchange.md): "a layout is data, not code" — each export is
checked cell by cell against a row written out by hand from the layout's description, read back
with a spreadsheet reader, scoped, masked, audited; a layout file with an unknown field, a code
without its national code or a title twice is refused, naming the file and the column."""

import io
from datetime import date
from decimal import Decimal

import pytest
from python_calamine import CalamineWorkbook

from anju.audit.models import AuditEvent
from anju.conftest import HONGMEI_V1, HUINAN_V1, SHANCHENG_V1, SHANCHENG_V2
from anju.exchange import layout as layouts
from anju.exchange.models import Job
from anju.registry.models import House

pytestmark = pytest.mark.django_db


def rows_of(response) -> list[list]:
    assert response.status_code == 200, response.content
    data = b"".join(response.streaming_content)
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    (name,) = workbook.sheet_names  # the layout's one sheet, as the national system reads it
    return workbook.get_sheet_by_name(name).to_python()


def export(api, user, name, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return api(user).get(f"/api/v1/exports/national/{name}.xlsx" + (f"?{query}" if query else ""))


@pytest.fixture
def surveyed(make_household, make_house):
    """A business house of 山城镇 with every national attribute filled in."""
    household = make_household(head_name="李春生", low_income_category="dibao")
    return make_house(
        household=household, address="山城镇演示一村 8 号", floors=4, built_year=2016,
        floor_area=Decimal("320.5"), structure="concrete", build_method="craftsman",
        use="business", business_sector="catering", grade="C", screening_result="serious",
        land_type="collective", homestead_permit=True, planning_permit=False,
        completion_permit=None, registration_permit=True, altered=True, alteration_count=2,
        alterations=["add_storey", "extension"], business_approval=False,
        business_use="catering", heating_energy="coal", cooking_energy="gas",
        height=Decimal("12.6"), local_floors=1, national_code="220581100001000123",
        lat=Decimal("42.530000"), lng=Decimal("125.680000"))


def masked(id_number: str) -> str:
    return id_number[:6] + "********" + id_number[-4:]


N1_HEADER = [
    "省", "市", "县", "乡镇", "村", "组", "行政区划代码", "户主/产权人", "身份证号", "房屋地址",
    "建筑层数", "建筑面积（平方米）", "建造年代", "结构类型", "建造方式", "土地性质",
    "宅基地审批手续", "规划许可手续", "竣工验收手续", "房屋登记手续", "是否改造", "改造次数",
    "改造内容", "是否用作经营", "经营审批手续", "主要用途", "采暖用能", "炊事用能",
    "安全隐患初判", "鉴定结论", "鉴定时间", "经度", "纬度"]


def test_n1_the_house_collection_form_row_by_the_layout_cell_by_cell(api, cast, surveyed):
    rows = rows_of(export(api, cast.shancheng, "house-collection"))
    assert rows[0][0] == ("农村房屋安全信息采集表（自建房）"
                          "（N1；版式生效日期 2020-08-01；建造年代分档：五档）")
    assert rows[1] == N1_HEADER
    head_id = surveyed.household.head_id_number
    assert rows[2] == [
        "吉林省", "通化市", "梅河口市", "山城镇", "演示一村", "", "220581100001", "李春生",
        masked(head_id), "山城镇演示一村 8 号", "4 三层以上", 320.5, "5 2011年及以后", "4 混凝土",
        "建筑工匠建造", "集体", "有", "无", "", "有", "是", 2.0, "加层、扩建", "是", "无",
        "餐饮饭店", "燃煤", "燃气", "存在严重安全隐患", "C", "", 125.68, 42.53]


def test_n2_the_self_built_record_has_five_blocks_and_six_build_year_bands(api, cast, surveyed):
    rows = rows_of(export(api, cast.mhk_housing, "self-built"))
    assert rows[0][0] == "自建房信息记录（N2；版式生效日期 2022-06-01；建造年代分档：六档）"
    groups = [g for g in rows[1] if g]
    assert groups == ["基本情况", "建设情况", "管理情况", "排查情况", "整治情况"]
    assert rows[2] == [
        "房屋编码", "行政区划代码", "乡镇", "村", "房屋地址", "产权人", "身份证号", "经度", "纬度",
        "建造年代", "结构类型", "房屋高度（米）", "主体层数", "局部层数", "建筑面积（平方米）",
        "建造方式", "土地性质", "是否用作经营", "建筑用途", "经营审批手续", "规划许可手续",
        "竣工验收手续", "是否改造", "改造内容", "隐患初判", "是否经过安全鉴定", "鉴定时间",
        "鉴定结论", "管理措施", "工程措施", "违法建设查处"]
    # a county housing department sees ID numbers in full
    assert rows[3] == [
        "220581100001000123", "220581100001", "山城镇", "演示一村", "山城镇演示一村 8 号", "李春生",
        surveyed.household.head_id_number, 125.68, 42.53, "6 2016年及以后", "4 钢筋混凝土", 12.6,
        4.0, 1.0, 320.5, "建筑工匠建造", "集体", "是", "餐饮饭店", "无", "无", "", "是",
        "加层、扩建", "存在严重安全隐患", "是", "", "C", "", "", ""]


def _case(household, house, **fields):
    from anju.accounts.models import User
    from anju.assistance.models import Application, Certification

    certification = Certification.objects.create(
        household=household, division_code=household.division_code, category="dibao",
        department="civil_affairs", certified_on=date(2024, 3, 1),
        certified_by=User.objects.get(username="mhk_civil"))
    fields.setdefault("created_by", User.objects.get(username="mhk_housing"))
    values = {"division_code": household.division_code, "year": 2024, "category": "dibao",
              "certification": certification, "grade": "D", "method": "rebuild", "persons": 3,
              "main_area": Decimal("60"), "subsidy_amount": Decimal("35000"),
              "applied_on": date(2024, 3, 10), **fields}
    return Application.objects.create(household=household, house=house, **values)


def test_n3_the_renovation_archive_holds_approved_cases_only(api, cast, surveyed, make_house,
                                                            make_household):
    case = _case(surveyed.household, surveyed, status="accepted", approved_on=date(2024, 4, 1),
                 started_on=date(2024, 5, 6), completed_on=date(2024, 8, 20),
                 accepted_on=date(2024, 9, 1))
    other = make_household(division_code=SHANCHENG_V2)
    _case(other, make_house(division_code=SHANCHENG_V2, household=other),
          status="applied")  # not yet approved: not archived
    rows = rows_of(export(api, cast.shancheng, "renovation-archive"))
    assert rows[1] == [
        "档案编号", "县", "乡镇", "村", "行政区划代码", "房屋编码", "农户姓名", "身份证号",
        "家庭人口", "困难类型", "房屋危险等级", "改造方式", "建设方式", "开工日期", "竣工日期",
        "建筑面积（平方米）", "补助资金（元）", "竣工验收日期", "拨付日期"]
    assert rows[2:] == [[
        float(case.pk), "梅河口市", "山城镇", "演示一村", "220581100001", "220581100001000123",
        "李春生", masked(surveyed.household.head_id_number), 3.0, "农村低保户", "D", "原址翻建",
        "自建", "2024-05-06", "2024-08-20", 60.0, 35000.0, "2024-09-01", ""]]


# N4, the monthly monitoring ledger, is the monthly roster's people: anju/roster/tests/
# test_national.py checks its header and rows.


def test_n5_each_low_income_household_gets_its_three_class_outcome_from_its_records(
        api, cast, make_household, make_house):
    """鉴定安全 (graded A/B), 改造安全 (a finished renovation), 保障安全 (housed otherwise);
    none of the three: left empty, never claimed."""
    safe = make_household(head_name="甲", low_income_category="dibao")
    make_house(household=safe, grade="B")
    renovated = make_household(head_name="乙", low_income_category="tekun")
    old = make_house(household=renovated, grade="D")
    _case(renovated, old, status="accepted", approved_on=date(2024, 4, 1),
          accepted_on=date(2024, 9, 1))
    housed = make_household(head_name="丙", low_income_category="dibao_edge")
    _case(housed, None, status="closed", method="public_rental", approved_on=date(2024, 4, 1),
          accepted_on=date(2024, 9, 1))
    waiting = make_household(head_name="丁", low_income_category="at_risk")
    make_house(household=waiting, grade="unrated")
    make_household(head_name="戊")  # not low-income: not on the list
    rows = rows_of(export(api, cast.mhk_housing, "security-outcome"))
    assert rows[1][4:9] == ["户主姓名", "身份证号", "家庭人口", "低收入类别", "住房安全保障类别"]
    assert [(r[4], r[7], r[8]) for r in rows[2:]] == [
        ("甲", "农村低保户", "鉴定安全"), ("乙", "农村分散供养特困人员", "改造安全"),
        ("丙", "农村低保边缘家庭", "保障安全"), ("丁", "农村易返贫致贫户", "")]


def test_l1_the_supervision_matrix_has_divisions_as_columns_under_a_two_level_header(
        api, cast, make_house):
    make_house(division_code=SHANCHENG_V1, screening_result="serious", grade="D", floors=4,
               use="business", business_sector="retail", built_year=2012)
    make_house(division_code=SHANCHENG_V1, screening_result="none", grade="A")
    make_house(division_code=SHANCHENG_V2, screening_result="some", land_type="state")
    make_house(division_code=HONGMEI_V1, screening_result="serious")  # another township
    rows = rows_of(export(api, cast.shancheng, "supervision-ledger"))
    assert rows[0][0] == ("房屋安全鉴定整治监管台账"
                          "（L1；版式生效日期 2023-01-01；建造年代分档：六档）")
    assert rows[1][:4] == ["类别", "指标", "合计", "下级区划"]
    assert rows[2][:5] == ["", "", "山城镇", "演示一村", "演示二村"]
    by_label = {(r[1]): r[2:5] for r in rows[3:]}
    assert by_label["已排查房屋总量"] == [3, 2, 1]
    assert by_label["经营性自建房"] == [1, 1, 0]
    assert by_label["国有"] == [1, 0, 1]
    assert by_label["三层以上"] == [1, 1, 0]
    assert by_label["2011—2015年"] == [1, 1, 0]
    assert by_label["潜在危险房屋"] == [1, 0, 1]
    assert by_label["D级"] == [1, 1, 0]
    assert by_label["危房总量"] == [1, 1, 0]
    assert by_label["城市建成区"] == ["", "", ""]  # Anju holds no such area: left empty


def test_an_export_read_back_equals_the_scoped_standing_houses(api, cast, make_house):
    s1 = make_house(division_code=SHANCHENG_V1)
    s2 = make_house(division_code=SHANCHENG_V2)
    make_house(division_code=HONGMEI_V1)
    make_house(division_code=HUINAN_V1)  # another county
    make_house(division_code=SHANCHENG_V1, status="demolished")  # R-CJ-8a: not standing
    rows = rows_of(export(api, cast.shancheng, "house-collection"))
    assert [(r[6], r[9]) for r in rows[2:]] == [(s1.division_code, s1.address),
                                                (s2.division_code, s2.address)]
    rows = rows_of(export(api, cast.mhk_housing, "house-collection", division=SHANCHENG_V2))
    assert [r[9] for r in rows[2:]] == [s2.address]
    assert len(rows_of(export(api, cast.mhk_housing, "house-collection"))) == 2 + 3


def test_the_file_names_its_division_and_date_beside_the_fixed_layout(api, cast, surveyed):
    """The layout's one sheet, columns and rows stay as the national system wants them: the
    division (by name) and the day go in the file name and the printed page header."""
    from urllib.parse import unquote
    from zipfile import ZipFile

    r = export(api, cast.shancheng, "supervision-ledger")
    data = b"".join(r.streaming_content)
    today = date.today()
    assert unquote(r["Content-Disposition"].split("''")[1]) == (
        "山城镇房屋安全鉴定整治监管台账.xlsx")
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert len(workbook.sheet_names) == 1
    sheet = ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert (f"<oddHeader>&amp;C房屋安全鉴定整治监管台账　梅河口市山城镇　{today:%Y-%m-%d}"
            "</oddHeader>") in sheet
    assert workbook.get_sheet_by_name("房屋安全鉴定整治监管台账").to_python()[1][:3] == [
        "类别", "指标", "合计"]


def test_a_division_outside_the_callers_scope_is_not_found(api, cast):
    assert export(api, cast.shancheng, "house-collection", division=HONGMEI_V1).status_code == 404
    assert export(api, cast.shancheng, "no-such-layout").status_code == 404


def test_the_export_is_audited_with_the_layout_file_and_its_date(api, cast, surveyed):
    rows_of(export(api, cast.shancheng, "house-collection"))
    event = AuditEvent.objects.get(action="export")
    assert {k: event.details[k] for k in ("export", "layout", "layout_file", "effective", "rows",
                                          "full_view")} == {
        "export": "national/house-collection", "layout": "N1", "layout_file": "n1.toml",
        "effective": "2020-08-01", "rows": 1, "full_view": False}


def test_a_large_division_is_exported_as_a_background_job(api, cast, settings, make_house):
    settings.NATIONAL_EXPORT_JOB_ROWS = 1
    first, second = make_house(), make_house(division_code=SHANCHENG_V2)
    r = export(api, cast.shancheng, "house-collection")
    assert r.status_code == 202, r.content
    job = Job.objects.get(pk=r.json()["job_id"])
    assert (job.kind, job.status, job.summary["rows"]) == (
        "export_national_house_collection", "succeeded", 2)
    download = api(cast.shancheng).get(f"/api/v1/jobs/{job.pk}/result")
    assert download.status_code == 200, download.content
    data = b"".join(download.streaming_content)
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    rows = workbook.get_sheet_by_name(workbook.sheet_names[0]).to_python()
    assert [r[9] for r in rows[2:]] == [first.address, second.address]


def test_the_dry_run_lists_the_houses_whose_national_rows_would_be_incomplete(
        api, cast, surveyed, make_house):
    plain = make_house(division_code=SHANCHENG_V2, build_method="self",
                       household=surveyed.household)
    r = api(cast.shancheng).get("/api/v1/exports/national/house-collection/incomplete")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["columns_without_source"] == ["组"]
    found = {item["record_id"]: item["missing"] for item in body["items"]}
    # the surveyed house lacks only its completion permit and the date of its appraisal
    assert found[surveyed.pk] == ["竣工验收手续", "鉴定时间"]
    # a residence is not asked for a business approval nor an ungraded house for its grade
    assert found[plain.pk] == ["土地性质", "宅基地审批手续", "规划许可手续", "竣工验收手续",
                               "房屋登记手续", "是否改造", "采暖用能", "炊事用能",
                               "安全隐患初判", "经度", "纬度"]
    assert body["total"] == 2
    assert AuditEvent.objects.filter(action="export").count() == 0  # nothing exported


# --- layouts as data ----------------------------------------------------------------------


N1_TEXT = (layouts.SHIPPED / "n1.toml").read_text(encoding="utf-8")


def write(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(path) -> str:
    with pytest.raises(layouts.LayoutInvalid) as caught:
        layouts.parse(path)
    assert caught.value.code == "layout_invalid"
    return caught.value.message


def test_a_layout_file_naming_an_unknown_field_is_refused_naming_file_and_column(tmp_path):
    path = write(tmp_path, "n1-bad.toml", N1_TEXT.replace('field = "house.land_type"',
                                                          'field = "house.soil"'))
    assert refused(path) == "版式文件 n1-bad.toml 的“土地性质”列：未知字段“house.soil”"


def test_a_code_without_its_national_code_is_refused(tmp_path):
    path = write(tmp_path, "n1-bad.toml", N1_TEXT.replace('cave = "5 窑洞"\n', ""))
    assert refused(path) == ("版式文件 n1-bad.toml 的“结构类型”列："
                             "代码对照表“structure”缺少安居代码 cave 的国家代码")


def test_a_title_twice_is_refused(tmp_path):
    path = write(tmp_path, "n1-bad.toml", N1_TEXT.replace('title = "纬度"', 'title = "经度"'))
    assert refused(path) == "版式文件 n1-bad.toml 的“经度”列：列名重复"


def test_an_unknown_setting_and_a_band_set_mismatch_are_refused(tmp_path):
    path = write(tmp_path, "a.toml",
                 N1_TEXT.replace("header_rows = 1", "header_rows = 1\nsheets = 2"))
    assert refused(path) == "版式文件 a.toml：不认识的设置项 sheets"
    path = write(tmp_path, "b.toml", N1_TEXT.replace('band_set = "five"', 'band_set = "six"'))
    assert refused(path) == ("版式文件 b.toml 的“建造年代”列：字段“house.build_year_band5”"
                             "的建造年代分档与版式声明的 band_set = “six”不一致")


def test_a_provinces_newer_layout_file_wins_over_the_shipped_one(api, cast, settings, tmp_path,
                                                                 make_house):
    settings.LAYOUT_DIR = str(tmp_path)
    newer = N1_TEXT.replace("effective = 2020-08-01", "effective = 2024-01-01").replace(
        'title = "组"', 'title = "村民小组"')
    write(tmp_path, "jilin-n1.toml", newer)
    write(tmp_path, "future-n1.toml", N1_TEXT.replace("effective = 2020-08-01",
                                                      "effective = 2099-01-01"))
    found = layouts.get_layout("house-collection")
    assert (found.path.name, found.effective) == ("jilin-n1.toml", date(2024, 1, 1))
    make_house()
    assert rows_of(export(api, cast.shancheng, "house-collection"))[1][5] == "村民小组"


def test_a_broken_province_file_refuses_the_export_with_its_message(api, cast, settings,
                                                                    tmp_path):
    settings.LAYOUT_DIR = str(tmp_path)
    write(tmp_path, "jilin-n1.toml", N1_TEXT.replace("effective = 2020-08-01",
                                                     "effective = 2024-01-01")
          .replace('codes = "land"', 'codes = "soil"'))
    r = export(api, cast.shancheng, "house-collection")
    assert r.status_code == 422
    assert r.json()["error"]["message"] == (
        "版式文件 jilin-n1.toml 的“土地性质”列：代码对照表“soil”不存在")
    assert r.json()["error"]["code"] == "layout_invalid"


def test_every_shipped_layout_loads_and_maps_every_code():
    for name in layouts.NAMES:
        found = layouts.get_layout(name)
        assert found.name == name
        for column in found.columns:
            assert column.codes is None or all(column.codes.values())


# --- reconciliation (对账) ------------------------------------------------------------------


def _workbook(rows) -> bytes:
    from anju.kit.xlsx import stream_workbook

    caption, header, *data = rows
    return b"".join(stream_workbook([("国家系统", [(t, 10) for t in header],
                                      [tuple(r) for r in data], [caption])]))


def _load(api, user, content, name="national.xlsx", layout="house-collection"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = api(user)
    r = client.upload(f"/api/v1/imports/national/{layout}",
                      {"file": SimpleUploadedFile(name, content)})
    assert r.status_code == 202, r.content
    job = client.get(f"/api/v1/jobs/{r.json()['job_id']}").json()
    assert job["status"] == "succeeded", job
    return job


def _listed(job) -> list[tuple]:
    return [(e["row"], e["field"], e["code"]) for e in job["errors"]]


@pytest.fixture
def three_houses(make_household, make_house):
    made = []
    for n in range(3):
        household = make_household(head_name=f"张{n}")
        made.append(make_house(household=household, address=f"演示一村 {n} 号",
                               land_type="collective"))
    return made


def test_an_export_with_three_edited_cells_and_one_deleted_row_lists_exactly_four_differences(
        api, cast, three_houses):
    rows = rows_of(export(api, cast.mhk_housing, "house-collection"))
    header = rows[1]
    rows[2][header.index("土地性质")] = "国有"
    rows[2][header.index("建筑面积（平方米）")] = 95.5
    rows[3][header.index("结构类型")] = "3 土木"
    del rows[4]
    job = _load(api, cast.mhk_housing, _workbook(rows))
    assert sorted(_listed(job), key=str) == sorted([
        (3, "土地性质", "national_difference"), (3, "建筑面积（平方米）", "national_difference"),
        (4, "结构类型", "national_difference"), (None, None, "missing_in_file")], key=str)
    assert (job["summary"]["matched"], job["summary"]["differences"]) == (2, 3)
    messages = {e["field"]: e["message"] for e in job["errors"]}
    assert messages["土地性质"] == f"房屋编号 {three_houses[0].pk}：国家系统为“国有”，安居为“集体”"
    # nothing in Anju is overwritten by loading
    assert House.objects.get(pk=three_houses[0].pk).land_type == "collective"
    report = api(cast.mhk_housing).get(f"/api/v1/jobs/{job['id']}/errors.xlsx")
    assert report.status_code == 200  # the list is exportable


def test_the_national_code_read_from_the_file_is_kept_on_the_matched_house(api, cast,
                                                                          three_houses):
    rows = rows_of(export(api, cast.mhk_housing, "self-built"))
    caption, groups, header, *data = rows
    data[0][header.index("房屋编码")] = "220581100001000777"
    content = _workbook([caption, header, *data])
    job = _load(api, cast.mhk_housing, content, layout="self-built")
    assert job["errors"] == []
    assert job["summary"]["national_codes_kept"] == 1
    assert House.objects.get(pk=three_houses[0].pk).national_code == "220581100001000777"


def test_a_gb18030_csv_as_chinese_excel_saves_it_is_reconciled(api, cast, three_houses):
    import csv

    rows = rows_of(export(api, cast.shancheng, "house-collection"))  # ID numbers masked
    rows[2][rows[1].index("房屋地址")] = "演示一村 0 号（改）"
    text = io.StringIO()
    csv.writer(text).writerows(rows[1:])
    job = _load(api, cast.shancheng, text.getvalue().encode("gb18030"), name="国家.csv")
    # matched by name and village (the masked ID number cannot match), then compared
    assert _listed(job) == [(2, "房屋地址", "national_difference")]


def test_a_file_of_another_county_is_reported_row_by_row_and_nothing_written(
        api, cast, make_household, make_house):
    household = make_household(division_code=HUINAN_V1, head_name="赵四")
    make_house(division_code=HUINAN_V1, household=household)
    rows = rows_of(export(api, cast.huinan_housing, "house-collection"))
    job = _load(api, cast.mhk_housing, _workbook(rows))
    assert _listed(job) == [(3, "行政区划代码", "division_out_of_scope")]
    assert House.objects.filter(national_code="").count() == House.objects.count()


def test_a_file_in_another_layout_is_refused_at_once(api, cast, three_houses):
    from django.core.files.uploadedfile import SimpleUploadedFile

    rows = rows_of(export(api, cast.mhk_housing, "security-outcome"))
    r = api(cast.mhk_housing).upload("/api/v1/imports/national/house-collection",
                                     {"file": SimpleUploadedFile("n5.xlsx", _workbook(rows))})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "columns_missing"
    assert Job.objects.count() == 0
