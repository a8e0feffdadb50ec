"""The division tree over the API: seen only inside a user's scope and the chain above it."""

import pytest

from anju.conftest import SHANCHENG

URL = "/api/v1/divisions"


def error_of(response) -> tuple:
    e = response.json()["error"]
    return response.status_code, e["code"], e["field"]


def test_county_officer_reads_own_county(api, cast):
    r = api(cast.mhk_housing).get(f"{URL}/220581")
    assert r.status_code == 200
    assert r.json() == {"code": "220581", "name": "梅河口市", "level": "county",
                        "is_demo": False}


@pytest.mark.parametrize("code, name", [("22", "吉林省"), ("2205", "通化市"),
                                        ("220581", "梅河口市"), (SHANCHENG, "山城镇")])
def test_township_clerk_reads_the_chain_above_own_township(api, cast, code, name):
    # the breadcrumbs of every page a clerk opens
    r = api(cast.shancheng).get(f"{URL}/{code}")
    assert r.status_code == 200
    assert r.json()["name"] == name


@pytest.mark.parametrize("username, code", [
    ("shancheng", "220581101"),  # the neighbouring township
    ("shancheng", "220581101001"),
    ("hongmei", SHANCHENG),
    ("huinan_housing", "220581"),
    ("changji", "220581"),
    ("mhk_housing", "6523"),
])
def test_division_outside_scope_is_not_found(api, cast, username, code):
    r = api(getattr(cast, username)).get(f"{URL}/{code}")
    assert error_of(r) == (404, "not_found", "code")


def test_code_absent_from_the_table_is_not_found(api, cast):
    r = api(cast.mhk_housing).get(f"{URL}/220581100999")
    assert error_of(r) == (404, "not_found", "code")


def test_county_officer_sees_all_townships_of_the_county(api, cast):
    r = api(cast.mhk_housing).get(f"{URL}/220581/children")
    assert r.status_code == 200
    codes = [d["code"] for d in r.json()]
    assert len(codes) == 24
    assert {"220581100", "220581101"} <= set(codes)
    assert all(c.startswith("220581") and len(c) == 9 for c in codes)
    assert {d["level"] for d in r.json()} == {"township"}


def test_township_clerk_sees_only_own_township_among_the_county_children(api, cast):
    r = api(cast.shancheng).get(f"{URL}/220581/children")
    assert r.json() == [{"code": SHANCHENG, "name": "山城镇", "level": "township",
                         "is_demo": False}]


def test_villages_of_a_township_are_marked_when_they_are_demo_data(api, cast):
    r = api(cast.shancheng).get(f"{URL}/{SHANCHENG}/children")
    assert [(d["code"], d["name"], d["is_demo"]) for d in r.json()] == [
        (f"{SHANCHENG}001", "演示一村", True), (f"{SHANCHENG}002", "演示二村", True),
        (f"{SHANCHENG}003", "演示三村", True)]


def test_children_of_a_division_outside_scope_are_not_found(api, cast):
    r = api(cast.hongmei).get(f"{URL}/{SHANCHENG}/children")
    assert error_of(r) == (404, "not_found", "code")


def test_search_by_name_finds_the_township(api, cast):
    r = api(cast.mhk_housing).get(URL, {"q": "山城"})
    assert r.status_code == 200
    assert r.json() == [{"code": SHANCHENG, "name": "山城镇", "level": "township",
                         "is_demo": False}]


@pytest.mark.parametrize("username", ["huinan_housing", "hongmei", "changji"])
def test_search_finds_nothing_outside_scope(api, cast, username):
    assert api(getattr(cast, username)).get(URL, {"q": "山城"}).json() == []


def test_search_by_code_prefix_stays_inside_scope(api, cast):
    mhk = [d["code"] for d in api(cast.mhk_housing).get(URL, {"q": "2205811"}).json()]
    assert mhk[:3] == ["220581100", "220581101", "220581102"]
    assert all(c.startswith("2205811") for c in mhk)
    clerk = [d["code"] for d in api(cast.shancheng).get(URL, {"q": "2205811"}).json()]
    assert clerk == [SHANCHENG, f"{SHANCHENG}001", f"{SHANCHENG}002", f"{SHANCHENG}003"]


def test_search_narrows_to_a_level(api, cast):
    r = api(cast.shancheng).get(URL, {"q": "2205811", "level": "village"})
    assert [d["level"] for d in r.json()] == ["village"] * 3


@pytest.mark.parametrize("q", ["", "   "])
def test_empty_search_never_lists_the_whole_tree(api, cast, q):
    assert api(cast.admin).get(URL, {"q": q}).json() == []


def test_broad_search_is_cut_short(api, cast):
    assert len(api(cast.admin).get(URL, {"q": "22"}).json()) == 20


def test_search_needs_a_query(api, cast):
    r = api(cast.mhk_housing).get(URL)
    assert error_of(r) == (422, "field_required", "q")


@pytest.mark.parametrize("path", ["", "/220581", "/220581/children"])
def test_divisions_need_a_token(api, path):
    r = api().get(f"{URL}{path}", {"q": "山城"})
    assert error_of(r) == (401, "unauthorized", None)


def test_deactivated_user_is_refused(api, cast):
    user = cast.shancheng
    client = api(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get(f"{URL}/{SHANCHENG}").status_code == 401
