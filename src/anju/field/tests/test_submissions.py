"""A capture sent from a phone is applied exactly once, through the same verbs as the web pages;
a bad one gets a clear error, is kept with that error, and leaves nothing half-applied."""

from datetime import date, timedelta

from anju.appraisal.models import Inspection, Screening
from anju.audit.models import AuditEvent
from anju.conftest import HONGMEI_V1, HUINAN_V1, SHANCHENG_V1
from anju.field.models import Submission
from anju.field.tests.conftest import (
    OUTSIDE_COUNTY,
    TODAY,
    capture,
    screening,
    stored,
)
from anju.quality.models import Finding, Verification
from anju.registry.models import House

URL = "/api/v1/field/submissions"


def test_a_screening_from_the_field_is_recorded_as_the_web_form_records_it(api, cast, house):
    body = capture("screening", screening(house), base_version=house.version)
    r = api(cast.cadre).post(URL, body)

    assert r.status_code == 201
    out = r.json()
    assert (out["status"], out["kind"], out["error"], out["missing_photos"]) == (
        "applied", "screening", None, [])
    [record] = Screening.objects.filter(house=house)
    assert out["result"]["screening_id"] == record.pk
    # the same verb ran: a serious item reports a hazard and marks the house awaiting appraisal
    assert out["result"]["result"] == "serious"
    assert out["result"]["hazard_number"].startswith("YH220581")
    house.refresh_from_db()
    assert (house.screening_result, house.awaiting_appraisal) == ("serious", True)
    assert out["result"]["house_version"] == house.version
    assert record.recorded_by == cast.cadre


def test_the_same_capture_sent_twice_is_stored_once_and_answers_the_first_result(
        api, cast, house):
    client = api(cast.cadre)
    body = capture("screening", screening(house))
    first = client.post(URL, body)
    again = client.post(URL, body)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Screening.objects.filter(house=house).count() == 1
    assert Submission.objects.filter(client_uuid=body["client_uuid"]).count() == 1


def test_a_resend_written_differently_but_meaning_the_same_is_still_a_resend(api, cast, house):
    client = api(cast.cadre)
    body = capture("screening", screening(house))
    client.post(URL, body)
    # the same instant in UTC, the keys in another order, the UUID in capitals
    again = {**dict(reversed(list(body.items()))), "captured_at": "2026-11-20T01:30:00Z",
             "client_uuid": body["client_uuid"].upper()}
    assert client.post(URL, again).status_code == 200
    assert Screening.objects.filter(house=house).count() == 1


def test_a_used_uuid_with_changed_content_is_refused_with_409_and_changes_nothing(
        api, cast, house):
    client = api(cast.cadre)
    body = capture("screening", screening(house))
    first = client.post(URL, body)
    changed = {**body, "payload": screening(house, note="又看了一遍")}
    r = client.post(URL, changed)

    assert r.status_code == 409
    assert r.json()["error"]["code"] == "client_uuid_reused"
    assert r.json()["error"]["field"] == "client_uuid"
    assert Screening.objects.filter(house=house).count() == 1
    assert stored(body["client_uuid"]).content_hash == Submission.objects.get(
        pk=first.json()["id"]).content_hash


def test_another_user_cannot_reuse_or_read_a_capture_by_its_uuid(api, cast, house):
    body = capture("screening", screening(house))
    api(cast.cadre).post(URL, body)

    assert api(cast.shancheng).post(URL, body).status_code == 409
    r = api(cast.shancheng).get(f"{URL}/{body['client_uuid']}")
    assert r.status_code == 404
    assert api(cast.cadre).get(f"{URL}/{body['client_uuid']}").json()["status"] == "applied"


def test_a_capture_without_a_client_uuid_is_refused_and_nothing_is_stored(
        api, cast, house, nothing_written):
    body = capture("screening", screening(house))
    del body["client_uuid"]
    with nothing_written(house):
        r = api(cast.cadre).post(URL, body)
    assert r.status_code == 422
    assert (r.json()["error"]["code"], r.json()["error"]["field"]) == (
        "field_required", "client_uuid")
    assert not Submission.objects.exists()


