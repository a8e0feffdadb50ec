"""§6: the look-back (回头看) is a campaign: a list of houses to revisit (signed-off entries,
controlled entries, priority-area houses screened `none`), given to townships with a deadline;
its coverage and what it found are counted and reported."""

from datetime import timedelta

from django.utils import timezone

from anju.appraisal.models import Hazard, Inspection
from anju.rectification.models import LedgerEntry
from anju.supervision.models import CampaignHouse

TODAY = timezone.localdate()
DEADLINE = str(TODAY + timedelta(days=30))


def the_list(api, cast, make_house, on_ledger):
    signed_off, entry = on_ledger("d")
    LedgerEntry.objects.filter(pk=entry).update(status="closed")
    controlled, entry = on_ledger("c")
    LedgerEntry.objects.filter(pk=entry).update(status="controlled")
    open_entry, _ = on_ledger("c")  # still being rectified: not revisited yet
    priority = make_house(priority_tags=["urban_village"], screening_result="none", grade="unrated")
    # screened with a hazard: not listed
    make_house(priority_tags=["urban_village"], screening_result="some")
    make_house(screening_result="none")  # not in a priority area
    make_house(priority_tags=["urban_village"], screening_result="none", status="demolished")
    return {"signed_off": signed_off, "controlled": controlled, "priority": priority}


def open_lookback(api, cast, division="220581"):
    response = api(cast.mhk_housing).post("/api/v1/lookbacks", {
        "division": division, "title": "2026年回头看", "deadline": DEADLINE})
    assert response.status_code == 201, response.json()
    return response.json()


def test_anju_draws_the_list_signed_off_controlled_and_priority_houses_screened_none(
        api, cast, make_house, on_ledger):
    houses = the_list(api, cast, make_house, on_ledger)
    campaign = open_lookback(api, cast)
    assert campaign["listed"] == 3 and campaign["revisited"] == 0
    listed = api(cast.shancheng).get(f"/api/v1/lookbacks/{campaign['id']}/houses").json()
    assert {(h["house_id"], h["reason"]) for h in listed["items"]} == {
        (house.pk, reason) for reason, house in houses.items()}


def test_the_township_records_a_revisit_as_a_lookback_inspection_and_coverage_counts_it(
        api, cast, make_house, on_ledger):
    houses = the_list(api, cast, make_house, on_ledger)
    campaign = open_lookback(api, cast)
    response = api(cast.shancheng).post(f"/api/v1/lookbacks/{campaign['id']}/revisits", {
        "house_id": houses["signed_off"].pk, "inspected_on": str(TODAY),
        "findings": "加固部位完好"})
    assert response.status_code == 201, response.json()
    inspection = Inspection.objects.get(pk=response.json()["inspection_id"])
    assert (inspection.level, inspection.house_id) == ("lookback", houses["signed_off"].pk)

    seen = api(cast.mhk_housing).get(f"/api/v1/lookbacks/{campaign['id']}").json()
    assert (seen["listed"], seen["revisited"], seen["found"]) == (3, 1, 0)
    township = seen["divisions"][0]
    assert (township["division_code"], township["listed"], township["revisited"],
            township["found"], township["coverage"]) == ("220581100", 3, 1, 0, 0.3333)


def test_a_revisit_finding_danger_records_a_hazard_and_is_counted_as_found(
        api, cast, make_house, on_ledger):
    houses = the_list(api, cast, make_house, on_ledger)
    campaign = open_lookback(api, cast)
    response = api(cast.shancheng).post(f"/api/v1/lookbacks/{campaign['id']}/revisits", {
        "house_id": houses["priority"].pk, "inspected_on": str(TODAY),
        "findings": "后墙新出现贯通裂缝", "major_hazard": True})
    assert response.status_code == 201, response.json()
    assert response.json()["found_danger"] is True
    # R-CJ-2: numbered and controlled at once; the appraisal then puts it on the ledger
    assert Hazard.objects.filter(house=houses["priority"]).count() == 1
    assert api(cast.mhk_housing).get(f"/api/v1/lookbacks/{campaign['id']}").json()["found"] == 1


def test_a_revisit_of_a_house_outside_the_campaign_is_refused_and_nothing_written(
        api, cast, make_house, on_ledger, nothing_written):
    the_list(api, cast, make_house, on_ledger)
    campaign = open_lookback(api, cast)
    outside = make_house()
    with nothing_written():
        response = api(cast.shancheng).post(f"/api/v1/lookbacks/{campaign['id']}/revisits", {
            "house_id": outside.pk, "inspected_on": str(TODAY), "findings": "正常"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["rule"], error["field"]) == (
        "lookback_house_not_listed", "§6", "house_id")


def test_a_campaign_over_a_division_outside_the_scope_is_refused(api, cast, nothing_written):
    with nothing_written():
        response = api(cast.mhk_housing).post("/api/v1/lookbacks", {
            "division": "220523", "deadline": DEADLINE})
    assert response.status_code == 404


def test_a_township_may_not_open_a_campaign(api, cast):
    response = api(cast.shancheng).post("/api/v1/lookbacks", {"division": "220581100",
                                                              "deadline": DEADLINE})
    assert response.status_code == 403


def test_the_list_is_one_row_per_house(api, cast, make_house, on_ledger):
    the_list(api, cast, make_house, on_ledger)
    campaign = open_lookback(api, cast)
    assert CampaignHouse.objects.filter(campaign_id=campaign["id"]).count() == 3
