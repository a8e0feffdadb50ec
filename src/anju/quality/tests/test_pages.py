"""The quality pages through Django's test client: the quality page, a finding with 举一反三,
the township work lists, 点对点核实比对 and 面对面抽查, for the cast of users."""

import re
from datetime import date
from pathlib import Path

import pytest

from anju.appraisal.models import Screening
from anju.conftest import HONGMEI_V1, SHANCHENG_V1
from anju.quality.actions import recheck_house
from anju.quality.models import Finding, Notice, SpotCheck, Verification
from anju.registry.models import House

TODAY = date.today()
TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def problems(clean_house):
    here, there = clean_house(SHANCHENG_V1, address="山城镇演示一村 7 号"), clean_house(
        HONGMEI_V1, address="红梅镇演示一村 9 号")
    for house in (here, there):
        House.objects.filter(pk=house.pk).update(floors=11)
        recheck_house(house.pk)
    return {"here": here, "there": there}


@pytest.mark.parametrize("username", ["mhk_housing", "shancheng", "cadre", "appraiser1",
                                      "changji", "mhk_civil"])
def test_the_quality_pages_open_for_the_cast(browser, cast, problems, username):
    client = browser(getattr(cast, username))
    for path in ("/quality/", "/quality/worklist/", "/quality/worklist/?tab=appraisal",
                 "/quality/worklist/?tab=findings", "/quality/worklist/?tab=overdue",
                 f"/quality/houses/{problems['here'].pk}/panel/"):
        r = client.get(path)
        assert r.status_code == (404 if username == "changji" and "panel" in path else 200), (
            path)


def test_a_township_officer_sees_only_the_townships_findings(browser, cast, problems):
    page = text(browser(cast.shancheng).get("/quality/"))
    assert "山城镇演示一村 7 号" in page
    assert "红梅镇演示一村 9 号" not in page
    assert "发起抽查" not in page  # the county's tool
    county = text(browser(cast.mhk_housing).get("/quality/"))
    assert "山城镇演示一村 7 号" in county and "红梅镇演示一村 9 号" in county
    assert "发起抽查" in county
    assert "层数超过 10 层" in county  # the counts by rule


def test_the_quality_page_filters_by_rule_and_house(browser, cast, problems):
    client = browser(cast.mhk_housing)
    page = text(client.get(f"/quality/?house={problems['there'].pk}"))
    assert "红梅镇演示一村 9 号" in page and "山城镇演示一村 7 号" not in page
    assert "没有符合条件的问题" in text(client.get("/quality/?rule=coordinates_missing"))


def test_a_finding_page_loads_its_similar_cases_and_the_county_notifies_from_it(
        browser, cast, problems):
    finding = Finding.objects.get(house=problems["here"])
    client = browser(cast.mhk_housing)
    page = text(client.get(f"/quality/findings/{finding.pk}/"))
    assert f'hx-get="/quality/findings/{finding.pk}/similar/"' in page
    similar = client.get(f"/quality/findings/{finding.pk}/similar/", headers={"HX-Request": "true"})
    assert "<html" not in text(similar)
    assert "红梅镇 1" in text(similar)
    assert "通知其他乡镇举一反三" in text(similar)

    r = client.post(f"/quality/findings/{finding.pk}/notify")
    assert r.status_code == 302
    assert Notice.objects.get().township_code == "220581101"
    told = text(browser(cast.hongmei).get("/quality/"))
    assert "举一反三通知" in told and "山城镇发现“层数超过 10 层”问题" in told


def test_a_township_officer_cannot_notify(browser, cast, problems):
    finding = Finding.objects.get(house=problems["here"])
    r = browser(cast.shancheng).post(f"/quality/findings/{finding.pk}/notify")
    assert r.status_code == 403
    assert not Notice.objects.exists()


def test_the_county_officer_records_a_verification_and_the_finding_appears_for_the_township(
        browser, cast, clean_house):
    house = clean_house(SHANCHENG_V1, address="山城镇演示一村 12 号", floors=1)
    client = browser(cast.mhk_housing)
    form = client.get(f"/quality/houses/{house.pk}/verify/")
    assert form.status_code == 200 and "点对点核实比对" in text(form)
    r = client.post(f"/quality/houses/{house.pk}/verify/", {
        "verified_on": TODAY.isoformat(), "note": "",
        "floors-observed": "2", "floors-reason": "二层为后加",
        "structure-same": "on", "occupancy-observed": "occupied"})
    assert r.status_code == 302
    assert r["Location"] == f"/quality/?house={house.pk}#findings"
    verification = Verification.objects.get(house=house)
    assert verification.confirmed == ["structure", "occupancy"]
    assert [d["field"] for d in verification.differences] == ["floors"]
    shown = text(browser(cast.shancheng).get("/quality/"))
    assert "点对点核实：层数记录为“1”，实地为“2”（二层为后加）" in shown


