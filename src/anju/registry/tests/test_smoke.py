def test_county_officer_sees_house_of_own_county(api, cast, make_house):
    house = make_house()
    r = api(cast.mhk_housing).get(f"/api/v1/houses/{house.pk}")
    assert r.status_code == 200
    assert r.json()["id"] == house.pk


def test_officer_of_another_county_gets_404(api, cast, make_house):
    house = make_house()
    r = api(cast.huinan_housing).get(f"/api/v1/houses/{house.pk}")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"
