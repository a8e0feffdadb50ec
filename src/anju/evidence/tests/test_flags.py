import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from anju.audit.models import AuditEvent
from anju.evidence import actions
from anju.evidence.commands import AcceptCapture
from anju.evidence.models import Capture, Flag, Transition
from anju.evidence.tests.conftest import picture
from anju.kit.errors import Forbidden, RuleViolation


def kinds(capture):
    return [(f.kind, f.detail) for f in capture.flags.all()]


def test_a_good_fix_at_the_house_with_a_camera_photo_raises_no_flag(house, capture):
    made = capture(house)
    assert (made.status, kinds(made)) == ("clear", [])


def test_a_fix_worse_than_50_metres_is_flagged(house, capture):
    made = capture(house, accuracy_m=120.4)
    assert made.status == "flagged"
    assert kinds(made) == [("accuracy", "定位精度约 120 米，超过 50 米")]


def test_a_fix_of_exactly_50_metres_is_not_flagged(house, capture):
    assert kinds(capture(house, accuracy_m=50.0)) == []


def test_a_capture_without_a_fix_is_flagged(house, capture):
    made = capture(house, lat=None, lng=None, accuracy_m=None)
    assert kinds(made) == [("accuracy", "未取得手机定位")]


def test_a_position_farther_than_200_metres_from_the_house_is_flagged(house, capture):
    # 0.005° of latitude is about 556 m
    made = capture(house, lat=float(house.lat) + 0.005)
    assert kinds(made) == [("distance", "采集位置距房屋登记坐标约 556 米，超过 200 米")]


def test_a_position_150_metres_from_the_house_is_not_flagged(house, capture):
    assert kinds(capture(house, lat=float(house.lat) + 0.00135)) == []


def test_a_camera_time_hours_from_the_capture_is_flagged(house, capture):
    now = timezone.now()
    taken = timezone.localtime(now - timedelta(hours=3)).replace(tzinfo=None, microsecond=0)
    made = capture(house, captured_at=now, photos=[(picture(1, taken=taken), "camera")])
    assert kinds(made) == [("photo_time", f"第 1 张：照片拍摄时间 {taken:%Y-%m-%d %H:%M} "
                                          "与采集时间相差约 3 小时，超过 60 分钟")]
    assert made.photos.get().taken_at == timezone.make_aware(taken)


def test_a_camera_time_ten_minutes_from_the_capture_is_not_flagged(house, capture):
    now = timezone.now()
    taken = timezone.localtime(now - timedelta(minutes=10)).replace(tzinfo=None)
    assert kinds(capture(house, captured_at=now,
                         photos=[(picture(2, taken=taken), "camera")])) == []


def test_a_photo_without_camera_time_is_kept_without_one(house, capture):
    made = capture(house, photos=[(picture(3), "camera")])
    assert (kinds(made), made.photos.get().taken_at) == ([], None)


def test_a_photo_from_the_gallery_is_flagged(house, capture):
    made = capture(house, photos=[(picture(4), "camera"), (picture(5), "gallery")])
    assert kinds(made) == [("gallery", "第 2 张：照片从相册选取，不是现场拍摄")]
    assert [p.source for p in made.photos.all()] == ["camera", "gallery"]


def test_each_photo_gets_a_receipt_with_the_hash_of_its_bytes(house, capture):
    before = timezone.now()
    data = picture(6)
    made = capture(house, photos=[(data, "camera")])
    photo = made.photos.select_related("attachment").get()
    assert photo.sha256 == hashlib.sha256(data).hexdigest() == photo.attachment.sha256
    assert before <= photo.received_at <= timezone.now()
    assert (photo.attachment.house_id, photo.attachment.kind) == (house.pk, "photo")
    assert photo.attachment.title == "关键节点检查现场照片 1"


