"""A photo is stored once under its SHA-256, but knowing the hash is not having the photo:
a capture may name by hash only a photo its sender sent, or one sent inside the sender's
scope. Anyone else is asked for the bytes, so another county's field photo can be neither
attached to one's own house nor downloaded from it."""

import pytest

from anju.conftest import HUINAN_V1, SHANCHENG_V1
from anju.field.models import Photo
from anju.field.tests.conftest import capture, jpeg, post_photo, put_part, sha, stored
from anju.registry.models import Attachment

SUBMISSIONS = "/api/v1/field/submissions"


def inspection(house, photo: bytes) -> dict:
    return capture("inspection", {"house_id": house.pk, "inspected_on": "2026-11-20",
                                  "level": "county", "findings": "墙体开裂"},
                   photos=[sha(photo)])


@pytest.fixture
def meihekou_photo(api, cast, house):
    """A photo a village cadre of 梅河口市 took of a house in 山城镇 and sent with its bytes."""
    photo = jpeg()
    post_photo(api(cast.cadre), photo)
    r = api(cast.cadre).post(SUBMISSIONS, inspection(house, photo))
    assert (r.status_code, r.json()["status"]) == (201, "applied"), r.json()
    return photo


@pytest.fixture
def huinan_house(make_house, make_household):
    return make_house(HUINAN_V1, household=make_household(HUINAN_V1, head_name="赵长林"))


def test_another_countys_photo_cannot_be_attached_nor_downloaded_by_its_hash(
        api, cast, meihekou_photo, huinan_house):
    outsider = api(cast.huinan_housing)
    digest = sha(meihekou_photo)

    # The photo is unknown to the other county: the phone is told to send the bytes.
    state = outsider.get(f"/api/v1/field/photos/{digest}").json()
    assert (state["stored"], state["complete"], state["duplicate"]) == (False, False, False)
    opened = outsider.post("/api/v1/field/photos/uploads",
                           {"sha256": digest, "size": len(meihekou_photo), "total_parts": 2})
    assert opened.json()["complete"] is False

    body = inspection(huinan_house, meihekou_photo)
    r = outsider.post(SUBMISSIONS, body)
    assert (r.status_code, r.json()["status"], r.json()["missing_photos"]) == (
        201, "incomplete", [digest])
    # The photo's owner sending it again does not complete the other county's capture.
    post_photo(api(cast.cadre), meihekou_photo)
    assert stored(body["client_uuid"]).status == "incomplete"

    assert not Attachment.objects.filter(house=huinan_house).exists()
    listed = outsider.get(f"/api/v1/houses/{huinan_house.pk}/attachments").json()
    assert listed["items"] == []
    theirs = Attachment.objects.get(sha256=digest)
    r = outsider.get(f"/api/v1/houses/{theirs.house_id}/attachments/{theirs.pk}/file")
    assert r.status_code == 404


@pytest.mark.parametrize("how", ["whole", "in_parts"])
def test_the_same_bytes_sent_by_the_other_county_are_stored_once_and_attached(
        api, cast, meihekou_photo, huinan_house, how):
    outsider = api(cast.huinan_housing)
    digest = sha(meihekou_photo)
    body = inspection(huinan_house, meihekou_photo)
    assert outsider.post(SUBMISSIONS, body).json()["status"] == "incomplete"

    if how == "whole":
        r = post_photo(outsider, meihekou_photo)
        assert (r.status_code, r.json()["duplicate"]) == (201, False)
    else:
        half = len(meihekou_photo) // 2
        put_part(outsider, digest, 0, meihekou_photo[:half], size=len(meihekou_photo),
                 total_parts=2)
        r = put_part(outsider, digest, 1, meihekou_photo[half:])
        assert r.json()["complete"] is True, r.json()

    answer = outsider.get(f"{SUBMISSIONS}/{body['client_uuid']}").json()
    assert (answer["status"], answer["missing_photos"]) == ("applied", [])
    attached = Attachment.objects.get(house=huinan_house)
    assert (attached.sha256, attached.division_code) == (digest, HUINAN_V1)
    r = outsider.get(f"/api/v1/houses/{huinan_house.pk}/attachments/{attached.pk}/file")
    assert r.status_code == 200
    assert b"".join(r.streaming_content if r.streaming else [r.content]) == meihekou_photo
    assert Photo.objects.filter(sha256=digest).count() == 1  # still stored once
    state = outsider.get(f"/api/v1/field/photos/{digest}").json()
    assert (state["stored"], state["duplicate"]) == (True, True)


def test_inside_the_senders_scope_a_photo_is_named_by_its_hash(
        api, cast, meihekou_photo, house, make_house, make_household):
    # The township above the village cadre who sent it needs no second upload ...
    township = api(cast.shancheng)
    r = township.post(SUBMISSIONS, inspection(house, meihekou_photo))
    assert (r.json()["status"], r.json()["missing_photos"]) == ("applied", [])
    assert post_photo(township, meihekou_photo).json()["duplicate"] is True

    # ... but a photo the township sent is the village's only once the village sends it.
    photo = jpeg()
    post_photo(township, photo)
    r = api(cast.cadre).post(SUBMISSIONS, inspection(house, photo))
    assert (r.json()["status"], r.json()["missing_photos"]) == ("incomplete", [sha(photo)])
    post_photo(api(cast.cadre), photo)
    assert stored(r.json()["client_uuid"]).status == "applied"
    assert Attachment.objects.filter(house__division_code=SHANCHENG_V1,
                                     sha256=sha(photo)).count() == 1


def test_photos_of_an_older_install_stay_known_to_their_uploader(api, cast, house):
    import importlib

    from django.apps import apps
    from django.core.files.base import ContentFile

    from anju.field.models import PhotoSender

    older = importlib.import_module("anju.field.migrations.0003_senders_of_earlier_photos")
    content = jpeg()
    photo = Photo(sha256=sha(content), size=len(content), content_type="image/jpeg",
                  uploaded_by=cast.cadre)
    photo.file.save("p.jpg", ContentFile(content))  # as stored before senders were kept
    assert not PhotoSender.objects.exists()

    older.forward(apps, None)
    assert list(PhotoSender.objects.values_list("photo_id", "user__username", "scope")) == [
        (photo.pk, "cadre", SHANCHENG_V1)]
    r = api(cast.cadre).post(SUBMISSIONS, inspection(house, content))
    assert (r.json()["status"], r.json()["missing_photos"]) == ("applied", [])

    older.backward(apps, None)
    assert not PhotoSender.objects.exists()
