"""Photos and scans on a house's or household's file (一户一档), served only through the API."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anju.conftest import CHANGJI_V1, HONGMEI_V1
from anju.registry.models import Attachment, RecordEvent

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def photo(content=PNG, name="front.png", content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def error_of(response) -> tuple:
    e = response.json()["error"]
    return response.status_code, e["code"], e["field"]


def test_clerk_uploads_a_photo_of_a_house(api, cast, make_house, make_household, media):
    household = make_household()
    house = make_house(household=household)
    r = api(cast.shancheng).upload(f"/api/v1/houses/{house.pk}/attachments",
                                   {"file": photo(), "kind": "photo", "title": "正立面"})
    assert r.status_code == 201
    out = r.json()
    attachment = Attachment.objects.get(pk=out["id"])
    assert {k: out[k] for k in ("kind", "title", "content_type", "size", "sha256", "url")} == {
        "kind": "photo", "title": "正立面", "content_type": "image/png", "size": len(PNG),
        "sha256": hashlib.sha256(PNG).hexdigest(),
        "url": f"/api/v1/houses/{house.pk}/attachments/{attachment.pk}/file"}
    assert (attachment.house, attachment.household, attachment.uploaded_by) == (
        house, household, cast.shancheng)
    assert [p.read_bytes() for p in stored_files(media)] == [PNG]
    event = RecordEvent.objects.get(action="attachment_added")
    assert (event.house, event.household) == (house, household)


def test_house_attachments_are_listed_and_streamed_through_the_api(api, cast, make_house,
                                                                  media):
    house = make_house()
    client = api(cast.shancheng)
    uploaded = client.upload(f"/api/v1/houses/{house.pk}/attachments",
                             {"file": photo(), "kind": "photo"}).json()
    listing = api(cast.appraiser1).get(f"/api/v1/houses/{house.pk}/attachments").json()
    assert listing["total"] == 1
    assert listing["items"][0]["id"] == uploaded["id"]
    r = api(cast.appraiser1).client.get(uploaded["url"],
                                        headers=api(cast.appraiser1).headers)
    assert r.status_code == 200
    assert b"".join(r.streaming_content) == PNG
    assert r["Content-Type"] == "image/png"
    assert r["X-Content-Type-Options"] == "nosniff"


def test_file_type_is_read_from_the_file_not_from_what_the_client_claims(
        api, cast, make_house, media, nothing_written):
    house = make_house()
    disguised = photo(b"<html><script>alert(1)</script></html>", "x.png", "image/png")
    with nothing_written():
        r = api(cast.shancheng).upload(f"/api/v1/houses/{house.pk}/attachments",
                                       {"file": disguised, "kind": "photo"})
    assert error_of(r) == (422, "file_type_invalid", "file")
    assert stored_files(media) == []


def test_document_of_a_type_not_allowed_is_refused(api, cast, make_house, media,
                                                   nothing_written):
    house = make_house()
    with nothing_written():
        r = api(cast.shancheng).upload(
            f"/api/v1/houses/{house.pk}/attachments",
            {"file": photo(b"PK\x03\x04 a word file", "plan.docx",
                           "application/vnd.openxmlformats"), "kind": "document"})
    assert error_of(r) == (422, "file_type_invalid", "file")
    assert stored_files(media) == []


def test_attachment_of_an_unknown_kind_is_refused(api, cast, make_house, media,
                                                  nothing_written):
    house = make_house()
    with nothing_written():
        r = api(cast.shancheng).upload(f"/api/v1/houses/{house.pk}/attachments",
                                       {"file": photo(), "kind": "video"})
    assert error_of(r) == (422, "choice_invalid", "kind")


def test_upload_without_a_file_is_refused(api, cast, make_house, media, nothing_written):
    house = make_house()
    with nothing_written():
        r = api(cast.shancheng).upload(f"/api/v1/houses/{house.pk}/attachments",
                                       {"kind": "photo"})
    assert error_of(r) == (422, "field_required", "file")


def test_file_larger_than_the_limit_is_refused(api, cast, make_house, media, settings,
                                               nothing_written):
    settings.MAX_UPLOAD_MB = 0
    house = make_house()
    with nothing_written():
        r = api(cast.shancheng).upload(f"/api/v1/houses/{house.pk}/attachments",
                                       {"file": photo(), "kind": "photo"})
    assert error_of(r) == (422, "file_too_large", "file")


def test_an_appraiser_puts_component_photos_on_the_house_file(api, cast, make_house, media):
    house = make_house()
    r = api(cast.appraiser1).upload(f"/api/v1/houses/{house.pk}/attachments",
                                    {"file": photo(), "kind": "photo", "title": "承重墙裂缝"})
    assert r.status_code == 201
    assert Attachment.objects.get(house=house).uploaded_by == cast.appraiser1


def test_a_prefecture_officer_cannot_upload_to_a_house_file(api, cast, make_house, media,
                                                            nothing_written):
    house = make_house(CHANGJI_V1)
    with nothing_written():
        r = api(cast.changji).upload(f"/api/v1/houses/{house.pk}/attachments",
                                     {"file": photo(), "kind": "photo"})
    assert error_of(r) == (403, "forbidden", None)


def test_house_outside_scope_takes_no_uploads(api, cast, make_house, media, nothing_written):
    house = make_house(HONGMEI_V1)
    with nothing_written():
        r = api(cast.shancheng).upload(f"/api/v1/houses/{house.pk}/attachments",
                                       {"file": photo(), "kind": "photo"})
    assert error_of(r) == (404, "not_found", None)
    assert stored_files(media) == []


@pytest.mark.parametrize("username", ["hongmei", "huinan_housing"])
def test_attachments_of_a_house_outside_scope_are_not_found(api, cast, make_house, media,
                                                            username):
    house = make_house()
    url = api(cast.shancheng).upload(f"/api/v1/houses/{house.pk}/attachments",
                                     {"file": photo(), "kind": "photo"}).json()["url"]
    outsider = api(getattr(cast, username))
    assert outsider.get(f"/api/v1/houses/{house.pk}/attachments").status_code == 404
    r = outsider.client.get(url, headers=outsider.headers)
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


def test_attachment_is_not_found_under_another_house(api, cast, make_house, media):
    house, other = make_house(), make_house()
    client = api(cast.shancheng)
    attachment_id = client.upload(f"/api/v1/houses/{house.pk}/attachments",
                                  {"file": photo(), "kind": "photo"}).json()["id"]
    r = client.client.get(f"/api/v1/houses/{other.pk}/attachments/{attachment_id}/file",
                          headers=client.headers)
    assert r.status_code == 404


def test_attachment_file_needs_a_token(api, cast, make_house, media):
    house = make_house()
    url = api(cast.shancheng).upload(f"/api/v1/houses/{house.pk}/attachments",
                                     {"file": photo(), "kind": "photo"}).json()["url"]
    r = api().get(url)
    assert error_of(r) == (401, "unauthorized", None)


def test_household_file_holds_its_scans_and_its_houses_photos(api, cast, make_household,
                                                              make_house, media):
    household = make_household()
    house = make_house(household=household)
    client = api(cast.shancheng)
    scan = client.upload(f"/api/v1/households/{household.pk}/attachments",
                         {"file": photo(PDF, "申请书.pdf", "application/pdf"),
                          "kind": "document", "title": "住房安全保障申请书"})
    assert scan.status_code == 201
    assert scan.json()["content_type"] == "application/pdf"
    client.upload(f"/api/v1/houses/{house.pk}/attachments", {"file": photo(), "kind": "photo"})
    listing = client.get(f"/api/v1/households/{household.pk}/attachments").json()
    assert [i["kind"] for i in listing["items"]] == ["document", "photo"]
    r = client.client.get(listing["items"][0]["url"], headers=client.headers)
    assert b"".join(r.streaming_content) == PDF
    assert Attachment.objects.get(pk=scan.json()["id"]).house is None


def test_household_outside_scope_takes_no_uploads(api, cast, make_household, media,
                                                  nothing_written):
    household = make_household(HONGMEI_V1)
    with nothing_written():
        r = api(cast.shancheng).upload(f"/api/v1/households/{household.pk}/attachments",
                                       {"file": photo(PDF, "a.pdf", "application/pdf"),
                                        "kind": "document"})
    assert r.status_code == 404
    assert api(cast.shancheng).get(
        f"/api/v1/households/{household.pk}/attachments").status_code == 404


def test_served_api_schema_describes_the_attachment_routes(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert set(paths["/api/v1/houses/{house_id}/attachments"]) == {"get", "post"}
    assert set(paths["/api/v1/households/{household_id}/attachments"]) == {"get", "post"}
    download = paths["/api/v1/houses/{house_id}/attachments/{attachment_id}/file"]["get"]
    assert "image/jpeg" in download["responses"]["200"]["content"]
    upload = paths["/api/v1/houses/{house_id}/attachments"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
