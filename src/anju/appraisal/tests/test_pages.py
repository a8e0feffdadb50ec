"""The pages of 排查、初判、鉴定 through Django's test client: who may open them, what posting
each form records, and the rule errors shown beside their fields."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anju.appraisal import actions
from anju.appraisal.codes import DESCRIPTORS, Component
from anju.appraisal.commands import RecordAppraisal, RecordInspection, RecordScreening
from anju.appraisal.models import Appraisal, Hazard, Inspection, Screening
from anju.conftest import CHANGJI_V1, SHANCHENG_V1
from anju.registry.models import Attachment, House

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
PDF = b"%PDF-1.4\n" + b"0" * 40
HTMX = {"HX-Request": "true"}


def text(response) -> str:
    return response.content.decode()


def field_errors(response, name: str) -> list[str]:
    """The errors shown beside one field: within its wrapper (id="field-<name>"), before the
    next field's."""
    body = text(response)
    start = body.find(f'id="field-{name}"')
    assert start != -1, f"field {name} is not on the page"
    end = body.find('id="field-', start + 1)
    block = body[start:end if end != -1 else len(body)]
    return re.findall(r'class="field-error"[^>]*>([^<]+)<', block)


def today():
    return timezone.localdate()


def screening_data(items=(), **fields) -> dict:
    data = {"checked_on": today().isoformat(), "level": "village", "inspector": "", "note": "",
            "items-TOTAL_FORMS": str(max(3, len(items))), "items-INITIAL_FORMS": "0",
            "items-MIN_NUM_FORMS": "0", "items-MAX_NUM_FORMS": "40"}
    for i, (kind, count, note) in enumerate(items):
        data |= {f"items-{i}-kind": kind, f"items-{i}-count": str(count),
                 f"items-{i}-note": note}
    return data | fields


def ratings(**given) -> dict:
    values = {c: "a" for c in Component.values} | given
    return {f"components_{c}": r for c, r in values.items()}


def appraisal_data(components=None, **fields) -> dict:
    return {"appraised_on": today().isoformat(), "appraiser": "张工", "organization": "",
            "site": "safe", "prevention": "partial", "grade": "", "override_reason": "",
            **(components if components is not None else ratings()), **fields}


# ---- who may open what ----------------------------------------------------------------------

PAGES = ["/appraisal/houses/{id}/", "/appraisal/houses/{id}/panel/",
         "/appraisal/houses/{id}/screenings/new/", "/appraisal/houses/{id}/screenings/item-row/",
         "/appraisal/houses/{id}/inspections/new/"]
APPRAISAL_PAGES = ["/appraisal/houses/{id}/appraisals/new/",
                   "/appraisal/houses/{id}/appraisals/preview/"]


@pytest.mark.parametrize(("username", "path"), [
    *[(user, path) for user in ("huinan_housing", "hongmei") for path in PAGES],
    # a township officer may not appraise at all (403 below); the other county's officer may
    *[("huinan_housing", path) for path in APPRAISAL_PAGES],
])
def test_a_house_outside_the_scope_answers_404(browser, cast, make_house, username, path):
    house = make_house(division_code=SHANCHENG_V1)
    r = browser(getattr(cast, username)).get(path.format(id=house.pk), headers=HTMX)
    assert r.status_code == 404


@pytest.mark.parametrize("path", APPRAISAL_PAGES)
def test_a_township_officer_may_not_open_the_appraisal_pages(browser, cast, make_house, path):
    house = make_house(division_code=SHANCHENG_V1)
    assert browser(cast.shancheng).get(path.format(id=house.pk)).status_code == 403


def test_a_village_cadre_may_screen_and_inspect_but_not_appraise(browser, cast, make_house):
    house = make_house()
    cadre = browser(cast.cadre)
    assert cadre.get(f"/appraisal/houses/{house.pk}/screenings/new/").status_code == 200
    assert cadre.get(f"/appraisal/houses/{house.pk}/inspections/new/").status_code == 200
    assert cadre.get(f"/appraisal/houses/{house.pk}/appraisals/new/").status_code == 403
    r = cadre.post(f"/appraisal/houses/{house.pk}/appraisals/new/", appraisal_data())
    assert r.status_code == 403
    assert cadre.post(f"/appraisal/houses/{house.pk}/appraisals/preview/",
                      ratings()).status_code == 403
    assert Appraisal.objects.count() == 0
    house.refresh_from_db()
    assert house.grade == "unrated"


