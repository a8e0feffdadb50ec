from datetime import timedelta

import pytest
from django.utils import timezone

from anju.appraisal.tests.conftest import components
from anju.evidence.demo import on_site
from anju.rectification.models import LedgerEntry
from anju.registry.models import House, ResponsiblePerson


def days_ago(n: int) -> str:
    return str(timezone.localdate() - timedelta(days=n))


def appraisal_body(rating: str, on: int = 30, **fields) -> dict:
    return {"appraised_on": days_ago(on), "appraiser": "张工", "organization": "梅河口市住建局",
            "site": "safe", "components": components(rating), "prevention": "full", **fields}


@pytest.fixture
def dangerous_house(make_house, make_household):
    """An occupied house with its owner, user and supervisor named (R-CJ-4)."""

    def make(**fields) -> House:
        household = make_household()
        house = make_house(household=household, **fields)
        for role, name in (("owner", "王大山"), ("user", "王大山"), ("supervisor", "李镇长")):
            ResponsiblePerson.objects.create(house=house, role=role, name=name,
                                             phone="13900001111")
        return house

    return make


@pytest.fixture
def on_ledger(api, cast, dangerous_house):
    """on_ledger(rating) -> (house, entry id): appraised C or D by the county's appraiser."""

    def make(rating: str = "c", **fields):
        house = dangerous_house(**fields)
        response = api(cast.appraiser1).post(f"/api/v1/houses/{house.pk}/appraisals",
                                             appraisal_body(rating))
        assert response.status_code == 201, response.json()
        return house, LedgerEntry.objects.get(house=house).pk

    return make


def at_the_house(entry_id: int, user) -> int:
    """R-CJ-8 on site: a clear capture of the entry's house for its acceptance."""
    house = LedgerEntry.objects.get(pk=entry_id).house
    return on_site(house, "rectification_acceptance", acting_user=user).pk
