"""`GET /stats/summary` and the map's points: scoped like every read (404 outside the scope),
counts only, served from the rollup tables without reading the house table."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anju.conftest import CHANGJI_V1, HONGMEI_V1, SHANCHENG, SHANCHENG_V1, SHANCHENG_V2
from anju.rectification.actions import backfill_ledger
from anju.reports import applications, rollup
from anju.reports.figures import APPLICATION_STATUSES

pytestmark = pytest.mark.django_db

SUMMARY = "/api/v1/stats/summary"
MAP = "/api/v1/stats/map"
LAT, LNG = Decimal("42.500000"), Decimal("125.700000")


@pytest.fixture
def county(make_house, make_household):
    """Houses of 梅河口市 as bulk data leaves them, on the ledger and counted."""
    made = {
        "occupied_d": make_house(SHANCHENG_V1, grade="D", lat=LAT, lng=LNG,
                                 household=make_household(SHANCHENG_V1, head_name="王大山")),
        "vacant_c": make_house(SHANCHENG_V2, grade="C", occupancy="vacant", lat=LAT, lng=LNG),
        "a": make_house(SHANCHENG_V1, grade="A", lat=LAT + 1, lng=LNG),
        "no_place": make_house(SHANCHENG_V1, grade="B"),
        "hongmei_d": make_house(HONGMEI_V1, grade="D", lat=LAT, lng=LNG),
        "changji": make_house(CHANGJI_V1, grade="C"),
    }
    backfill_ledger("22")
    backfill_ledger("65")
    rollup.rebuild()
    return made


def test_summary_counts_a_county_and_each_township_with_red_alerts(api, cast, county):
    r = api(cast.mhk_housing).get(SUMMARY, {"division": "220581"})
    assert r.status_code == 200
    body = r.json()
    assert (body["code"], body["name"], body["level"]) == ("220581", "梅河口市", "county")
    assert body["houses"] == 5
    assert body["grades"] == {"A": 1, "B": 1, "C": 1, "D": 2, "unrated": 0}
    assert body["ledger"] == {"open": 3, "controlled": 0, "accepted": 0, "closed": 0}
    assert body["red_alerts"] == 2  # occupied C/D houses not signed off (R-CJ-6)
    assert set(body["overdue"]) == {"checks", "findings", "payments", "controls", "engineering",
                                    "leads"}
    assert set(body["applications"]) == {s for s, _ in APPLICATION_STATUSES}
    children = {c["code"]: c for c in body["children"]}
    assert children[SHANCHENG]["red_alerts"] == 1 and children[SHANCHENG]["houses"] == 4
    assert children["220581101"]["red_alerts"] == 1
    assert all(isinstance(c["red_alerts"], int) for c in body["children"])
    assert [c["code"] for c in body["children"]] == sorted(children)
    assert body["pending_villages"] == 0 and body["refreshed_at"]


def test_summary_without_a_division_is_the_callers_own(api, cast, county):
    body = api(cast.shancheng).get(SUMMARY).json()
    assert (body["code"], body["houses"], body["red_alerts"]) == (SHANCHENG, 4, 1)
    assert [c["code"] for c in body["children"]][:2] == [SHANCHENG_V1, SHANCHENG_V2]


def test_summary_reads_the_rollup_rows_not_the_houses(api, cast, county):
    client = api(cast.mhk_housing)
    client.get(SUMMARY, {"division": "220581"})  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as queries:
        assert client.get(SUMMARY, {"division": "220581"}).status_code == 200
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "registry_house" not in tables and "rectification_ledgerentry" not in tables
    assert len(queries.captured_queries) <= 6


@pytest.mark.parametrize("username, division", [
    ("shancheng", "220581"),  # a township officer asks for the county above
    ("hongmei", SHANCHENG),  # another township
    ("huinan_housing", "220581"),  # another county
    ("mhk_housing", "6523"),  # another prefecture
    ("mhk_housing", "22058"),  # not a division code
    ("mhk_housing", "abc"),
])
def test_a_division_outside_the_scope_is_not_found(api, cast, county, username, division):
    r = api(getattr(cast, username)).get(SUMMARY, {"division": division})
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


def test_a_prefecture_officer_sees_the_counties_under_it(api, cast, county):
    r = api(cast.changji).get(SUMMARY, {"division": "652301"})
    assert r.status_code == 200 and r.json()["grades"]["C"] == 1
    assert api(cast.changji).get(SUMMARY).json()["houses"] == 1


def test_the_administrators_see_no_statistics(api, cast, county):
    for user in (cast.admin, cast.security, cast.auditor):
        assert api(user).get(SUMMARY, {"division": "22"}).status_code == 403


def test_map_points_are_compact_rows_with_grade_and_red_alert(api, cast, county):
    r = api(cast.shancheng).get(MAP, {"division": SHANCHENG})
    assert r.status_code == 200
    body = r.json()
    assert body["fields"] == ["id", "lat", "lng", "grade", "alert"]
    rows = {row[0]: row for row in body["points"]}
    d, c, a = county["occupied_d"], county["vacant_c"], county["a"]
    assert rows == {d.pk: [d.pk, 42.5, 125.7, "D", 1], c.pk: [c.pk, 42.5, 125.7, "C", 0],
                    a.pk: [a.pk, 43.5, 125.7, "A", 0]}  # the house without coordinates is left
    assert (body["dangerous_only"], body["truncated"]) == (False, False)
    only = api(cast.shancheng).get(MAP, {"division": SHANCHENG, "dangerous_only": True}).json()
    assert sorted(row[3] for row in only["points"]) == ["C", "D"]


def test_map_points_stay_in_scope_and_below_the_prefecture(api, cast, county):
    assert api(cast.hongmei).get(MAP, {"division": SHANCHENG}).status_code == 404
    assert api(cast.changji).get(MAP, {"division": "6523"}).status_code == 404
    assert api(cast.cadre).get(MAP).json()["points"][0][3] == "D"


@pytest.mark.skipif(not applications.installed(), reason="housing security not installed")
def test_payments_overdue_are_counted_from_the_applications(api, cast, county, make_household):
    from anju.assistance.models import Application, Certification

    household = make_household(SHANCHENG_V1)
    certification = Certification.objects.create(
        household=household, division_code=SHANCHENG_V1, category="dibao",
        department="civil_affairs", certified_on=date.today() - timedelta(days=90),
        certified_by=cast.mhk_civil)
    common = {"household": household, "division_code": SHANCHENG_V1, "year": 2026,
              "category": "dibao", "certification": certification, "method": "repair_reinforce",
              "persons": 2, "subsidy_amount": Decimal("10000"), "created_by": cast.shancheng,
              "applied_on": date.today() - timedelta(days=80)}
    Application.objects.create(**common, status="accepted",
                               payment_due_on=date.today() - timedelta(days=1))
    rollup.mark_dirty([SHANCHENG_V1])
    rollup.refresh()
    body = api(cast.mhk_housing).get(SUMMARY, {"division": SHANCHENG}).json()
    assert body["applications"]["accepted"] == 1
    assert body["overdue"]["payments"] == 1


def test_a_demolished_house_leaves_the_counts_of_standing_houses(api, cast, county):
    """R-CJ-8a: "A D house rebuilt or a house demolished is marked `demolished` (it leaves the
    counts of standing houses)"; its red alert ends with it."""
    house = county["occupied_d"]
    r = api(cast.shancheng).post(f"/api/v1/houses/{house.pk}/demolition", {
        "version": house.version, "demolished_on": str(date.today()),
        "note": "农户自行拆除，村委会现场确认"})
    assert r.status_code == 200, r.json()
    rollup.refresh()
    body = api(cast.mhk_housing).get(SUMMARY, {"division": "220581"}).json()
    assert body["houses"] == 4
    assert body["grades"]["D"] == 1
    assert body["red_alerts"] == 1
    points = api(cast.mhk_housing).get(MAP, {"division": "220581"}).json()
    assert house.pk not in [p[0] for p in points["points"]]


