"""点对点核实比对 (R-CJ-3): a county officer compares a record with the house on site; the one
difference becomes a finding that the township sees on its work list."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ADDRESS = "山城镇演示一村试验路 9 号"  # tests/browser/seed.py: recorded as 土木, built 1978


def test_county_officer_records_one_difference_and_the_township_sees_the_finding(
        page, chromium, server, log_in, shot):
    log_in(page, "mhk_housing")
    page.goto("/registry/houses/?q=试验路")
    page.get_by_role("link", name=ADDRESS).click()
    page.locator("#verify-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("点对点核实比对")

    structure = page.locator("#row-structure")
    expect(structure).to_contain_text("土木")
    structure.locator("select").select_option("masonry_cast")
    structure.locator("input[type=text]").fill("实地为砖墙承重，登记有误")
    page.locator("#row-floors input[type=checkbox]").check()
    page.locator("#row-built_year input[type=checkbox]").check()
    shot(page, "verification-form")
    page.get_by_role("button", name="保存核实记录").click()
    page.wait_for_url(re.compile(r"/quality/\?.*house=\d+"))
    expect(page.locator(".messages")).to_contain_text("1 处与记录不一致，已交乡镇整改")

    # The township clerk finds it on the work list, with its deadline.
    context = chromium.new_context(base_url=server, locale="zh-CN",
                                   viewport={"width": 1280, "height": 860})
    township = context.new_page()
    try:
        log_in(township, "shancheng")
        township.goto("/quality/worklist/?tab=findings")
        row = township.locator("tr", has_text=ADDRESS).filter(has_text="结构类型")
        expect(row).to_have_count(1)
        expect(row).to_contain_text("点对点核实：结构类型记录为“土木”，实地为“砖石（非预制板）”")
        expect(row).to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2}"))
        shot(township, "verification-finding-for-township")
    finally:
        context.close()
