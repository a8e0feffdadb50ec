"""面对面抽查: a random sample of houses drawn per township of the caller's division; the same
seed draws the same sample; a drawn house is done once a spot-check inspection is recorded."""

from datetime import date

import pytest

from anju.appraisal.models import Inspection
from anju.conftest import HONGMEI_V1, HUINAN_V1, SHANCHENG_V1, SHANCHENG_V2
from anju.evidence.demo import on_site
from anju.kit.errors import Forbidden, NotFound, RuleViolation
from anju.quality.actions import draw_spot_check
from anju.quality.commands import DrawSpotCheck
from anju.quality.models import SpotCheck, SpotCheckHouse

TODAY = date.today()


@pytest.fixture
def county(make_house):
    """7 houses in 山城镇 (two villages) and 3 in 红梅镇."""
    return {"shancheng": [make_house(SHANCHENG_V1) for _ in range(4)]
            + [make_house(SHANCHENG_V2) for _ in range(3)],
            "hongmei": [make_house(HONGMEI_V1) for _ in range(3)]}


def draw(user, **fields):
    return draw_spot_check(DrawSpotCheck(**fields), acting_user=user)


def drawn(spot_check) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for township, house_id in spot_check.houses.values_list("township_code", "house_id"):
        out.setdefault(township, []).append(house_id)
    return out


def test_each_township_gets_its_own_sample_of_the_size_asked(cast, county):
    spot_check = draw(cast.mhk_housing, division="220581", per_township=5, seed=42)
    sample = drawn(spot_check)
    assert {t: len(ids) for t, ids in sample.items()} == {"220581100": 5, "220581101": 3}
    assert set(sample["220581100"]) <= {h.pk for h in county["shancheng"]}
    assert set(sample["220581101"]) == {h.pk for h in county["hongmei"]}
    assert (spot_check.division_code, spot_check.drawn_on, spot_check.per_township,
            spot_check.seed, spot_check.drawn_by) == ("220581", TODAY, 5, 42, cast.mhk_housing)


def test_the_same_seed_draws_the_same_houses_and_the_seed_is_kept(cast, county):
    first = draw(cast.mhk_housing, division="220581", per_township=2, seed=7)
    again = draw(cast.mhk_housing, division="220581", per_township=2, seed=7)
    assert drawn(first) == drawn(again)
    unseeded = draw(cast.mhk_housing, division="220581", per_township=2)
    replayed = draw(cast.mhk_housing, division="220581", per_township=2, seed=unseeded.seed)
    assert drawn(unseeded) == drawn(replayed)


def test_different_seeds_draw_differently(cast, county):
    samples = {tuple(drawn(draw(cast.mhk_housing, division="220581100", per_township=3,
                                seed=s))["220581100"])
               for s in range(6)}
    assert len(samples) > 1


def test_a_township_officer_may_not_draw(cast, county):
    with pytest.raises(Forbidden):
        draw(cast.shancheng, division="220581100", per_township=2)
    assert not SpotCheck.objects.exists()


def test_a_division_outside_the_scope_is_not_found(cast, county, make_house):
    make_house(HUINAN_V1)
    with pytest.raises(NotFound):
        draw(cast.mhk_housing, division="220523", per_township=2)
    assert not SpotCheck.objects.exists()


@pytest.mark.parametrize("per_township", [0, 51])
def test_the_sample_size_is_between_1_and_50(cast, county, per_township):
    with pytest.raises(RuleViolation) as refused:
        draw(cast.mhk_housing, division="220581", per_township=per_township)
    assert (refused.value.code, refused.value.field) == ("per_township_out_of_range",
                                                         "per_township")


def test_a_drawn_house_is_done_once_a_spot_check_inspection_is_recorded(api, cast, county):
    r = api(cast.mhk_housing).post("/api/v1/quality/spot-checks",
                                   {"division": "220581101", "per_township": 2, "seed": 3})
    assert r.status_code == 201
    out = r.json()
    assert [h["done"] for h in out["houses"]] == [False, False]
    first = out["houses"][0]["house_id"]
    Inspection.objects.create(house_id=first, division_code=HONGMEI_V1, level="village",
                              inspected_on=TODAY, inspector="李", recorded_by=cast.mhk_housing)
    r = api(cast.hongmei).post(f"/api/v1/houses/{first}/inspections", {
        "level": "spot_check", "inspected_on": TODAY.isoformat(), "inspector": "县住建局",
        "evidence_id": on_site(Inspection.objects.get(house_id=first).house, "spot_check",
                               acting_user=cast.hongmei).pk})
    assert r.status_code == 201
    shown = api(cast.hongmei).get(f"/api/v1/quality/spot-checks/{out['id']}").json()
    assert [(h["house_id"], h["done"]) for h in shown["houses"]] == [
        (first, True), (out["houses"][1]["house_id"], False)]


def test_a_township_sees_only_its_own_houses_of_a_county_draw(api, cast, county):
    spot_check = draw(cast.mhk_housing, division="220581", per_township=2, seed=1)
    shown = api(cast.hongmei).get(f"/api/v1/quality/spot-checks/{spot_check.pk}").json()
    assert {h["township_code"] for h in shown["houses"]} == {"220581101"}
    other = api(cast.huinan_housing).get(f"/api/v1/quality/spot-checks/{spot_check.pk}")
    assert other.status_code == 404
    assert SpotCheckHouse.objects.filter(spot_check=spot_check).count() == 4
