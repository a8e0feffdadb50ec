"""R-MH-9 / R-MH-10: a presence act resting on a flagged capture is refused until a township
or county supervisor accepts the capture, and goes through after."""

import pytest

from anju.assistance.models import StageInspection, Transition
from anju.assistance.tests.conftest import AGO, Case
from anju.evidence import actions
from anju.evidence.commands import AcceptCapture
from anju.evidence.models import Capture
from anju.kit.errors import AnjuError


@pytest.fixture
def building(cast, make_household, make_house):
    case = Case(cast, make_household, make_house, lat="42.530000", lng="125.670000")
    case.to("under_construction")
    return case


def inspect(building, user, capture_id):
    return building.act("stage_inspection", user, stage="foundation", passed=True, on=AGO[5],
                        evidence_id=capture_id)


def test_a_stage_inspection_on_a_flagged_capture_is_refused_and_nothing_is_recorded(
        building, capture, cast, nothing_written):
    made = capture(building.house, accuracy_m=180.0)
    with nothing_written(building.case, made), pytest.raises(AnjuError) as refused:
        inspect(building, cast.shancheng, made.pk)
    assert (refused.value.code, refused.value.field, refused.value.rule) == (
        "evidence_not_accepted", "evidence_id", "R-MH-9")
    assert refused.value.message == ("现场取证有疑点（定位精度约 180 米，超过 50 米），"
                                     "须经乡镇或县级审核认可后方可记录")


def test_the_stage_inspection_goes_through_once_the_capture_is_accepted(building, capture,
                                                                       cast):
    made = capture(building.house, accuracy_m=180.0)
    actions.accept_capture(made, AcceptCapture(reason="山沟里信号差，已视频核实"),
                           acting_user=cast.shancheng)
    inspect(building, cast.shancheng, made.pk)
    inspection = StageInspection.objects.get(application=building.case)
    photo = made.photos.get()
    assert inspection.photo_ids == [photo.attachment_id]
    assert Capture.objects.get(pk=made.pk).used_for_id == inspection.pk
    assert Transition.objects.filter(application=building.case,
                                     action="stage_inspection").count() == 1


def test_a_clear_capture_needs_no_acceptance_for_a_stage_inspection(building, capture, cast):
    made = capture(building.house)
    inspect(building, cast.shancheng, made.pk)
    assert Capture.objects.get(pk=made.pk).used_for_id == StageInspection.objects.get(
        application=building.case).pk


def test_one_capture_cannot_be_the_evidence_of_two_inspections(building, capture, cast):
    made = capture(building.house)
    inspect(building, cast.shancheng, made.pk)
    with pytest.raises(AnjuError) as refused:
        building.act("stage_inspection", cast.shancheng, stage="main_structure", passed=True,
                     on=AGO[5], evidence_id=made.pk)
    assert (refused.value.code, refused.value.status) == ("evidence_used", 409)


def test_a_capture_of_another_house_is_refused(building, capture, cast, make_household,
                                               make_house):
    elsewhere = capture(make_house(household=make_household()))
    with pytest.raises(AnjuError) as refused:
        inspect(building, cast.shancheng, elsewhere.pk)
    assert (refused.value.code, refused.value.field) == ("evidence_not_of_act", "evidence_id")


def test_a_capture_for_acceptance_cannot_stand_for_a_stage_inspection(building, capture,
                                                                      cast):
    made = capture(building.house, act="acceptance")
    with pytest.raises(AnjuError) as refused:
        inspect(building, cast.shancheng, made.pk)
    assert refused.value.code == "evidence_not_of_act"