def test_the_panel_offers_only_the_records_the_user_may_make(browser, cast, make_house):
    house = make_house()
    url = f"/appraisal/houses/{house.pk}/panel/"
    cadre = text(browser(cast.cadre).get(url, headers=HTMX))
    assert "录入排查初判" in cadre and "记录检查" in cadre
    assert "录入安全性鉴定" not in cadre
    appraiser = text(browser(cast.appraiser1).get(url, headers=HTMX))
    assert "录入排查初判" in appraiser and "录入安全性鉴定" in appraiser
    civil = text(browser(cast.mhk_civil).get(url, headers=HTMX))
    assert "录入安全性鉴定" not in civil


# ---- the house panel ------------------------------------------------------------------------

def test_house_page_loads_the_panel_with_a_fallback_link(browser, cast, make_house):
    house = make_house()
    body = text(browser(cast.shancheng).get(f"/registry/houses/{house.pk}/"))
    assert f'hx-get="/appraisal/houses/{house.pk}/panel/" hx-trigger="load"' in body
    assert f'href="/appraisal/houses/{house.pk}/"' in body


def test_the_panel_opened_directly_sends_to_the_full_page(browser, cast, make_house):
    house = make_house()
    client = browser(cast.shancheng)
    r = client.get(f"/appraisal/houses/{house.pk}/panel/")
    assert r.status_code == 302 and r["Location"] == f"/appraisal/houses/{house.pk}/"
    page = client.get(f"/appraisal/houses/{house.pk}/")
    assert page.status_code == 200
    assert "排查初判与安全性鉴定" in text(page) and "尚未排查" in text(page)


def test_the_panel_shows_hazard_number_controls_and_awaiting_badge(browser, cast, make_house):
    house = make_house()
    screening = actions.record_screening(house, RecordScreening(
        checked_on=today(), items=[
            {"kind": "wall_vertical_crack", "level": "serious", "count": 1, "note": "东山墙"}]),
        acting_user=cast.cadre)
    hazard = Hazard.objects.get(screening=screening)
    r = browser(cast.shancheng).get(f"/appraisal/houses/{house.pk}/panel/", headers=HTMX)
    body = text(r)
    assert r.status_code == 200
    assert '<span class="badge-awaiting">待鉴定</span>' in body
    assert f'<td data-label="编号" class="mono hazard-number">{hazard.number}</td>' in body
    controls = re.search(r'<ol class="controls">(.*?)</ol>', body, re.S).group(1)
    assert re.findall(r"<li>([^<]+)</li>", controls) == [
        "搬离人员", "腾空封房", "专人值守", "张贴警示标识"]
    assert '<span class="result result-serious">存在严重安全隐患</span>' in body
    assert "东山墙" in body
    # A screening result is never shown as a grade.
    assert re.findall(r'id="house-grade">([^<]+)<', body) == ["未鉴定"]


def test_the_panel_shows_computed_and_recorded_grades_and_the_reason(browser, cast,
                                                                     make_house):
    house = make_house()
    actions.record_appraisal(house, RecordAppraisal(
        appraised_on=today(), appraiser="张工", site="safe",
        components={c: "b" for c in Component.values}, prevention="full",
        grade="C", override_reason="屋面整体下沉，综合判定为局部危房"), acting_user=cast.appraiser1)
    body = text(browser(cast.shancheng).get(f"/appraisal/houses/{house.pk}/panel/",
                                            headers=HTMX))
    assert re.findall(r'id="house-grade">([^<]+)<', body) == ["C级（局部危险）"]
    assert "部分承重结构不能满足正常使用要求，局部出现险情，构成局部危房" in body
    assert '<td data-label="计算"><span class="grade grade-B">B</span></td>' in body
    assert "综合判定理由：屋面整体下沉，综合判定为局部危房" in body


