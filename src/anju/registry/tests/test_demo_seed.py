import re
from unittest import mock

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from anju.accounts.models import User
from anju.demo import DEMO_PASSWORD, DEMO_USERS, ensure_demo_users
from anju.divisions.models import Division, Level
from anju.divisions.scope import within
from anju.registry import bulk
from anju.registry.demo_data import generate_demo, seed
from anju.registry.models import House, Household, Member, ResponsiblePerson
from anju.registry.rules import id_number_valid

pytestmark = pytest.mark.django_db

DEMO_AREA = within("220581") | within("6523")


def counts():
    return (Household.objects.count(), House.objects.count(), Member.objects.count(),
            ResponsiblePerson.objects.count(), Division.objects.filter(is_demo=True).count(),
            User.objects.count())


def test_demo_households_live_in_demo_villages_under_real_townships_of_meihekou_and_changji():
    made_households, made_houses = generate_demo(80)

    assert made_households == 80
    assert made_houses == 84  # the seeded draw gives a few households a second house
    codes = set(Household.objects.values_list("division_code", flat=True))
    assert codes and all(c.startswith(("220581", "6523")) for c in codes)
    assert {c[:4] for c in codes} == {"2205", "6523"}
    villages = Division.objects.filter(code__in=codes).select_related("parent")
    assert villages.count() == len(codes)
    for village in villages:
        assert village.is_demo and village.level == Level.VILLAGE
        assert re.fullmatch(r"演示[一二三四五六七八九十]+村", village.name)
        assert village.parent.level == Level.TOWNSHIP and not village.parent.is_demo
    demo_elsewhere = Division.objects.filter(is_demo=True).exclude(
        within("220581", "code") | within("6523", "code")).exclude(
        parent_id__in=["220523100"])  # the test cast's neighbouring-county villages
    assert not demo_elsewhere.exists()


def test_demo_id_numbers_pass_the_gb_11643_check():
    generate_demo(60)

    heads = Household.objects.values_list("head_id_number", flat=True)
    members = Member.objects.exclude(id_number="").values_list("id_number", flat=True)
    assert len(heads) == 60 and len(members) == 176
    assert all(id_number_valid(n) for n in [*heads, *members])
    assert Member.objects.filter(relation="head").count() == 60


def test_demo_houses_have_the_mix_the_pages_show():
    generate_demo(300)

    houses = House.objects.filter(DEMO_AREA)
    grades = set(houses.values_list("grade", flat=True))
    assert {"unrated", "A", "B", "C"} <= grades
    assert houses.filter(use__in=["business", "mixed"]).exclude(business_sector="").exists()
    assert not houses.filter(use__in=["business", "mixed"], business_sector="").exists()
    dangerous = houses.filter(grade__in=["C", "D"])
    assert dangerous.exists()
    assert not dangerous.filter(responsible_persons__isnull=True).exists()
    for house in houses.exclude(lat=None)[:200]:
        if house.division_code.startswith("220581"):
            assert 42.3 <= float(house.lat) <= 42.8 and 125.3 <= float(house.lng) <= 126.1
        else:
            assert 43.5 <= float(house.lat) <= 44.9 and 85.9 <= float(house.lng) <= 91.0


def test_demo_users_have_the_scopes_and_roles_of_the_api_contract():
    User.objects.filter(username__in=DEMO_USERS).delete()  # the test cast uses the same names

    created = ensure_demo_users()

    assert created == list(DEMO_USERS)
    expected = {
        "admin": ("22", "admin"), "mhk_housing": ("220581", "county_officer"),
        "mhk_civil": ("220581", "county_officer"), "mhk_rural": ("220581", "county_officer"),
        "mhk_finance": ("220581", "county_officer"),
        "shancheng": ("220581100", "township_officer"),
        "hongmei": ("220581101", "township_officer"), "appraiser1": ("220581", "appraiser"),
        "cadre": ("220581100001", "village_cadre"),
        "changji": ("6523", "prefecture_officer"),
        "security": ("22", "security_admin"), "auditor": ("22", "audit_admin"),
    }
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERS)}
    assert {name: (u.scope, u.role) for name, u in users.items()} == expected
    assert {name: users[name].department for name in
            ("mhk_housing", "mhk_civil", "mhk_rural", "mhk_finance")} == {
        "mhk_housing": "housing", "mhk_civil": "civil_affairs",
        "mhk_rural": "rural_revitalization", "mhk_finance": "finance"}
    login = RequestFactory().post("/login/")
    assert authenticate(login, username="shancheng", password=DEMO_PASSWORD) == users["shancheng"]


def test_running_the_demo_twice_keeps_the_counts():
    generate_demo(40)
    ensure_demo_users()
    before = counts()

    assert generate_demo(40) == (0, 0)
    assert ensure_demo_users() == []
    assert counts() == before


def test_seed_inserts_exactly_n_houses_through_the_bulk_seam():
    houses, households = House.objects.count(), Household.objects.count()

    with mock.patch.object(bulk, "insert_rows", wraps=bulk.insert_rows) as insert_rows:
        assert seed("220581", 500, batch_size=200) == 500

    # 3 batches, each one insert of households and one of houses (COPY on PostgreSQL)
    assert [c.args[0] for c in insert_rows.call_args_list] == [Household, House] * 3

    assert House.objects.count() == houses + 500
    assert Household.objects.count() == households + 500
    seeded = House.objects.filter(household__isnull=False, division_code__startswith="220581")
    assert seeded.count() == 500
    assert all(h.division_code[:9] in {d.code for d in Division.objects.filter(
        parent_id="220581", level=Level.TOWNSHIP)} for h in seeded[:50])
    heads = Household.objects.values_list("head_id_number", flat=True)
    assert all(id_number_valid(n) for n in heads)


def test_seeding_again_adds_rows_without_id_number_clashes():
    seed("220581100", 300)
    seed("220581100", 300)

    assert House.objects.filter(division_code__startswith="220581100").count() == 600
    assert Household.objects.values("head_id_number").distinct().count() == 600
