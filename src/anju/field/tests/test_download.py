"""After login the phone downloads only the houses of the user's villages, with their latest
grade, screening and open findings; after that only what changed since its cursor."""

import io
from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anju.conftest import HONGMEI_V1, SHANCHENG_V1, SHANCHENG_V2
from anju.field.models import FieldChange
from anju.field.tests.conftest import capture, screening
from anju.quality.actions import sweep
from anju.quality.commands import RunSweep
from anju.quality.models import Finding
from anju.registry.models import House

URL = "/api/v1/field/houses"


def download(client, **params):
    r = client.get(URL, params)
    assert r.status_code == 200, r.content
    return r.json()


def ids(page) -> set[int]:
    return {h["id"] for h in page["houses"]}


def test_a_village_cadre_downloads_the_houses_of_their_village_only(
        api, cast, house, make_house):
    neighbour = make_house(SHANCHENG_V2)
    other_township = make_house(HONGMEI_V1)
    page = download(api(cast.cadre))

    assert (page["full"], page["removed"], page["next"]) == (True, [], None)
    assert ids(page) == {house.pk}
    assert ids(download(api(cast.shancheng))) >= {house.pk, neighbour.pk}
    assert other_township.pk not in ids(download(api(cast.shancheng)))


def test_a_downloaded_house_carries_what_the_forms_need(api, cast, house):
    api(cast.cadre).post("/api/v1/field/submissions", capture("screening", screening(house)))
    Finding.objects.create(house=house, division_code=house.division_code, kind="missing_field",
                           rule="structure_missing", field="structure", message="缺结构",
                           source="sweep", found_on=date.today(),
                           due_on=date.today() + timedelta(days=15))
    [out] = download(api(cast.cadre))["houses"]
    house.refresh_from_db()

    assert {k: out[k] for k in ("id", "version", "division_code", "division_name",
                                "address", "household_id", "head_name", "grade",
                                "screening_result", "awaiting_appraisal", "occupancy",
                                "structure", "storeys", "built_year", "floor_area", "lat",
                                "lng", "latest_screening")} == {
        "id": house.pk, "version": house.version, "division_code": SHANCHENG_V1,
        "division_name": "山城镇 演示一村", "address": house.address,
        "household_id": house.household_id, "head_name": "李春生", "grade": "unrated",
        "screening_result": "serious", "awaiting_appraisal": True, "occupancy": "occupied",
        "structure": "masonry_cast", "storeys": 1, "built_year": 1995, "floor_area": 80.0,
        "lat": 42.5, "lng": 125.7,
        "latest_screening": {"on": date.today().isoformat(), "result": "serious"}}
    assert [(f["rule"], f["field"], f["message"]) for f in out["open_findings"]
            if f["rule"] == "structure_missing"] == [("structure_missing", "structure", "缺结构")]


def test_names_show_as_in_the_house_list_and_no_id_or_phone_number_leaves_the_server(
        api, cast, house):
    import json

    household = house.household
    text = json.dumps(download(api(cast.cadre)), ensure_ascii=False)
    assert "李春生" in text
    for secret in (household.head_id_number, household.head_id_number[-4:] + '"',
                   household.phone, household.bank_account):
        assert secret not in text


def test_the_next_download_brings_only_the_houses_changed_since_the_cursor(
        api, cast, house, make_house):
    quiet = make_house(SHANCHENG_V1)
    other_village = make_house(SHANCHENG_V2)
    first = download(api(cast.cadre))
    assert ids(first) == {house.pk, quiet.pk}

    api(cast.shancheng).patch(f"/api/v1/houses/{house.pk}",
                              {"version": house.version, "occupancy": "vacant"})
    api(cast.shancheng).patch(f"/api/v1/houses/{other_village.pk}",
                              {"version": other_village.version, "occupancy": "vacant"})
    later = download(api(cast.cadre), since=first["cursor"])

    assert later["full"] is False
    assert ids(later) == {house.pk}
    assert later["houses"][0]["occupancy"] == "vacant"
    assert later["cursor"] > first["cursor"]
    # nothing changed since: nothing comes (beyond the short resend window's houses)
    assert ids(download(api(cast.cadre), since=later["cursor"])) <= {house.pk}


def test_a_house_that_moved_to_another_village_is_removed_from_the_phone(api, cast):
    house = House.objects.get(pk=api(cast.cadre).post("/api/v1/houses", {
        "division_code": SHANCHENG_V1, "address": "演示一村 2 组", "structure": "earth_wood",
        "floors": 1, "floor_area": "60", "use": "residence", "occupancy": "occupied"}).json()["id"])
    first = download(api(cast.cadre))
    api(cast.shancheng).patch(f"/api/v1/houses/{house.pk}",
                              {"version": house.version, "division_code": SHANCHENG_V2,
                               "household_id": None})
    later = download(api(cast.cadre), since=first["cursor"])
    assert (later["houses"], later["removed"]) == ([], [house.pk])
    assert house.pk in ids(download(api(cast.shancheng), since=first["cursor"]))