def _panel_records(house, user, n):
    for _ in range(n):
        inspection = actions.record_inspection(house, RecordInspection(
            level="village", inspected_on=today(), findings="墙体开裂", major_hazard=True),
            acting_user=user)
        inspection.photos.set([])
        actions.record_screening(house, RecordScreening(
            checked_on=today(), items=[
                {"kind": "beam_crack", "level": "serious", "count": 1},
                {"kind": "roof_leak", "level": "general", "count": 2}]), acting_user=user)
        actions.record_appraisal(house, RecordAppraisal(
            appraised_on=today(), appraiser="张工", site="safe",
            components={c: "c" for c in Component.values}, prevention="none"),
            acting_user=user)


def _panel_queries(client, house) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        r = client.get(f"/appraisal/houses/{house.pk}/panel/", headers=HTMX)
    assert r.status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def test_the_panel_takes_the_same_queries_however_long_the_history(browser, cast, make_house):
    one, many = make_house(), make_house()
    _panel_records(one, cast.mhk_housing, 1)
    _panel_records(many, cast.mhk_housing, 4)
    client = browser(cast.shancheng)
    client.get("/")  # the session's first request does its own bookkeeping
    short, long = _panel_queries(client, one), _panel_queries(client, many)
    assert len(short) == len(long)
    # Beyond the session and login checks: the house, its hazards and their controls, the
    # screenings and their item names, the appraisals, the inspections and their photos.
    own = [q for q in long if re.search(r'FROM "(registry|appraisal)_', q)]
    assert len(own) == 8
    r = client.get(f"/appraisal/houses/{many.pk}/panel/", headers=HTMX)
    assert text(r).count('class="mono hazard-number"') == 8


# ---- 排查初判 -------------------------------------------------------------------------------

def test_screening_form_groups_the_catalogue_and_fills_in_the_defaults(browser, cast,
                                                                      make_house):
    house = make_house()
    r = browser(cast.cadre).get(f"/appraisal/houses/{house.pk}/screenings/new/")
    body = text(r)
    assert r.status_code == 200
    row = re.search(r'<select name="items-0-kind"[^>]*>(.*?)</select>', body, re.S).group(1)
    assert re.findall(r'<optgroup label="([^"]+)">', row) == ["严重隐患", "一般隐患"]
    assert '<option value="wall_vertical_crack">' in row
    assert 'name="items-0-level"' not in body  # the level comes from the catalogue
    assert f'name="checked_on" value="{today().isoformat()}"' in body
    assert 'name="inspector" value="cadre"' in body
    assert '<option value="village" selected>村级检查</option>' in body
    assert 'name="items-TOTAL_FORMS" value="3"' in body
    assert 'name="altered_without_design"' in body


def test_add_row_returns_the_next_row_and_counts_it(browser, cast, make_house):
    house = make_house()
    r = browser(cast.cadre).get(f"/appraisal/houses/{house.pk}/screenings/item-row/",
                                {"items-TOTAL_FORMS": "3"}, headers=HTMX)
    body = text(r)
    assert r.status_code == 200
    assert 'name="items-3-kind"' in body and 'name="items-3-count"' in body
    assert ('<input type="hidden" name="items-TOTAL_FORMS" value="4" '
            'id="id_items-TOTAL_FORMS" hx-swap-oob="true">') in body
    full = browser(cast.cadre).get(f"/appraisal/houses/{house.pk}/screenings/item-row/",
                                   {"items-TOTAL_FORMS": "40"}, headers=HTMX)
    assert full.status_code == 204


def test_a_serious_screening_numbers_the_hazard_and_orders_control_measures(browser, cast,
                                                                           make_house):
    house = make_house()
    client = browser(cast.cadre)
    r = client.post(f"/appraisal/houses/{house.pk}/screenings/new/", screening_data(
        [("timber_column_rot", 1, "西北角柱"), ("roof_leak", 2, "")], note="户主在家"))
    assert r.status_code == 302 and r["Location"] == f"/registry/houses/{house.pk}/"
    screening = Screening.objects.get(house=house)
    assert screening.result == "serious"
    assert screening.inspector == "cadre" and screening.level == "village"
    assert screening.items == [
        {"kind": "timber_column_rot", "level": "serious", "count": 1, "note": "西北角柱"},
        {"kind": "roof_leak", "level": "general", "count": 2, "note": ""}]
    house.refresh_from_db()
    assert (house.screening_result, house.awaiting_appraisal, house.grade) == (
        "serious", True, "unrated")
    hazard = Hazard.objects.get(house=house)
    assert re.fullmatch(rf"YH220581{today().year}\d{{5}}", hazard.number)
    assert [c.kind for c in hazard.controls.all()] == [
        "evacuate", "seal", "guard", "warning_sign"]
    page = text(client.get(r["Location"]))
    assert "排查初判已保存：存在严重安全隐患。" in page
    assert (f"已登记新增隐患 {hazard.number}，应立即采取管控措施：搬离人员、腾空封房、专人值守、"
            "张贴警示标识") in page


