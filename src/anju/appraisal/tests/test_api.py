"""Screenings, appraisals and inspections over HTTP, as api.md and grading.md describe them."""

import pytest

from anju.appraisal.models import Appraisal, ControlOrder, Hazard, Screening
from anju.appraisal.tests.conftest import appraisal_body, components
from anju.appraisal.tests.test_rules import GRADE_TABLE, SCREENING_TABLE
from anju.conftest import CHANGJI_V1, HONGMEI_V1
from anju.evidence.demo import on_site as capture_at
from anju.registry.models import RecordEvent

pytestmark = pytest.mark.django_db


def screening_body(items=(), **fields) -> dict:
    return {"checked_on": "2026-11-01", "level": "village",
            "items": [i if isinstance(i, dict) else
                      {"kind": i.kind, "level": i.level, "count": i.count} for i in items],
            **fields}


def screen(api, user, house, items=(), **fields):
    return api(user).post(f"/api/v1/houses/{house.pk}/screenings",
                          screening_body(items, **fields))


def appraise(api, user, house, **fields):
    return api(user).post(f"/api/v1/houses/{house.pk}/appraisals", appraisal_body(**fields))


# --- screening (grading.md §2) ---

@pytest.mark.parametrize(("items", "altered", "result", "clause"), SCREENING_TABLE,
                         ids=[row[3] for row in SCREENING_TABLE])
def test_the_api_screens_as_the_rule_says(api, cast, make_house, items, altered, result, clause):
    house = make_house()
    response = screen(api, cast.shancheng, house, items, altered_without_design=altered)
    assert response.status_code == 201
    assert response.json()["result"] == result
    house.refresh_from_db()
    assert house.screening_result == result
    assert house.grade == "unrated"  # a screening is never a grade


def test_a_serious_screening_numbers_the_hazard_and_orders_control_at_once(api, cast,
                                                                           make_house):
    house = make_house()
    body = screen(api, cast.shancheng, house,
                  items=[{"kind": "wall_vertical_crack", "level": "serious", "count": 1,
                          "note": "东山墙"}]).json()
    hazard = body["hazard"]
    assert hazard["number"] == "YH220581202600001"
    assert hazard["status"] == "awaiting_appraisal"
    assert [c["kind"] for c in hazard["controls"]] == ["evacuate", "seal", "guard",
                                                       "warning_sign"]
    assert "东山墙" in hazard["description"]
    shown = api(cast.shancheng).get(f"/api/v1/houses/{house.pk}").json()
    assert (shown["screening_result"], shown["grade"], shown["awaiting_appraisal"]) == (
        "serious", "unrated", True)
    assert RecordEvent.objects.filter(house=house, action="hazard_reported").count() == 1


def test_hazard_numbers_count_up_per_county_and_year(api, cast, make_house):
    serious = [{"kind": "roof_collapse", "level": "serious", "count": 1}]
    numbers = [screen(api, cast.mhk_housing, make_house(), items=serious).json()["hazard"]
               ["number"] for _ in range(3)]
    assert numbers == ["YH220581202600001", "YH220581202600002", "YH220581202600003"]


def test_the_recorder_may_name_the_control_measures(api, cast, make_house):
    house = make_house()
    body = screen(api, cast.shancheng, house,
                  items=[{"kind": "roof_collapse", "level": "serious", "count": 1}],
                  controls=["stop_use", "cordon"]).json()
    assert [c["kind"] for c in body["hazard"]["controls"]] == ["stop_use", "cordon"]


def test_a_some_screening_shows_awaiting_appraisal_without_a_hazard(api, cast, make_house):
    house = make_house()
    body = screen(api, cast.shancheng, house,
                  items=[{"kind": "roof_leak", "level": "general", "count": 1}]).json()
    assert (body["result"], body["hazard"]) == ("some", None)
    house.refresh_from_db()
    assert house.awaiting_appraisal is True
    assert Hazard.objects.count() == 0


def test_a_screening_item_of_an_unknown_kind_is_refused_and_nothing_saved(
        api, cast, make_house, nothing_written):
    house = make_house()
    with nothing_written(house):
        response = screen(api, cast.shancheng, house,
                          items=[{"kind": "ufo_damage", "level": "serious", "count": 1}])
    assert response.status_code == 422
    assert response.json()["error"] | {"message": None} == {
        "code": "item_kind_unknown", "field": "items[0].kind", "rule": "R-CJ-2",
        "rule_url": "/rules/R-CJ-2/", "message": None,
        "details": response.json()["error"]["details"]}