def test_a_photo_already_used_on_another_house_is_flagged_with_a_link_to_it(
        house, capture, make_household, make_house):
    other_house = make_house(household=make_household(), lat=house.lat, lng=house.lng)
    first = capture(other_house, photos=[(picture(7), "camera")])
    again = capture(house, photos=[(picture(7), "camera")])
    flag = again.flags.get()
    assert (flag.kind, flag.rule) == ("reuse", "R-MH-13")
    assert flag.other_id == first.photos.get().pk
    assert flag.detail == (f"第 1 张：照片与房屋 {other_house.address} 的关键节点检查中的照片"
                           "相同")


def test_a_shrunk_and_recompressed_copy_is_found_as_the_same_photo(house, capture,
                                                                    make_household, make_house):
    other_house = make_house(household=make_household())
    first = capture(other_house, photos=[(picture(8), "camera")])
    copy = picture(8, size=(320, 240), quality=60)
    again = capture(house, photos=[(copy, "camera")])
    flag = again.flags.get()
    assert (flag.kind, flag.other_id) == ("reuse", first.photos.get().pk)


def test_a_photo_used_for_another_act_on_the_same_house_is_flagged(house, capture):
    capture(house, act="stage_inspection", photos=[(picture(9), "camera")])
    again = capture(house, act="acceptance", photos=[(picture(9), "camera")])
    assert kinds(again) == [("reuse", "第 1 张：照片与关键节点检查（本房屋）中的照片相同")]


def test_different_photos_are_not_taken_for_one_another(house, capture, make_household,
                                                         make_house):
    capture(make_house(household=make_household()), photos=[(picture(10), "camera")])
    assert kinds(capture(house, photos=[(picture(11), "camera")])) == []


def test_a_supervisor_accepts_a_flagged_capture_with_a_reason(house, capture, cast):
    made = capture(house, accuracy_m=120.0, photos=[(picture(12), "gallery")])
    accepted = actions.accept_capture(made, AcceptCapture(reason="山区信号弱，乡镇已电话核实"),
                                      acting_user=cast.shancheng)
    assert (accepted.status, accepted.version) == ("accepted", 2)
    assert (accepted.accepted_by, accepted.acceptance_reason) == (
        cast.shancheng, "山区信号弱，乡镇已电话核实")
    assert [(f.kind, f.accepted_by, f.reason) for f in accepted.flags.all()] == [
        ("accuracy", cast.shancheng, "山区信号弱，乡镇已电话核实"),
        ("gallery", cast.shancheng, "山区信号弱，乡镇已电话核实")]
    assert list(Transition.objects.filter(capture=made).values_list(
        "action", "from_status", "to_status", "actor__username", "reason")) == [
        ("record", "", "flagged", "cadre", ""),
        ("accept", "flagged", "accepted", "shancheng", "山区信号弱，乡镇已电话核实")]
    event = AuditEvent.objects.filter(object_type="evidence.capture",
                                      object_id=str(made.pk)).order_by("pk").last()
    assert (event.action, event.actor, event.details["action"]) == (
        "transition", cast.shancheng, "accept_capture")


@pytest.mark.parametrize("reason", ["", "   "])
def test_acceptance_without_a_reason_is_refused_and_nothing_changes(house, capture, cast,
                                                                    reason, nothing_written):
    made = capture(house, accuracy_m=120.0)
    with nothing_written(made), pytest.raises(RuleViolation) as refused:
        actions.accept_capture(made, AcceptCapture(reason=reason), acting_user=cast.shancheng)
    assert (refused.value.code, refused.value.field) == ("reason_required", "reason")
    assert Flag.objects.filter(capture=made, accepted_at__isnull=False).count() == 0


def test_a_village_cadre_cannot_accept_a_flagged_capture(house, capture, cast):
    made = capture(house, accuracy_m=120.0)
    with pytest.raises(Forbidden):
        actions.accept_capture(made, AcceptCapture(reason="我在现场"), acting_user=cast.cadre)
    assert Capture.objects.get(pk=made.pk).status == "flagged"


def test_a_clear_capture_needs_no_acceptance(house, capture, cast):
    made = capture(house)
    with pytest.raises(Exception) as refused:
        actions.accept_capture(made, AcceptCapture(reason="无"), acting_user=cast.shancheng)
    assert refused.value.code == "transition_not_allowed"
