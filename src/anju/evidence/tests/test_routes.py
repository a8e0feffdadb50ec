"""The API and the pages: a capture sent from the phone, read back with its receipts and
flags, accepted by the township with a reason; the flags show on the case's step."""

import hashlib

from django.core.files.uploadedfile import SimpleUploadedFile

from anju.assistance.tests.conftest import AGO, Case
from anju.audit.models import AuditEvent
from anju.evidence.models import Capture
from anju.evidence.tests.conftest import picture


def jpeg(data, name="p.jpg"):
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def test_a_capture_sent_through_the_api_answers_its_receipts_and_flags(api, cast, house,
                                                                       media):
    camera, gallery = picture(21), picture(22)
    r = api(cast.cadre).upload(f"/api/v1/evidence/houses/{house.pk}/captures", {
        "act": "stage_inspection", "lat": "42.53", "lng": "125.67", "accuracy_m": "95",
        "camera": [jpeg(camera)], "gallery": [jpeg(gallery, "g.jpg")]})
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["status"], body["accuracy_m"], body["captured_by"]) == ("flagged", 95.0,
                                                                          "cadre")
    assert [(p["source"], p["sha256"]) for p in body["photos"]] == [
        ("camera", hashlib.sha256(camera).hexdigest()),
        ("gallery", hashlib.sha256(gallery).hexdigest())]
    assert [(f["kind"], f["detail"]) for f in body["flags"]] == [
        ("accuracy", "定位精度约 95 米，超过 50 米"),
        ("gallery", "第 2 张：照片从相册选取，不是现场拍摄")]


def test_the_township_accepts_through_the_api_and_a_missing_reason_is_refused(
        api, cast, house, capture):
    made = capture(house, accuracy_m=95.0)
    path = f"/api/v1/evidence/captures/{made.pk}/accept"
    refused = api(cast.shancheng).post(path, {"reason": ""})
    assert (refused.status_code, refused.json()["error"]["code"],
            refused.json()["error"]["field"]) == (422, "reason_required", "reason")
    r = api(cast.shancheng).post(path, {"reason": "已电话核实", "version": 1})
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["acceptance_reason"], r.json()["accepted_by"]) == (
        "accepted", "已电话核实", "shancheng")
    assert api(cast.cadre).post(path, {"reason": "x"}).status_code == 403


def test_a_capture_outside_ones_scope_is_not_found(api, cast, house, capture):
    made = capture(house)
    assert api(cast.hongmei).get(f"/api/v1/evidence/captures/{made.pk}").status_code == 404
    assert api(cast.hongmei).post(f"/api/v1/evidence/captures/{made.pk}/accept",
                                  {"reason": "x"}).status_code == 404


def test_the_capture_page_sends_camera_and_gallery_photos_under_their_own_controls(
        browser, cast, house, media):
    page = browser(cast.cadre)
    form = page.get(f"/evidence/houses/{house.pk}/capture?act=stage_inspection")
    text = form.content.decode()
    assert 'name="camera" accept="image/*" capture="environment"' in text
    assert 'name="gallery" accept="image/*" multiple' in text
    r = page.post(f"/evidence/houses/{house.pk}/capture", {
        "act": "stage_inspection", "lat": "42.53", "lng": "125.67", "accuracy_m": "12",
        "camera": jpeg(picture(23)), "gallery": jpeg(picture(24))})
    made = Capture.objects.get(house=house)
    assert r.status_code == 302 and r["Location"] == f"/evidence/{made.pk}/"
    assert [p.source for p in made.photos.all()] == ["camera", "gallery"]
    shown = page.get(r["Location"]).content.decode()
    assert "相册照片</span> 第 2 张：照片从相册选取，不是现场拍摄" in shown
    assert made.photos.first().sha256 in shown
    assert "认可疑点" not in shown  # the cadre cannot accept


def test_the_case_step_shows_the_accepted_flags_as_a_badge(browser, cast, capture,
                                                          make_household, make_house):
    building = Case(cast, make_household, make_house, lat="42.530000", lng="125.670000")
    building.to("under_construction")
    made = capture(building.house, accuracy_m=180.0)
    clerk = browser(cast.shancheng)
    r = clerk.post(f"/evidence/{made.pk}/accept", {"reason": "信号差，已视频核实",
                                                    "version": "1"})
    assert r.status_code == 302
    assert list(AuditEvent.objects.filter(
        object_type="evidence.capture", object_id=str(made.pk)).order_by("pk").values_list(
        "action", "details__action")) == [("transition", "record_capture"),
                                          ("transition", "accept_capture")]
    building.act("stage_inspection", cast.shancheng, stage="foundation", passed=True,
                 on=AGO[5], evidence_id=made.pk)
    page = clerk.get(f"/assistance/cases/{building.case.pk}/").content.decode()
    assert ('<span class="evidence-flag evidence-flag-accepted" '
            'title="定位精度约 180 米，超过 50 米；认可理由：信号差，已视频核实">'
            '已认可·定位精度差</span>') in page


def test_the_accept_page_refuses_a_blank_reason_and_says_why(browser, cast, house, capture):
    made = capture(house, accuracy_m=180.0)
    r = browser(cast.shancheng).post(f"/evidence/{made.pk}/accept", {"reason": " "})
    assert r.status_code == 422
    assert "认可有疑点的现场取证须写明理由" in r.content.decode()
    assert Capture.objects.get(pk=made.pk).status == "flagged"