def test_a_screening_dated_in_the_future_is_refused(api, cast, make_house, nothing_written):
    house = make_house()
    with nothing_written(house):
        response = screen(api, cast.shancheng, house, checked_on="2099-01-01")
    assert (response.status_code, response.json()["error"]["code"],
            response.json()["error"]["field"]) == (422, "date_in_future", "checked_on")


def test_screenings_are_listed_newest_first(api, cast, make_house):
    house = make_house()
    screen(api, cast.shancheng, house, checked_on="2026-10-01")
    screen(api, cast.shancheng, house, checked_on="2026-11-01",
           items=[{"kind": "roof_leak", "level": "general", "count": 1}])
    listed = api(cast.shancheng).get(f"/api/v1/houses/{house.pk}/screenings").json()
    assert [(s["checked_on"], s["result"]) for s in listed] == [("2026-11-01", "some"),
                                                              ("2026-10-01", "none")]


def test_the_item_catalogue_is_served(api, cast):
    kinds = api(cast.cadre).get("/api/v1/screening/item-kinds").json()
    by_code = {k["code"]: k for k in kinds}
    assert by_code["wall_vertical_crack"]["level"] == "serious"
    assert by_code["house_tilt"]["level"] == "general"
    assert len(kinds) == 19


# --- appraisal (grading.md §3) ---

GRADED_ROWS = [row for row in GRADE_TABLE if row[2] is not None]


@pytest.mark.parametrize(("site", "comps", "grade", "row"), GRADED_ROWS,
                         ids=[row[3] for row in GRADED_ROWS])
def test_the_api_grades_as_the_rule_says(api, cast, make_house, site, comps, grade, row):
    house = make_house()
    response = appraise(api, cast.appraiser1, house, site=site, components=comps)
    assert response.status_code == 201, response.json()
    assert (response.json()["computed_grade"], response.json()["grade"]) == (grade, grade)
    house.refresh_from_db()
    assert house.grade == grade


def test_grade_may_be_omitted_and_the_computed_one_is_recorded(api, cast, make_house):
    house = make_house()
    body = appraise(api, cast.appraiser1, house,
                    components=components("a", bearing_wall="c", timber_frame="n/a")).json()
    assert (body["computed_grade"], body["grade"], body["override_reason"]) == ("C", "C", "")


def test_a_grade_contradicting_the_components_without_a_reason_is_refused(
        api, cast, make_house, nothing_written):
    house = make_house()
    with nothing_written(house):
        response = appraise(api, cast.appraiser1, house, components=components("a", roof="c"),
                            grade="B")
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["field"], error["rule"]) == ("grade_inconsistent", "grade",
                                                              "R-CJ-3")


def test_a_reasoned_override_keeps_both_grades(api, cast, make_house):
    house = make_house()
    body = appraise(api, cast.appraiser1, house, components=components("a", roof="c"),
                    grade="D", override_reason="综合判定：屋面塌陷危及整栋").json()
    assert (body["computed_grade"], body["grade"]) == ("C", "D")
    assert body["override_reason"] == "综合判定：屋面塌陷危及整栋"
    house.refresh_from_db()
    assert house.grade == "D"


def test_an_appraisal_with_a_missing_applicable_component_is_refused(
        api, cast, make_house, nothing_written):
    house = make_house()
    comps = components("a")
    del comps["foundation"]
    with nothing_written(house):
        response = appraise(api, cast.appraiser1, house, components=comps)
    assert response.status_code == 422
    assert (response.json()["error"]["code"], response.json()["error"]["field"]) == (
        "component_missing", "components.foundation")


def test_a_component_code_outside_abcd_na_is_refused(api, cast, make_house, nothing_written):
    house = make_house()
    with nothing_written(house):
        response = appraise(api, cast.appraiser1, house, components=components("a", roof="e"))
    assert (response.status_code, response.json()["error"]["code"]) == (
        422, "component_rating_invalid")


def test_a_rural_form_appraisal_of_a_three_storey_house_is_refused(
        api, cast, make_house, nothing_written):
    house = make_house(floors=3)
    with nothing_written(house):
        response = appraise(api, cast.appraiser1, house)
    assert response.status_code == 422
    assert (response.json()["error"]["code"], response.json()["error"]["rule"]) == (
        "rural_form_not_allowed", "R-CJ-2")