def test_a_payload_that_fails_the_forms_rules_is_kept_as_rejected_and_writes_nothing(
        api, cast, house, nothing_written):
    future = (date.today() + timedelta(days=3)).isoformat()
    body = capture("screening", screening(house, checked_on=future, level="by_drone"))
    with nothing_written(house, but=[Submission]):
        r = api(cast.cadre).post(URL, body)

    assert r.status_code == 422
    out = r.json()
    assert (out["status"], out["error"]["code"], out["error"]["field"]) == (
        "rejected", "choice_invalid", "level")
    assert {(d["code"], d["field"]) for d in out["error"]["details"]} == {
        ("choice_invalid", "level"), ("date_in_future", "checked_on")}
    assert out["result"] is None
    submission = stored(body["client_uuid"])
    assert (submission.status, submission.error["code"]) == ("rejected", "choice_invalid")
    # sent again, the same error comes back, and still nothing is written
    with nothing_written(house, but=[Submission]):
        again = api(cast.cadre).post(URL, body)
    assert (again.status_code, again.json()) == (422, out)


def test_a_payload_of_the_wrong_shape_is_refused_with_the_field_named(api, cast, house):
    body = capture("inspection", {"house_id": house.pk, "inspected_on": "yesterday",
                                  "level": "village", "colour": "red"})
    r = api(cast.cadre).post(URL, body)
    assert r.status_code == 422
    error = r.json()["error"]
    assert {(d["code"], d["field"]) for d in error["details"]} == {
        ("invalid_value", "inspected_on"), ("field_not_allowed", "colour")}
    assert not Inspection.objects.exists()


def test_a_capture_for_a_house_outside_the_users_scope_answers_404_and_is_kept(
        api, cast, make_house, nothing_written):
    elsewhere = make_house(HONGMEI_V1)
    body = capture("screening", screening(elsewhere))
    with nothing_written(elsewhere, but=[Submission]):
        r = api(cast.cadre).post(URL, body)
    assert r.status_code == 404
    assert (r.json()["status"], r.json()["error"]["code"]) == ("rejected", "not_found")
    submission = stored(body["client_uuid"])
    # nothing about the other village's house is kept with it
    assert (submission.status, submission.house_id, submission.division_code) == (
        "rejected", None, "")


def test_a_capture_positioned_outside_the_county_is_refused_with_the_quality_rule(
        api, cast, house, nothing_written):
    body = capture("screening", screening(house), **OUTSIDE_COUNTY)
    with nothing_written(house, but=[Submission]):
        r = api(cast.cadre).post(URL, body)
    assert r.status_code == 422
    error = r.json()["error"]
    assert (error["code"], error["field"], error["rule"]) == (
        "coordinates_outside_county", "lat", "R-CJ-3")
    assert "不在所属县（市）范围内" in error["message"]


def test_a_capture_without_a_position_is_taken(api, cast, house):
    body = capture("screening", screening(house), lat=None, lng=None, accuracy_m=None)
    assert api(cast.cadre).post(URL, body).json()["status"] == "applied"


def test_a_capture_needs_the_capability_of_its_verb(api, cast, house, nothing_written):
    # 点对点核实 is the county's check; a village cadre may not send one
    body = capture("verification", {"house_id": house.pk, "verified_on": TODAY,
                                    "confirmed": ["floors"]})
    with nothing_written(house, but=[Submission]):
        r = api(cast.cadre).post(URL, body)
    assert r.status_code == 403
    assert (r.json()["status"], r.json()["error"]["code"]) == ("rejected", "forbidden")
    assert AuditEvent.objects.filter(action="access_denied", actor=cast.cadre).exists()


def test_every_applied_capture_leaves_an_audit_row_with_its_client_uuid(api, cast, house):
    body = capture("screening", screening(house))
    out = api(cast.cadre).post(URL, body).json()
    [row] = AuditEvent.objects.filter(object_type="field.submission", object_id=str(out["id"]))
    assert (row.actor, row.action) == (cast.cadre, "transition")
    assert row.details["client_uuid"] == body["client_uuid"]
    assert row.details["result"]["screening_id"] == out["result"]["screening_id"]


