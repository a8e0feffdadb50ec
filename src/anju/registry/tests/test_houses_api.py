"""Houses over the API: registering, the work list, reading, changing, responsible persons."""

from datetime import date
from decimal import Decimal

import pytest

from anju.conftest import HONGMEI_V1, SHANCHENG_V1, SHANCHENG_V2
from anju.registry.models import House, RecordEvent, ResponsiblePerson
from anju.registry.tests.conftest import house_body

URL = "/api/v1/houses"


def error_of(response) -> tuple:
    e = response.json()["error"]
    return response.status_code, e["code"], e["field"]


# --- registering --------------------------------------------------------------------------


def test_township_clerk_registers_a_house_and_its_bands_are_derived(api, cast):
    r = api(cast.shancheng).post(URL, house_body(floors=2, built_year=1992,
                                                 priority_tags=["near_school", "near_school"]))
    assert r.status_code == 201
    out = r.json()
    house = House.objects.get(pk=out["id"])
    assert (house.storey_band, house.build_year_band) == ("2", "1991-2000")
    assert (house.grade, house.version, house.floor_area) == ("unrated", 1, Decimal("86.50"))
    assert house.priority_tags == ["near_school"]
    assert house.is_priority is True
    assert out["grade"] == "unrated"
    assert out["responsible_persons"] == []
    event = RecordEvent.objects.get(house=house)
    assert (event.action, event.actor) == ("house_registered", cast.shancheng)


def test_null_for_an_optional_field_of_a_new_house_is_its_empty_value(api, cast):
    # GET answers "" for no sector and no method, [] for no tags: POST takes null for them.
    body = house_body(business_sector=None, build_method=None, priority_tags=None,
                      color_steel=None, is_only_house=None, household_id=None)
    r = api(cast.shancheng).post(URL, body)
    assert r.status_code == 201, r.json()
    house = House.objects.get(pk=r.json()["id"])
    assert (house.business_sector, house.build_method, house.priority_tags, house.color_steel,
            house.is_only_house, house.household_id) == ("", "", [], False, True, None)


def test_null_for_a_responsible_persons_phone_and_department_is_none(api, cast, make_house):
    house = make_house()
    r = api(cast.shancheng).put(f"{URL}/{house.pk}/responsible-persons",
                                [{"role": "owner", "name": "王大山", "phone": None,
                                  "department": None}])
    assert r.status_code == 200, r.json()
    assert [(p.role, p.name, p.phone, p.department)
            for p in house.responsible_persons.all()] == [("owner", "王大山", "", "")]


def test_house_is_linked_to_its_household_in_the_same_village(api, cast, make_household):
    household = make_household(SHANCHENG_V1)
    r = api(cast.shancheng).post(URL, house_body(household_id=household.pk))
    assert r.status_code == 201
    assert House.objects.get(pk=r.json()["id"]).household == household


@pytest.mark.parametrize("change, code, field", [
    ({"floor_area": -12}, "floor_area_out_of_range", "floor_area"),
    ({"floor_area": 0}, "floor_area_out_of_range", "floor_area"),
    ({"floor_area": 2000.5}, "floor_area_out_of_range", "floor_area"),
    ({"built_year": date.today().year + 1}, "built_year_in_future", "built_year"),
    ({"floors": 11}, "floors_out_of_range", "floors"),
    ({"structure": "bamboo"}, "choice_invalid", "structure"),
    ({"build_method": "magic"}, "choice_invalid", "build_method"),
    ({"use": "business"}, "field_required", "business_sector"),
    ({"lat": 42.5}, "coordinates_incomplete", "lng"),
    ({"lat": 1.0, "lng": 125.7}, "coordinates_out_of_range", "lat"),
    ({"priority_tags": ["near_casino"]}, "choice_invalid", "priority_tags"),
])
def test_house_with_an_impossible_value_is_refused_and_nothing_is_written(
        api, cast, nothing_written, change, code, field):
    # R-CJ-3 错填: impossible values never reach the register
    with nothing_written():
        r = api(cast.shancheng).post(URL, house_body(**change))
    assert error_of(r) == (422, code, field)
    assert r.json()["error"]["rule"] in ("R-CJ-3", "R-CJ-1")


def test_every_wrong_field_of_a_house_is_reported_at_once(api, cast, nothing_written):
    with nothing_written():
        r = api(cast.shancheng).post(URL, house_body(floor_area=-1, built_year=2999))
    assert [(d["code"], d["field"]) for d in r.json()["error"]["details"]] == [
        ("built_year_in_future", "built_year"), ("floor_area_out_of_range", "floor_area")]


