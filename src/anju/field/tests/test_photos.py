"""Photos from the field are stored once under their SHA-256, may come in parts that resume
after a lost connection, and a capture waits (`incomplete`) until all its photos are in."""

from django.core.files.storage import default_storage

from anju.appraisal.models import Inspection, Screening
from anju.field.models import Photo, Upload, UploadPart
from anju.field.tests.conftest import (
    TODAY,
    capture,
    jpeg,
    post_photo,
    put_part,
    screening,
    sha,
    stored,
)
from anju.registry.models import Attachment

SUBMISSIONS = "/api/v1/field/submissions"


def test_a_photo_is_stored_once_however_often_it_is_sent(api, cast):
    content = jpeg()
    first = post_photo(api(cast.cadre), content)
    again = post_photo(api(cast.shancheng), content)

    assert first.status_code == 201
    assert first.json() == {"sha256": sha(content), "size": len(content),
                            "content_type": "image/jpeg", "stored": True, "duplicate": False}
    assert (again.status_code, again.json()["duplicate"]) == (200, True)
    photo = Photo.objects.get()
    assert photo.file.name == f"field/photos/{sha(content)[:2]}/{sha(content)}.jpg"
    assert default_storage.open(photo.file.name).read() == content
    assert len(default_storage.listdir(f"field/photos/{sha(content)[:2]}")[1]) == 1


def test_a_photo_whose_hash_does_not_match_is_refused_and_not_kept(api, cast):
    content = jpeg()
    r = post_photo(api(cast.cadre), content, digest=sha(b"something else"))
    assert r.status_code == 422
    assert (r.json()["error"]["code"], r.json()["error"]["field"]) == (
        "photo_hash_mismatch", "sha256")
    assert not Photo.objects.exists()


def test_only_photos_are_taken(api, cast):
    content = b"%PDF-1.4 a scanned letter"
    r = post_photo(api(cast.cadre), content)
    assert (r.status_code, r.json()["error"]["code"]) == (422, "file_type_invalid")


def test_a_capture_waits_for_its_photos_and_is_applied_when_the_last_arrives(api, cast, house):
    client = api(cast.cadre)
    front, back = jpeg(), jpeg()
    body = capture("inspection", {"house_id": house.pk, "inspected_on": TODAY,
                                  "level": "village", "findings": "墙体开裂"},
                   photos=[sha(front), sha(back)])
    post_photo(client, front)
    r = client.post(SUBMISSIONS, body)

    assert r.status_code == 201
    assert (r.json()["status"], r.json()["missing_photos"]) == ("incomplete", [sha(back)])
    assert not Inspection.objects.exists()
    # the phone asks again after reconnecting: still waiting
    polled = client.get(f"{SUBMISSIONS}/{body['client_uuid']}").json()
    assert (polled["status"], polled["missing_photos"]) == ("incomplete", [sha(back)])

    post_photo(client, back)

    answer = client.get(f"{SUBMISSIONS}/{body['client_uuid']}").json()
    assert (answer["status"], answer["missing_photos"]) == ("applied", [])
    inspection = Inspection.objects.get(pk=answer["result"]["inspection_id"])
    # the photos are on the house's file, linked to the inspection as the web form links them
    attachments = list(Attachment.objects.filter(house=house).order_by("id"))
    assert [a.sha256 for a in attachments] == [sha(front), sha(back)]
    assert sorted(p.pk for p in inspection.photos.all()) == [a.pk for a in attachments]
    assert answer["result"]["photo_ids"] == [a.pk for a in attachments]
    # ... and point at the one stored copy of each photo
    assert attachments[0].file.name == Photo.objects.get(sha256=sha(front)).file.name
    # a resend of the capture now answers the applied result
    assert client.post(SUBMISSIONS, body).json()["status"] == "applied"
    assert Inspection.objects.count() == 1


def test_a_capture_whose_photos_came_first_is_applied_at_once(api, cast, house):
    client = api(cast.cadre)
    content = jpeg()
    post_photo(client, content)
    body = capture("screening", screening(house), photos=[sha(content)])
    out = client.post(SUBMISSIONS, body).json()
    assert out["status"] == "applied"
    assert Attachment.objects.get(house=house).title == "排查初判照片（外业采集）"


def test_the_same_photo_on_two_captures_of_a_house_is_one_attachment(api, cast, house):
    client = api(cast.cadre)
    content = jpeg()
    post_photo(client, content)
    for _ in range(2):
        client.post(SUBMISSIONS, capture("screening", screening(house), photos=[sha(content)]))
    assert Screening.objects.filter(house=house).count() == 2
    assert Attachment.objects.filter(house=house).count() == 1


def test_a_waiting_capture_that_turns_out_invalid_is_checked_before_it_waits(
        api, cast, house):
    body = capture("screening", screening(house, level="by_drone"), photos=[sha(jpeg())])
    r = api(cast.cadre).post(SUBMISSIONS, body)
    assert (r.status_code, r.json()["status"]) == (422, "rejected")


