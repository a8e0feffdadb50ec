"""点对点核实比对 (R-CJ-3): a county officer compares a record with the house field by field;
each difference needs a reason and becomes a finding for the township, due by the profile's
deadline, closed only when the record comes to equal what was seen on site."""

from datetime import date, timedelta

import pytest

from anju.conftest import HUINAN_V1
from anju.quality.actions import recheck_house, sweep
from anju.quality.commands import RunSweep
from anju.quality.models import Finding, FindingEvent, Verification
from anju.registry.models import House, RecordEvent

TODAY = date.today()


def url(house):
    return f"/api/v1/houses/{house.pk}/verifications"


def body(*differences, confirmed=(), **fields):
    return {"verified_on": TODAY.isoformat(), "differences": list(differences),
            "confirmed": list(confirmed), **fields}


def error_of(response) -> tuple:
    e = response.json()["error"]
    return response.status_code, e["code"], e["field"], e["rule"]


def test_one_difference_becomes_a_finding_for_the_township_due_by_the_profile(
        api, cast, clean_house):
    house = clean_house(structure="masonry_cast", floors=1)
    r = api(cast.mhk_housing).post(url(house), body(
        {"field": "structure", "observed": "earth_wood", "reason": "实地为土坯墙木屋架"},
        confirmed=["floors", "occupancy"]))

    assert r.status_code == 201
    out = r.json()
    assert out["differences"] == [{"field": "structure", "recorded": "masonry_cast",
                                   "observed": "earth_wood", "reason": "实地为土坯墙木屋架"}]
    assert out["confirmed"] == ["floors", "occupancy"]
    [finding] = out["findings"]
    assert {k: finding[k] for k in ("house_id", "kind", "field", "rule", "status", "source",
                                    "township_code", "due_on", "expected")} == {
        "house_id": house.pk, "kind": "wrong_field", "field": "structure",
        "rule": "verification_mismatch", "status": "open", "source": "verification",
        "township_code": "220581100", "due_on": (TODAY + timedelta(days=15)).isoformat(),
        "expected": "earth_wood"}
    assert finding["message"] == ("点对点核实：结构类型记录为“砖石（非预制板）”，实地为“土木”"
                                  "（实地为土坯墙木屋架）")
    # the township sees it in its list; the other township does not
    mine = api(cast.shancheng).get("/api/v1/quality/findings").json()
    assert [f["id"] for f in mine["items"]] == [finding["id"]]
    assert api(cast.hongmei).get("/api/v1/quality/findings").json()["total"] == 0
    assert RecordEvent.objects.filter(house=house, action="verification_recorded").count() == 1


def test_a_grade_seen_otherwise_is_wrong_grade_and_an_empty_record_is_missing_field(
        api, cast, clean_house):
    house = clean_house(built_year=None, build_year_band="1991-2000")
    r = api(cast.mhk_housing).post(url(house), body(
        {"field": "grade", "observed": "D", "reason": "承重墙严重开裂"},
        {"field": "built_year", "observed": 1992, "reason": "户主口述并有建房批件"}))
    assert r.status_code == 201
    assert {(f["field"], f["kind"]) for f in r.json()["findings"]} == {
        ("grade", "wrong_grade"), ("built_year", "missing_field")}


def test_a_difference_without_a_reason_is_refused_and_nothing_is_saved(
        api, cast, clean_house, nothing_written):
    house = clean_house()
    with nothing_written():
        r = api(cast.mhk_housing).post(url(house), body(
            {"field": "floors", "observed": 2, "reason": "加盖一层"},
            {"field": "use", "observed": "business", "reason": " "}))
    assert error_of(r) == (422, "reason_required", "differences[1].reason", "R-CJ-3")
    assert r.json()["error"]["message"] == "用途与记录不一致，应写明原因"
    assert not RecordEvent.objects.filter(house=house, action="verification_recorded").exists()


@pytest.mark.parametrize("difference, code, field", [
    ({"field": "floors", "observed": 1, "reason": "x"}, "not_a_difference",
     "differences[0].observed"),
    ({"field": "floors", "observed": 15, "reason": "x"}, "observed_invalid",
     "differences[0].observed"),
    ({"field": "structure", "observed": "bamboo", "reason": "x"}, "observed_invalid",
     "differences[0].observed"),
    ({"field": "address", "observed": "别处", "reason": "x"}, "choice_invalid",
     "differences[0].field"),
    ({"field": "is_only_house", "observed": "maybe", "reason": "x"}, "observed_invalid",
     "differences[0].observed"),
])
def test_an_observed_value_the_register_cannot_hold_is_refused(
        api, cast, clean_house, nothing_written, difference, code, field):
    house = clean_house(floors=1)
    with nothing_written():
        r = api(cast.mhk_housing).post(url(house), body(difference))
    assert error_of(r)[:3] == (422, code, field)


