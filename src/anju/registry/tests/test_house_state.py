"""R-CJ-8a: "a house is `standing` or `demolished` (date, evidence)"; lists and counts take the
standing houses; the history shows both the old house and the one built in its place."""

from datetime import date, timedelta

import pytest

from anju.rectification.models import LedgerEntry
from anju.registry.models import RecordEvent

pytestmark = pytest.mark.django_db

TODAY = date.today()


def _demolish(api, user, house, **body):
    return api(user).post(f"/api/v1/houses/{house.pk}/demolition", {
        "version": house.version, "demolished_on": str(TODAY), **body})


def test_a_demolished_house_keeps_its_record_with_date_and_evidence(api, cast, make_house):
    house = make_house(grade="D")
    r = _demolish(api, cast.shancheng, house, note="拆除协议 2024-017")
    assert r.status_code == 200, r.json()
    body = r.json()
    assert (body["status"], body["demolished_on"], body["demolition_note"]) == (
        "demolished", str(TODAY), "拆除协议 2024-017")
    assert RecordEvent.objects.filter(house=house, action="house_demolished").exists()


def test_house_lists_take_standing_houses_unless_asked(api, cast, make_house):
    standing, gone = make_house(grade="C"), make_house(grade="D")
    assert _demolish(api, cast.shancheng, gone, note="现场拆除").status_code == 200
    listed = api(cast.shancheng).get("/api/v1/houses").json()
    assert [h["id"] for h in listed["items"]] == [standing.pk]
    demolished = api(cast.shancheng).get("/api/v1/houses", {"status": "demolished"}).json()
    assert [h["id"] for h in demolished["items"]] == [gone.pk]
    every = api(cast.shancheng).get("/api/v1/houses", {"status": "all"}).json()
    assert {h["id"] for h in every["items"]} == {standing.pk, gone.pk}
    refused = api(cast.shancheng).get("/api/v1/houses", {"status": "razed"})
    assert (refused.status_code, refused.json()["error"]["field"]) == (400, "status")


def test_a_demolition_without_evidence_or_twice_is_refused_and_nothing_written(
        api, cast, make_house, nothing_written):
    house = make_house(grade="D")
    with nothing_written(house):
        r = _demolish(api, cast.shancheng, house)
    assert (r.status_code, r.json()["error"]["field"]) == (422, "note")
    with nothing_written(house):
        r = _demolish(api, cast.shancheng, house, note="x",
                      demolished_on=str(TODAY + timedelta(days=1)))
    assert (r.status_code, r.json()["error"]["field"]) == (422, "demolished_on")
    assert _demolish(api, cast.shancheng, house, note="现场拆除").status_code == 200
    house.refresh_from_db()
    with nothing_written(house):
        r = _demolish(api, cast.shancheng, house, note="再次拆除")
    assert (r.status_code, r.json()["error"]["code"]) == (409, "house_demolished")


def test_demolishing_a_house_on_the_ledger_records_the_measure_and_ends_its_red_alert(
        api, cast, make_house, make_household):
    """R-MH-11 uses the same verb; the ledger records the demolition on the entry once."""
    from anju.rectification.actions import backfill_ledger

    house = make_house(grade="D", occupancy="occupied", household=make_household())
    backfill_ledger(house.division_code)
    entry = LedgerEntry.objects.get(house=house)
    assert entry.red_alert
    assert _demolish(api, cast.shancheng, house, note="现场拆除").status_code == 200
    entry.refresh_from_db()
    assert not entry.red_alert
    assert [(m.kind, m.completed_on, m.source) for m in entry.measures.all()] == [
        ("demolish", TODAY, "ledger")]


def test_the_house_page_shows_the_old_and_the_new_house_linked(browser, cast, make_house):
    from anju.registry.actions import register_replacement_house

    old = make_house(grade="D")
    new = register_replacement_house(old, built_on=TODAY, acting_user=cast.shancheng)
    client = browser(cast.shancheng)
    new_page = client.get(f"/registry/houses/{new.pk}/").content.decode()
    assert f'href="/registry/houses/{old.pk}/"' in new_page and "原房屋" in new_page
    old_page = client.get(f"/registry/houses/{old.pk}/").content.decode()
    assert f'href="/registry/houses/{new.pk}/"' in old_page and "原址新建房屋" in old_page
    assert RecordEvent.objects.filter(house=old, action="house_replaced").exists()


def test_the_house_list_page_shows_standing_houses_unless_asked(api, browser, cast, make_house):
    standing = make_house(address="演示一村 现存 1 号")
    gone = make_house(address="演示一村 旧房 2 号")
    assert _demolish(api, cast.shancheng, gone, note="现场拆除").status_code == 200
    client = browser(cast.shancheng)
    page = client.get("/registry/houses/").content.decode()
    assert standing.address in page and gone.address not in page
    page = client.get("/registry/houses/", {"status": "demolished"}).content.decode()
    assert gone.address in page and standing.address not in page