@pytest.mark.skipif(not applications.installed(), reason="housing security not installed")
def test_payments_overdue_and_payments_made_late_are_counted_at_every_level(
        api, cast, county, make_household):
    """R-MH-12: "statistics count payments made late as well as those now overdue"."""
    from anju.assistance.models import Application, Certification, Payment

    today = date.today()

    def case(village, **fields):
        household = make_household(village)
        certification = Certification.objects.create(
            household=household, division_code=village, category="dibao",
            department="civil_affairs", certified_on=today - timedelta(days=90),
            certified_by=cast.mhk_civil)
        return Application.objects.create(
            household=household, division_code=village, year=today.year, category="dibao",
            certification=certification, method="repair_reinforce", persons=2,
            subsidy_amount=Decimal("10000"), created_by=cast.shancheng,
            applied_on=today - timedelta(days=120), **fields)

    case(SHANCHENG_V1, status="accepted", payment_due_on=today - timedelta(days=3))
    late = case(HONGMEI_V1, status="paid", payment_due_on=today - timedelta(days=50),
                paid_on=today - timedelta(days=10), paid_amount=Decimal("10000"))
    Payment.objects.create(application=late, division_code=HONGMEI_V1, amount=Decimal("10000"),
                           paid_on=today - timedelta(days=10), account="yikatong",
                           voucher="PZ-9", due_on=today - timedelta(days=50), days_late=40,
                           paid_by=cast.mhk_finance)
    rollup.mark_dirty([SHANCHENG_V1, HONGMEI_V1])
    rollup.refresh()
    county_body = api(cast.mhk_housing).get(SUMMARY, {"division": "220581"}).json()
    assert (county_body["payments_overdue"], county_body["payments_late"]) == (1, 1)
    children = {c["code"]: c for c in county_body["children"]}
    assert (children[SHANCHENG]["payments_overdue"], children[SHANCHENG]["payments_late"]) == (
        1, 0)
    assert (children["220581101"]["payments_overdue"],
            children["220581101"]["payments_late"]) == (0, 1)
    village = api(cast.mhk_housing).get(SUMMARY, {"division": HONGMEI_V1}).json()
    assert (village["payments_overdue"], village["payments_late"]) == (0, 1)


