"""R-MH-9 "及时到现场逐户进行技术指导和检查", R-MH-10 竣工验收, R-CJ-8 验收合格后方可销号 and
R-CJ-3 "面对面”抽查: each of these acts is done at the house, so under the region's
`evidence_presence_required` (a region's choice, off unless its profile turns it on) none is
recorded without a capture of that house and act whose flags are cleared or accepted —
whichever door it comes through. A capture that is given is checked wherever it is."""


import pytest

from anju.appraisal.actions import record_inspection
from anju.appraisal.commands import RecordInspection
from anju.appraisal.models import Inspection
from anju.assistance.models import CompletionAcceptance, StageInspection
from anju.assistance.tests.conftest import AGO, TODAY, Case
from anju.evidence import actions
from anju.evidence.commands import AcceptCapture
from anju.evidence.models import Capture
from anju.kit.errors import AnjuError
from anju.rectification.models import Acceptance
from anju.rectification.tests.conftest import at_the_house, days_ago


def refusal(raised) -> tuple:
    error = raised.value.errors[0] if hasattr(raised.value, "errors") else raised.value
    return error.code, error.field, error.rule


@pytest.fixture
def building(cast, make_household, make_house):
    case = Case(cast, make_household, make_house, lat="42.530000", lng="125.670000")
    case.to("under_construction")
    return case


def test_a_stage_inspection_without_a_capture_is_refused_and_nothing_is_recorded(
        building, cast, nothing_written, presence_required):
    """R-MH-9"""
    photo = building.doc("基础")
    with nothing_written(building.case), pytest.raises(AnjuError) as refused:
        building.act("stage_inspection", cast.shancheng, stage="foundation", passed=True,
                     on=AGO[5], photo_ids=[photo])
    assert refusal(refused) == ("evidence_required", "evidence_id", "R-MH-9")
    assert "关键节点检查" in str(refused.value.errors[0].message)
    assert not StageInspection.objects.exists()


def test_a_completion_acceptance_without_a_capture_is_refused(building, cast, nothing_written,
                                                              presence_required):
    """R-MH-10"""
    building.to("completed")
    report = building.doc("验收报告")
    with nothing_written(building.case), pytest.raises(AnjuError) as refused:
        building.act("accept", cast.shancheng, passed=True, on=TODAY, members=Case.MEMBERS,
                     final_cost="52000", main_area="50", auxiliary_area="10",
                     report_ids=[report])
    assert refusal(refused) == ("evidence_required", "evidence_id", "R-MH-10")
    assert not CompletionAcceptance.objects.exists()


def test_the_ledger_acceptance_is_refused_through_the_api_without_a_capture(
        api, cast, on_ledger, presence_required):
    """R-CJ-8: the error names the field, the rule and a stable code, in the API's shape."""
    _, entry_id = on_ledger("c")
    clerk = api(cast.shancheng)
    r = clerk.post(f"/api/v1/rectifications/{entry_id}/measures",
                   {"kind": "repair_reinforce", "started_on": days_ago(10),
                    "completed_on": days_ago(8)})
    assert r.status_code == 201, r.json()
    body = {"accepted_on": days_ago(4), "passed": True, "inspectors": ["张工"]}
    r = clerk.post(f"/api/v1/rectifications/{entry_id}/acceptance", body)
    assert r.status_code == 422, r.json()
    error = r.json()["error"]
    assert (error["code"], error["field"], error["rule"]) == (
        "evidence_required", "evidence_id", "R-CJ-8")
    assert not Acceptance.objects.exists()
    r = clerk.post(f"/api/v1/rectifications/{entry_id}/acceptance",
                   body | {"evidence_id": at_the_house(entry_id, cast.shancheng)})
    assert r.status_code == 201, r.json()


def spot_check(house, user, evidence_id=None):
    return record_inspection(house, RecordInspection(
        level="spot_check", inspected_on=TODAY, inspector="县住建局", findings="与台账一致",
        evidence_id=evidence_id), acting_user=user)


def test_a_spot_check_without_a_capture_is_refused(house, cast, presence_required):
    """R-CJ-3"""
    with pytest.raises(AnjuError) as refused:
        spot_check(house, cast.shancheng)
    assert refusal(refused) == ("evidence_required", "evidence_id", "R-CJ-3")
    assert not Inspection.objects.exists()


def test_a_spot_check_with_a_poor_gps_fix_is_refused_until_the_township_accepts_it_with_a_reason(
        house, cast, capture):
    """R-CJ-3, R-MH-9"""
    poor = capture(house, act="spot_check", accuracy_m=300.0)
    with pytest.raises(AnjuError) as refused:
        spot_check(house, cast.shancheng, poor.pk)
    assert refusal(refused) == ("evidence_not_accepted", "evidence_id", "R-CJ-3")
    assert "定位精度约 300 米" in refused.value.message
    with pytest.raises(AnjuError) as no_reason:
        actions.accept_capture(poor, AcceptCapture(reason=" "), acting_user=cast.shancheng)
    assert no_reason.value.code == "reason_required"
    actions.accept_capture(poor, AcceptCapture(reason="林区信号弱，村支书在场作证"),
                           acting_user=cast.shancheng)
    made = spot_check(house, cast.shancheng, poor.pk)
    assert Capture.objects.get(pk=poor.pk).used_for_id == made.pk
    assert set(made.photos.values_list("pk", flat=True)) == {
        p.attachment_id for p in poor.photos.all()}


def test_a_routine_village_check_needs_no_capture(house, cast):
    """Only the presence acts are gated: a village check is recorded as before."""
    made = record_inspection(house, RecordInspection(
        level="village", inspected_on=TODAY, findings="无新裂缝"), acting_user=cast.shancheng)
    assert made.level == "village"


def test_the_spot_check_page_refuses_without_a_capture_and_names_the_rule(
        browser, house, cast, presence_required):
    """The page goes through the same verb."""
    r = browser(cast.shancheng).post(f"/appraisal/houses/{house.pk}/inspections/new/", {
        "level": "spot_check", "inspected_on": str(TODAY), "inspector": "县住建局"})
    assert r.status_code == 422
    assert "须在房屋现场拍照定位取证" in r.content.decode()
    assert not Inspection.objects.exists()


def test_where_the_region_has_not_turned_it_on_the_acts_are_recorded_as_the_api_states(
        building, cast, api, on_ledger):
    """`evidence_presence_required` is the region's to set, by its recorded profile; without
    it a stage inspection and the ledger's acceptance are recorded as the HTTP contract
    states them, with no capture."""
    building.act("stage_inspection", cast.shancheng, stage="foundation", passed=True,
                 on=AGO[5], photo_ids=[building.doc("基础")])
    assert StageInspection.objects.filter(application=building.case).count() == 1
    _, entry_id = on_ledger("c")
    clerk = api(cast.shancheng)
    assert clerk.post(f"/api/v1/rectifications/{entry_id}/measures", {
        "kind": "repair_reinforce", "started_on": days_ago(10),
        "completed_on": days_ago(8)}).status_code == 201
    r = clerk.post(f"/api/v1/rectifications/{entry_id}/acceptance",
                   {"accepted_on": days_ago(4), "passed": True, "inspectors": ["张工"]})
    assert r.status_code == 201, r.json()