def test_grade_cannot_be_typed_into_a_new_house(api, cast, nothing_written):
    # grading.md: a grade comes from an appraisal, never from the house record
    with nothing_written():
        r = api(cast.shancheng).post(URL, house_body(grade="A"))
    assert error_of(r) == (400, "field_not_allowed", "grade")


def test_house_in_an_unknown_village_is_refused(api, cast, nothing_written):
    with nothing_written():
        r = api(cast.mhk_housing).post(URL, house_body(division_code="220581100999"))
    assert error_of(r) == (422, "division_unknown", "division_code")


def test_township_clerk_cannot_register_a_house_in_another_township(api, cast, nothing_written):
    with nothing_written():
        r = api(cast.shancheng).post(URL, house_body(division_code=HONGMEI_V1))
    assert error_of(r) == (404, "not_found", "division_code")


def test_house_cannot_belong_to_a_household_of_another_village(
        api, cast, make_household, nothing_written):
    household = make_household(SHANCHENG_V2)
    with nothing_written():
        r = api(cast.shancheng).post(URL, house_body(household_id=household.pk))
    assert error_of(r) == (422, "household_elsewhere", "household_id")


def test_house_cannot_belong_to_a_household_outside_scope(
        api, cast, make_household, nothing_written):
    household = make_household(HONGMEI_V1)
    with nothing_written():
        r = api(cast.shancheng).post(URL, house_body(household_id=household.pk))
    assert r.status_code == 404


@pytest.mark.parametrize("username", ["appraiser1", "changji"])
def test_roles_that_only_read_cannot_register_houses(api, cast, username, nothing_written):
    body = house_body(division_code="652301100001") if username == "changji" else house_body()
    with nothing_written():
        r = api(getattr(cast, username)).post(URL, body)
    assert error_of(r) == (403, "forbidden", None)


def test_unreadable_house_body_is_a_400(api, cast, nothing_written):
    with nothing_written():
        r = api(cast.shancheng).post(URL, "not json at all")
    assert error_of(r) == (400, "malformed_json", None)


def test_house_with_a_word_for_a_number_is_a_400(api, cast, nothing_written):
    with nothing_written():
        r = api(cast.shancheng).post(URL, house_body(floors="两层"))
    assert error_of(r) == (400, "invalid_value", "floors")


def test_house_register_needs_a_token(api, nothing_written):
    with nothing_written():
        r = api().post(URL, house_body())
    assert error_of(r) == (401, "unauthorized", None)


# --- the work list ------------------------------------------------------------------------


def test_priority_area_houses_come_first_in_the_list(api, cast, make_house):
    # R-CJ-1
    plain_v1 = make_house(SHANCHENG_V1)
    plain_v2 = make_house(SHANCHENG_V2)
    near_market = make_house(SHANCHENG_V2, priority_tags=["near_market"])
    crowded = make_house(SHANCHENG_V1, priority_tags=["crowded_business"])
    body = api(cast.shancheng).get(URL).json()
    assert [i["id"] for i in body["items"]] == [crowded.pk, near_market.pk, plain_v1.pk,
                                                plain_v2.pk]
    assert body["items"][0]["priority_tags"] == ["crowded_business"]


def test_house_list_is_paged(api, cast, make_house):
    houses = [make_house() for _ in range(5)]
    body = api(cast.mhk_housing).get(URL, {"page": 2, "page_size": 2}).json()
    assert body["total"] == 5
    assert (body["page"], body["page_size"]) == (2, 2)
    assert [i["id"] for i in body["items"]] == [houses[2].pk, houses[3].pk]


def test_house_list_refuses_pages_larger_than_200(api, cast):
    r = api(cast.mhk_housing).get(URL, {"page_size": 201})
    assert error_of(r) == (400, "invalid_value", "page_size")