def test_a_map_popup_names_the_house_by_address_village_and_masked_head(
        api, cast, make_house, make_household):
    from anju.conftest import SHANCHENG_V1

    house = make_house(SHANCHENG_V1, grade="D", address="山城镇演示一村 8 号",
                       household=make_household(SHANCHENG_V1, head_name="李春生"))
    body = api(cast.shancheng).get(f"/api/v1/stats/map/houses/{house.pk}").json()
    assert (body["address"], body["village"], body["head"], body["grade"]) == (
        "山城镇演示一村 8 号", "演示一村", "李**", "D")
    assert "李春生" not in str(body)
    # Another township's officer is told it does not exist.
    assert api(cast.hongmei).get(f"/api/v1/stats/map/houses/{house.pk}").status_code == 404


def test_the_glossary_gives_an_integrator_each_figure_with_the_clerks_unit(api, cast, browser):
    r = api(cast.shancheng).get("/api/v1/stats/glossary")
    assert r.status_code == 200
    figures = {f["key"]: f for f in r.json()}
    # the same words the pages use: houses in 栋, households in 户, findings in 条
    assert figures["red_alerts"]["unit"] == "栋" and figures["households"]["unit"] == "户"
    assert figures["open_findings"]["unit"] == "条"
    page = browser(cast.shancheng).get("/glossary/").content.decode()
    assert figures["red_alerts"]["label"] in page
