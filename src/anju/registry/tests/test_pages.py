"""The clerk's pages through Django's test client: lists, masking, scope, roles, forms."""

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from anju.conftest import (
    HONGMEI_V1,
    HUINAN_V1,
    SHANCHENG_V1,
    SHANCHENG_V2,
    valid_id_number,
)
from anju.crypto import lookup_hash
from anju.registry.models import House, Household, RecordEvent


def text(response) -> str:
    return response.content.decode()


def house_form_data(house, **changes):
    data = {"version": house.version, "household_id": house.household_id or "",
            "division_code": house.division_code, "address": house.address,
            "structure": house.structure, "floors": house.floors,
            "built_year": house.built_year or "", "build_method": house.build_method,
            "floor_area": str(house.floor_area), "use": house.use,
            "business_sector": house.business_sector, "occupancy": house.occupancy,
            "is_only_house": "on" if house.is_only_house else "",
            "lat": "", "lng": ""}
    data.update(changes)
    if not data["is_only_house"]:
        del data["is_only_house"]
    return data


def test_anonymous_visitor_is_sent_to_the_chinese_login_page():
    r = Client().get("/registry/houses/")
    assert r.status_code == 302
    assert r["Location"].startswith("/login/?next=")
    page = Client().get("/login/")
    assert "登录安居" in text(page)
    assert 'charset="utf-8"' in text(page)


def test_wrong_password_is_refused_in_chinese(cast):
    r = Client().post("/login/", {"username": "shancheng", "password": "wrong"})
    assert r.status_code == 200
    assert "请输入一个正确的" in text(r)


def test_home_counts_the_grades_and_the_occupied_dangerous_houses(browser, cast, make_house,
                                                                 make_household):
    make_household()
    make_house(grade="D", occupancy="occupied")
    make_house(grade="C", occupancy="occupied")
    make_house(grade="C", occupancy="evacuated")
    make_house(grade="A")
    make_house(division_code=HONGMEI_V1, grade="D", occupancy="occupied")
    call_command("ledger_backfill", "220581")  # the red alert is read from the ledger (R-CJ-6)
    r = browser(cast.shancheng).get("/")
    assert r.status_code == 200
    overview = {figure.key: n for figure, n, _ in r.context["overview"]}
    assert overview == {"households": 1, "houses": 4}
    work = {figure.key: n for figure, n, _ in r.context["work"]}
    assert work["red_alerts"] == 2
    assert dict((g.value, n) for g, n in r.context["grades"]) == {
        "A": 1, "B": 0, "C": 2, "D": 1, "unrated": 0}
    children = {c.code: f for c, f in r.context["children"]}
    assert children[SHANCHENG_V1] == {"houses": 4, "dangerous": 3, "alert": 2}
    assert 'id="red-alert"' in text(r)


def test_house_list_filters_by_grade_occupancy_and_division(browser, cast, make_house):
    d_occupied = make_house(grade="D", occupancy="occupied")
    make_house(grade="D", occupancy="vacant")
    make_house(grade="A", occupancy="occupied")
    c_other_village = make_house(division_code=SHANCHENG_V2, grade="C", occupancy="occupied")
    client = browser(cast.shancheng)

    def ids(**params):
        r = client.get("/registry/houses/", params)
        assert r.status_code == 200
        return [h.pk for h in r.context["page"]]

    assert ids(grade="D", occupancy="occupied") == [d_occupied.pk]
    assert ids(grade="CD", occupancy="occupied") == [d_occupied.pk, c_other_village.pk]
    assert ids(division=SHANCHENG_V2) == [c_other_village.pk]
    assert len(ids()) == 4


def test_house_list_puts_priority_houses_first_and_pages_by_fifty(browser, cast, make_house):
    for _ in range(51):
        make_house()
    priority = make_house(priority_tags=["near_school"])
    r = browser(cast.shancheng).get("/registry/houses/")
    page = r.context["page"]
    assert page.paginator.count == 52
    assert len(page.object_list) == 50
    assert page.object_list[0].pk == priority.pk
    assert "第 1 / 2 页" in text(r)
    r2 = browser(cast.shancheng).get("/registry/houses/", {"page": 2})
    assert len(r2.context["page"].object_list) == 2


def test_house_search_finds_by_address_head_name_and_exact_id_number(browser, cast,
                                                                    make_house,
                                                                    make_household):
    household = make_household(head_name="李春花")
    house = make_house(household=household, address="山城镇演示一村幸福路 18 号")
    make_house(address="别处 1 号")
    client = browser(cast.shancheng)

    def found(q):
        return [h.pk for h in client.get("/registry/houses/", {"q": q}).context["page"]]

    assert found("幸福路") == [house.pk]
    assert found("李春花") == [house.pk]
    assert found(household.head_id_number) == [house.pk]
    assert found(household.head_id_number[:10]) == []


