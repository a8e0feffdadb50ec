"""api.md "Evidence flags": the records a capture made carry its `flags` and, once a supervisor
accepted them, `accepted_flags` with the reason — here a spot check (R-CJ-3) read back through
the house's inspections."""

from datetime import timedelta

from django.utils import timezone

from anju.evidence import actions
from anju.evidence.commands import AcceptCapture

TODAY = timezone.localdate()
SPOT_CHECK = {"level": "spot_check", "inspected_on": str(TODAY - timedelta(days=1)),
              "inspector": "县住建局", "findings": "与台账一致"}


def test_a_spot_check_on_an_accepted_poor_fix_shows_the_flag_and_the_reason(
        api, cast, house, capture):
    """R-CJ-3"""
    poor = capture(house, act="spot_check", accuracy_m=300.0)
    actions.accept_capture(poor, AcceptCapture(reason="林区信号弱，村支书在场作证"),
                           acting_user=cast.shancheng)
    clerk = api(cast.shancheng)
    made = clerk.post(f"/api/v1/houses/{house.pk}/inspections",
                      SPOT_CHECK | {"evidence_id": poor.pk})
    assert made.status_code == 201, made.json()
    [listed] = clerk.get(f"/api/v1/houses/{house.pk}/inspections").json()
    for answer in (made.json(), listed):
        assert answer["capture_id"] == poor.pk and answer["flags"] == []
        assert [(f["code"], f["reason"]) for f in answer["accepted_flags"]] == [
            ("gps_inaccurate", "林区信号弱，村支书在场作证")]


def test_a_clean_spot_check_and_a_village_check_carry_no_flags(api, cast, house, capture):
    clean = capture(house, act="spot_check")
    clerk = api(cast.shancheng)
    assert clerk.post(f"/api/v1/houses/{house.pk}/inspections",
                      SPOT_CHECK | {"evidence_id": clean.pk}).status_code == 201
    assert clerk.post(f"/api/v1/houses/{house.pk}/inspections", {
        "level": "village", "inspected_on": str(TODAY), "findings": "无新裂缝"}
    ).status_code == 201
    listed = clerk.get(f"/api/v1/houses/{house.pk}/inspections").json()
    assert [(i["level"], i["capture_id"] is not None, i["flags"], i["accepted_flags"])
            for i in listed] == [("village", False, [], []), ("spot_check", True, [], [])]
