"""Pages speak to a clerk in words: places by name, rules by their Chinese names, a house by its
address and a head of household by name; codes stay in the API."""

import pytest

from anju.quality.actions import recheck_house
from anju.quality.models import Finding
from anju.rectification.models import LedgerEntry
from anju.rectification.tests.conftest import appraisal_body
from anju.registry.models import ResponsiblePerson

pytestmark = pytest.mark.django_db


def test_my_account_names_the_division_with_its_code_beside_it(browser, cast):
    body = browser(cast.shancheng).get("/accounts/").content.decode()
    assert '<dd id="account-scope">山城镇 <small class="muted mono">220581100</small></dd>' in body


def test_a_finding_page_names_its_rule_and_field_without_their_codes(browser, cast, make_house):
    house = make_house(lat=None, lng=None)
    recheck_house(house.pk)
    finding = Finding.objects.get(house=house, rule="coordinates_missing")
    body = browser(cast.mhk_housing).get(f"/quality/findings/{finding.pk}/").content.decode()
    assert "经纬度未填写" in body
    assert "coordinates_missing" not in body
    assert ">lat<" not in body


def test_the_ledger_entry_names_its_house_by_address_and_the_head_by_name(api, browser, cast,
                                                                          make_house,
                                                                          make_household):
    household = make_household(head_name="汤冠")
    house = make_house(household=household, address="山城镇演示一村前街 3 号")
    for role in ("owner", "user", "supervisor"):
        ResponsiblePerson.objects.create(house=house, role=role, name="汤冠", phone="13900001111")
    r = api(cast.appraiser1).post(f"/api/v1/houses/{house.pk}/appraisals", appraisal_body("c"))
    assert r.status_code == 201, r.json()
    entry = LedgerEntry.objects.get(house=house)
    body = browser(cast.shancheng).get(f"/rectification/{entry.pk}/").content.decode()
    assert f'<a href="/registry/households/{household.pk}/">汤冠</a>' in body
    assert "汤冠户" not in body
    assert f'<a href="/registry/houses/{house.pk}/">山城镇演示一村前街 3 号</a>' in body


def test_the_quality_page_names_the_place_of_its_sweep(browser, cast):
    body = browser(cast.mhk_housing).get("/quality/").content.decode()
    assert "对梅河口市的全部房屋重新核查" in body
    assert "对 220581 的" not in body

