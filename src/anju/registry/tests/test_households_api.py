"""Households over the API: registering, reading, masking, full view and changing."""

import pytest

from anju.conftest import HONGMEI_V1, SHANCHENG_V1, SHANCHENG_V2, valid_id_number
from anju.registry.models import Household, Member, RecordEvent
from anju.registry.tests.conftest import bad_checksum, household_body

URL = "/api/v1/households"


def masked_id(value: str) -> str:
    return value[:6] + "********" + value[-4:]


# --- registering --------------------------------------------------------------------------


def test_null_for_an_optional_field_of_a_new_household_is_its_empty_value(api, cast):
    # GET answers "" for no phone, account or bank: POST takes null for them, and for a
    # member's number.
    body = household_body(phone=None, bank_account=None, bank_name=None,
                          members=[{"name": "张秀兰", "id_number": None, "relation": "spouse"}])
    r = api(cast.shancheng).post(URL, body)
    assert r.status_code == 201, r.json()
    household = Household.objects.get(pk=r.json()["id"])
    assert (household.phone, household.bank_account, household.bank_name) == ("", "", "")
    assert list(household.members.values_list("name", "id_number")) == [("张秀兰", "")]


def test_null_for_all_members_registers_none(api, cast):
    r = api(cast.shancheng).post(URL, household_body(members=None))
    assert r.status_code == 201, r.json()
    assert Member.objects.filter(household_id=r.json()["id"]).count() == 0


def test_township_clerk_registers_household_with_members_and_a_history_row(api, cast):
    body = household_body()
    r = api(cast.shancheng).post(URL, body)
    assert r.status_code == 201
    out = r.json()
    household = Household.objects.get(pk=out["id"])
    assert household.head_id_number == body["head_id_number"]
    assert household.division_code == SHANCHENG_V1
    assert list(household.members.values_list("name", "relation")) == [
        ("李春生", "head"), ("张秀兰", "spouse")]
    assert out["head_id_number"] == masked_id(body["head_id_number"])
    assert out["bank_account"] == "****2222"
    assert out["version"] == 1
    event = RecordEvent.objects.get(household=household)
    assert (event.action, event.actor, event.division_code) == (
        "household_registered", cast.shancheng, SHANCHENG_V1)
    # the history notes that sensitive numbers were set, never the numbers themselves
    assert event.changes["head_id_number"] == "<已修改>"
    assert event.changes["bank_account"] == "<已修改>"
    assert event.changes["head_name"] == "李春生"


def test_household_with_bad_id_checksum_is_refused_and_nothing_is_written(
        api, cast, nothing_written):
    body = household_body()
    body["head_id_number"] = bad_checksum(body["head_id_number"])
    with nothing_written():
        r = api(cast.shancheng).post(URL, body)
    assert r.status_code == 422
    assert r.json()["error"] == {
        "code": "id_number_invalid", "message": "户主身份证号最后一位校验码不对，请对照身份证核对",
        "field": "head_id_number", "rule": "R-CJ-3", "rule_url": "/rules/R-CJ-3/",
        "details": r.json()["error"]["details"]}


def test_member_with_bad_id_checksum_is_refused_naming_the_member(api, cast, nothing_written):
    body = household_body()
    body["members"][1]["id_number"] = bad_checksum(body["members"][1]["id_number"])
    with nothing_written():
        r = api(cast.shancheng).post(URL, body)
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "id_number_invalid"
    assert r.json()["error"]["field"] == "members[1].id_number"


def test_every_wrong_field_of_a_household_is_reported_at_once(api, cast, nothing_written):
    body = household_body(phone="12345", persons=0, bank_account="abc")
    with nothing_written():
        r = api(cast.shancheng).post(URL, body)
    assert r.status_code == 422
    details = r.json()["error"]["details"]
    assert [(d["code"], d["field"]) for d in details] == [
        ("persons_out_of_range", "persons"), ("phone_invalid", "phone"),
        ("bank_account_invalid", "bank_account")]


def test_household_in_a_village_missing_from_the_division_table_is_refused(
        api, cast, nothing_written):
    with nothing_written():
        r = api(cast.mhk_housing).post(URL, household_body(division_code="220581100999"))
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "division_unknown"
    assert r.json()["error"]["field"] == "division_code"


def test_household_must_be_placed_in_a_village_not_a_township(api, cast, nothing_written):
    with nothing_written():
        r = api(cast.mhk_housing).post(URL, household_body(division_code="220581100"))
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "division_invalid"
    assert r.json()["error"]["field"] == "division_code"