def test_general_items_of_three_kinds_are_serious(browser, cast, make_house):
    house = make_house()
    browser(cast.shancheng).post(f"/appraisal/houses/{house.pk}/screenings/new/", screening_data(
        [("wall_crack", 1, ""), ("roof_leak", 1, ""), ("weathering", 1, "")]))
    assert Screening.objects.get(house=house).result == "serious"
    assert Hazard.objects.filter(house=house).count() == 1


def test_an_altered_house_without_items_has_some_hazard_and_awaits_appraisal(browser, cast,
                                                                            make_house):
    house = make_house()
    r = browser(cast.cadre).post(f"/appraisal/houses/{house.pk}/screenings/new/",
                                 screening_data(altered_without_design="on"), follow=True)
    assert "存在一定安全隐患：应限制使用，并安排安全性鉴定。" in text(r)
    screening = Screening.objects.get(house=house)
    assert (screening.result, screening.altered_without_design, screening.items) == (
        "some", True, [])
    house.refresh_from_db()
    assert house.awaiting_appraisal is True
    assert Hazard.objects.count() == 0


def test_a_screening_dated_tomorrow_is_refused_beside_the_date(browser, cast, make_house):
    house = make_house()
    r = browser(cast.cadre).post(f"/appraisal/houses/{house.pk}/screenings/new/", screening_data(
        [("beam_crack", 1, "")], checked_on=(today() + timedelta(days=1)).isoformat()))
    assert r.status_code == 422
    assert field_errors(r, "checked_on") == ["排查日期不能晚于今天"]
    assert "未保存" in text(r)
    assert 'name="items-0-kind"' in text(r) and 'value="beam_crack" selected' in text(r)
    assert Screening.objects.count() == 0 and Hazard.objects.count() == 0


def test_an_item_note_without_a_kind_is_refused_in_its_row(browser, cast, make_house):
    house = make_house()
    r = browser(cast.cadre).post(f"/appraisal/houses/{house.pk}/screenings/new/",
                                 screening_data([("", 1, "后墙")]))
    assert r.status_code == 422
    assert "请选择隐患项目" in text(r)
    assert Screening.objects.count() == 0


# ---- 安全性鉴定 -----------------------------------------------------------------------------

def test_appraisal_form_offers_the_official_descriptors_as_choices(browser, cast, make_house):
    house = make_house(floors=2)
    r = browser(cast.appraiser1).get(f"/appraisal/houses/{house.pk}/appraisals/new/")
    body = text(r)
    assert r.status_code == 200
    for component in Component.values:
        for rating in "abcd":
            assert (f'value="{rating}"' in body
                    and DESCRIPTORS[component][rating] in body)
        assert f'name="components_{component}" value="n/a"' in body
    assert 'name="appraiser" value="appraiser1"' in body
    assert '<option value="" selected>按构件计算</option>' in body
    assert f'hx-post="/appraisal/houses/{house.pk}/appraisals/preview/"' in body
    assert 'hx-trigger="change"' in body
    assert "尚有构件未评定：地基基础、承重墙" in body
    assert "抗震构造措施" not in body  # Meihekou: intensity 7
    assert "不适用《农村住房安全性鉴定技术导则》" not in body


