"""ADR 0048 in the field app: a phone's photos become a capture of the house, flagged on the
server by the same rules as a page's capture (GPS accuracy, distance from the house, camera
time, gallery source, reuse); a spot check (R-CJ-3 抽查) from the phone rests on that capture
and waits for the township's acceptance when it is flagged."""

from anju.appraisal.models import Inspection
from anju.evidence import actions as evidence
from anju.evidence.commands import AcceptCapture
from anju.evidence.models import Capture
from anju.evidence.tests.conftest import presence_required  # noqa: F401
from anju.field.tests.conftest import TODAY, capture, jpeg, post_photo, screening, sha, stored

SUBMISSIONS = "/api/v1/field/submissions"


def inspection(house, level="village", **fields) -> dict:
    return {"house_id": house.pk, "level": level, "inspected_on": TODAY,
            "inspector": "县住建局", "findings": "与台账一致", **fields}


def test_a_field_screening_with_a_poor_fix_and_a_gallery_photo_is_flagged(api, cast, house):
    client = api(cast.cadre)
    content = jpeg()
    post_photo(client, content)
    body = capture("screening", screening(house), photos=[sha(content)],
                   photo_sources={sha(content): "gallery"}, accuracy_m=150.0)
    out = client.post(SUBMISSIONS, body).json()
    assert out["status"] == "applied", out
    assert sorted(f["code"] for f in out["flags"]) == ["gallery_photo", "gps_inaccurate"]
    made = Capture.objects.get(pk=out["capture_id"])
    assert (made.house_id, made.act, made.status, made.accuracy_m) == (
        house.pk, "site_visit", "flagged", 150.0)
    assert made.photos.get().attachment.house_id == house.pk


def test_a_clear_field_capture_has_no_flags(api, cast, house):
    client = api(cast.cadre)
    content = jpeg()
    post_photo(client, content)
    out = client.post(SUBMISSIONS, capture("screening", screening(house),
                                           photos=[sha(content)])).json()
    assert (out["status"], out["flags"]) == ("applied", [])
    assert Capture.objects.get(pk=out["capture_id"]).status == "clear"


def test_a_field_capture_far_from_the_house_is_flagged(api, cast, house):
    client = api(cast.cadre)
    content = jpeg()
    post_photo(client, content)
    out = client.post(SUBMISSIONS, capture("screening", screening(house), photos=[sha(content)],
                                           lat=42.52, lng=125.7)).json()
    assert [f["code"] for f in out["flags"]] == ["far_from_house"]


def test_the_same_photo_sent_for_another_house_is_flagged_as_reused(api, cast, house,
                                                                    make_house):
    client = api(cast.cadre)
    content = jpeg()
    post_photo(client, content)
    client.post(SUBMISSIONS, capture("screening", screening(house), photos=[sha(content)]))
    other = make_house(household=house.household, lat=42.5, lng=125.7)
    out = client.post(SUBMISSIONS, capture("screening", screening(other),
                                           photos=[sha(content)])).json()
    assert [f["code"] for f in out["flags"]] == ["photo_reused"]


def test_a_field_spot_check_with_a_poor_fix_is_refused_until_the_township_accepts_it(
        api, cast, house):
    """R-CJ-3: refused, its capture kept; accepted with a reason, the check rests on it."""
    client = api(cast.shancheng)
    content = jpeg()
    post_photo(client, content)
    body = capture("inspection", inspection(house, "spot_check"), photos=[sha(content)],
                   accuracy_m=400.0)
    out = client.post(SUBMISSIONS, body).json()
    assert out["error"]["code"] == "evidence_not_accepted", out
    assert out["error"]["rule"] == "R-CJ-3"
    assert [f["code"] for f in out["flags"]] == ["gps_inaccurate"]
    assert not Inspection.objects.exists()
    kept = Capture.objects.get(pk=stored(body["client_uuid"]).result["capture_id"])
    assert (kept.act, kept.status) == ("spot_check", "flagged")

    evidence.accept_capture(kept, AcceptCapture(reason="山区信号弱，已电话与村支书核实"),
                            acting_user=cast.shancheng)
    page_body = {k: v for k, v in inspection(house, "spot_check").items() if k != "house_id"}
    r = client.post(f"/api/v1/houses/{house.pk}/inspections",
                    page_body | {"evidence_id": kept.pk})
    assert r.status_code == 201, r.json()
    assert Capture.objects.get(pk=kept.pk).used_for_id == r.json()["id"]
    again = client.get(f"{SUBMISSIONS}/{body['client_uuid']}").json()
    assert [(f["code"], f["reason"]) for f in again["accepted_flags"]] == [
        ("gps_inaccurate", "山区信号弱，已电话与村支书核实")]


def test_a_field_spot_check_with_a_clear_capture_is_recorded_on_it(api, cast, house):
    client = api(cast.shancheng)
    content = jpeg()
    post_photo(client, content)
    out = client.post(SUBMISSIONS, capture("inspection", inspection(house, "spot_check"),
                                           photos=[sha(content)])).json()
    assert out["status"] == "applied", out
    made = Inspection.objects.get(pk=out["result"]["inspection_id"])
    assert Capture.objects.get(pk=out["capture_id"]).used_for_id == made.pk


def test_a_field_spot_check_without_photos_is_refused(api, cast, house, presence_required):  # noqa: F811
    out = api(cast.shancheng).post(SUBMISSIONS, capture(
        "inspection", inspection(house, "spot_check"))).json()
    assert (out["error"]["code"], out["error"]["field"]) == ("evidence_required", "evidence_id")