def test_township_clerk_cannot_register_a_household_in_another_township(
        api, cast, nothing_written):
    with nothing_written():
        r = api(cast.shancheng).post(URL, household_body(division_code=HONGMEI_V1))
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"
    assert r.json()["error"]["field"] == "division_code"


def test_same_head_cannot_be_registered_twice(api, cast, make_household, nothing_written):
    existing = make_household()
    body = household_body(head_id_number=existing.head_id_number)
    body["members"][0]["id_number"] = existing.head_id_number
    with nothing_written():
        r = api(cast.shancheng).post(URL, body)
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "id_number_duplicate"
    assert r.json()["error"]["field"] == "head_id_number"


def test_low_income_category_cannot_be_typed_into_a_new_household(api, cast, nothing_written):
    # R-MH-1: the category comes from a certification by civil affairs or rural revitalization
    with nothing_written():
        r = api(cast.shancheng).post(URL, household_body(low_income_category="dibao"))
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "field_not_allowed"
    assert r.json()["error"]["field"] == "low_income_category"


def test_household_without_head_name_is_refused(api, cast, nothing_written):
    body = household_body()
    del body["head_name"]
    with nothing_written():
        r = api(cast.shancheng).post(URL, body)
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "field_required"
    assert r.json()["error"]["field"] == "head_name"


def test_unreadable_household_body_is_a_400(api, cast, nothing_written):
    with nothing_written():
        r = api(cast.shancheng).post(URL, '{"head_name": "李')
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "malformed_json"


@pytest.mark.parametrize("username", ["appraiser1", "changji"])
def test_roles_that_only_read_cannot_register_households(api, cast, username,
                                                         nothing_written):
    body = household_body(division_code="652301100001") if username == "changji" else \
        household_body()
    with nothing_written():
        r = api(getattr(cast, username)).post(URL, body)
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "forbidden"


def test_anonymous_or_bad_token_caller_cannot_register(api, cast, nothing_written):
    client = api()
    with nothing_written():
        assert client.post(URL, household_body()).status_code == 401
        client.headers["Authorization"] = "Bearer not-a-token"
        r = client.post(URL, household_body())
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "unauthorized"


# --- lists, masking and full view ---------------------------------------------------------


def test_household_list_masks_id_numbers_accounts_and_phones(api, cast, make_household):
    household = make_household(phone="13812345678", bank_account="6217000012345678")
    member_id = valid_id_number("20050607")
    Member.objects.create(household=household, name="王小山", id_number=member_id,
                          relation="child")
    r = api(cast.mhk_civil).get(URL)
    assert r.status_code == 200
    [item] = r.json()["items"]
    assert item["head_id_number"] == masked_id(household.head_id_number)
    assert item["bank_account"] == "****5678"
    assert item["phone"] == "138****5678"
    assert item["members"] == [{"name": "王小山", "id_number": masked_id(member_id),
                                "relation": "child"}]


def test_household_list_is_paged(api, cast, make_household):
    for _ in range(3):
        make_household()
    client = api(cast.mhk_housing)
    first = client.get(URL, {"page_size": 2}).json()
    second = client.get(URL, {"page_size": 2, "page": 2}).json()
    assert {k: v for k, v in first.items() if k != "items"} == {
        "total": 3, "page": 1, "page_size": 2}
    assert len(first["items"]) == 2
    assert len(second["items"]) == 1
    assert {i["id"] for i in first["items"] + second["items"]} == set(
        Household.objects.values_list("id", flat=True))


@pytest.mark.parametrize("params, field", [
    ({"page_size": 201}, "page_size"), ({"page_size": 0}, "page_size"), ({"page": 0}, "page"),
])
def test_household_list_refuses_pages_out_of_bounds(api, cast, params, field):
    r = api(cast.mhk_housing).get(URL, params)
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "invalid_value"
    assert r.json()["error"]["field"] == field


def test_township_clerk_lists_only_households_of_own_township(api, cast, make_household):
    own = make_household(SHANCHENG_V1)
    make_household(HONGMEI_V1)
    body = api(cast.shancheng).get(URL).json()
    assert [i["id"] for i in body["items"]] == [own.pk]
    assert body["total"] == 1


def test_household_list_narrows_to_a_village(api, cast, make_household):
    make_household(SHANCHENG_V1)
    in_v2 = make_household(SHANCHENG_V2)
    body = api(cast.mhk_housing).get(URL, {"division": SHANCHENG_V2}).json()
    assert [i["id"] for i in body["items"]] == [in_v2.pk]