def test_an_appraisal_sets_the_house_grade_to_the_worst_component(browser, cast, make_house):
    house = make_house(occupancy="occupied")
    client = browser(cast.appraiser1)
    r = client.post(f"/appraisal/houses/{house.pk}/appraisals/new/", appraisal_data(
        ratings(bearing_wall="c", roof="b", concrete_frame="n/a"), organization="梅河口鉴定站"))
    assert r.status_code == 302 and r["Location"] == f"/registry/houses/{house.pk}/"
    appraisal = Appraisal.objects.get(house=house)
    assert (appraisal.method, appraisal.computed_grade, appraisal.grade) == ("rural", "C", "C")
    assert appraisal.components == {"foundation": "a", "bearing_wall": "c",
                                    "timber_frame": "a", "timber_truss": "a",
                                    "concrete_frame": "n/a", "roof": "b"}
    assert (appraisal.appraiser, appraisal.organization, appraisal.prevention) == (
        "张工", "梅河口鉴定站", "partial")
    house.refresh_from_db()
    assert house.grade == "C"
    assert "安全性鉴定已保存：C级（局部危险）。" in text(client.get(r["Location"]))


def test_a_grade_other_than_computed_without_reason_is_refused_and_nothing_saved(
        browser, cast, make_house):
    house = make_house()
    r = browser(cast.appraiser1).post(f"/appraisal/houses/{house.pk}/appraisals/new/",
                                      appraisal_data(ratings(roof="b"), grade="A"))
    assert r.status_code == 422
    assert field_errors(r, "grade") == [
        "录入的等级 A 与按构件计算的等级 B 不一致，综合判定时应写明理由"]
    assert "选定的鉴定等级 A 与计算等级 B 不同" in text(r)
    assert Appraisal.objects.count() == 0
    house.refresh_from_db()
    assert house.grade == "unrated"


def test_a_reasoned_override_keeps_both_grades(browser, cast, make_house):
    house = make_house()
    browser(cast.appraiser1).post(f"/appraisal/houses/{house.pk}/appraisals/new/", appraisal_data(
        ratings(roof="b"), grade="C", override_reason="后墙外闪，综合判定"))
    appraisal = Appraisal.objects.get(house=house)
    assert (appraisal.computed_grade, appraisal.grade, appraisal.override_reason) == (
        "B", "C", "后墙外闪，综合判定")


def test_an_unrated_component_is_refused_in_its_row(browser, cast, make_house):
    house = make_house()
    components = ratings()
    del components["components_timber_truss"]
    r = browser(cast.appraiser1).post(f"/appraisal/houses/{house.pk}/appraisals/new/",
                                      appraisal_data(components))
    assert r.status_code == 422
    assert field_errors(r, "components_timber_truss") == [
        "木屋架未评定；本房屋没有的构件请选“不适用”"]
    assert "尚有构件未评定：木屋架" in text(r)
    assert Appraisal.objects.count() == 0


def test_a_dangerous_site_makes_the_house_d(browser, cast, make_house):
    house = make_house()
    r = browser(cast.appraiser1).post(f"/appraisal/houses/{house.pk}/appraisals/new/",
                                      appraisal_data({}, site="landslide"), follow=True)
    assert "场地存在滑坡危险：建议迁址重建。" in text(r)
    house.refresh_from_db()
    assert house.grade == "D"


@pytest.mark.parametrize(("posted", "letter", "shown"), [
    (ratings(), "A", "结构能满足正常使用要求"),
    (ratings(bearing_wall="c", roof="b"), "C", "构成局部危房"),
    (ratings(foundation="d", concrete_frame="n/a"), "D", "构成整幢危房"),
    ({"site": "mined_out"}, "D", "场地存在采空区危险：房屋评为 D 级，建议迁址重建。"),
])
def test_preview_shows_the_computed_grade(browser, cast, make_house, posted, letter, shown):
    house = make_house()
    r = browser(cast.appraiser1).post(f"/appraisal/houses/{house.pk}/appraisals/preview/",
                                      posted, headers=HTMX)
    body = text(r)
    assert r.status_code == 200
    assert f'<div id="computed-grade" class="computed-grade" data-grade="{letter}">' in body
    assert f'<span class="grade grade-{letter} computed-letter">{letter}</span>' in body
    assert shown in body


