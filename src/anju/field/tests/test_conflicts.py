"""An edit captured against a record that has changed since is kept as a conflict for the
township or county to settle; it never overwrites the newer record on its own."""

from anju.audit.models import AuditEvent
from anju.conftest import HONGMEI_V1
from anju.field.tests.conftest import TODAY, capture, stored
from anju.quality.models import Verification
from anju.registry.models import House

URL = "/api/v1/field/submissions"
CONFLICTS = "/api/v1/field/conflicts"


def house_update(house, version, **changes):
    return capture("house_update", {"house_id": house.pk, "version": version, **changes})


def test_a_stale_house_edit_is_kept_as_a_conflict_and_the_house_is_untouched(
        api, cast, house):
    read = house.version
    api(cast.shancheng).patch(f"/api/v1/houses/{house.pk}",
                              {"version": read, "occupancy": "evacuated"})
    before = House.objects.values().get(pk=house.pk)
    body = house_update(house, read, occupancy="vacant", floors=2)
    r = api(cast.cadre).post(URL, body)

    assert r.status_code == 201
    out = r.json()
    assert (out["status"], out["error"]["code"], out["result"]) == (
        "conflict", "version_conflict", None)
    assert House.objects.values().get(pk=house.pk) == before
    # a resend answers the same, and still changes nothing
    assert api(cast.cadre).post(URL, body).json()["status"] == "conflict"
    assert House.objects.values().get(pk=house.pk) == before


def test_a_verification_against_a_changed_record_waits_for_review(api, cast, house):
    stale = house.version
    api(cast.shancheng).patch(f"/api/v1/houses/{house.pk}", {"version": stale, "floors": 2})
    body = capture("verification", {"house_id": house.pk, "verified_on": TODAY,
                                    "differences": [{"field": "floors", "observed": 2,
                                                     "reason": "加盖一层"}]},
                   base_version=stale)
    out = api(cast.mhk_housing).post(URL, body).json()
    assert out["status"] == "conflict"
    assert not Verification.objects.exists()


def test_a_verification_after_ones_own_screening_of_the_house_is_not_a_conflict(
        api, cast, house):
    from anju.field.tests.test_submissions import screening

    read = house.version
    first = api(cast.mhk_housing).post(URL, capture("screening", screening(house),
                                                     base_version=read)).json()
    assert first["status"] == "applied"
    assert House.objects.get(pk=house.pk).version != read  # the screening moved it on
    body = capture("verification", {"house_id": house.pk, "verified_on": TODAY,
                                    "differences": [{"field": "floors", "observed": 2,
                                                     "reason": "加盖一层"}]},
                   base_version=read)
    assert api(cast.mhk_housing).post(URL, body).json()["status"] == "applied"
    assert Verification.objects.count() == 1


def test_the_township_sees_the_conflicts_of_its_villages_and_no_others(api, cast, house,
                                                                        make_house):
    api(cast.cadre).post(URL, house_update(house, house.version + 5, occupancy="vacant"))
    elsewhere = make_house(HONGMEI_V1)
    api(cast.hongmei).post(URL, house_update(elsewhere, elsewhere.version + 1, floors=2))

    mine = api(cast.shancheng).get(CONFLICTS).json()
    assert mine["total"] == 1
    [item] = mine["items"]
    assert (item["house_id"], item["submitted_by"], item["base_version"],
            item["house_version"], item["payload"]["occupancy"]) == (
        house.pk, "cadre", house.version + 5, house.version, "vacant")
    assert api(cast.mhk_housing).get(CONFLICTS).json()["total"] == 2
    assert api(cast.cadre).get(CONFLICTS).status_code == 403
    assert api(cast.shancheng).post(
        f"{CONFLICTS}/{stored_id(elsewhere)}/resolve", {"apply": True}).status_code == 404


def stored_id(house) -> int:
    from anju.field.models import Submission

    return Submission.objects.get(house=house).pk


def test_applying_a_conflict_puts_the_capture_over_the_newer_record(api, cast, house):
    body = house_update(house, house.version + 3, occupancy="vacant")
    first = api(cast.cadre).post(URL, body).json()
    r = api(cast.shancheng).post(f"{CONFLICTS}/{first['id']}/resolve",
                                 {"apply": True, "note": "已电话核实"})

    assert r.status_code == 200
    out = r.json()
    house.refresh_from_db()
    assert (out["status"], out["resolved_by"], out["resolution_note"]) == (
        "applied", "shancheng", "已电话核实")
    assert house.occupancy == "vacant"
    # the phone that asks after the review sees the result
    assert api(cast.cadre).get(f"{URL}/{body['client_uuid']}").json()["status"] == "applied"
    assert AuditEvent.objects.filter(actor=cast.shancheng, object_id=str(first["id"]),
                                     details__action="resolve_conflict").exists()
    again = api(cast.shancheng).post(f"{CONFLICTS}/{first['id']}/resolve", {"apply": False})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "not_a_conflict")


def test_setting_a_conflict_aside_keeps_the_newer_record(api, cast, house):
    before = House.objects.values().get(pk=house.pk)
    body = house_update(house, house.version + 1, occupancy="vacant")
    first = api(cast.cadre).post(URL, body).json()
    out = api(cast.mhk_housing).post(f"{CONFLICTS}/{first['id']}/resolve",
                                     {"apply": False, "note": "新记录正确"}).json()
    assert (out["status"], out["error"]["code"]) == ("rejected", "conflict_dismissed")
    assert "新记录正确" in out["error"]["message"]
    assert House.objects.values().get(pk=house.pk) == before
    assert stored(body["client_uuid"]).resolved_by == cast.mhk_housing