@pytest.mark.parametrize("params, expected", [
    ({"grade": "D"}, {"d_occupied"}),
    ({"grade": "C"}, {"c_vacant_business"}),
    ({"occupancy": "vacant"}, {"c_vacant_business"}),
    ({"occupancy": "occupied"}, {"d_occupied", "unrated_v2"}),
    ({"use": "business"}, {"c_vacant_business"}),
    ({"division": SHANCHENG_V2}, {"unrated_v2"}),
    ({"division": "220581100"}, {"d_occupied", "c_vacant_business", "unrated_v2"}),
    ({"grade": "D", "division": SHANCHENG_V2}, set()),
])
def test_house_filters_narrow_the_list(api, cast, make_house, params, expected):
    houses = {
        "d_occupied": make_house(SHANCHENG_V1, grade="D", occupancy="occupied"),
        "c_vacant_business": make_house(SHANCHENG_V1, grade="C", occupancy="vacant",
                                        use="business", business_sector="catering"),
        "unrated_v2": make_house(SHANCHENG_V2),
        "other_township": make_house(HONGMEI_V1, grade="D"),
    }
    names = {h.pk: name for name, h in houses.items()}
    body = api(cast.shancheng).get(URL, params).json()
    assert {names[i["id"]] for i in body["items"]} == expected
    assert body["total"] == len(expected)


@pytest.mark.parametrize("username, division", [
    ("shancheng", "220581101"), ("shancheng", HONGMEI_V1), ("mhk_housing", "220523"),
    ("changji", "2205"),
])
def test_house_list_narrowed_outside_scope_is_not_found(api, cast, username, division):
    r = api(getattr(cast, username)).get(URL, {"division": division})
    assert error_of(r) == (404, "not_found", "division")


def test_house_list_narrowed_to_a_code_of_no_level_is_not_found(api, cast):
    r = api(cast.mhk_housing).get(URL, {"division": "22058110"})
    assert error_of(r) == (404, "not_found", "division")


def test_officers_see_only_houses_in_their_scope(api, cast, make_house):
    shancheng = make_house(SHANCHENG_V1)
    hongmei = make_house(HONGMEI_V1)
    huinan = make_house("220523100001")

    def seen(username):
        return {i["id"] for i in api(getattr(cast, username)).get(URL).json()["items"]}

    assert seen("shancheng") == {shancheng.pk}
    assert seen("hongmei") == {hongmei.pk}
    assert seen("mhk_housing") == {shancheng.pk, hongmei.pk}
    assert seen("huinan_housing") == {huinan.pk}
    assert seen("changji") == set()
    assert seen("cadre") == {shancheng.pk}


def test_house_list_costs_the_same_queries_for_many_houses(
        api, cast, make_house, make_household, django_assert_max_num_queries):
    for _ in range(15):
        house = make_house(household=make_household(), priority_tags=["near_school"])
        ResponsiblePerson.objects.create(house=house, role="owner", name="王大山")
    client = api(cast.mhk_housing)
    # token lookup, the page, the count
    with django_assert_max_num_queries(3):
        r = client.get(URL)
    assert r.json()["total"] == 15


# --- reading one --------------------------------------------------------------------------


def test_house_detail_names_responsible_persons_with_masked_phones(api, cast, make_house):
    house = make_house()
    ResponsiblePerson.objects.create(house=house, role="owner", name="王大山",
                                     phone="13812345678")
    r = api(cast.appraiser1).get(f"{URL}/{house.pk}")
    assert r.status_code == 200
    assert r.json()["id"] == house.pk
    assert r.json()["responsible_persons"] == [
        {"role": "owner", "name": "王大山", "phone": "138****5678", "department": ""}]


@pytest.mark.parametrize("username", ["huinan_housing", "hongmei", "changji"])
def test_house_outside_scope_is_not_found(api, cast, make_house, username):
    house = make_house(SHANCHENG_V1)
    r = api(getattr(cast, username)).get(f"{URL}/{house.pk}")
    assert error_of(r) == (404, "not_found", None)


def test_missing_house_is_not_found(api, cast):
    assert api(cast.changji).get(f"{URL}/987654").status_code == 404


# --- changing -----------------------------------------------------------------------------


def test_clerk_changes_a_house_and_derived_bands_follow(api, cast, make_house):
    house = make_house(floors=1, built_year=1975)
    r = api(cast.shancheng).patch(f"{URL}/{house.pk}", {
        "version": 1, "floors": 4, "built_year": 2012, "priority_tags": ["urban_fringe"]})
    assert r.status_code == 200
    house.refresh_from_db()
    assert (house.floors, house.storey_band, house.build_year_band) == (4, "4+", "≥2011")
    assert (house.is_priority, house.version) == (True, 2)
    event = RecordEvent.objects.get(house=house)
    assert event.action == "house_updated"
    assert event.changes == {"floors": 4, "built_year": 2012, "priority_tags": ["urban_fringe"]}