def test_preview_lists_the_rows_still_unrated(browser, cast, make_house):
    house = make_house()
    r = browser(cast.appraiser1).post(f"/appraisal/houses/{house.pk}/appraisals/preview/",
                                      {"components_foundation": "b", "components_roof": "a",
                                       "components_concrete_frame": "n/a"}, headers=HTMX)
    body = text(r)
    assert 'data-grade=""' in body
    assert "尚有构件未评定：承重墙、木柱、梁、檩、木屋架" in body
    every_na = {f"components_{c}": "n/a" for c in Component.values}
    r = browser(cast.appraiser1).post(f"/appraisal/houses/{house.pk}/appraisals/preview/",
                                      every_na, headers=HTMX)
    assert "至少应有一项承重构件参与评定。" in text(r)


def test_seismic_items_are_asked_and_required_in_changji(browser, cast, make_house):
    house = make_house(division_code=CHANGJI_V1)
    client = browser(cast.cj_appraiser)
    body = text(client.get(f"/appraisal/houses/{house.pk}/appraisals/new/"))
    assert "抗震构造措施（抗震设防烈度 8 度地区，必填）" in body
    for item in ("ring_beam", "tie_column", "ground_ring_beam"):
        assert f'name="seismic_{item}" value="yes"' in body
    r = client.post(f"/appraisal/houses/{house.pk}/appraisals/new/",
                    appraisal_data(seismic_ring_beam="yes", seismic_tie_column="no"))
    assert r.status_code == 422
    assert field_errors(r, "seismic_ground_ring_beam") == [
        "抗震设防烈度 8 度地区应填写是否设有基础地圈梁"]
    assert Appraisal.objects.count() == 0
    client.post(f"/appraisal/houses/{house.pk}/appraisals/new/", appraisal_data(
        seismic_ring_beam="yes", seismic_tie_column="no", seismic_ground_ring_beam="yes"))
    assert Appraisal.objects.get(house=house).seismic == {
        "ring_beam": True, "tie_column": False, "ground_ring_beam": True}


def test_a_three_storey_house_takes_an_urban_report(browser, cast, make_house, media):
    house = make_house(floors=3)
    client = browser(cast.mhk_housing)
    body = text(client.get(f"/appraisal/houses/{house.pk}/appraisals/new/"))
    assert "三层及以上的房屋不适用《农村住房安全性鉴定技术导则》" in body
    assert ('name="urban_report_institution"' in body
            and 'name="urban_report_file_id"' in body)
    assert "components_foundation" not in body and "computed-grade" not in body
    r = client.post(f"/appraisal/houses/{house.pk}/appraisals/new/", {
        "appraised_on": today().isoformat(), "appraiser": "李工",
        "urban_report_institution": "通化市建筑工程质量检测中心",
        "urban_report_report_no": "TH-2026-018", "urban_report_grade": "B",
        "urban_report_file_id": SimpleUploadedFile("report.pdf", PDF, "application/pdf")})
    assert r.status_code == 302
    appraisal = Appraisal.objects.get(house=house)
    assert (appraisal.method, appraisal.grade, appraisal.institution, appraisal.report_no) == (
        "urban", "B", "通化市建筑工程质量检测中心", "TH-2026-018")
    assert appraisal.report_file.kind == "document"
    assert appraisal.report_file.house_id == house.pk
    house.refresh_from_db()
    assert house.grade == "B"


def test_an_urban_report_without_its_number_is_refused_and_keeps_no_file(browser, cast,
                                                                        make_house, media):
    house = make_house(floors=4)
    r = browser(cast.mhk_housing).post(f"/appraisal/houses/{house.pk}/appraisals/new/", {
        "appraised_on": today().isoformat(), "appraiser": "李工",
        "urban_report_institution": "通化市建筑工程质量检测中心", "urban_report_grade": "C",
        "urban_report_file_id": SimpleUploadedFile("report.pdf", PDF, "application/pdf")})
    assert r.status_code == 422
    assert field_errors(r, "urban_report_report_no") == ["报告编号不能为空"]
    assert Appraisal.objects.count() == 0 and Attachment.objects.count() == 0
    assert not any(p.is_file() for p in media.rglob("*"))