def test_household_is_found_by_head_name_or_by_anyones_full_id_number(api, cast,
                                                                      make_household):
    wang = make_household(head_name="王大山")
    li = make_household(head_name="李春生")
    child_id = valid_id_number("20100101")
    Member.objects.create(household=li, name="李小春", id_number=child_id, relation="child")
    client = api(cast.shancheng)

    def found(q):
        return [i["id"] for i in client.get(URL, {"q": q}).json()["items"]]

    assert found("大山") == [wang.pk]
    assert found(wang.head_id_number) == [wang.pk]
    assert found(child_id) == [li.pk]
    assert found(child_id[:10]) == []  # an ID number is never matched by a fragment


def test_household_list_narrowed_to_a_division_outside_scope_is_not_found(api, cast):
    r = api(cast.shancheng).get(URL, {"division": "220581101"})
    assert r.status_code == 404
    assert r.json()["error"]["field"] == "division"


def test_household_list_costs_the_same_queries_for_many_households(
        api, cast, make_household, django_assert_max_num_queries):
    for _ in range(12):
        household = make_household()
        Member.objects.bulk_create(
            Member(household=household, name=f"成员{i}", relation="child") for i in range(3))
    client = api(cast.mhk_housing)
    # token lookup, page of households, their members, the count
    with django_assert_max_num_queries(4):
        r = client.get(URL)
    assert len(r.json()["items"]) == 12


def test_household_detail_is_masked_unless_full_view_is_asked(api, cast, make_household):
    household = make_household(phone="13812345678")
    r = api(cast.mhk_civil).get(f"{URL}/{household.pk}")
    assert r.status_code == 200
    assert r.json()["head_id_number"] == masked_id(household.head_id_number)
    assert r.json()["phone"] == "138****5678"
    assert not RecordEvent.objects.filter(action="full_view").exists()


def test_civil_affairs_officer_sees_full_numbers_and_the_view_is_recorded(
        api, cast, make_household):
    household = make_household(phone="13812345678", bank_account="6217000012345678")
    r = api(cast.mhk_civil).get(f"{URL}/{household.pk}", {"reveal": "true"})
    assert r.status_code == 200
    assert r.json()["head_id_number"] == household.head_id_number
    assert r.json()["phone"] == "13812345678"
    assert r.json()["bank_account"] == "6217000012345678"
    event = RecordEvent.objects.get(action="full_view")
    assert (event.household, event.actor) == (household, cast.mhk_civil)


def test_township_clerk_may_not_ask_for_full_numbers(api, cast, make_household):
    household = make_household()
    r = api(cast.shancheng).get(f"{URL}/{household.pk}", {"reveal": "true"})
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "reveal_not_allowed"
    assert not RecordEvent.objects.filter(action="full_view").exists()


@pytest.mark.parametrize("username", ["huinan_housing", "hongmei", "changji"])
def test_household_outside_scope_is_not_found(api, cast, make_household, username):
    household = make_household(SHANCHENG_V1)
    r = api(getattr(cast, username)).get(f"{URL}/{household.pk}")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


def test_full_view_of_a_household_outside_scope_is_not_found_and_not_recorded(
        api, cast, make_household):
    household = make_household("220523100001")
    r = api(cast.mhk_civil).get(f"{URL}/{household.pk}", {"reveal": "true"})
    assert r.status_code == 404
    assert not RecordEvent.objects.exists()


def test_missing_household_is_not_found(api, cast):
    assert api(cast.mhk_housing).get(f"{URL}/999999").status_code == 404


# --- changing -----------------------------------------------------------------------------


def test_clerk_changes_a_household_with_the_version_read(api, cast, make_household):
    household = make_household(persons=3)
    r = api(cast.shancheng).patch(f"{URL}/{household.pk}", {
        "version": 1, "persons": 4, "members": [{"name": "王大山", "relation": "head"}]})
    assert r.status_code == 200
    assert r.json()["persons"] == 4
    assert r.json()["version"] == 2
    household.refresh_from_db()
    assert (household.persons, household.version) == (4, 2)
    assert list(household.members.values_list("name", flat=True)) == ["王大山"]
    event = RecordEvent.objects.get(household=household)
    assert event.action == "household_updated"
    assert event.changes == {"persons": 4, "members": 1}


def test_household_changed_under_a_stale_version_is_refused_and_left_unchanged(
        api, cast, make_household, nothing_written):
    household = make_household(persons=3)
    Household.objects.filter(pk=household.pk).update(version=2)
    with nothing_written():
        r = api(cast.shancheng).patch(f"{URL}/{household.pk}", {"version": 1, "persons": 5})
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "version_conflict"
    assert r.json()["error"]["field"] == "version"
    household.refresh_from_db()
    assert (household.persons, household.version) == (3, 2)


