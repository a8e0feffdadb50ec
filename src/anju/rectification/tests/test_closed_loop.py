"""The closed loop of the ledger (R-CJ-4..8) walked over the API, as a county runs it."""

import pytest

from anju.audit.models import AuditEvent
from anju.rectification.models import LedgerEntry, Transition
from anju.rectification.tests.conftest import appraisal_body, at_the_house, days_ago

pytestmark = pytest.mark.django_db


def entry_path(entry_id: int, step: str = "") -> str:
    return f"/api/v1/rectifications/{entry_id}" + (f"/{step}" if step else "")


def actions_of(entry_id: int) -> list[str]:
    return list(Transition.objects.filter(entry_id=entry_id).values_list("action", flat=True))


def test_a_c_grade_house_is_repaired_accepted_reappraised_and_signed_off(api, cast, on_ledger):
    house, entry_id = on_ledger("c")
    clerk, county = api(cast.shancheng), api(cast.mhk_housing)

    body = clerk.get(entry_path(entry_id)).json()
    assert (body["grade"], body["status"], body["house_id"]) == ("C", "open", house.pk)
    assert body["red_alert"] is True  # occupied C house (R-CJ-6)
    assert [p["role"] for p in body["responsible_persons"]] == ["owner", "user", "supervisor"]
    assert body["responsible_persons"][0]["phone"] == "139****1111"
    assert body["missing_responsible_roles"] == []
    assert body["acceptance"] is None and body["closed_on"] is None

    r = clerk.post(entry_path(entry_id, "measures"),
                   {"kind": "evacuate", "started_on": days_ago(20), "completed_on": days_ago(20),
                    "note": "搬至子女家"})
    assert r.status_code == 201, r.json()
    assert (r.json()["status"], r.json()["red_alert"]) == ("controlled", False)
    house.refresh_from_db()
    assert house.occupancy == "evacuated"  # through the registry's verb

    r = clerk.post(entry_path(entry_id, "checks"),
                   {"level": "village", "checked_on": days_ago(10), "holds": True})
    assert r.status_code == 201 and r.json()["status"] == "controlled"

    r = clerk.post(entry_path(entry_id, "measures"),
                   {"kind": "repair_reinforce", "started_on": days_ago(9),
                    "completed_on": days_ago(5)})
    assert r.status_code == 201 and r.json()["status"] == "controlled"

    r = clerk.post(entry_path(entry_id, "acceptance"),
                   {"accepted_on": days_ago(4), "passed": True, "inspectors": ["张工", "李镇长"],
                    "evidence_id": at_the_house(entry_id, cast.shancheng)})
    assert r.status_code == 201, r.json()
    assert r.json()["status"] == "accepted"
    assert r.json()["acceptance"]["inspectors"] == ["张工", "李镇长"]

    # R-CJ-8, Anju's reading: a repaired house needs a new A/B appraisal before 销号
    r = county.post(entry_path(entry_id, "close"), {"closed_on": days_ago(2)})
    assert r.status_code == 409
    assert r.json()["error"] | {"message": None} == {
        "code": "signoff_not_allowed", "rule": "R-CJ-8", "rule_url": "/rules/R-CJ-8/",
        "field": "appraisal", "message": None}

    r = api(cast.appraiser1).post(f"/api/v1/houses/{house.pk}/appraisals",
                                  appraisal_body("b", on=3))
    assert r.status_code == 201
    assert LedgerEntry.objects.filter(house=house).count() == 1

    r = county.post(entry_path(entry_id, "close"), {"closed_on": days_ago(2), "note": "已消除"})
    assert r.status_code == 200, r.json()
    body = r.json()
    assert (body["status"], body["closed_on"], body["red_alert"]) == (
        "closed", days_ago(2), False)
    assert actions_of(entry_id) == ["enter", "record_control", "check", "record_engineering",
                                    "accept", "reappraise", "sign_off"]
    assert [(t["from_status"], t["to_status"]) for t in body["transitions"]] == [
        (None, "open"), ("open", "controlled"), ("controlled", "controlled"),
        ("controlled", "controlled"), ("controlled", "accepted"), ("accepted", "accepted"),
        ("accepted", "closed")]
    audited = AuditEvent.objects.filter(action="transition", object_id=str(entry_id),
                                        object_type="rectification.ledgerentry").order_by("id")
    # Entering the ledger is a change of status too, audited like the others (one engine).
    assert [(a.details["from"], a.details["to"]) for a in audited] == [
        ("", "open"), ("open", "controlled"), ("controlled", "accepted"), ("accepted", "closed")]

    # undone only by a recorded reopening with a reason
    r = county.post(entry_path(entry_id, "reopen"), {"reason": ""})
    assert (r.status_code, r.json()["error"]["field"]) == (422, "reason")
    r = county.post(entry_path(entry_id, "reopen"), {"reason": "群众反映墙体再次开裂"})
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["closed_on"]) == ("open", None)
    assert r.json()["transitions"][-1]["comment"] == "群众反映墙体再次开裂"
    assert actions_of(entry_id)[-1] == "reopen"


