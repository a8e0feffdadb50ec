"""The statistics count what the Changji notice asks to be seen: occupied houses with a major
hazard as red alerts from the moment the hazard is recorded (R-CJ-2), ordered controls and
engineering plans overdue by their dates (R-CJ-2, R-CJ-5), priority areas (R-CJ-1)."""

from datetime import date, timedelta

import pytest

from anju.conftest import SHANCHENG_V1, SHANCHENG_V2
from anju.rectification.actions import backfill_ledger
from anju.rectification.models import LedgerEntry, Measure
from anju.reports import rollup
from anju.reports.models import DivisionStat

pytestmark = pytest.mark.django_db

SUMMARY = "/api/v1/stats/summary"


def test_an_occupied_house_with_a_major_hazard_counts_as_a_red_alert_at_once(api, browser, cast,
                                                                            make_house,
                                                                            settled):
    """R-CJ-2: "a red alert (R-CJ-6) from the moment the hazard is recorded, not from its
    later appraisal" — on the dashboard and in GET /stats/summary."""
    house = make_house(SHANCHENG_V1, priority_tags=["near_school"])
    rollup.rebuild("220581")
    with settled():
        response = api(cast.cadre).post(f"/api/v1/houses/{house.pk}/inspections", {
            "level": "village", "inspected_on": str(date.today()), "major_hazard": True,
            "findings": "承重墙严重开裂"})
    assert response.status_code == 201
    body = api(cast.mhk_housing).get(SUMMARY, {"division": "220581"}).json()
    assert (body["red_alerts"], body["hazard_alerts"]) == (1, 1)
    assert body["priority"]["red_alerts"] == 1
    page = browser(cast.mhk_housing).get("/reports/220581/").content.decode()
    assert 'id="hazard-alerts"' in page and house.address in page
    assert 'data-figure="overdue_controls"' in page and 'data-figure="priority_ledger"' in page


def test_overdue_controls_and_engineering_plans_are_counted_from_their_dates(api, cast,
                                                                             make_house):
    today = date.today()
    late, plan, fresh = (make_house(SHANCHENG_V1, grade="D"), make_house(SHANCHENG_V1, grade="C"),
                         make_house(SHANCHENG_V2, grade="D"))
    backfill_ledger("220581")
    entries = {e.house_id: e for e in LedgerEntry.objects.all()}
    Measure.objects.create(entry=entries[late.pk], division_code=SHANCHENG_V1, kind="evacuate",
                           category="control", ordered_on=today - timedelta(days=4))
    Measure.objects.create(entry=entries[fresh.pk], division_code=SHANCHENG_V2, kind="seal",
                           category="control", ordered_on=today - timedelta(days=1))
    LedgerEntry.objects.filter(pk=entries[plan.pk].pk).update(
        engineering_plan="明年开春拆除重建", engineering_due_on=today - timedelta(days=1))
    rollup.rebuild("220581", today=today)
    body = api(cast.mhk_housing).get(SUMMARY, {"division": "220581"}).json()
    assert (body["overdue"]["controls"], body["overdue"]["engineering"]) == (1, 1)
    # The fresh order falls due after 3 days (the profile's control_order_days): the
    # village's figures hold until then and are counted again after it.
    assert DivisionStat.objects.get(code=SHANCHENG_V2).valid_until == today + timedelta(days=2)
    assert rollup.refresh(today=today + timedelta(days=3)) >= 1
    body = api(cast.mhk_housing).get(SUMMARY, {"division": "220581"}).json()
    assert body["overdue"]["controls"] == 2


def test_priority_areas_are_counted_in_the_statistics(api, cast, make_house):
    """R-CJ-1: priority houses are counted beside the others, not only tagged in the list."""
    make_house(SHANCHENG_V1, grade="D", priority_tags=["urban_village"])
    make_house(SHANCHENG_V1, grade="C", occupancy="vacant", priority_tags=["near_market"])
    make_house(SHANCHENG_V1, grade="D")
    make_house(SHANCHENG_V1, grade="A", priority_tags=["resettlement"])
    backfill_ledger("220581")
    rollup.rebuild("220581")
    body = api(cast.mhk_housing).get(SUMMARY, {"division": "220581"}).json()
    assert body["priority"] == {"houses": 3, "ledger": 2, "red_alerts": 1}
    assert body["red_alerts"] == 2