def test_lists_mask_id_numbers_phones_and_accounts(browser, cast, make_household):
    household = make_household(phone="13812345678", bank_account="6217000012345678")
    r = browser(cast.mhk_housing).get("/registry/households/")
    body = text(r)
    assert r.status_code == 200
    assert household.head_id_number not in body
    assert household.head_id_number[:6] + "********" + household.head_id_number[-4:] in body
    assert "13812345678" not in body and "138****5678" in body
    detail = text(browser(cast.mhk_housing).get(f"/registry/households/{household.pk}/"))
    assert household.head_id_number not in detail
    assert "6217000012345678" not in detail and "****5678" in detail


def test_household_search_by_exact_id_number(browser, cast, make_household):
    wanted = make_household(head_name="赵一")
    make_household(head_name="赵二")
    r = browser(cast.shancheng).get("/registry/households/", {"q": wanted.head_id_number})
    assert [h["household"].pk for h in r.context["rows"]] == [wanted.pk]
    r = browser(cast.shancheng).get("/registry/households/", {"q": "赵"})
    assert len(r.context["rows"]) == 2


@pytest.mark.parametrize("path", [
    "/registry/houses/{house}/", "/registry/houses/{house}/edit",
    "/registry/households/{household}/", "/registry/households/{household}/edit",
    "/registry/houses/{house}/responsible",
])
def test_records_outside_the_scope_answer_404(browser, cast, make_house, make_household, path):
    household = make_household(division_code=HUINAN_V1,
                               head_id_number=valid_id_number(region="220523"))
    house = make_house(division_code=HUINAN_V1, household=household)
    r = browser(cast.shancheng).get(path.format(house=house.pk, household=household.pk))
    assert r.status_code == 404
    assert house.address not in text(r)


def test_a_list_narrowed_to_a_division_outside_the_scope_answers_404(browser, cast):
    r = browser(cast.shancheng).get("/registry/houses/", {"division": "220523"})
    assert r.status_code == 404


@pytest.mark.parametrize("path", ["/registry/houses/{house}/edit", "/registry/houses/new",
                                  "/registry/households/new"])
def test_an_appraiser_cannot_open_the_edit_pages(browser, cast, make_house, path):
    house = make_house()
    r = browser(cast.appraiser1).get(path.format(house=house.pk))
    assert r.status_code == 403
    assert "无权" in text(r)


def test_an_appraiser_cannot_post_an_edit_and_nothing_changes(browser, cast, make_house):
    house = make_house()
    r = browser(cast.appraiser1).post(f"/registry/houses/{house.pk}/edit",
                                      house_form_data(house, floors=2))
    assert r.status_code == 403
    house.refresh_from_db()
    assert (house.floors, house.version) == (1, 1)


def test_a_viewer_sees_no_edit_button(browser, cast, make_house):
    house = make_house()
    body = text(browser(cast.appraiser1).get(f"/registry/houses/{house.pk}/"))
    assert f"/registry/houses/{house.pk}/edit" not in body


def test_house_edit_with_bad_values_shows_chinese_errors_beside_the_fields(browser, cast,
                                                                          make_house):
    house = make_house()
    r = browser(cast.shancheng).post(f"/registry/houses/{house.pk}/edit",
                                     house_form_data(house, floors=12, built_year=2999))
    assert r.status_code == 422
    form = r.context["form"]
    assert form.errors["floors"] == ["层数应在 1 到 10 层之间"]
    assert form.errors["built_year"] == ["建造年份 2999 晚于今年"]
    body = text(r)
    assert re.search(r'id="field-floors">.*?层数应在 1 到 10 层之间', body, re.S)
    house.refresh_from_db()
    assert (house.floors, house.version) == (1, 1)
    assert not RecordEvent.objects.filter(house=house).exists()


def test_house_edit_saves_through_the_verb_and_records_the_change(browser, cast, make_house):
    house = make_house()
    r = browser(cast.shancheng).post(f"/registry/houses/{house.pk}/edit",
                                     house_form_data(house, floors=2))
    assert r.status_code == 302
    house.refresh_from_db()
    assert (house.floors, house.storey_band, house.version) == (2, "2", 2)
    event = RecordEvent.objects.get(house=house)
    assert (event.action, event.changes) == ("house_updated", {"floors": 2})