def test_an_inspection_with_a_major_hazard_reports_it(api, cast, house):
    body = capture("inspection", {"house_id": house.pk, "inspected_on": TODAY,
                                  "level": "village", "findings": "后墙外闪",
                                  "major_hazard": True})
    out = api(cast.cadre).post(URL, body).json()
    assert out["status"] == "applied"
    inspection = Inspection.objects.get(pk=out["result"]["inspection_id"])
    assert inspection.major_hazard and out["result"]["hazard_number"]


def test_a_verification_compares_field_by_field_and_opens_findings(api, cast, house):
    body = capture("verification", {
        "house_id": house.pk, "verified_on": TODAY,
        "differences": [{"field": "floors", "observed": 2, "reason": "加盖一层"}],
        "confirmed": ["structure"]}, base_version=house.version)
    r = api(cast.mhk_housing).post(URL, body)
    assert r.status_code == 201
    out = r.json()
    verification = Verification.objects.get(pk=out["result"]["verification_id"])
    assert verification.differences[0]["field"] == "floors"
    [finding] = Finding.objects.filter(pk__in=out["result"]["finding_ids"])
    assert (finding.field, finding.rule) == ("floors", "verification_mismatch")


def test_a_difference_without_a_reason_is_refused_by_the_verification_verb(
        api, cast, house, nothing_written):
    body = capture("verification", {
        "house_id": house.pk, "verified_on": TODAY,
        "differences": [{"field": "floors", "observed": 2, "reason": ""}]})
    with nothing_written(house, but=[Submission]):
        r = api(cast.mhk_housing).post(URL, body)
    assert (r.status_code, r.json()["error"]["code"], r.json()["error"]["field"]) == (
        422, "reason_required", "differences[0].reason")


def test_a_new_house_is_registered_at_the_place_the_phone_stood(api, cast):
    body = capture("new_house", {
        "division_code": SHANCHENG_V1, "address": "演示一村 8 组 3 号", "structure": "earth_wood",
        "floors": 1, "built_year": 1988, "floor_area": 64.5, "use": "residence",
        "occupancy": "occupied"})
    r = api(cast.cadre).post(URL, body)
    assert r.status_code == 201
    house = House.objects.get(pk=r.json()["house_id"])
    assert (house.address, house.build_year_band, float(house.lat), float(house.lng)) == (
        "演示一村 8 组 3 号", "1981-1990", 42.5, 125.7)


def test_a_new_house_in_another_village_than_the_users_is_refused(api, cast):
    body = capture("new_house", {
        "division_code": HUINAN_V1, "address": "x", "structure": "earth_wood", "floors": 1,
        "floor_area": 60, "use": "residence", "occupancy": "occupied"}, lat=None, lng=None)
    r = api(cast.cadre).post(URL, body)
    assert r.status_code == 404
    assert not House.objects.filter(address="x").exists()


def test_a_house_edit_against_the_version_it_read_is_applied(api, cast, house):
    body = capture("house_update", {"house_id": house.pk, "version": house.version,
                                    "occupancy": "vacant"})
    out = api(cast.cadre).post(URL, body).json()
    house.refresh_from_db()
    assert (out["status"], house.occupancy, out["result"]["house_version"]) == (
        "applied", "vacant", house.version)


def test_a_capture_is_noted_once_in_the_phones_change_sequence(api, cast, house):
    from anju.field.models import FieldChange

    verification = {"house_id": house.pk, "verified_on": TODAY, "confirmed": ["structure"],
                    "differences": [{"field": "floors", "observed": 3, "reason": "加盖两层"}]}
    for user, kind, payload in ((cast.cadre, "screening", screening(house)),
                                (cast.mhk_housing, "verification", verification)):
        before = FieldChange.objects.filter(house_id=house.pk).count()
        r = api(user).post(URL, capture(kind, payload))
        assert (r.status_code, r.json()["status"]) == (201, "applied"), kind
        assert FieldChange.objects.filter(house_id=house.pk).count() == before + 1, kind