def test_house_changed_under_a_stale_version_is_refused_and_left_unchanged(
        api, cast, make_house, nothing_written):
    house = make_house(occupancy="occupied")
    client = api(cast.shancheng)
    assert client.patch(f"{URL}/{house.pk}", {"version": 1, "address": "新地址"}).status_code == 200
    with nothing_written():
        r = client.patch(f"{URL}/{house.pk}", {"version": 1, "occupancy": "vacant"})
    assert error_of(r) == (409, "version_conflict", "version")
    house.refresh_from_db()
    assert (house.occupancy, house.address, house.version) == ("occupied", "新地址", 2)


@pytest.mark.parametrize("change, code, field", [
    ({"floor_area": -5}, "floor_area_out_of_range", "floor_area"),
    ({"built_year": 2999}, "built_year_in_future", "built_year"),
    ({"address": ""}, "field_required", "address"),
    ({"color_steel": None}, "field_required", "color_steel"),
    ({"use": "mixed", "business_sector": None}, "field_required", "business_sector"),
])
def test_house_change_with_an_impossible_value_is_refused_and_left_unchanged(
        api, cast, make_house, nothing_written, change, code, field):
    house = make_house()
    with nothing_written():
        r = api(cast.shancheng).patch(f"{URL}/{house.pk}", {"version": 1, **change})
    assert error_of(r) == (422, code, field)
    house.refresh_from_db()
    assert (house.version, house.floor_area, house.use) == (1, Decimal("80.00"), "residence")


def test_grade_cannot_be_changed_by_editing_the_house(api, cast, make_house, nothing_written):
    house = make_house()
    with nothing_written():
        r = api(cast.mhk_housing).patch(f"{URL}/{house.pk}", {"version": 1, "grade": "A"})
    assert error_of(r) == (400, "field_not_allowed", "grade")
    house.refresh_from_db()
    assert house.grade == "unrated"


def test_business_house_keeps_its_sector_when_it_stops_being_lived_in(api, cast, make_house):
    house = make_house(use="mixed", business_sector="catering")
    r = api(cast.shancheng).patch(f"{URL}/{house.pk}", {"version": 1, "use": "business"})
    assert r.status_code == 200
    house.refresh_from_db()
    assert (house.use, house.business_sector) == ("business", "catering")


def test_house_that_stops_trading_loses_its_sector(api, cast, make_house):
    house = make_house(use="business", business_sector="lodging")
    r = api(cast.shancheng).patch(f"{URL}/{house.pk}", {"version": 1, "use": "residence"})
    assert r.status_code == 200
    house.refresh_from_db()
    assert (house.use, house.business_sector) == ("residence", "")


def test_house_cannot_be_moved_to_a_village_outside_scope(
        api, cast, make_house, nothing_written):
    house = make_house(SHANCHENG_V1)
    with nothing_written():
        r = api(cast.shancheng).patch(f"{URL}/{house.pk}",
                                      {"version": 1, "division_code": HONGMEI_V1})
    assert error_of(r) == (404, "not_found", "division_code")
    house.refresh_from_db()
    assert house.division_code == SHANCHENG_V1


def test_appraiser_cannot_edit_a_house_record(api, cast, make_house, nothing_written):
    house = make_house()
    with nothing_written():
        r = api(cast.appraiser1).patch(f"{URL}/{house.pk}", {"version": 1, "floors": 2})
    assert error_of(r) == (403, "forbidden", None)


def test_house_of_another_township_cannot_be_changed(api, cast, make_house, nothing_written):
    house = make_house(SHANCHENG_V1)
    with nothing_written():
        r = api(cast.hongmei).patch(f"{URL}/{house.pk}", {"version": 1, "floors": 2})
    assert error_of(r) == (404, "not_found", None)


def test_malformed_house_change_is_a_400(api, cast, make_house, nothing_written):
    house = make_house()
    with nothing_written():
        r = api(cast.shancheng).patch(f"{URL}/{house.pk}", "[1,")
    assert error_of(r) == (400, "malformed_json", None)


# --- responsible persons (R-CJ-4) ---------------------------------------------------------

OWNER_USER_SUPERVISOR = [
    {"role": "owner", "name": "王大山", "phone": "13812345678"},
    {"role": "user", "name": "王小山"},
    {"role": "supervisor", "name": "山城镇 刘干事", "department": "township_government"},
]