def test_stale_version_is_refused_with_a_clear_message_and_nothing_written(browser, cast,
                                                                          make_house):
    house = make_house()
    stale = house_form_data(house, floors=3)
    House.objects.filter(pk=house.pk).update(version=2)
    r = browser(cast.shancheng).post(f"/registry/houses/{house.pk}/edit", stale)
    assert r.status_code == 422
    assert "记录已被他人修改，请刷新后重试" in text(r)
    house.refresh_from_db()
    assert (house.floors, house.version) == (1, 2)


def test_business_house_without_sector_is_refused_in_chinese(browser, cast, make_house):
    house = make_house()
    r = browser(cast.shancheng).post(f"/registry/houses/{house.pk}/edit",
                                     house_form_data(house, use="business"))
    assert r.status_code == 422
    assert r.context["form"].errors["business_sector"] == ["经营性房屋应填写经营行业"]


def test_register_a_household_with_members(browser, cast):
    head_id = valid_id_number()
    spouse_id = valid_id_number()
    data = {"division_code": SHANCHENG_V1, "head_name": "孙立", "head_id_number": head_id,
            "phone": "13900001111", "persons": "2", "bank_account": "", "bank_name": "",
            "members-TOTAL_FORMS": "2", "members-INITIAL_FORMS": "0",
            "members-0-name": "周敏", "members-0-relation": "spouse",
            "members-0-id_number": spouse_id,
            "members-1-name": "", "members-1-relation": "", "members-1-id_number": ""}
    r = browser(cast.shancheng).post("/registry/households/new", data)
    assert r.status_code == 302
    household = Household.objects.get(head_id_hash=lookup_hash(head_id))
    assert [(m.name, m.relation, m.id_number) for m in household.members.all()] == [
        ("周敏", "spouse", spouse_id)]


def test_register_a_household_with_a_bad_id_number_says_what_to_fix(browser, cast):
    data = {"division_code": SHANCHENG_V1, "head_name": "孙立",
            "head_id_number": "220581198001010000", "persons": "0",
            "members-TOTAL_FORMS": "1", "members-INITIAL_FORMS": "0",
            "members-0-name": "", "members-0-relation": "spouse", "members-0-id_number": ""}
    r = browser(cast.shancheng).post("/registry/households/new", data)
    assert r.status_code == 422
    form = r.context["form"]
    assert form.errors["head_id_number"] == ["户主身份证号最后一位校验码不对，请对照身份证核对"]
    assert form.errors["persons"] == ["家庭人口应在 1 到 30 人之间"]
    assert r.context["members"].forms[0].errors["name"] == ["第 1 位成员姓名不能为空"]
    assert not Household.objects.filter(head_name="孙立").exists()


def test_a_household_outside_the_scope_cannot_be_registered(browser, cast):
    data = {"division_code": HONGMEI_V1, "head_name": "孙立",
            "head_id_number": valid_id_number(), "persons": "1",
            "members-TOTAL_FORMS": "0", "members-INITIAL_FORMS": "0"}
    r = browser(cast.shancheng).post("/registry/households/new", data)
    assert r.status_code == 422
    assert r.context["form"].errors["division_code"] == ["该区划不在您的管辖范围内"]


def test_household_edit_keeps_masked_numbers_unless_retyped(browser, cast, make_household):
    household = make_household(phone="13812345678")
    household.members.create(name="王小山", relation="child", id_number=valid_id_number())
    member_id = household.members.get().id_number
    client = browser(cast.shancheng)
    page = text(client.get(f"/registry/households/{household.pk}/edit"))
    assert household.head_id_number not in page and "13812345678" not in page
    assert member_id not in page
    member = household.members.get()
    data = {"version": 1, "division_code": household.division_code, "head_name": "王大山",
            "head_id_number": "", "phone": "", "persons": "4", "bank_account": "",
            "bank_name": "",
            "members-TOTAL_FORMS": "2", "members-INITIAL_FORMS": "1",
            "members-0-member_id": member.pk, "members-0-name": "王小山",
            "members-0-relation": "child", "members-0-id_number": "",
            "members-1-name": "李四", "members-1-relation": "spouse",
            "members-1-id_number": ""}
    r = client.post(f"/registry/households/{household.pk}/edit", data)
    assert r.status_code == 302, r.context["form"].errors
    household.refresh_from_db()
    assert household.persons == 4
    assert household.phone == "13812345678"
    assert [(m.name, m.id_number) for m in household.members.all()] == [
        ("王小山", member_id), ("李四", "")]


