"""The supervision dashboard in the browser: a county officer opens it, sorts the townships by
red alerts, drills down to a township and opens its map, where the houses show without any
map tiles (the demo works offline), then exports the county's houses as a background job and
downloads the file; no page breaks the Content-Security-Policy."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

TOWNSHIP = "山城镇"
ADDRESS = "山城镇演示一村试验路 9 号"  # seed.py: an occupied D house of 山城镇 (a red alert)


def test_county_officer_drills_down_from_the_dashboard_to_a_township_map(page, log_in, shot):
    refused = []
    page.on("console", lambda m: refused.append(m.text)
            if m.type == "error" and "Content Security Policy" in m.text else None)
    log_in(page, "mhk_housing")
    page.get_by_role("link", name="统计看板").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("梅河口市统计看板")
    expect(page.locator('#key-figures [data-figure="houses"] .figure-n')).not_to_have_text("0")
    expect(page.locator("#chart-progress")).to_have_attribute("data-ready", "1")
    expect(page.locator("#chart-progress canvas").first).to_be_visible()
    shot(page, "dashboard-county")

    page.locator("#children thead").get_by_role("link", name="危房住人").click()
    expect(page).to_have_url(re.compile(r"sort=red_alerts"))
    alerts = [int(t.replace(",", "")) for t in
              page.locator("#children tbody td.col-red_alerts").all_inner_texts()]
    # 山城镇 leads: seed.py's D house and C house under repair, and the role day's occupied D
    # house to evacuate among them (test_assistance's rebuilt house was pulled down: no longer
    # a red alert, R-CJ-8a); a test that ran before may have added one
    assert alerts == sorted(alerts, reverse=True) and alerts[0] >= 3 > alerts[1]

    page.locator("#children").get_by_role("link", name=TOWNSHIP, exact=True).click()
    expect(heading).to_contain_text(f"{TOWNSHIP}统计看板")
    red_alerts = page.locator("#red-alerts")
    expect(red_alerts).to_contain_text(ADDRESS)
    expect(red_alerts).to_contain_text("韩**")  # the head of household, masked
    expect(red_alerts).not_to_contain_text("韩冬梅")
    shot(page, "dashboard-township")

    page.get_by_role("link", name="房屋地图").click()
    expect(heading).to_contain_text(f"{TOWNSHIP}房屋地图")
    expect(page.locator("#map-no-tiles")).to_be_visible()
    expect(page.locator("#map-status")).to_contain_text("栋有坐标的房屋")
    points = page.locator("#house-map")
    expect(points).to_have_attribute("data-points", re.compile(r"^[1-9]\d*$"))
    expect(page.locator("#house-map .house-pt, #house-map .house-cluster").first).to_be_visible()
    assert page.locator("#house-map img.leaflet-tile").count() == 0  # no tiles asked for
    shot(page, "dashboard-township-map")

    # An export of the county's houses runs in the background; the download appears when done.
    page.get_by_role("link", name="导入导出").click()
    page.select_option("#export-kind", "houses")
    page.get_by_role("button", name="在后台导出").click()
    download_link = page.get_by_role("link", name="下载文件").first
    expect(download_link).to_be_visible(timeout=60_000)
    with page.expect_download() as download:
        download_link.click()
    saved = download.value.path()
    assert saved is not None and Path(saved).read_bytes()[:2] == b"PK"  # an xlsx (zip)
    shot(page, "exchange-jobs")

    assert refused == []
