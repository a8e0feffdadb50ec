"""One house, one life (R-CJ-8a) in the browser: the township clerk takes an occupied D house
from its red alert through the rebuild case — start, key-stage inspections, completion,
acceptance, the old house pulled down — and the ledger entry follows without re-entry; the
county's housing department signs it off, and the county dashboard's red-alert and D counts
drop."""

import io
import re
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ADDRESS = "红梅镇演示一村后街 5 号"  # seed.py: the D house of a notified rebuild case
TODAY = str(datetime.now(ZoneInfo("Asia/Shanghai")).date())


def picture(name: str) -> dict:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 240), (150, 110, 70)).save(out, "PNG")
    return {"name": name, "mimeType": "image/png", "buffer": out.getvalue()}


def token(page, username: str) -> dict:
    r = page.request.post("/api/v1/auth/token",
                          data={"username": username, "password": "Demo@2026!"})
    assert r.ok, r.text()
    return {"Authorization": f"Bearer {r.json()['token']}"}


def county_figures(page) -> dict[str, int]:
    page.goto("/reports/")
    return {name: int(page.locator(f'#key-figures [data-figure="{name}"] .figure-n')
                      .inner_text().replace(",", "")) for name in ("red_alerts", "grade_d")}


def settled(page, wanted: dict[str, int]) -> dict[str, int]:
    """The dashboard reads the rollups, which the background worker counts after a change."""
    deadline = time.monotonic() + 30
    while (seen := county_figures(page)) != wanted and time.monotonic() < deadline:
        time.sleep(0.5)
    return seen


def step(page, name: str) -> None:
    page.locator("#case-steps").get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)


def save(page, note: str) -> None:
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messages")).to_contain_text(note)


def test_township_clerk_takes_an_occupied_d_house_from_red_alert_through_its_case_to_sign_off(
        page, log_in, shot, chromium, server, on_site):
    log_in(page, "mhk_housing")
    start = county_figures(page)

    # The county's appraiser grades the house D (整栋危险): it goes on the ledger, occupied
    township_api = token(page, "hongmei")
    house = page.request.get("/api/v1/houses", headers=township_api,
                             params={"q": ADDRESS}).json()["items"][0]
    r = page.request.post(f"/api/v1/houses/{house['id']}/appraisals",
                          headers=token(page, "appraiser1"), data={
        "appraised_on": TODAY, "appraiser": "张工", "organization": "梅河口市住建局",
        "site": "safe", "prevention": "none",
        "components": {c: "d" for c in ("foundation", "bearing_wall", "timber_frame",
                                        "timber_truss", "concrete_frame", "roof")}})
    assert r.status == 201 and r.json()["grade"] == "D", r.text()
    alerted = settled(page, {"red_alerts": start["red_alerts"] + 1,
                             "grade_d": start["grade_d"]})
    assert alerted == {"red_alerts": start["red_alerts"] + 1, "grade_d": start["grade_d"]}
    shot(page, "one-life-dashboard-before")

    # 乡镇: the red alert on the ledger
    clerk = chromium.new_context(base_url=server, locale="zh-CN",
                                 viewport={"width": 1280, "height": 900}).new_page()
    clerk.set_default_timeout(15_000)
    log_in(clerk, "hongmei")
    clerk.get_by_role("link", name="整治台账").click()
    clerk.get_by_label("预警", exact=True).select_option("1")
    clerk.wait_for_url(re.compile(r"alert=1"))
    clerk.get_by_role("link", name=ADDRESS).click()
    expect(clerk.locator("#entry-red-alert")).to_contain_text("应立即搬离人员")
    entry_url = clerk.url

    # ... through the household's rebuild case, which is the entry's engineering measure
    case = page.request.get("/api/v1/applications", headers=township_api,
                            params={"household_id": house["household_id"]}).json()["items"][0]
    clerk.goto(f"/assistance/cases/{case['id']}/")
    step(clerk, "开工")
    clerk.get_by_label("改造前照片").set_input_files(picture("改造前.png"))
    save(clerk, "开工已保存")
    expect(clerk.locator("#case-ledger-entry")).to_contain_text("待整治")
    for number, stage in enumerate(("基础", "主体结构")):
        on_site(clerk, "关键节点检查", 2500 + number)  # ADR 0048: at the house first
        step(clerk, "关键节点检查")
        clerk.get_by_label("施工节点").select_option(label=stage)
        clerk.get_by_label("合格", exact=True).check()
        clerk.get_by_label("现场取证").select_option(index=1)
        clerk.get_by_label("现场照片").set_input_files(picture(f"{stage}.png"))
        save(clerk, "关键节点检查已保存")
    step(clerk, "竣工")
    clerk.get_by_label("改造后照片").set_input_files(picture("改造后.png"))
    save(clerk, "竣工已保存")
    on_site(clerk, "竣工验收", 2510)
    step(clerk, "竣工验收")
    clerk.get_by_label("现场取证").select_option(index=1)
    clerk.get_by_label("合格", exact=True).check()
    clerk.get_by_label("验收人员：技术人员").fill("梅河口市住建局 刘工")
    clerk.get_by_label("验收人员：村级质量安全监督员").fill("孙立军")
    clerk.get_by_label("审计决算金额（元）").fill("52000")
    clerk.get_by_label("实测主房面积（㎡）").fill("40")
    clerk.get_by_label("实测辅房面积（㎡）").fill("10")
    clerk.get_by_label("竣工验收报告").set_input_files(picture("验收报告.png"))
    save(clerk, "竣工验收已保存")
    step(clerk, "原房处置")
    clerk.get_by_label("处置方式").select_option("demolished")
    clerk.get_by_label("处置照片").set_input_files(picture("拆除.png"))
    save(clerk, "原房处置已保存")
    expect(clerk.locator("#case-ledger-entry")).to_contain_text("已验收")
    expect(clerk.locator("#case-ledger-entry")).to_contain_text("已提请销号")
    shot(clerk, "one-life-case")

    # The entry shows the case's records without re-entry, and asks for the sign-off
    clerk.goto(entry_url)
    expect(clerk.locator("#entry-status")).to_have_text("已验收")
    expect(clerk.locator("#entry-red-alert")).to_have_count(0)
    expect(clerk.locator("#entry-measures")).to_contain_text("重建")
    expect(clerk.locator("#entry-measures")).to_contain_text("拆除")
    expect(clerk.locator("#entry-measures .case-link").first).to_have_text("危房改造")
    expect(clerk.locator("#entry-acceptances")).to_contain_text("危房改造")
    expect(clerk.locator("#entry-signoff-proposed")).to_contain_text("提请销号")
    shot(clerk, "one-life-entry")
    # the old house is demolished; the new house of the household names it
    clerk.locator("#entry-house a").click()
    expect(clerk.locator("#house-status")).to_contain_text("已拆除")
    expect(clerk.locator(".replaced-by")).to_have_count(1)
    clerk.context.close()

    # 住建: the county housing department signs the entry off (R-CJ-8)
    page.goto(entry_url)
    page.locator("#entry-steps").get_by_role("link", name="销号").click()
    page.get_by_label("销号日期").fill(TODAY)
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("已销号")
    expect(page.locator("#entry-status")).to_have_text("已销号")

    after = settled(page, {"red_alerts": start["red_alerts"], "grade_d": start["grade_d"] - 1})
    assert after == {"red_alerts": start["red_alerts"], "grade_d": start["grade_d"] - 1}
    shot(page, "one-life-dashboard-after")