def test_a_difference_without_a_reason_is_shown_beside_its_row(browser, cast, clean_house):
    house = clean_house(floors=1)
    r = browser(cast.mhk_housing).post(f"/quality/houses/{house.pk}/verify/", {
        "verified_on": TODAY.isoformat(), "floors-observed": "2"})
    assert r.status_code == 422
    assert "层数与记录不一致，应写明原因" in text(r)
    assert re.search(r'id="field-floors-reason">.*?层数与记录不一致', text(r), re.S)
    assert not Verification.objects.exists()


def test_the_verification_page_is_for_the_county(browser, cast, clean_house):
    house = clean_house()
    assert browser(cast.shancheng).get(f"/quality/houses/{house.pk}/verify/").status_code == 403
    assert browser(cast.huinan_housing).get(
        f"/quality/houses/{house.pk}/verify/").status_code == 404


def test_the_house_panel_lists_the_open_findings_and_offers_verification(
        browser, cast, problems):
    county = text(browser(cast.mhk_housing).get(f"/quality/houses/{problems['here'].pk}/panel/"))
    assert "层数 11 超过 10 层" in county and 'id="verify-link"' in county
    township = text(browser(cast.shancheng).get(
        f"/quality/houses/{problems['here'].pk}/panel/"))
    assert "层数 11 超过 10 层" in township and 'id="verify-link"' not in township


def test_the_work_list_counts_each_list_and_shows_priority_houses_first(
        browser, cast, clean_house, make_house):
    plain = clean_house(SHANCHENG_V1, address="普通房屋 1 号")
    clean_house(SHANCHENG_V1, address="学校旁 2 号", priority_tags=["near_school"],
                is_priority=True)
    Screening.objects.create(house=plain, division_code=SHANCHENG_V1, checked_on=TODAY,
                             level="village", result="some", recorded_by=cast.shancheng)
    House.objects.filter(pk=plain.pk).update(screening_result="some", awaiting_appraisal=True,
                                             floors=11)
    recheck_house(plain.pk)
    page = text(browser(cast.shancheng).get("/quality/worklist/?tab=screening"))
    assert re.search(r'id="tab-screening">待排查 <span class="count">1</span>', page)
    assert re.search(r'id="tab-appraisal">待鉴定 <span class="count">1</span>', page)
    assert re.search(r'id="tab-findings">有待整改问题的房屋 <span class="count">1</span>', page)
    assert re.search(r'id="tab-overdue">整改逾期 <span class="count">0</span>', page)
    assert "学校旁 2 号" in page and "普通房屋 1 号" not in page
    findings = text(browser(cast.shancheng).get("/quality/worklist/?tab=findings"))
    assert "普通房屋 1 号" in findings and "层数 11 超过 10 层" in findings


def test_the_county_draws_a_spot_check_from_the_quality_page(browser, cast, problems):
    client = browser(cast.mhk_housing)
    r = client.post("/quality/spot-checks/new", {"division": "220581", "per_township": "1",
                                                 "seed": "5"})
    spot_check = SpotCheck.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/quality/spot-checks/{spot_check.pk}/"
    page = text(client.get(r["Location"]))
    assert "已抽查 0 / 2 栋" in page and "录入抽查" in page
    township = text(browser(cast.hongmei).get(r["Location"]))
    assert "红梅镇演示一村 9 号" in township and "山城镇演示一村 7 号" not in township


def test_the_sweep_button_sweeps_the_division_shown(browser, cast, problems):
    House.objects.filter(pk=problems["here"].pk).update(floors=2)
    r = browser(cast.mhk_housing).post("/quality/sweep", {"division": "220581100"})
    assert (r.status_code, r["Location"]) == (302, "/quality/?division=220581100")
    assert Finding.objects.get(house=problems["here"]).status == "closed"
    assert browser(cast.shancheng).post("/quality/sweep", {"division": "220581100"}
                                        ).status_code == 403


def test_quality_templates_carry_no_inline_script_or_event_handler():
    for path in TEMPLATES.rglob("*.html"):
        source = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", source), path
        assert not re.search(r"\son[a-z]+\s*=", source), path


def test_checking_the_verification_form_writes_nothing_until_it_is_saved(
        cast, clean_house, nothing_written):
    from anju.quality.forms import VerificationForm

    house = clean_house(floors=1)
    form = VerificationForm({"verified_on": TODAY.isoformat(), "floors-observed": "2",
                             "floors-reason": "二层为后加"}, user=cast.mhk_housing, target=house)
    with nothing_written():
        assert form.is_valid()
    assert form.save()
    assert Verification.objects.get() == form.saved
    assert [d["field"] for d in form.saved.differences] == ["floors"]
