"""The rectification ledger in the browser: a red alert leaves the county's dashboard once the
township clerk has evacuated and sealed the house (R-CJ-6)."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ADDRESS = "山城镇演示一村试验路 9 号"  # seed.py: an occupied D house of 山城镇


def shancheng_alerts(page) -> int:
    page.goto("/rectification/")
    cell = page.locator('#ledger-by-division tr[data-division="220581100"] td.red-alerts')
    return int(cell.inner_text().replace(",", ""))


def test_clerk_evacuates_and_seals_an_occupied_d_house_and_the_alert_leaves_the_county(
        page, log_in, shot, chromium, server):
    log_in(page, "mhk_housing")
    before = shancheng_alerts(page)
    # seed.py's house at least (test_assistance's was rebuilt and its old house pulled down,
    # R-CJ-8a; test_placement's C host house is occupied on the ledger)
    assert before >= 1
    shot(page, "ledger-county-before")

    clerk = chromium.new_context(base_url=server, locale="zh-CN",
                                 viewport={"width": 1280, "height": 860}).new_page()
    clerk.set_default_timeout(10_000)
    log_in(clerk, "shancheng")
    clerk.get_by_role("link", name="整治台账").click()
    clerk.get_by_label("预警", exact=True).select_option("1")
    clerk.wait_for_url(re.compile(r"alert=1"))
    clerk.get_by_role("link", name=ADDRESS).click()
    expect(clerk.get_by_role("heading", level=1)).to_have_text(ADDRESS)
    expect(clerk.locator("#entry-red-alert")).to_contain_text("应立即搬离人员")

    today = clerk.evaluate("new Date().toLocaleDateString('sv-SE')")
    for kind in ("搬离人员", "腾空封房"):
        clerk.get_by_role("link", name="登记整治措施").click()
        clerk.get_by_label("措施", exact=True).select_option(label=kind)
        clerk.get_by_label("开始日期").fill(today)
        clerk.get_by_label("完成（落实）日期").fill(today)
        clerk.get_by_role("button", name="保存").click()
        expect(clerk.locator(".messages")).to_contain_text("整治措施已登记")
    expect(clerk.locator("#entry-status")).to_have_text("已管控")
    expect(clerk.locator("#entry-occupancy")).to_have_text("腾空封房")
    expect(clerk.locator("#entry-red-alert")).to_have_count(0)
    expect(clerk.locator("#entry-timeline")).to_contain_text("落实管控措施")
    shot(clerk, "ledger-entry-after")
    clerk.context.close()

    assert shancheng_alerts(page) == before - 1
    shot(page, "ledger-county-after")
