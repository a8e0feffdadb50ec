"""Walking the house list page by page: the same houses in the same order as on one long page,
the last page reachable, demolished houses never in it, and the count read from the list's
index rather than from every house of the county."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anju.conftest import SHANCHENG_V1, SHANCHENG_V2
from anju.registry.queries import houses_for_user

URL = "/api/v1/houses"


@pytest.fixture
def township(make_house):
    """23 houses over two villages, four of them priority, two demolished."""
    houses = []
    for i in range(23):
        village = SHANCHENG_V1 if i % 3 else SHANCHENG_V2
        tags = ["near_school"] if i % 6 == 0 else []
        houses.append(make_house(village, priority_tags=tags))
    for house in houses[4:6]:
        house.status = "demolished"
        house.save(update_fields=["status"])
    return houses


def _walk(client, page_size: int) -> tuple[list[int], list[int]]:
    ids, totals, page = [], [], 1
    while True:
        body = client.get(URL, {"page": page, "page_size": page_size}).json()
        totals.append(body["total"])
        if not body["items"]:
            return ids, totals
        ids += [item["id"] for item in body["items"]]
        page += 1


def test_an_officer_paging_through_the_list_sees_every_standing_house_once_in_order(
        api, cast, township):
    client = api(cast.shancheng)
    everything = client.get(URL, {"page_size": 200}).json()
    walked, totals = _walk(client, page_size=4)
    assert walked == [item["id"] for item in everything["items"]]
    assert len(walked) == len(set(walked)) == 21 == everything["total"]
    assert set(totals) == {21}
    standing = [h for h in township if h.status == "standing"]
    priority = [h.pk for h in standing if h.is_priority]
    assert walked[:len(priority)] == sorted(priority, key=lambda pk: (
        next(h.division_code for h in standing if h.pk == pk), pk))


def test_the_last_page_is_reachable_and_holds_the_remainder(api, cast, township):
    client = api(cast.shancheng)
    body = client.get(URL, {"page": 6, "page_size": 4}).json()
    assert (body["total"], len(body["items"])) == (21, 1)
    assert client.get(URL, {"page": 7, "page_size": 4}).json()["items"] == []


def test_the_page_past_the_end_of_the_list_page_shows_the_last_houses(browser, cast,
                                                                       make_house):
    houses = [make_house() for _ in range(53)]
    r = browser(cast.shancheng).get("/registry/houses/", {"page": 999})
    assert r.status_code == 200
    assert [h.pk for h in r.context["page"]] == [h.pk for h in houses[50:]]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan text")
def test_the_list_count_reads_the_index_not_the_houses(cast, township):
    # A county of 300,000 houses counts its list in tens of milliseconds only if the status
    # filter is answered from the list's index (bench/floor.py).
    with CaptureQueriesContext(connection) as captured:
        assert houses_for_user(cast.mhk_housing).count() == 21
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {captured.captured_queries[-1]['sql']}")
        assert "COVERING INDEX house_list_status_idx" in str(cursor.fetchall())


def test_the_list_page_and_the_api_show_the_same_houses_on_each_page(api, browser, cast,
                                                                      make_house):
    for i in range(120):
        make_house(SHANCHENG_V2 if i % 4 else SHANCHENG_V1,
                   priority_tags=["near_school"] if i % 9 == 0 else [])
    page_client, api_client = browser(cast.shancheng), api(cast.shancheng)
    for page in (1, 2, 3):
        shown = [h.pk for h in page_client.get("/registry/houses/",
                                               {"page": page}).context["page"]]
        listed = [i["id"] for i in api_client.get(URL, {"page": page, "page_size": 50})
                  .json()["items"]]
        assert shown == listed
        assert len(shown) == (50 if page < 3 else 20)
