"""A control check captured in the field (R-CJ-7) goes to the house's open ledger entry through
the ledger's own verb, with its photos on the house's file."""

from anju.field.tests.conftest import TODAY, capture, jpeg, post_photo, sha
from anju.rectification.models import ControlCheck, LedgerEntry
from anju.rectification.tests.conftest import appraisal_body

URL = "/api/v1/field/submissions"


def on_ledger(api, cast, house):
    r = api(cast.appraiser1).post(f"/api/v1/houses/{house.pk}/appraisals", appraisal_body("c"))
    assert r.status_code == 201, r.content
    return LedgerEntry.objects.get(house=house)


def test_a_control_check_finds_the_houses_open_entry_and_keeps_its_photo(api, cast, house):
    entry = on_ledger(api, cast, house)
    photo = jpeg()
    post_photo(api(cast.cadre), photo)
    body = capture("control_check", {"house_id": house.pk, "level": "village",
                                     "checked_on": TODAY, "holds": True, "note": "封条完好"},
                   photos=[sha(photo)])
    out = api(cast.cadre).post(URL, body).json()

    assert out["status"] == "applied", out
    check = ControlCheck.objects.get(pk=out["result"]["check_id"])
    assert (check.entry_id, check.holds, check.note) == (entry.pk, True, "封条完好")
    assert [p.sha256 for p in check.photos.all()] == [sha(photo)]
    assert out["result"]["entry_id"] == entry.pk


def test_a_broken_control_without_a_note_is_refused_by_the_ledgers_rule(api, cast, house):
    on_ledger(api, cast, house)
    body = capture("control_check", {"house_id": house.pk, "level": "village",
                                     "checked_on": TODAY, "holds": False})
    r = api(cast.cadre).post(URL, body)
    assert (r.status_code, r.json()["error"]["code"], r.json()["error"]["rule"]) == (
        422, "field_required", "R-CJ-7")
    assert not ControlCheck.objects.exists()


def test_a_control_check_of_a_house_not_on_the_ledger_is_refused(api, cast, house):
    body = capture("control_check", {"house_id": house.pk, "level": "village",
                                     "checked_on": TODAY, "holds": True})
    r = api(cast.cadre).post(URL, body)
    assert (r.status_code, r.json()["error"]["code"], r.json()["error"]["field"]) == (
        422, "not_on_ledger", "house_id")


def test_a_downloaded_house_on_the_ledger_names_its_entry(api, cast, house):
    entry = on_ledger(api, cast, house)
    [out] = api(cast.cadre).get("/api/v1/field/houses").json()["houses"]
    assert (out["grade"], out["ledger_entry"]["id"], out["ledger_entry"]["status"]) == (
        "C", entry.pk, "open")
