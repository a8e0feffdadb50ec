"""The ledger is searched as the house list is: by address, the head's name or an ID number,
and narrowed to a township or village picked by name, in the page and in the API."""

import pytest

from anju.conftest import HONGMEI_V1, SHANCHENG, SHANCHENG_V1, valid_id_number
from anju.rectification.models import LedgerEntry
from anju.rectification.tests.conftest import appraisal_body
from anju.registry.models import Member, ResponsiblePerson

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(api, cast, make_house, make_household):
    """Three D houses on the ledger: two in 山城镇演示一村, one in 红梅镇; returns their entries
    by the head's name."""

    def put_on_ledger(village, head, id_number, address):
        household = make_household(division_code=village, head_name=head,
                                   head_id_number=id_number)
        house = make_house(division_code=village, household=household, address=address)
        for role, name in (("owner", head), ("user", head), ("supervisor", "李镇长")):
            ResponsiblePerson.objects.create(house=house, role=role, name=name,
                                             phone="13900001111")
        r = api(cast.appraiser1).post(f"/api/v1/houses/{house.pk}/appraisals",
                                      appraisal_body("d"))
        assert r.status_code == 201, r.json()
        return LedgerEntry.objects.get(house=house)

    ids = {"韩冬梅": valid_id_number("19700315"), "鲍秀兰": valid_id_number("19650101"),
           "汤冠": valid_id_number("19580808")}
    entries = {
        "韩冬梅": put_on_ledger(SHANCHENG_V1, "韩冬梅", ids["韩冬梅"], "山城镇演示一村试验路 9 号"),
        "鲍秀兰": put_on_ledger(SHANCHENG_V1, "鲍秀兰", ids["鲍秀兰"], "山城镇演示一村后街 5 号"),
        "汤冠": put_on_ledger(HONGMEI_V1, "汤冠", ids["汤冠"], "红梅镇演示一村试验路 2 号"),
    }
    return entries, ids


def _listed(api, user, **params) -> set[int]:
    r = api(user).get("/api/v1/rectifications", params=params)
    assert r.status_code == 200, r.json()
    return {row["id"] for row in r.json()["items"]}


def test_the_ledger_api_finds_entries_by_address_fragment_head_name_and_id_number(api, cast,
                                                                                  ledger):
    entries, ids = ledger
    county = cast.mhk_housing
    assert _listed(api, county, q="试验路") == {entries["韩冬梅"].pk, entries["汤冠"].pk}
    assert _listed(api, county, q="鲍秀兰") == {entries["鲍秀兰"].pk}
    assert _listed(api, county, q=ids["汤冠"]) == {entries["汤冠"].pk}
    # a name is matched whole, as on the house list: a fragment of it finds no one
    assert _listed(api, county, q="秀") == set()


def test_a_member_s_id_number_finds_the_household_s_entry(api, cast, ledger):
    entries, _ = ledger
    member_id = valid_id_number("20010101")
    Member.objects.create(household=entries["鲍秀兰"].house.household, name="鲍小军",
                          relation="son", id_number=member_id)
    assert _listed(api, cast.mhk_housing, q=member_id) == {entries["鲍秀兰"].pk}


def test_the_search_stays_inside_the_clerk_s_township(api, cast, ledger):
    entries, ids = ledger
    assert _listed(api, cast.shancheng, q="试验路") == {entries["韩冬梅"].pk}
    assert _listed(api, cast.shancheng, q=ids["汤冠"]) == set()


def test_the_ledger_page_searches_and_filters_by_a_township_picked_by_name(browser, cast,
                                                                          ledger):
    entries, ids = ledger
    county = browser(cast.mhk_housing)
    body = county.get("/rectification/", {"q": "试验路"}).content.decode()
    assert 'value="试验路"' in body
    assert "山城镇演示一村试验路 9 号" in body and "红梅镇演示一村试验路 2 号" in body
    assert "山城镇演示一村后街 5 号" not in body

    body = county.get("/rectification/", {"q": "试验路", "division": SHANCHENG}).content.decode()
    assert "山城镇演示一村试验路 9 号" in body and "红梅镇演示一村试验路 2 号" not in body
    # the place filter is a picker showing the township's name, not a box for a numeric code
    assert 'data-picker' in body and "山城镇" in body
    assert 'inputmode="numeric"' not in body

    body = county.get("/rectification/", {"q": ids["韩冬梅"]}).content.decode()
    assert "山城镇演示一村试验路 9 号" in body and "后街 5 号" not in body