def test_a_photo_sent_in_parts_survives_an_interruption_and_resumes(api, cast, house, media):
    client = api(cast.cadre)
    content = jpeg(10_000)
    digest = sha(content)
    parts = [content[i:i + 3000] for i in range(0, len(content), 3000)]  # 4 parts
    body = capture("screening", screening(house), photos=[digest])
    assert client.post(SUBMISSIONS, body).json()["status"] == "incomplete"

    assert put_part(client, digest, 0, parts[0], total=4, size=len(content)).status_code == 200
    r = put_part(client, digest, 2, parts[2])
    assert r.json()["received_parts"] == [0, 2]
    # the connection drops here; later the phone asks what arrived and sends the rest
    state = client.get(f"/api/v1/field/photos/{digest}").json()
    assert (state["received_parts"], state["complete"], state["total_parts"]) == (
        [0, 2], False, 4)
    put_part(client, digest, 1, parts[1])
    last = put_part(client, digest, 3, parts[3])

    assert last.status_code == 200
    assert (last.json()["complete"], last.json()["size"]) == (True, len(content))
    photo = Photo.objects.get(sha256=digest)
    assert default_storage.open(photo.file.name).read() == content
    # the parts are gone, and the capture that waited for the photo is applied
    assert not Upload.objects.exists() and not UploadPart.objects.exists()
    assert [p for p in (media / "field" / "parts").rglob("*") if p.is_file()] == []
    assert stored(body["client_uuid"]).status == "applied"
    assert client.get(f"/api/v1/field/photos/{digest}").json()["complete"] is True


def test_a_part_sent_again_replaces_the_earlier_copy(api, cast):
    client = api(cast.cadre)
    content = jpeg(6000)
    digest = sha(content)
    put_part(client, digest, 0, b"\x00" * 3000, total_parts=2, size=6000)  # garbled in transit
    put_part(client, digest, 0, content[:3000])
    r = put_part(client, digest, 1, content[3000:])
    assert r.json()["complete"] is True
    assert Photo.objects.filter(sha256=digest).exists()


def test_parts_that_join_to_another_hash_are_discarded_to_be_sent_again(api, cast):
    client = api(cast.cadre)
    content = jpeg(6000)
    digest = sha(content)
    put_part(client, digest, 0, content[:3000], total_parts=2, size=6000)
    r = put_part(client, digest, 1, b"\x00" * 3000)

    assert r.status_code == 422
    assert r.json()["error"]["code"] == "photo_hash_mismatch"
    assert not Photo.objects.exists() and not Upload.objects.exists()
    assert client.get(f"/api/v1/field/photos/{digest}").json()["received_parts"] == []


def test_an_upload_is_opened_before_its_parts_or_with_the_first(api, cast):
    client = api(cast.cadre)
    content = jpeg(4000)
    digest = sha(content)
    r = put_part(client, digest, 0, content[:2000])
    assert (r.status_code, r.json()["error"]["code"]) == (422, "upload_not_open")

    opened = client.post("/api/v1/field/photos/uploads",
                         {"sha256": digest, "size": 4000, "total_parts": 2})
    assert (opened.status_code, opened.json()["received_parts"]) == (201, [])
    put_part(client, digest, 0, content[:2000])
    resumed = client.post("/api/v1/field/photos/uploads",
                          {"sha256": digest, "size": 4000, "total_parts": 2})
    assert (resumed.status_code, resumed.json()["received_parts"]) == (200, [0])
    assert put_part(client, digest, 5, content[2000:]).json()["error"]["field"] == "number"


def test_a_part_may_come_as_multipart_form_data(api, cast):
    from django.test.client import encode_multipart

    client = api(cast.cadre)
    content = jpeg(2000)
    digest = sha(content)
    boundary = "XyZ"
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = encode_multipart(boundary, {"file": SimpleUploadedFile("p", content),
                                       "total_parts": "1", "size": "2000"})
    r = client.client.put(f"/api/v1/field/photos/{digest}/parts/0", data,
                          content_type=f"multipart/form-data; boundary={boundary}",
                          headers=client.headers)
    assert (r.status_code, r.json()["complete"]) == (200, True)


def test_the_photo_of_a_new_house_goes_on_the_new_houses_file(api, cast):
    from anju.conftest import SHANCHENG_V1

    client = api(cast.cadre)
    content = jpeg()
    post_photo(client, content)
    out = client.post(SUBMISSIONS, capture("new_house", {
        "division_code": SHANCHENG_V1, "address": "演示一村 5 组", "structure": "concrete",
        "floors": 2, "floor_area": 120, "use": "residence", "occupancy": "occupied"},
        photos=[sha(content)])).json()
    assert out["status"] == "applied"
    [attachment] = Attachment.objects.filter(house_id=out["house_id"])
    assert (attachment.sha256, attachment.kind, attachment.uploaded_by) == (
        sha(content), "photo", cast.cadre)