def test_household_change_with_bad_id_is_refused_and_left_unchanged(
        api, cast, make_household, nothing_written):
    household = make_household()
    before = household.head_id_number
    with nothing_written():
        r = api(cast.shancheng).patch(f"{URL}/{household.pk}", {
            "version": 1, "head_id_number": bad_checksum(valid_id_number())})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "id_number_invalid"
    assert r.json()["error"]["field"] == "head_id_number"
    household.refresh_from_db()
    assert (household.head_id_number, household.version) == (before, 1)


def test_household_cannot_be_moved_to_a_village_outside_scope(
        api, cast, make_household, nothing_written):
    household = make_household(SHANCHENG_V1)
    with nothing_written():
        r = api(cast.shancheng).patch(f"{URL}/{household.pk}",
                                      {"version": 1, "division_code": HONGMEI_V1})
    assert r.status_code == 404
    assert r.json()["error"]["field"] == "division_code"
    household.refresh_from_db()
    assert household.division_code == SHANCHENG_V1


def test_household_name_cannot_be_blanked(api, cast, make_household, nothing_written):
    household = make_household()
    with nothing_written():
        r = api(cast.shancheng).patch(f"{URL}/{household.pk}", {"version": 1, "head_name": None})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "field_required"
    assert r.json()["error"]["field"] == "head_name"


def test_household_change_must_carry_the_version(api, cast, make_household, nothing_written):
    household = make_household()
    with nothing_written():
        r = api(cast.shancheng).patch(f"{URL}/{household.pk}", {"persons": 5})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "field_required"
    assert r.json()["error"]["field"] == "version"


def test_low_income_category_cannot_be_changed_by_patch(api, cast, make_household,
                                                        nothing_written):
    household = make_household()
    with nothing_written():
        r = api(cast.mhk_civil).patch(f"{URL}/{household.pk}",
                                      {"version": 1, "low_income_category": "dibao"})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "field_not_allowed"
    assert r.json()["error"]["field"] == "low_income_category"


def test_appraiser_cannot_change_a_household(api, cast, make_household, nothing_written):
    household = make_household()
    with nothing_written():
        r = api(cast.appraiser1).patch(f"{URL}/{household.pk}", {"version": 1, "persons": 5})
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "forbidden"


def test_household_of_another_township_cannot_be_changed(api, cast, make_household,
                                                         nothing_written):
    household = make_household(SHANCHENG_V1)
    with nothing_written():
        r = api(cast.hongmei).patch(f"{URL}/{household.pk}", {"version": 1, "persons": 5})
    assert r.status_code == 404


def test_malformed_household_change_is_a_400(api, cast, make_household, nothing_written):
    household = make_household()
    with nothing_written():
        r = api(cast.shancheng).patch(f"{URL}/{household.pk}", "{version: 1")
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "malformed_json"


def test_a_second_head_in_one_household_is_refused_naming_the_member(
        api, cast, nothing_written):
    body = household_body(persons=3)
    body["members"].append({"name": "李春雷", "id_number": valid_id_number("19750101"),
                            "relation": "head"})
    with nothing_written():
        r = api(cast.shancheng).post(URL, body)
    assert r.status_code == 422
    error = r.json()["error"]
    assert (error["code"], error["field"]) == ("head_duplicate", "members[2].relation")
    assert error["message"] == ("一户只能有一位户主：第 3 位成员的“与户主关系”也选了户主，"
                                "请改为实际关系")


def test_a_member_named_head_who_is_not_the_head_above_is_refused(api, cast, nothing_written):
    body = household_body()
    body["members"][0]["name"] = "李春雷"
    with nothing_written():
        r = api(cast.shancheng).post(URL, body)
    assert r.status_code == 422
    error = r.json()["error"]
    assert (error["code"], error["field"]) == ("head_mismatch", "members[0].name")
    assert "“李春雷”却与上方户主姓名“李春生”不一致" in error["message"]


def test_more_members_than_persons_is_refused_at_the_persons_field(api, cast, nothing_written):
    body = household_body(persons=1)
    with nothing_written():
        r = api(cast.shancheng).post(URL, body)
    assert r.status_code == 422
    error = r.json()["error"]
    assert (error["code"], error["field"]) == ("persons_fewer_than_members", "persons")
    assert error["message"].startswith("家庭人口填了 1 人，但户主和家庭成员共 2 人")
