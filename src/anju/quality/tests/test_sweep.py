"""The sweep over a division (R-CJ-3): opens what fires, closes what was fixed, changes nothing
when run again, stays in its division and reads a chunk of villages in a fixed number of
queries, however many houses the chunk holds."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anju.conftest import HONGMEI_V1, SHANCHENG_V1, SHANCHENG_V2
from anju.kit.errors import Forbidden, NotFound
from anju.quality.actions import sweep
from anju.quality.commands import RunSweep
from anju.quality.models import Finding, FindingEvent
from anju.quality.tests.conftest import open_problems
from anju.registry.models import House

TODAY = date.today()


def broken(house, **fields):
    """Change a record behind the verbs' back, as an import or an old system would."""
    House.objects.filter(pk=house.pk).update(**fields)


def test_sweep_opens_what_fires_and_closes_what_was_fixed(cast, clean_house):
    fine, tall, lost = clean_house(), clean_house(), clean_house(SHANCHENG_V2)
    broken(tall, floors=12)
    broken(lost, lat=None, lng=None)

    assert sweep(RunSweep(division="220581100"), acting_user=cast.mhk_housing) == {
        "checked": 3, "opened": 2, "closed": 0}
    assert open_problems(fine) == set()
    assert open_problems(tall) == {("wrong_field", "floors_out_of_range", "floors")}
    assert open_problems(lost) == {("missing_field", "coordinates_missing", "lat")}
    opened = Finding.objects.get(house=tall)
    assert (opened.source, opened.found_on, opened.due_on) == (
        "sweep", TODAY, TODAY + timedelta(days=15))
    assert list(opened.events.values_list("action", "actor__username")) == [
        ("opened", "mhk_housing")]

    broken(tall, floors=2)
    assert sweep(RunSweep(division="220581100")) == {"checked": 3, "opened": 0, "closed": 1}
    opened.refresh_from_db()
    assert (opened.status, opened.closed_on) == ("closed", TODAY)
    assert opened.events.last().note == "已整改：规则复核通过"


def test_a_second_sweep_over_unchanged_records_changes_nothing(clean_house):
    house = clean_house()
    broken(house, built_year=TODAY.year + 3)
    sweep(RunSweep(division="220581"))
    findings, events = Finding.objects.count(), FindingEvent.objects.count()

    assert sweep(RunSweep(division="220581")) == {"checked": 1, "opened": 0, "closed": 0}
    assert (Finding.objects.count(), FindingEvent.objects.count()) == (findings, events)


def test_sweep_of_a_township_leaves_the_other_townships_alone(clean_house):
    here, there = clean_house(SHANCHENG_V1), clean_house(HONGMEI_V1)
    broken(here, floor_area=0)
    broken(there, floor_area=0)

    assert sweep(RunSweep(division="220581100"))["checked"] == 1
    assert open_problems(here) == {("wrong_field", "floor_area_out_of_range", "floor_area")}
    assert open_problems(there) == set()


def test_a_township_officer_may_not_sweep_and_nothing_is_written(cast, clean_house,
                                                                 nothing_written):
    house = clean_house()
    broken(house, floors=11)
    with nothing_written(), pytest.raises(Forbidden):
        sweep(RunSweep(division="220581100"), acting_user=cast.shancheng)


def test_a_county_officer_cannot_sweep_another_county(cast, clean_house, nothing_written):
    clean_house("220523100001")
    with nothing_written(), pytest.raises(NotFound) as refused:
        sweep(RunSweep(division="220523"), acting_user=cast.mhk_housing)
    assert refused.value.field == "division"


def _queries(division, **kwargs) -> int:
    with CaptureQueriesContext(connection) as captured:
        sweep(RunSweep(division=division), **kwargs)
    return len(captured)


def test_sweep_reads_a_chunk_in_the_same_number_of_queries_however_many_houses_it_holds(
        clean_house):
    for _ in range(2):
        broken(clean_house(SHANCHENG_V1), floors=11)
    few = _queries("220581100")  # opens 2 findings
    for _ in range(20):
        broken(clean_house(SHANCHENG_V1), floors=11)
    assert _queries("220581100") == few  # opens 20


def test_sweep_queries_grow_with_chunks_not_houses(clean_house):
    for village in (SHANCHENG_V1, SHANCHENG_V2, "220581100003"):
        for _ in range(3):
            clean_house(village)
    one_chunk = _queries("220581100", chunk_size=100)
    three_chunks = _queries("220581100", chunk_size=3)
    # per chunk: houses, valid ID hashes, members, responsible persons, screenings,
    # appraisals, open findings, and the savepoint pair of the chunk's transaction
    assert (three_chunks - one_chunk) / 2 == 9
    assert one_chunk == 13


def test_findings_follow_a_house_that_moves_to_another_village(clean_house):
    house = clean_house(SHANCHENG_V1)
    broken(house, floors=11)
    sweep(RunSweep(division="220581100"))
    broken(house, division_code=HONGMEI_V1)
    sweep(RunSweep(division="220581"))
    assert Finding.objects.get(house=house).division_code == HONGMEI_V1


def test_sweep_over_the_api_answers_what_it_did(api, cast, clean_house):
    broken(clean_house(), floors=11)
    r = api(cast.mhk_housing).post("/api/v1/quality/sweeps", {"division": "220581100"})
    assert (r.status_code, r.json()) == (200, {"checked": 1, "opened": 1, "closed": 0})


def test_a_township_officer_gets_403_from_the_sweep_api(api, cast, nothing_written):
    with nothing_written():
        r = api(cast.shancheng).post("/api/v1/quality/sweeps", {"division": "220581100"})
    assert (r.status_code, r.json()["error"]["code"]) == (403, "forbidden")


def test_the_command_sweeps_each_division_named_and_says_what_it_found(clean_house):
    broken(clean_house(), floors=11)
    out = StringIO()
    call_command("quality_sweep", "220581", "6523", "--quiet", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("220581：核查房屋 1 栋，新发现问题 1 个，已整改销号 0 个")
    assert lines[1].startswith("6523：核查房屋 0 栋，新发现问题 0 个")


def test_a_township_scattered_among_other_houses_is_swept_village_by_village(clean_house):
    # 山城镇's houses are one in five of the ids: the sweep reads them by village code.
    mine = []
    for i in range(15):
        for _ in range(4):
            clean_house(HONGMEI_V1)
        mine.append(clean_house(SHANCHENG_V1 if i % 2 else SHANCHENG_V2))
    for house in mine:
        broken(house, floors=11)
    with CaptureQueriesContext(connection) as captured:
        result = sweep(RunSweep(division="220581100"), chunk_size=8)
    assert result == {"checked": 15, "opened": 15, "closed": 0}
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert '"registry_house"."division_code" IN' in sql
    assert not Finding.objects.exclude(division_code__startswith="220581100").exists()


def test_a_chunk_that_races_with_a_save_is_read_again(clean_house, monkeypatch):
    from django.db import IntegrityError

    from anju.quality import actions

    broken(clean_house(), floors=11)
    real, calls = actions.reconcile, []

    def racing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:  # a clerk's save opened the same finding a moment ago
            raise IntegrityError("UNIQUE constraint failed: finding_open_once")
        return real(*args, **kwargs)

    monkeypatch.setattr(actions, "reconcile", racing)
    assert sweep(RunSweep(division="220581100")) == {"checked": 1, "opened": 1, "closed": 0}
    assert len(calls) == 2