def test_clerk_names_the_responsible_persons_of_a_house(api, cast, make_house):
    house = make_house()
    ResponsiblePerson.objects.create(house=house, role="owner", name="旧产权人")
    r = api(cast.shancheng).put(f"{URL}/{house.pk}/responsible-persons", OWNER_USER_SUPERVISOR)
    assert r.status_code == 200
    assert [(p["role"], p["name"]) for p in r.json()["responsible_persons"]] == [
        ("owner", "王大山"), ("user", "王小山"), ("supervisor", "山城镇 刘干事")]
    assert r.json()["responsible_persons"][0]["phone"] == "138****5678"
    assert list(house.responsible_persons.values_list("name", flat=True)) == [
        "王大山", "王小山", "山城镇 刘干事"]
    assert RecordEvent.objects.get(house=house).action == "responsible_persons_set"


def test_business_house_needs_its_competent_and_approving_departments(
        api, cast, make_house, nothing_written):
    house = make_house(use="business", business_sector="lodging")
    with nothing_written():
        r = api(cast.shancheng).put(f"{URL}/{house.pk}/responsible-persons",
                                    OWNER_USER_SUPERVISOR)
    assert error_of(r) == (422, "field_required", "responsible_persons")
    assert r.json()["error"]["rule"] == "R-CJ-4"
    assert len(r.json()["error"]["details"]) == 2


def test_responsible_person_of_an_unknown_kind_is_refused(api, cast, make_house,
                                                         nothing_written):
    house = make_house()
    with nothing_written():
        r = api(cast.shancheng).put(f"{URL}/{house.pk}/responsible-persons",
                                    [{"role": "landlord", "name": "王大山"}])
    assert error_of(r) == (422, "choice_invalid", "responsible_persons[0].role")


def test_appraiser_cannot_name_responsible_persons(api, cast, make_house, nothing_written):
    house = make_house()
    with nothing_written():
        r = api(cast.appraiser1).put(f"{URL}/{house.pk}/responsible-persons",
                                     OWNER_USER_SUPERVISOR)
    assert error_of(r) == (403, "forbidden", None)


def test_responsible_persons_of_a_house_outside_scope_cannot_be_named(
        api, cast, make_house, nothing_written):
    house = make_house(SHANCHENG_V1)
    with nothing_written():
        r = api(cast.huinan_housing).put(f"{URL}/{house.pk}/responsible-persons",
                                         OWNER_USER_SUPERVISOR)
    assert error_of(r) == (404, "not_found", None)


def test_responsible_persons_body_must_be_a_list(api, cast, make_house, nothing_written):
    house = make_house()
    with nothing_written():
        r = api(cast.shancheng).put(f"{URL}/{house.pk}/responsible-persons", "{oops")
    assert error_of(r) == (400, "malformed_json", None)


# --- what the national house form asks (national-exchange.md N1) ----------------------------


def test_the_national_form_attributes_are_kept_read_back_and_cleared_with_null(api, cast):
    """Fields Anju did not hold (permits, alteration history, energy) become optional house
    attributes: unknown until filled in, never guessed."""
    client = api(cast.shancheng)
    r = client.post(URL, house_body(land_type="collective", homestead_permit=True,
                                    planning_permit=False, altered=True, alteration_count=1,
                                    alterations=["add_storey"], heating_energy="coal",
                                    height="7.5", local_floors=1))
    assert r.status_code == 201, r.content
    out = r.json()
    assert (out["land_type"], out["homestead_permit"], out["planning_permit"],
            out["completion_permit"], out["alterations"], out["heating_energy"],
            out["cooking_energy"], out["height"], out["local_floors"]) == (
        "collective", True, False, None, ["add_storey"], "coal", "", 7.5, 1)
    r = client.patch(f"{URL}/{out['id']}", {"version": out["version"], "land_type": None,
                                            "homestead_permit": None, "business_use": "retail"})
    assert r.status_code == 200, r.content
    house = House.objects.get(pk=out["id"])
    assert (house.land_type, house.homestead_permit, house.planning_permit,
            house.business_use) == ("", None, False, "retail")


@pytest.mark.parametrize(("field", "value", "code"), [
    ("land_type", "farmland", "choice_invalid"),
    ("heating_energy", "nuclear", "choice_invalid"),
    ("alterations", ["paint"], "choice_invalid"),
    ("local_floors", 40, "number_out_of_range"),
    ("height", "0", "number_out_of_range"),
])
def test_a_wrong_national_attribute_is_refused_and_nothing_is_written(api, cast, field, value,
                                                                      code):
    r = api(cast.shancheng).post(URL, house_body(**{field: value}))
    assert error_of(r) == (422, code, field)
    assert House.objects.count() == 0
