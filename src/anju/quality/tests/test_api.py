"""GET /quality/findings and its neighbours (api.md): the shape other systems read, the filters,
the scope, the counts by rule and township."""

from datetime import date, timedelta

import pytest

from anju.conftest import HONGMEI_V1, SHANCHENG_V1, SHANCHENG_V2
from anju.quality.actions import recheck_house
from anju.quality.models import Finding
from anju.registry.models import House

URL = "/api/v1/quality/findings"
TODAY = date.today()
API_MD_FIELDS = {"id", "house_id", "kind", "field", "rule", "message", "status", "due_on"}


@pytest.fixture
def findings(clean_house):
    """山城镇: a house with 2 findings (one overdue), one with a closed one; 红梅镇: one."""
    tall = clean_house(SHANCHENG_V1)
    House.objects.filter(pk=tall.pk).update(floors=11, lat=None, lng=None)
    recheck_house(tall.pk)
    Finding.objects.filter(house=tall, rule="coordinates_missing").update(
        due_on=TODAY - timedelta(days=1))
    fixed = clean_house(SHANCHENG_V2)
    House.objects.filter(pk=fixed.pk).update(floor_area=0)
    recheck_house(fixed.pk)
    House.objects.filter(pk=fixed.pk).update(floor_area=60)
    recheck_house(fixed.pk)
    other = clean_house(HONGMEI_V1)
    House.objects.filter(pk=other.pk).update(built_year=TODAY.year + 1)
    recheck_house(other.pk)
    return {"tall": tall, "fixed": fixed, "other": other}


def test_the_list_has_the_fields_of_api_md_open_first_by_deadline(api, cast, findings):
    r = api(cast.mhk_housing).get(URL)
    assert r.status_code == 200
    out = r.json()
    assert (out["total"], out["page"], out["page_size"]) == (3, 1, 50)
    first = out["items"][0]
    assert API_MD_FIELDS <= set(first)
    assert {k: first[k] for k in ("house_id", "kind", "field", "rule", "status", "overdue")} == {
        "house_id": findings["tall"].pk, "kind": "missing_field", "field": "lat",
        "rule": "coordinates_missing", "status": "open", "overdue": True}
    assert [f["due_on"] for f in out["items"]] == sorted(f["due_on"] for f in out["items"])


@pytest.mark.parametrize("params, expected", [
    ({"kind": "wrong_field"}, {("floors_out_of_range", "open"),
                                ("built_year_in_future", "open")}),
    ({"rule": "floors_out_of_range"}, {("floors_out_of_range", "open")}),
    ({"status": "closed"}, {("floor_area_out_of_range", "closed")}),
    ({"status": "all", "division": "220581100"}, {
        ("floors_out_of_range", "open"), ("coordinates_missing", "open"),
        ("floor_area_out_of_range", "closed")}),
    ({"overdue": "true"}, {("coordinates_missing", "open")}),
    ({"division": "220581101"}, {("built_year_in_future", "open")}),
])
def test_the_list_filters(api, cast, findings, params, expected):
    r = api(cast.mhk_housing).get(URL, params)
    assert {(f["rule"], f["status"]) for f in r.json()["items"]} == expected


def test_the_list_filters_by_house(api, cast, findings):
    r = api(cast.mhk_housing).get(URL, {"house_id": findings["other"].pk})
    assert [f["rule"] for f in r.json()["items"]] == ["built_year_in_future"]


def test_a_township_officer_sees_only_the_township(api, cast, findings):
    r = api(cast.hongmei).get(URL, {"status": "all"})
    assert [f["house_id"] for f in r.json()["items"]] == [findings["other"].pk]
    mine = api(cast.shancheng).get(URL, {"status": "all"}).json()
    assert mine["total"] == 3


def test_a_division_outside_the_scope_and_a_bad_status_are_refused(api, cast, findings):
    r = api(cast.shancheng).get(URL, {"division": "220581101"})
    assert (r.status_code, r.json()["error"]["field"]) == (404, "division")
    r = api(cast.mhk_housing).get(URL, {"status": "pending"})
    assert (r.status_code, r.json()["error"]["code"]) == (422, "choice_invalid")


def test_a_finding_shows_its_history_and_is_not_found_outside_the_scope(api, cast, findings):
    finding = Finding.objects.get(house=findings["fixed"])
    r = api(cast.shancheng).get(f"{URL}/{finding.pk}")
    assert r.status_code == 200
    assert [(e["action"], e["note"]) for e in r.json()["events"]] == [
        ("opened", ""), ("closed", "已整改：规则复核通过")]
    assert (r.json()["status"], r.json()["closed_on"]) == ("closed", TODAY.isoformat())
    assert api(cast.hongmei).get(f"{URL}/{finding.pk}").status_code == 404


def test_the_summary_counts_open_findings_by_rule_and_by_township(api, cast, findings):
    r = api(cast.mhk_housing).get("/api/v1/quality/summary")
    out = r.json()
    assert (out["division"], out["open"], out["overdue"]) == ("220581", 3, 1)
    assert [(x["rule"], x["open"], x["overdue"]) for x in out["by_rule"]] == [
        ("coordinates_missing", 1, 1), ("built_year_in_future", 1, 0),
        ("floors_out_of_range", 1, 0)]
    assert out["by_township"] == [
        {"code": "220581100", "name": "山城镇", "open": 2, "overdue": 1, "wrong_grade": 0,
         "missing_field": 1, "wrong_field": 1},
        {"code": "220581101", "name": "红梅镇", "open": 1, "overdue": 0, "wrong_grade": 0,
         "missing_field": 0, "wrong_field": 1}]


def test_the_list_reads_a_page_in_a_fixed_number_of_queries(
        api, cast, clean_house, django_assert_max_num_queries):
    for _ in range(12):
        house = clean_house()
        House.objects.filter(pk=house.pk).update(floors=11)
        recheck_house(house.pk)
    client = api(cast.mhk_housing)
    with django_assert_max_num_queries(4):  # token, page, count, last use of the token
        r = client.get(URL)
    assert r.json()["total"] == 12


def test_the_anonymous_caller_gets_401(api):
    r = api().get(URL)
    assert (r.status_code, r.json()["error"]["code"]) == (401, "unauthorized")


def test_the_served_schema_names_the_quality_routes(api, cast):
    paths = api(cast.mhk_housing).get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/quality/findings", "/api/v1/quality/findings/{finding_id}",
                 "/api/v1/quality/summary", "/api/v1/quality/sweeps",
                 "/api/v1/houses/{house_id}/verifications", "/api/v1/quality/spot-checks",
                 "/api/v1/quality/findings/{finding_id}/similar",
                 "/api/v1/quality/findings/{finding_id}/notify", "/api/v1/quality/notices"):
        assert path in paths