def test_a_three_storey_house_records_the_urban_report(api, cast, make_house):
    house = make_house(floors=4)
    response = api(cast.appraiser1).post(f"/api/v1/houses/{house.pk}/appraisals", {
        "appraised_on": "2026-11-03", "appraiser": "刘工",
        "urban_report": {"institution": "吉林省建筑科学研究设计院", "report_no": "JK-2026-088",
                         "grade": "C"}})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["method"], body["grade"], body["computed_grade"]) == ("urban", "C", None)
    assert body["urban_report"] == {"institution": "吉林省建筑科学研究设计院",
                                    "report_no": "JK-2026-088", "grade": "C", "file_id": None}
    house.refresh_from_db()
    assert house.grade == "C"


def test_seismic_items_are_required_in_changji(api, cast, make_house, nothing_written):
    appraiser = cast.cj_appraiser
    house = make_house(division_code=CHANGJI_V1)
    with nothing_written(house):
        refused = appraise(api, appraiser, house)
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "seismic.ring_beam"
    seismic = {"ring_beam": True, "tie_column": True, "ground_ring_beam": False}
    assert appraise(api, appraiser, house, seismic=seismic).status_code == 201


def test_reappraisal_adds_a_record_and_history_is_never_rewritten(api, cast, make_house):
    house = make_house()
    first = appraise(api, cast.appraiser1, house, appraised_on="2026-03-01",
                     components=components("a", bearing_wall="d")).json()
    second = appraise(api, cast.appraiser1, house, appraised_on="2026-10-01").json()
    listed = api(cast.shancheng).get(f"/api/v1/houses/{house.pk}/appraisals").json()
    assert [(a["id"], a["grade"]) for a in listed] == [(second["id"], "A"), (first["id"], "D")]
    house.refresh_from_db()
    assert house.grade == "A"


def test_an_older_appraisal_entered_late_does_not_replace_the_current_grade(api, cast,
                                                                           make_house):
    house = make_house()
    appraise(api, cast.appraiser1, house, appraised_on="2026-10-01")
    appraise(api, cast.appraiser1, house, appraised_on="2025-05-01",
             components=components("a", roof="d"))
    house.refresh_from_db()
    assert house.grade == "A"
    assert Appraisal.objects.filter(house=house).count() == 2


def test_an_appraisal_ends_awaiting_appraisal_and_closes_the_hazard_episode(api, cast,
                                                                          make_house):
    house = make_house()
    screen(api, cast.shancheng, house, checked_on="2026-10-20",
           items=[{"kind": "foundation_failure", "level": "serious", "count": 1}])
    appraise(api, cast.appraiser1, house, appraised_on="2026-11-02",
             components=components("b", foundation="d"))
    house.refresh_from_db()
    assert (house.grade, house.awaiting_appraisal) == ("D", False)
    hazard = Hazard.objects.get(house=house)
    assert (hazard.status, hazard.appraisal.grade) == ("appraised", "D")
    # the ordered control measures stay for the ledger to track
    assert ControlOrder.objects.filter(hazard=hazard).count() == 4


def test_a_later_serious_screening_makes_an_appraised_house_await_appraisal_again(
        api, cast, make_house):
    house = make_house()
    appraise(api, cast.appraiser1, house, appraised_on="2026-05-01")
    screen(api, cast.shancheng, house, checked_on="2026-11-01",
           items=[{"kind": "roof_collapse", "level": "serious", "count": 1}])
    house.refresh_from_db()
    assert (house.grade, house.screening_result, house.awaiting_appraisal) == (
        "A", "serious", True)


@pytest.mark.parametrize("username", ["cadre", "shancheng", "mhk_civil"])
def test_only_technical_staff_appraise(api, cast, make_house, nothing_written, username):
    house = make_house()
    with nothing_written(house):
        response = appraise(api, getattr(cast, username), house)
    assert (response.status_code, response.json()["error"]["code"]) == (403, "forbidden")


def test_a_house_outside_the_scope_is_not_found(api, cast, make_house, nothing_written):
    house = make_house(division_code=HONGMEI_V1)
    with nothing_written(house):
        assert screen(api, cast.shancheng, house).status_code == 404
        assert appraise(api, cast.huinan_housing, house).status_code == 404
    assert api(cast.shancheng).get(f"/api/v1/houses/{house.pk}/appraisals").status_code == 404


def test_an_extra_field_is_refused_as_malformed(api, cast, make_house):
    house = make_house()
    response = appraise(api, cast.appraiser1, house, colour="red")
    assert (response.status_code, response.json()["error"]["code"]) == (400,
                                                                         "field_not_allowed")