def test_a_demolished_house_leaves_the_phone_and_its_next_full_download(api, cast):
    """R-CJ-8a: the field app keeps standing houses; a house pulled down is dropped."""
    house = House.objects.get(pk=api(cast.cadre).post("/api/v1/houses", {
        "division_code": SHANCHENG_V1, "address": "演示一村 3 组", "structure": "earth_wood",
        "floors": 1, "floor_area": "60", "use": "residence", "occupancy": "vacant"}).json()["id"])
    first = download(api(cast.cadre))
    assert house.pk in ids(first)
    r = api(cast.shancheng).post(f"/api/v1/houses/{house.pk}/demolition", {
        "version": house.version, "demolished_on": str(date.today()), "note": "现场拆除"})
    assert r.status_code == 200, r.content
    later = download(api(cast.cadre), since=first["cursor"])
    assert (later["houses"], later["removed"]) == ([], [house.pk])
    assert house.pk not in ids(download(api(cast.cadre)))


def test_findings_opened_by_a_sweep_reach_the_phone_in_the_next_download(api, cast,
                                                                          make_house):
    house = make_house(SHANCHENG_V1, lat=None, lng=None)
    first = download(api(cast.cadre))
    assert not any(f["field"] == "lat" for f in first["houses"][0]["open_findings"])
    sweep(RunSweep(division=SHANCHENG_V1), acting_user=cast.mhk_housing)
    later = download(api(cast.cadre), since=first["cursor"])
    assert ids(later) == {house.pk}
    assert any(f["field"] == "lat" for f in later["houses"][0]["open_findings"])


def test_a_change_numbered_before_the_cursor_but_seen_after_it_is_still_sent(
        api, cast, house, make_house):
    # On PostgreSQL a number is handed out before its transaction commits: a change may
    # become visible after a later-numbered one was downloaded. The resend window catches it.
    late = make_house(SHANCHENG_V1)
    held_back = FieldChange.objects.create(house_id=late.pk, division_code=SHANCHENG_V1)
    FieldChange.objects.create(house_id=0, division_code="")
    seq = held_back.seq
    held_back.delete()  # not yet visible when the phone downloads
    first = download(api(cast.cadre))
    FieldChange.objects.create(seq=seq, house_id=late.pk, division_code=SHANCHENG_V1,
                               at=timezone.now() - timedelta(seconds=5))
    assert late.pk in ids(download(api(cast.cadre), since=first["cursor"]))


def test_a_cursor_the_server_does_not_know_gets_a_full_download(api, cast, house):
    page = download(api(cast.cadre), since=10**9)
    assert page["full"] is True and ids(page) == {house.pk}


def test_a_large_scope_comes_in_pages_under_one_cursor(api, cast, make_house):
    made = {make_house(SHANCHENG_V1).pk for _ in range(5)}
    client = api(cast.cadre)
    page = download(client, limit=2)
    seen, cursors = ids(page), {page["cursor"]}
    while page["next"]:
        page = client.get(page["next"]).json()
        seen |= ids(page)
        cursors.add(page["cursor"])
        assert page["full"] is True
    assert seen == made and len(cursors) == 1
    # an incremental download pages the same way
    for pk in made:
        house = House.objects.get(pk=pk)
        api(cast.shancheng).patch(f"/api/v1/houses/{pk}",
                                  {"version": house.version, "occupancy": "vacant"})
    page = download(client, since=cursors.pop(), limit=2)
    seen = ids(page)
    while page["next"]:
        page = client.get(page["next"]).json()
        seen |= ids(page)
    assert seen == made


def test_a_page_costs_the_same_queries_for_3_houses_as_for_30(api, cast, make_house,
                                                              make_household):
    def queries():
        client = api(cast.cadre)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    for _ in range(3):
        make_house(SHANCHENG_V1, household=make_household(SHANCHENG_V1))
    queries()  # the first download of all marks the start of the change sequence
    few = queries()
    for _ in range(27):
        house = make_house(SHANCHENG_V1, household=make_household(SHANCHENG_V1))
        api(cast.cadre).post("/api/v1/field/submissions", capture("screening", screening(house)))
    assert queries() == few


def test_only_field_roles_download(api, cast):
    assert api(cast.changji).get(URL).status_code == 403
    assert api(cast.mhk_finance).get(URL).status_code == 200


def test_a_phone_whose_last_download_is_over_a_week_old_gets_everything_again(
        api, cast, house):
    first = download(api(cast.cadre))
    FieldChange.objects.update(at=timezone.now() - timedelta(days=8))
    later = download(api(cast.cadre), since=first["cursor"])
    assert later["full"] is True and ids(later) == {house.pk}


def test_changes_older_than_a_week_are_pruned_and_their_phones_download_everything(
        api, cast, house, make_house):
    from django.core.management import call_command

    from anju.field.sync import current_cursor
    from anju.kit.events import records_changed

    old = download(api(cast.cadre))
    FieldChange.objects.update(at=timezone.now() - timedelta(days=8))
    records_changed(houses=[house.pk])  # changes of today
    recent = download(api(cast.cadre))
    newer = make_house(division_code=SHANCHENG_V1)
    records_changed(houses=[newer.pk])
    cursor = current_cursor()
    call_command("field_prune", stdout=io.StringIO())
    assert not FieldChange.objects.filter(at__lt=timezone.now() - timedelta(days=7)).exclude(
        seq=cursor).exists()
    assert current_cursor() == cursor  # the sequence never goes back
    assert download(api(cast.cadre), since=old["cursor"])["full"] is True
    since_recent = download(api(cast.cadre), since=recent["cursor"])
    assert since_recent["full"] is False and newer.pk in ids(since_recent)