def test_a_d_grade_house_is_demolished_rebuilt_accepted_and_signed_off(api, cast, on_ledger):
    house, entry_id = on_ledger("d")
    clerk, county = api(cast.shancheng), api(cast.mhk_housing)
    assert clerk.get(entry_path(entry_id)).json()["grade"] == "D"

    for kind, day in (("evacuate", 25), ("seal", 25), ("warning_sign", 24)):
        r = clerk.post(entry_path(entry_id, "measures"),
                       {"kind": kind, "started_on": days_ago(day), "completed_on": days_ago(day)})
        assert r.status_code == 201, r.json()
    house.refresh_from_db()
    assert house.occupancy == "sealed"

    clerk.post(entry_path(entry_id, "measures"),
               {"kind": "demolish", "started_on": days_ago(20), "completed_on": days_ago(18)})
    clerk.post(entry_path(entry_id, "measures"),
               {"kind": "rebuild", "started_on": days_ago(17), "completed_on": days_ago(3)})
    r = clerk.post(entry_path(entry_id, "acceptance"),
                   {"accepted_on": days_ago(2), "passed": True, "inspectors": ["张工"],
                    "evidence_id": at_the_house(entry_id, cast.shancheng)})
    assert r.json()["status"] == "accepted"
    # demolition and rebuilding need no new appraisal
    r = county.post(entry_path(entry_id, "close"), {"closed_on": days_ago(1)})
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "closed"
    assert actions_of(entry_id) == ["enter", "record_control", "record_control",
                                    "record_control", "record_engineering",
                                    "record_engineering", "accept", "sign_off"]
    kinds = [(m["kind"], m["category"]) for m in r.json()["measures"]]
    assert kinds == [("evacuate", "control"), ("seal", "control"), ("warning_sign", "control"),
                     ("demolish", "engineering"), ("rebuild", "engineering")]


def test_a_failed_acceptance_is_recorded_and_the_entry_stays_under_control(api, cast,
                                                                           on_ledger):
    _, entry_id = on_ledger("d")
    clerk = api(cast.shancheng)
    clerk.post(entry_path(entry_id, "measures"),
               {"kind": "stop_use", "started_on": days_ago(20), "completed_on": days_ago(20)})
    clerk.post(entry_path(entry_id, "measures"),
               {"kind": "demolish", "started_on": days_ago(10), "completed_on": days_ago(8)})
    r = clerk.post(entry_path(entry_id, "acceptance"),
                   {"accepted_on": days_ago(5), "passed": False, "inspectors": ["张工"],
                    "note": "残墙未清", "evidence_id": at_the_house(entry_id, cast.shancheng)})
    assert (r.status_code, r.json()["status"]) == (201, "controlled")
    assert r.json()["acceptance"]["passed"] is False
    r = api(cast.mhk_housing).post(entry_path(entry_id, "close"), {"closed_on": days_ago(1)})
    assert (r.status_code, r.json()["error"]["field"]) == (409, "acceptance")


def test_a_c_or_d_reappraisal_updates_the_open_entry_instead_of_opening_another(
        api, cast, on_ledger):
    house, entry_id = on_ledger("c")
    r = api(cast.appraiser1).post(f"/api/v1/houses/{house.pk}/appraisals",
                                  appraisal_body("d", on=5))
    assert r.status_code == 201
    assert list(LedgerEntry.objects.filter(house=house).values_list("pk", "grade")) == [
        (entry_id, "D")]
    assert actions_of(entry_id) == ["enter", "regrade"]


def test_an_a_or_b_appraisal_puts_nothing_on_the_ledger(api, cast, dangerous_house):
    house = dangerous_house()
    r = api(cast.appraiser1).post(f"/api/v1/houses/{house.pk}/appraisals", appraisal_body("b"))
    assert r.status_code == 201
    assert not LedgerEntry.objects.filter(house=house).exists()


def test_control_measures_ordered_on_a_hazard_are_carried_onto_the_entry(api, cast,
                                                                        dangerous_house):
    house = dangerous_house()
    r = api(cast.shancheng).post(f"/api/v1/houses/{house.pk}/screenings", {
        "checked_on": days_ago(40), "level": "village",
        "items": [{"kind": "wall_vertical_crack", "level": "serious", "count": 1}]})
    assert r.status_code == 201
    api(cast.appraiser1).post(f"/api/v1/houses/{house.pk}/appraisals", appraisal_body("d"))
    entry = LedgerEntry.objects.get(house=house)
    body = api(cast.shancheng).get(entry_path(entry.pk)).json()
    assert body["hazard_number"].startswith("YH220581")
    assert [(m["kind"], m["planned"]) for m in body["measures"]] == [
        ("evacuate", True), ("seal", True), ("guard", True), ("warning_sign", True)]
    # doing a planned measure fills it in
    r = api(cast.shancheng).post(entry_path(entry.pk, "measures"), {
        "kind": "seal", "started_on": days_ago(3), "completed_on": days_ago(3)})
    assert [(m["kind"], m["planned"]) for m in r.json()["measures"]][1] == ("seal", False)
    assert len(r.json()["measures"]) == 4


def test_a_low_income_household_is_routed_to_the_regions_programme(api, cast, make_house,
                                                                   make_household):
    from anju.conftest import CHANGJI_V1

    meihekou = make_house(household=make_household(low_income_category="dibao"))
    changji = make_house(division_code=CHANGJI_V1, household=make_household(
        division_code=CHANGJI_V1, low_income_category="tekun"))
    api(cast.appraiser1).post(f"/api/v1/houses/{meihekou.pk}/appraisals", appraisal_body("d"))
    api(cast.cj_appraiser).post(f"/api/v1/houses/{changji.pk}/appraisals", appraisal_body(
        "d", seismic={"ring_beam": False, "tie_column": False, "ground_ring_beam": False}))
    assert LedgerEntry.objects.get(house=meihekou).programme == "renovation"
    assert LedgerEntry.objects.get(house=changji).programme == "seismic"
