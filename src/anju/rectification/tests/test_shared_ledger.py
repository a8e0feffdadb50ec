"""R-CJ-10: sector departments see their sector's business houses; progress goes upwards."""

import pytest

from anju.registry.models import ResponsiblePerson

pytestmark = pytest.mark.django_db


def test_a_sector_department_sees_only_the_business_houses_of_its_sector(api, cast, on_ledger):
    shop, shop_entry = on_ledger("d", use="business", business_sector="health")
    for role, name in (("competent_department", "梅河口市卫生健康局"),
                       ("approving_department", "梅河口市自然资源局")):
        ResponsiblePerson.objects.create(house=shop, role=role, name=name)
    on_ledger("c")  # a dwelling
    health = cast.mhk_health
    listed = api(health).get("/api/v1/rectifications").json()
    assert [e["id"] for e in listed["items"]] == [shop_entry]
    assert listed["items"][0]["business_sector"] == "health"
    assert listed["items"][0]["missing_responsible_roles"] == []
    assert api(cast.mhk_housing).get("/api/v1/rectifications").json()["total"] == 2


def test_progress_by_division_is_visible_to_the_levels_above(api, cast, on_ledger):
    on_ledger("d")
    on_ledger("c")
    rows = api(cast.mhk_housing).get("/api/v1/rectifications/by-division").json()
    assert [(r["division_code"], r["name"], r["total"], r["open"], r["red_alerts"])
            for r in rows] == [("220581100", "山城镇", 2, 2, 2)]
    by_county = api(cast.admin).get("/api/v1/rectifications/by-division",
                                    {"division": "22"})
    assert by_county.status_code == 403  # the system administrator sees no household data
    listed = api(cast.mhk_housing).get("/api/v1/rectifications",
                                       {"grade": "D", "division": "220581100"}).json()
    assert listed["total"] == 1 and listed["items"][0]["grade"] == "D"


def test_an_open_entry_moves_with_its_house_to_the_new_village(api, cast, on_ledger):
    from anju.conftest import SHANCHENG_V1, SHANCHENG_V2
    from anju.rectification.models import LedgerEntry

    house, entry = on_ledger("d")
    client = api(cast.shancheng)
    version = client.get(f"/api/v1/houses/{house.pk}").json()["version"]
    moved = client.patch(f"/api/v1/houses/{house.pk}", {
        "version": version, "division_code": SHANCHENG_V2, "household_id": None})
    assert moved.status_code == 200, moved.json()
    assert LedgerEntry.objects.get(pk=entry).division_code == SHANCHENG_V2
    assert client.get("/api/v1/rectifications", {"division": SHANCHENG_V1}).json()["total"] == 0
    listed = client.get("/api/v1/rectifications", {"division": SHANCHENG_V2}).json()
    assert [e["id"] for e in listed["items"]] == [entry]
