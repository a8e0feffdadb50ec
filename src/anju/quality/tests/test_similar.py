"""举一反三 (R-CJ-3): from one finding, the houses of the county's other townships where the same
rule fires; notifying tells each of those townships once and puts their houses on their lists."""

from datetime import date

from anju.conftest import HONGMEI_V1, HUINAN_V1, SHANCHENG_V1, SHANCHENG_V2
from anju.divisions.demo import ensure_demo_villages
from anju.quality.actions import recheck_house
from anju.quality.models import Finding, FindingEvent, Notice
from anju.quality.similar import notify_similar, similar_cases
from anju.registry.models import House

TODAY = date.today()
XINHE_V1 = "220581102001"  # a village of a third township of 梅河口市


def too_tall(house):
    House.objects.filter(pk=house.pk).update(floors=12)


def test_similar_cases_are_the_houses_of_other_townships_where_the_rule_fires(
        cast, clean_house, make_house):
    origin = clean_house(SHANCHENG_V1)
    too_tall(origin)
    recheck_house(origin.pk)
    finding = Finding.objects.get(house=origin)
    same_township = clean_house(SHANCHENG_V2)
    too_tall(same_township)  # not swept yet, and in the finding's own township
    hongmei = clean_house(HONGMEI_V1)
    too_tall(hongmei)  # not swept yet: found by running the rule afresh
    clean_house(HONGMEI_V1)  # fine
    neighbour = clean_house(HUINAN_V1)
    too_tall(neighbour)  # another county

    matches = similar_cases(finding, acting_user=cast.mhk_housing)
    assert [(m.house_id, m.township_code, m.field, m.open_finding_id) for m in matches] == [
        (hongmei.pk, "220581101", "floors", None)]
    assert matches[0].message == "层数 12 超过 10 层，不是农村自建房的层数"


def test_a_township_officer_sees_no_similar_cases_outside_the_township(cast, clean_house):
    origin, other = clean_house(SHANCHENG_V1), clean_house(HONGMEI_V1)
    too_tall(origin)
    too_tall(other)
    recheck_house(origin.pk)
    assert similar_cases(Finding.objects.get(house=origin), acting_user=cast.shancheng) == []


def test_notify_tells_each_township_once_and_opens_their_findings_once(cast, clean_house):
    origin = clean_house(SHANCHENG_V1)
    too_tall(origin)
    recheck_house(origin.pk)
    finding = Finding.objects.get(house=origin)
    hongmei = [clean_house(HONGMEI_V1) for _ in range(2)]
    for house in hongmei:
        too_tall(house)
    ensure_demo_villages(["220581102"], 1)
    xinhe = clean_house(XINHE_V1)
    too_tall(xinhe)

    result = notify_similar(finding, acting_user=cast.mhk_housing)
    assert (result["created"], result["opened"]) == (2, 3)
    notices = {n.township_code: n for n in result["notices"]}
    assert {t: n.house_count for t, n in notices.items()} == {"220581101": 2, "220581102": 1}
    assert notices["220581101"].message.startswith("山城镇发现“层数超过 10 层”问题")
    opened = Finding.objects.filter(source="similar")
    assert {(f.house_id, f.rule, f.field, f.division_code[:9]) for f in opened} == {
        (hongmei[0].pk, "floors_out_of_range", "floors", "220581101"),
        (hongmei[1].pk, "floors_out_of_range", "floors", "220581101"),
        (xinhe.pk, "floors_out_of_range", "floors", "220581102")}
    assert list(finding.events.values_list("action", "actor__username")) == [
        ("opened", None), ("notified", "mhk_housing")]

    again = notify_similar(finding, acting_user=cast.mhk_housing)
    assert (again["created"], again["opened"]) == (0, 0)
    assert Notice.objects.count() == 2
    assert Finding.objects.filter(source="similar").count() == 3
    assert finding.events.count() == 2


def test_notify_over_the_api_is_for_the_county_and_lists_notices_for_the_township(
        api, cast, clean_house):
    origin, other = clean_house(SHANCHENG_V1), clean_house(HONGMEI_V1)
    too_tall(origin)
    too_tall(other)
    recheck_house(origin.pk)
    finding = Finding.objects.get(house=origin)

    refused = api(cast.shancheng).post(f"/api/v1/quality/findings/{finding.pk}/notify")
    assert refused.status_code == 403
    assert not Notice.objects.exists()

    r = api(cast.mhk_housing).post(f"/api/v1/quality/findings/{finding.pk}/notify")
    assert r.status_code == 200
    assert (r.json()["created"], r.json()["opened"]) == (1, 1)
    similar = api(cast.mhk_housing).get(f"/api/v1/quality/findings/{finding.pk}/similar")
    assert similar.json()["by_township"] == [{"code": "220581101", "name": "红梅镇",
                                              "houses": 1}]
    assert similar.json()["items"][0]["open_finding_id"] is not None
    told = api(cast.hongmei).get("/api/v1/quality/notices").json()
    assert [(n["township_code"], n["finding_id"], n["house_count"]) for n in told["items"]] == [
        ("220581101", finding.pk, 1)]
    assert api(cast.shancheng).get("/api/v1/quality/notices").json()["total"] == 0


def test_for_a_verification_mismatch_every_other_township_is_told_to_look(
        api, cast, clean_house):
    house = clean_house(SHANCHENG_V1, floors=1)
    api(cast.mhk_housing).post(f"/api/v1/houses/{house.pk}/verifications", {
        "verified_on": TODAY.isoformat(),
        "differences": [{"field": "floors", "observed": 2, "reason": "加盖一层"}]})
    finding = Finding.objects.get(house=house)
    elsewhere = clean_house(HONGMEI_V1)
    too_tall(elsewhere)
    recheck_house(elsewhere.pk)  # an open finding on the same field in 红梅镇

    matches = similar_cases(finding, acting_user=cast.mhk_housing)
    assert [(m.house_id, m.field) for m in matches] == [(elsewhere.pk, "floors")]
    result = notify_similar(finding, acting_user=cast.mhk_housing)
    townships = {n.township_code: n.house_count for n in result["notices"]}
    assert townships["220581101"] == 1
    assert "220581100" not in townships
    assert len(townships) > 2  # every township of 梅河口市 but 山城镇
    assert result["opened"] == 0  # nothing seen on site there: no finding is made up
    assert FindingEvent.objects.filter(finding=finding, action="notified").count() == 1