def test_component_photos_are_kept_with_the_appraisal(browser, cast, make_house, media):
    house = make_house()
    r = browser(cast.mhk_housing).post(f"/appraisal/houses/{house.pk}/appraisals/new/",
                                       appraisal_data(ratings(bearing_wall="d"), **{
                                           "component_photos_bearing_wall": [
                                               SimpleUploadedFile("a.png", PNG, "image/png"),
                                               SimpleUploadedFile("b.png", PNG, "image/png")]}))
    assert r.status_code == 302
    appraisal = Appraisal.objects.get(house=house)
    photos = list(Attachment.objects.filter(house=house).order_by("id"))
    assert appraisal.component_photos == {"bearing_wall": [p.pk for p in photos]}
    assert [p.kind for p in photos] == ["photo", "photo"]
    assert appraisal.grade == "D"


def test_an_appraiser_may_photograph_each_component_on_the_form(browser, cast, make_house):
    house = make_house()
    body = text(browser(cast.appraiser1).get(f"/appraisal/houses/{house.pk}/appraisals/new/"))
    assert body.count('type="file"') == 6


# ---- 各级检查 -------------------------------------------------------------------------------

def test_inspection_form_defaults_to_the_immediate_control_measures(browser, cast,
                                                                    make_house):
    house = make_house()
    body = text(browser(cast.shancheng).get(f"/appraisal/houses/{house.pk}/inspections/new/"))
    checked = re.findall(r'<input type="checkbox" name="controls" value="(\w+)"[^>]*checked', body)
    assert checked == ["evacuate", "warning_sign", "seal", "guard"]
    assert '<option value="township" selected>乡镇巡查</option>' in body
    assert 'name="photo_ids"' in body and "multiple" in body


def test_an_inspection_with_a_major_hazard_keeps_photos_and_orders_controls(
        browser, cast, make_house, media):
    house = make_house()
    client = browser(cast.shancheng)
    r = client.post(f"/appraisal/houses/{house.pk}/inspections/new/", {
        "level": "township", "inspected_on": today().isoformat(), "inspector": "刘干事",
        "findings": "后墙外闪，有倒塌危险", "major_hazard": "on",
        "controls": ["evacuate", "cordon"],
        "photo_ids": [SimpleUploadedFile("wall.png", PNG, "image/png")]})
    assert r.status_code == 302
    inspection = Inspection.objects.get(house=house)
    assert (inspection.level, inspection.inspector, inspection.major_hazard) == (
        "township", "刘干事", True)
    assert [p.kind for p in inspection.photos.all()] == ["photo"]
    hazard = Hazard.objects.get(inspection=inspection)
    assert [c.kind for c in hazard.controls.all()] == ["evacuate", "cordon"]
    assert f"已登记新增隐患 {hazard.number}，应立即采取管控措施：搬离人员、警戒线" in text(
        client.get(r["Location"]))


def test_a_major_hazard_without_findings_is_refused_and_keeps_no_photo(browser, cast,
                                                                       make_house, media):
    house = make_house()
    r = browser(cast.shancheng).post(f"/appraisal/houses/{house.pk}/inspections/new/", {
        "level": "township", "inspected_on": today().isoformat(), "major_hazard": "on",
        "photo_ids": [SimpleUploadedFile("wall.png", PNG, "image/png")]})
    assert r.status_code == 422
    assert field_errors(r, "findings") == ["发现重大安全隐患时应写明隐患情况"]
    assert Inspection.objects.count() == 0 and Attachment.objects.count() == 0
    assert Hazard.objects.count() == 0
    assert not any(p.is_file() for p in media.rglob("*"))


def test_a_file_that_is_not_a_photo_is_refused_beside_the_photos(browser, cast, make_house,
                                                                 media):
    house = make_house()
    r = browser(cast.shancheng).post(f"/appraisal/houses/{house.pk}/inspections/new/", {
        "level": "township", "inspected_on": today().isoformat(), "findings": "正常",
        "photo_ids": [SimpleUploadedFile("notes.txt", b"hello", "text/plain")]})
    assert r.status_code == 422
    assert field_errors(r, "photo_ids") == ["notes.txt：只接受 JPEG、PNG、WebP 图片或 PDF 文件"]
    assert Inspection.objects.count() == 0


def test_house_grade_is_untouched_by_an_inspection(browser, cast, make_house):
    house = make_house(grade="B")
    browser(cast.cadre).post(f"/appraisal/houses/{house.pk}/inspections/new/", {
        "level": "village", "inspected_on": today().isoformat(), "findings": "无异常"})
    assert House.objects.get(pk=house.pk).grade == "B"
