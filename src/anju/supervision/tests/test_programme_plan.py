"""R-CJ-9: a low-income household's C/D house is put into the region's programme. "纳入…建设计划"
is a list, not a label: a yearly programme plan per county holds each such house with its year,
household, grade and state (listed, in a case, completed); the county exports it and follows
it; a house is in one programme at a time."""

from datetime import timedelta

from django.utils import timezone

from anju.assistance.tests.conftest import certify
from anju.supervision.models import PlanEvent, PlanRow

TODAY = timezone.localdate()
PLAN = "/api/v1/programmes/renovation/plan"


def certified_house(cast, make_household, make_house, grade="D", **fields):
    household = make_household()
    house = make_house(household=household, grade=grade, **fields)
    certify(household, cast.mhk_civil, "dibao", TODAY - timedelta(days=30))
    return house


def test_the_plan_lists_every_certified_households_c_d_house_with_year_grade_and_state(
        api, cast, make_household, make_house):
    listed = certified_house(cast, make_household, make_house, grade="C")
    certified_house(cast, make_household, make_house, grade="B")  # safe: not in the plan
    make_house(household=make_household(), grade="D")  # not a low-income household
    certified_house(cast, make_household, make_house, grade="D",
                    division_code="220523100001")  # another county

    drawn = api(cast.mhk_housing).post(f"{PLAN}/draw", {"division": "220581", "year": 2026})
    assert drawn.status_code == 201, drawn.json()
    assert drawn.json() == {"listed": 1}

    plan = api(cast.shancheng).get(PLAN, {"division": "220581", "year": 2026}).json()
    assert [(r["house_id"], r["household_id"], r["year"], r["grade"], r["state"])
            for r in plan["items"]] == [(listed.pk, listed.household_id, 2026, "C", "listed")]
    # a case can be opened from the plan row, the form prefilled with household and house
    assert plan["items"][0]["apply_url"] == (
        f"/assistance/households/{listed.household_id}/apply/?house={listed.pk}")


def test_the_state_follows_the_housing_security_case_listed_in_a_case_completed(
        api, cast, new_case):
    case = new_case(grade="D")
    api(cast.mhk_housing).post(f"{PLAN}/draw", {"division": "220581", "year": 2026})

    def state():
        return api(cast.mhk_housing).get(PLAN, {"year": 2026}).json()["items"][0]["state"]

    assert state() == "in_case"
    case.to("accepted")
    assert state() == "completed"


def test_drawing_twice_lists_no_house_twice(api, cast, make_household, make_house):
    certified_house(cast, make_household, make_house)
    county = api(cast.mhk_housing)
    assert county.post(f"{PLAN}/draw", {"division": "220581", "year": 2026}).json()["listed"] == 1
    assert county.post(f"{PLAN}/draw", {"division": "220581", "year": 2026}).json()["listed"] == 0


def test_the_county_adds_a_house_of_a_certified_household(api, cast, make_household, make_house):
    house = certified_house(cast, make_household, make_house, grade="C")
    response = api(cast.mhk_housing).post(f"{PLAN}/rows", {"year": 2026, "house_id": house.pk,
                                                           "reason": "新认定低保户"})
    assert response.status_code == 201, response.json()
    assert response.json()["source"] == "added"
    assert PlanEvent.objects.get(row_id=response.json()["id"]).reason == "新认定低保户"


def test_a_plan_row_for_a_household_not_certified_is_refused_and_nothing_written(
        api, cast, make_household, make_house, nothing_written):
    house = make_house(household=make_household(), grade="D")
    with nothing_written():
        response = api(cast.mhk_housing).post(f"{PLAN}/rows", {"year": 2026,
                                                               "house_id": house.pk})
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["rule"], error["field"]) == ("not_certified", "R-CJ-9",
                                                              "house_id")


def test_a_house_is_in_one_programme_at_a_time(api, cast, make_household, make_house,
                                               nothing_written):
    house = certified_house(cast, make_household, make_house)
    county = api(cast.mhk_housing)
    assert county.post(f"{PLAN}/rows", {"year": 2026, "house_id": house.pk}).status_code == 201
    with nothing_written():
        again = county.post("/api/v1/programmes/seismic/plan/rows",
                            {"year": 2027, "house_id": house.pk})
    assert again.status_code == 409
    assert (again.json()["error"]["code"], again.json()["error"]["rule"]) == (
        "house_in_programme", "R-CJ-9")


def test_meihekou_routes_into_renovation_not_the_seismic_programme(
        api, cast, make_household, make_house, nothing_written):
    certified_house(cast, make_household, make_house)
    with nothing_written():
        response = api(cast.mhk_housing).post("/api/v1/programmes/seismic/plan/draw",
                                              {"division": "220581", "year": 2026})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "programme_not_of_region"


def test_the_county_removes_a_house_with_a_reason_and_the_removal_is_recorded(
        api, cast, make_household, make_house, nothing_written):
    certified_house(cast, make_household, make_house)
    county = api(cast.mhk_housing)
    county.post(f"{PLAN}/draw", {"division": "220581", "year": 2026})
    row = PlanRow.objects.get()
    with nothing_written():
        bare = county.post(f"{PLAN}/rows/{row.pk}/remove", {"reason": " "})
    assert bare.status_code == 422 and bare.json()["error"]["code"] == "reason_required"
    removed = county.post(f"{PLAN}/rows/{row.pk}/remove", {"reason": "已自行投亲靠友"})
    assert removed.status_code == 200 and removed.json()["removed_on"] == str(TODAY)
    assert list(row.events.values_list("action", flat=True)) == ["draw", "remove"]
    assert county.get(PLAN, {"year": 2026}).json()["total"] == 0
    # drawn again, a house the county took out of this year's plan stays out
    assert county.post(f"{PLAN}/draw", {"division": "220581", "year": 2026}).json()["listed"] == 0


def test_the_county_exports_the_plan(api, cast, make_household, make_house):
    certified_house(cast, make_household, make_house)
    api(cast.mhk_housing).post(f"{PLAN}/draw", {"division": "220581", "year": 2026})
    response = api(cast.mhk_housing).get(f"{PLAN}.xlsx", {"year": 2026})
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"PK"


def test_a_township_may_read_the_plan_but_not_draw_it(api, cast):
    township = api(cast.shancheng)
    assert township.get(PLAN).status_code == 200
    assert township.post(f"{PLAN}/draw", {"division": "220581", "year": 2026}).status_code == 403


def test_in_changji_the_plan_is_the_seismic_programmes(api, cast, make_household, make_house):
    """"农房抗震防灾工程 in Xinjiang, the renovation procedure of section 4 elsewhere"."""
    from anju.accounts.models import User

    county = User.objects.create_user(username="cj_county", password="x", scope="652301",
                                      role="county_officer", department="housing")
    household = make_household(division_code="652301100001")
    house = make_house(division_code="652301100001", household=household, grade="D")
    certify(household, cast.mhk_civil, "dibao", TODAY - timedelta(days=30))
    refused = api(county).post(f"{PLAN}/draw", {"division": "652301", "year": 2026})
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "programme_not_of_region"
    drawn = api(county).post("/api/v1/programmes/seismic/plan/draw",
                             {"division": "652301", "year": 2026})
    assert drawn.json() == {"listed": 1}
    rows = api(county).get("/api/v1/programmes/seismic/plan", {"year": 2026}).json()["items"]
    assert [r["house_id"] for r in rows] == [house.pk]
