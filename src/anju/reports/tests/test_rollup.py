"""The supervision figures stay equal to the records: every change in a village (a house
registered, graded, moved or emptied; a ledger step; a finding) has the background task count
that village again and sum the divisions above it."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command

from anju.conftest import HONGMEI, HONGMEI_V1, SHANCHENG, SHANCHENG_V1, SHANCHENG_V2
from anju.quality.models import Finding
from anju.rectification.models import LedgerEntry
from anju.rectification.tests.conftest import appraisal_body
from anju.registry.models import House
from anju.reports import rollup
from anju.reports.models import DivisionStat, DivisionStatDay
from anju.reports.present import present_summary
from anju.reports.queries import get_division_for_report, summary
from anju.reports.tests.conftest import counted_from_records, days_ago, figures_of

pytestmark = pytest.mark.django_db

COUNTY = "220581"
LAT, LNG = 42.5, 125.7  # inside 梅河口市


def house_body(village=SHANCHENG_V1, **fields) -> dict:
    return {"division_code": village, "address": f"{village} 试验路 {fields.pop('n', 1)} 号",
            "structure": "masonry_cast", "floors": 1, "built_year": 1992, "floor_area": 86.5,
            "use": "residence", "occupancy": "occupied", "is_only_house": True,
            "lat": LAT, "lng": LNG, **fields}


def assert_figures_equal_records(api, user, *codes):
    for code in codes:
        body = api(user).get("/api/v1/stats/summary", {"division": code}).json()
        assert figures_of(body) == counted_from_records(code), code
        assert body["pending_villages"] == 0, code
        for child in body["children"]:
            assert figures_of(child) == counted_from_records(child["code"]), child["code"]


def test_figures_equal_the_records_after_a_sequence_of_changes(api, cast, settled):
    clerk, appraiser, county = api(cast.shancheng), api(cast.appraiser1), api(cast.mhk_housing)
    places = (COUNTY, SHANCHENG, HONGMEI, SHANCHENG_V1, SHANCHENG_V2)

    with settled():  # houses registered in two villages of 山城镇 and one of 红梅镇
        ids = [clerk.post("/api/v1/houses", house_body(n=n)).json()["id"] for n in range(1, 5)]
        ids.append(clerk.post("/api/v1/houses", house_body(SHANCHENG_V2, n=5, lat=None,
                                                           lng=None)).json()["id"])
        api(cast.hongmei).post("/api/v1/houses", house_body(HONGMEI_V1, n=6))
    assert House.objects.count() == 6
    assert_figures_equal_records(api, cast.mhk_housing, *places)
    town = county.get("/api/v1/stats/summary", {"division": SHANCHENG}).json()
    assert (town["houses"], town["grades"]["unrated"]) == (5, 5)

    with settled():  # graded: a C and a D house occupied (red alerts), one A; one screened
        for pk, rating, on in ((ids[0], "c", 40), (ids[1], "d", 5), (ids[2], "a", 5)):
            r = appraiser.post(f"/api/v1/houses/{pk}/appraisals", appraisal_body(rating, on=on))
            assert r.status_code == 201, r.json()
        r = clerk.post(f"/api/v1/houses/{ids[3]}/screenings", {
            "checked_on": days_ago(1), "level": "village",
            "items": [{"kind": "wall_crack", "level": "general", "count": 1}]})
        assert r.status_code == 201, r.json()
    assert_figures_equal_records(api, cast.mhk_housing, *places)
    body = county.get("/api/v1/stats/summary", {"division": COUNTY}).json()
    assert body["red_alerts"] == 2
    assert body["overdue"]["checks"] == 1  # appraised 40 days ago, checked every 30 days
    assert [c["red_alerts"] for c in body["children"] if c["code"] == SHANCHENG] == [2]

    entry_c = LedgerEntry.objects.get(house_id=ids[0]).pk
    with settled():  # the C house evacuated (controlled), checked; the D house's check broken
        r = clerk.post(f"/api/v1/rectifications/{entry_c}/measures", {
            "kind": "evacuate", "started_on": days_ago(2), "completed_on": days_ago(2)})
        assert r.status_code == 201, r.json()
        r = clerk.post(f"/api/v1/rectifications/{entry_c}/checks",
                       {"level": "village", "checked_on": days_ago(1), "holds": True})
        assert r.status_code == 201, r.json()
        entry_d = LedgerEntry.objects.get(house_id=ids[1]).pk
        r = clerk.post(f"/api/v1/rectifications/{entry_d}/checks", {
            "level": "township", "checked_on": days_ago(0), "holds": False,
            "note": "警示标识被拆除"})
        assert r.status_code == 201, r.json()
    assert_figures_equal_records(api, cast.mhk_housing, *places)
    body = county.get("/api/v1/stats/summary", {"division": COUNTY}).json()
    assert (body["red_alerts"], body["broken_alerts"], body["overdue"]["checks"]) == (1, 1, 0)
    assert body["ledger"] == {"open": 1, "controlled": 1, "accepted": 0, "closed": 0}
    assert body["occupancy"]["evacuated"] == 1

    with settled():  # a verification finds the A house's structure wrong: a finding
        r = county.post(f"/api/v1/houses/{ids[2]}/verifications", {
            "verified_on": str(date.today()), "confirmed": [],
            "differences": [{"field": "structure", "observed": "earth_wood",
                             "reason": "实地为土坯墙"}]})
        assert r.status_code == 201, r.json()
    assert_figures_equal_records(api, cast.mhk_housing, *places)
    assert county.get("/api/v1/stats/summary", {"division": SHANCHENG_V1}).json()[
        "open_findings"] == Finding.objects.filter(division_code=SHANCHENG_V1,
                                                   status="open").count() == 9
    # (one photo finding per appraisal, naming its components, not one per component)

    house = House.objects.get(pk=ids[1])
    with settled():  # the D house's people leave; the house without coordinates moves
        r = clerk.patch(f"/api/v1/houses/{house.pk}", {"occupancy": "vacant",
                                                       "version": house.version})
        assert r.status_code == 200, r.json()
        moved = House.objects.get(pk=ids[4])
        r = clerk.patch(f"/api/v1/houses/{moved.pk}", {"division_code": SHANCHENG_V1,
                                                       "version": moved.version})
        assert r.status_code == 200, r.json()
    assert_figures_equal_records(api, cast.mhk_housing, *places)
    old = county.get("/api/v1/stats/summary", {"division": SHANCHENG_V2}).json()
    assert (old["houses"], old["open_findings"]) == (0, 0)
    body = county.get("/api/v1/stats/summary", {"division": COUNTY}).json()
    assert body["red_alerts"] == 0


def test_a_deadline_passing_is_counted_at_the_next_refresh_without_any_change(
        api, cast, settled):
    with settled():
        pk = api(cast.shancheng).post("/api/v1/houses", house_body()).json()["id"]
        r = api(cast.appraiser1).post(f"/api/v1/houses/{pk}/appraisals",
                                      appraisal_body("d", on=5))
        assert r.status_code == 201
    village = DivisionStat.objects.get(code=SHANCHENG_V1)
    entry = LedgerEntry.objects.get(house_id=pk)
    deadlines = [entry.next_check_due, *Finding.objects.filter(
        house_id=pk, status="open").values_list("due_on", flat=True)]
    assert village.overdue_checks == village.overdue_findings == 0
    assert village.valid_until == min(deadlines)  # the first deadline still to come

    later = max(deadlines) + timedelta(days=1)
    assert rollup.refresh(today=later) == 1  # only the village whose deadline passed
    division = get_division_for_report(cast.mhk_housing, COUNTY)
    body = present_summary(summary(division, today=later))
    assert figures_of(body) == counted_from_records(COUNTY, today=later)
    assert body["overdue"]["checks"] == 1 and body["pending_villages"] == 0
    assert rollup.refresh(today=later) == 0  # nothing more to count


def test_a_village_changed_while_it_is_counted_stays_marked(make_house):
    house = make_house(SHANCHENG_V1)
    rollup.mark_dirty([SHANCHENG_V1])
    marks = list(DivisionStat.objects.filter(dirty=True).values_list("code", "dirty_token"))
    rollup.mark_dirty([SHANCHENG_V1])  # a clerk's save commits while the task counts
    rollup._clear_marks(marks)
    assert DivisionStat.objects.get(code=SHANCHENG_V1).dirty is True
    assert house.division_code == SHANCHENG_V1


def test_the_refresh_writes_the_days_snapshot_of_the_divisions_above(api, cast, settled):
    with settled():
        api(cast.shancheng).post("/api/v1/houses", house_body())
    today = date.today()
    snapshots = dict(DivisionStatDay.objects.filter(day=today).values_list("code", "houses"))
    assert snapshots == {SHANCHENG: 1, COUNTY: 1, "2205": 1, "22": 1}


def test_a_full_rebuild_counts_houses_loaded_in_bulk(make_house):
    for _ in range(3):
        make_house(SHANCHENG_V2, grade="D")  # bulk loaders call no hook
    assert not DivisionStat.objects.filter(code=SHANCHENG_V2).exists()
    call_command("stats_refresh", COUNTY, stdout=open("/dev/null", "w"))
    assert DivisionStat.objects.get(code=SHANCHENG_V2).grade_d == 3
    assert DivisionStat.objects.get(code=COUNTY).grade_d == 3
    # every village of the county has its row, even without houses
    assert DivisionStat.objects.filter(code=HONGMEI_V1).values_list("houses", flat=True)[0] == 0