# --- inspections at every level (domain.md §2) ---

def test_every_level_of_inspection_is_recorded_on_the_house(api, cast, make_house):
    house = make_house()
    levels = ["household_self", "village", "township", "county", "villager_report",
              "lookback", "spot_check", "third_party"]
    for level in levels:
        # R-CJ-3: a spot check rests on a capture at the house
        on_site = {"evidence_id": capture_at(house, "spot_check", acting_user=cast.shancheng).pk
                   } if level == "spot_check" else {}
        response = api(cast.mhk_housing).post(f"/api/v1/houses/{house.pk}/inspections", {
            "level": level, "inspected_on": "2026-11-01", "findings": "墙体无新裂缝", **on_site})
        assert response.status_code == 201, response.json()
    listed = api(cast.shancheng).get(f"/api/v1/houses/{house.pk}/inspections").json()
    assert sorted(i["level"] for i in listed) == sorted(levels)
    assert RecordEvent.objects.filter(house=house, action="inspection_recorded").count() == 8


def test_a_major_hazard_found_on_inspection_orders_control_measures(api, cast, make_house):
    house = make_house()
    body = api(cast.cadre).post(f"/api/v1/houses/{house.pk}/inspections", {
        "level": "village", "inspected_on": "2026-11-01", "major_hazard": True,
        "findings": "后墙外闪，随时可能倒塌"}).json()
    assert body["hazard"]["source"] == "inspection"
    assert [c["kind"] for c in body["hazard"]["controls"]] == ["evacuate", "seal", "guard",
                                                               "warning_sign"]


def test_a_major_hazard_must_say_what_was_seen(api, cast, make_house, nothing_written):
    house = make_house()
    with nothing_written(house):
        response = api(cast.cadre).post(f"/api/v1/houses/{house.pk}/inspections", {
            "level": "village", "inspected_on": "2026-11-01", "major_hazard": True})
    assert (response.status_code, response.json()["error"]["field"],
            response.json()["error"]["rule"]) == (422, "findings", "R-CJ-2")


def test_an_inspection_of_an_unknown_level_is_refused(api, cast, make_house, nothing_written):
    house = make_house()
    with nothing_written(house):
        response = api(cast.cadre).post(f"/api/v1/houses/{house.pk}/inspections", {
            "level": "satellite", "inspected_on": "2026-11-01"})
    assert (response.status_code, response.json()["error"]["code"]) == (422, "choice_invalid")


def test_screening_counts_are_unchanged_by_refusals(api, cast, make_house):
    house = make_house()
    screen(api, cast.shancheng, house, items=[{"kind": "nope", "level": "general", "count": 1}])
    assert Screening.objects.count() == 0


def test_a_grade_change_and_a_new_hazard_are_audited_as_transitions(api, cast, make_house):
    from anju.audit.models import AuditEvent

    house = make_house()
    screen(api, cast.shancheng, house,
           items=[{"kind": "roof_collapse", "level": "serious", "count": 1}])
    appraise(api, cast.appraiser1, house, components=components("a", roof="d"))
    rows = AuditEvent.objects.filter(action="transition").order_by("id")
    # Each row says where the act came from: the API call that made it.
    screened = {"path": f"/api/v1/houses/{house.pk}/screenings", "method": "POST"}
    appraised = {"path": f"/api/v1/houses/{house.pk}/appraisals", "method": "POST"}
    assert [(r.username, r.object_type, r.details) for r in rows] == [
        ("shancheng", "appraisal.hazard", {"to": "awaiting_appraisal", "source": "screening",
                                           **screened}),
        ("shancheng", "registry.house", {"screening_result": ["", "serious"],
                                         "awaiting_appraisal": [False, True], **screened}),
        ("appraiser1", "registry.house", {"grade": ["unrated", "D"],
                                          "awaiting_appraisal": [True, False], **appraised}),
        ("appraiser1", "appraisal.hazard", {"from": "awaiting_appraisal", "to": "appraised",
                                            "appraisal": Appraisal.objects.get().pk,
                                            **appraised}),
        # R-CJ-4: the D house goes onto the ledger in the same act
        ("appraiser1", "rectification.ledgerentry", {"action": "enter", "from": "",
                                                     "to": "open"}),
    ]
    assert {r.client_ip for r in rows[:4]} == {"127.0.0.1"}