def test_a_county_department_shows_full_numbers_on_request_and_it_is_recorded(
        browser, cast, make_household):
    from anju.audit.models import AuditEvent

    household = make_household(phone="13812345678", bank_account="6217000012345678")
    member = household.members.create(name="王小山", relation="child",
                                      id_number=valid_id_number())
    path = f"/registry/households/{household.pk}/"
    civil = browser(cast.mhk_civil)
    masked = text(civil.get(path))
    assert "显示完整信息" in masked
    assert household.head_id_number not in masked and "13812345678" not in masked
    full = text(civil.post(path))
    for number in (household.head_id_number, "13812345678", "6217000012345678",
                   member.id_number):
        assert number in full
    assert "本次查看已记入" in full
    assert RecordEvent.objects.filter(household=household, action="full_view",
                                      actor=cast.mhk_civil).count() == 1
    assert AuditEvent.objects.filter(action="full_view", actor=cast.mhk_civil).count() == 1
    assert household.head_id_number not in text(civil.get(path))  # hidden again


def test_a_township_clerk_is_not_offered_full_numbers_and_may_not_ask(browser, cast,
                                                                     make_household):
    household = make_household()
    client = browser(cast.shancheng)
    path = f"/registry/households/{household.pk}/"
    assert "显示完整信息" not in text(client.get(path))
    refused = client.post(path)
    assert refused.status_code == 403
    assert household.head_id_number not in text(refused)
    assert not RecordEvent.objects.filter(household=household, action="full_view").exists()


def test_register_a_house_for_a_household(browser, cast, make_household):
    household = make_household()
    client = browser(cast.shancheng)
    page = client.get(reverse("registry:house_create"), {"household": household.pk})
    assert page.status_code == 200
    data = {"household_id": household.pk, "division_code": household.division_code,
            "address": "演示一村 7 号", "structure": "masonry_cast", "floors": "2",
            "built_year": "2005", "floor_area": "120.5", "use": "residence",
            "occupancy": "occupied", "is_only_house": "on", "priority_tags": ["near_school"]}
    r = client.post(reverse("registry:house_create"), data)
    assert r.status_code == 302
    house = House.objects.get(address="演示一村 7 号")
    assert (house.household_id, house.is_priority, house.build_year_band) == (
        household.pk, True, "2001-2010")


def test_house_detail_shows_record_responsible_persons_masked(browser, cast, make_house):
    house = make_house(grade="D", occupancy="occupied")
    house.responsible_persons.create(role="owner", name="王大山", phone="13812345678")
    body = text(browser(cast.shancheng).get(f"/registry/houses/{house.pk}/"))
    assert "D级（整栋危险）" in body and "应立即搬离人员" in body
    assert "王大山" in body and "138****5678" in body and "13812345678" not in body


def test_responsible_persons_keep_their_phone_unless_retyped(browser, cast, make_house):
    house = make_house()
    person = house.responsible_persons.create(role="owner", name="王大山",
                                              phone="13812345678")
    data = {"persons-TOTAL_FORMS": "2", "persons-INITIAL_FORMS": "1",
            "persons-0-person_id": person.pk, "persons-0-role": "owner",
            "persons-0-name": "王大山", "persons-0-phone": "",
            "persons-1-role": "supervisor", "persons-1-name": "山城镇 张干事",
            "persons-1-phone": ""}
    r = browser(cast.shancheng).post(f"/registry/houses/{house.pk}/responsible", data)
    assert r.status_code == 302
    assert [(p.role, p.name, p.phone) for p in house.responsible_persons.all()] == [
        ("owner", "王大山", "13812345678"), ("supervisor", "山城镇 张干事", "")]


def test_division_picker_searches_within_the_scope_only(browser, cast):
    client = browser(cast.shancheng)
    r = client.get("/divisions/search", {"q": "演示", "level": "12"})
    body = text(r)
    assert r.status_code == 200
    assert body.count("<li>") == 3
    assert SHANCHENG_V1 in body and HONGMEI_V1 not in body
    assert "山城镇" in body
    assert "没有找到" in text(client.get("/divisions/search", {"q": "红梅"}))


def test_the_edit_forms_show_the_fields_of_the_register_forms():
    from anju.registry.forms import HouseChangeForm, HouseForm, HouseholdChangeForm, HouseholdForm

    def shown(form):
        return {name: (str(field.label), type(field), getattr(field, "choices", None))
                for name, field in form.base_fields.items() if name != "version"}

    assert shown(HouseChangeForm) == shown(HouseForm)
    assert shown(HouseholdChangeForm) == shown(HouseholdForm)
    assert shown(HouseForm)["built_year"][0] == "建造年份"
