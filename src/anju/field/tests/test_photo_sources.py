"""ADR 0048: a capture says which control took each photo (camera or gallery); a capture from
an earlier client, without it, is stored and hashed as before."""

from anju.field import actions
from anju.field.commands import SubmitCapture
from anju.field.tests.conftest import capture, screening

SHA = "ab" * 32


def test_the_source_of_each_photo_is_kept_with_the_capture(make_house):
    sent = capture("screening", screening(make_house()), photos=[SHA.upper()],
                   photo_sources={SHA.upper(): "gallery"})
    body = actions.canonical_body(SubmitCapture.model_validate(sent))
    assert body["photo_sources"] == {SHA: "gallery"}


def test_a_capture_without_sources_hashes_as_an_earlier_client_sent_it(make_house):
    sent = capture("screening", screening(make_house()), photos=[SHA])
    body = actions.canonical_body(SubmitCapture.model_validate(sent))
    assert "photo_sources" not in body
    assert sorted(body) == ["accuracy_m", "base_version", "captured_at", "client_uuid", "kind",
                            "lat", "lng", "payload", "photos"]