def test_a_verification_must_compare_something(api, cast, clean_house, nothing_written):
    house = clean_house()
    with nothing_written():
        r = api(cast.mhk_housing).post(url(house), body())
    assert error_of(r)[:3] == (422, "nothing_compared", "differences")


def test_a_house_outside_the_officers_county_answers_404(api, cast, clean_house,
                                                        nothing_written):
    house = clean_house(HUINAN_V1)
    with nothing_written():
        r = api(cast.mhk_housing).post(url(house), body(
            {"field": "floors", "observed": 2, "reason": "加盖一层"}))
    assert error_of(r)[:2] == (404, "not_found")


def test_a_township_officer_may_not_record_a_verification(api, cast, clean_house,
                                                         nothing_written):
    house = clean_house()
    with nothing_written():
        r = api(cast.shancheng).post(url(house), body(
            {"field": "floors", "observed": 2, "reason": "加盖一层"}))
    assert error_of(r)[:2] == (403, "forbidden")


def test_the_finding_closes_when_the_record_comes_to_equal_what_was_seen(
        api, cast, clean_house):
    house = clean_house(floors=1)
    api(cast.mhk_housing).post(url(house), body(
        {"field": "floors", "observed": 2, "reason": "加盖一层"},
        {"field": "lat", "observed": "42.512345", "reason": "坐标偏差"}))
    r = api(cast.shancheng).patch(f"/api/v1/houses/{house.pk}",
                                  {"version": house.version, "floors": 2})
    assert r.status_code == 200  # the save rechecks the house ("records changed")
    floors = Finding.objects.get(house=house, field="floors")
    assert (floors.status, floors.closed_on) == ("closed", TODAY)
    assert floors.events.last().note == "已整改：记录已与实地核实值一致"
    assert Finding.objects.get(house=house, field="lat").status == "open"

    House.objects.filter(pk=house.pk).update(lat="42.512345")
    assert sweep(RunSweep(division="220581100"))["closed"] == 1
    assert not Finding.objects.filter(house=house, status="open").exists()


def test_a_rule_check_never_closes_a_verification_finding(api, cast, clean_house):
    house = clean_house()
    api(cast.mhk_housing).post(url(house), body(
        {"field": "occupancy", "observed": "vacant", "reason": "人已外出务工"}))
    recheck_house(house.pk)
    sweep(RunSweep(division="220581"))
    assert Finding.objects.get(house=house).status == "open"


def test_a_later_look_replaces_an_earlier_one_on_the_same_field(api, cast, clean_house):
    house = clean_house(floors=1)
    client = api(cast.mhk_housing)
    client.post(url(house), body({"field": "floors", "observed": 2, "reason": "目测两层"}))
    first = Finding.objects.get(house=house)
    client.post(url(house), body({"field": "floors", "observed": 2, "reason": "再次确认"}))
    assert Finding.objects.filter(house=house).count() == 1  # the same difference stays open

    client.post(url(house), body(confirmed=["floors"]))
    first.refresh_from_db()
    assert first.status == "closed"
    assert list(first.events.values_list("action", flat=True)) == ["opened", "superseded"]
    assert Verification.objects.filter(house=house).count() == 3


def test_the_verifications_of_a_house_are_listed_newest_first(api, cast, clean_house):
    house = clean_house(floors=1)
    client = api(cast.mhk_housing)
    earlier, later = TODAY - timedelta(days=60), TODAY - timedelta(days=30)
    client.post(url(house), body(confirmed=["structure"], verified_on=earlier.isoformat()))
    client.post(url(house), body({"field": "floors", "observed": 3, "reason": "加层"},
                                 verified_on=later.isoformat()))
    r = api(cast.shancheng).get(url(house))
    assert r.status_code == 200
    assert [(v["verified_on"], len(v["findings"])) for v in r.json()] == [
        (later.isoformat(), 1), (earlier.isoformat(), 0)]
    assert r.json()[0]["verifier"] == "mhk_housing"


def test_no_finding_event_is_written_for_a_refused_verification(api, cast, clean_house,
                                                                nothing_written):
    house = clean_house()
    with nothing_written():
        r = api(cast.mhk_housing).post(url(house), body(
            {"field": "floors", "observed": 2, "reason": ""}))
    assert error_of(r) == (422, "reason_required", "differences[0].reason", "R-CJ-3")
    assert FindingEvent.objects.count() == 0
    assert not RecordEvent.objects.filter(house=house, action="verification_recorded").exists()


def test_a_verification_is_on_the_audit_log_without_personal_data(api, cast, clean_house):
    from anju.audit.models import AuditEvent

    house = clean_house()
    api(cast.mhk_housing).post(url(house), body(
        {"field": "head_name", "observed": "王小山", "reason": "户主已变更"}))
    event = AuditEvent.objects.get(object_type="quality.verification")
    assert (event.action, event.username, event.division_code) == (
        "transition", "mhk_housing", house.division_code)
    assert event.details == {"workflow": "quality", "action": "verify",
                             "differences": ["head_name"], "superseded": 0,
                             "path": url(house), "method": "POST"}
