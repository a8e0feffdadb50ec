"""A clerk finds a house on the ledger by what they know of it, picks a place by name, and
reads on the house page where its grade came from."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ADDRESS = "山城镇演示一村试验路 9 号"


def test_clerk_finds_the_ledger_entry_by_head_name_and_by_address(page, log_in, shot):
    log_in(page, "mhk_housing")
    page.goto("/rectification/")
    page.get_by_role("searchbox", name="搜索", exact=True).fill("韩冬梅")
    page.get_by_role("searchbox", name="搜索", exact=True).press("Enter")
    rows = page.locator("table.ledger tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("td[data-label=户主]")).to_have_text("韩冬梅")
    page.get_by_role("searchbox", name="搜索", exact=True).fill("试验路")
    page.get_by_role("searchbox", name="搜索", exact=True).press("Enter")
    expect(page.get_by_role("link", name=ADDRESS)).to_be_visible()
    shot(page, "ledger-search")
    page.get_by_role("link", name=ADDRESS).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ADDRESS)
    expect(page.locator("#entry-head")).to_have_text("韩冬梅")
    expect(page.locator("#entry-house a")).to_have_text(ADDRESS)


def test_clerk_narrows_the_ledger_to_a_township_picked_by_name(page, log_in):
    log_in(page, "mhk_housing")
    page.goto("/rectification/")
    page.get_by_label("乡镇或村").fill("山城")
    option = page.locator(".picker-option").first
    expect(option).to_contain_text("山城镇")
    option.click()
    page.wait_for_url(re.compile(r"division=220581100"))
    expect(page.locator(".picker-chosen")).to_contain_text("山城镇")
    places = page.locator("table.ledger td[data-label=所在村]").all_inner_texts()
    assert places and all(place.startswith("山城镇") for place in places)


def test_the_house_page_says_its_grade_came_with_the_data_not_from_an_appraisal(page, log_in):
    log_in(page, "shancheng")
    page.goto("/registry/houses/?q=试验路")
    page.get_by_role("link", name=ADDRESS).click()
    expect(page.locator("#house-facts .grade")).to_have_text("D级（整栋危险）")
    expect(page.locator("#grade-source")).to_contain_text("来自导入（")
    expect(page.locator("#panel-grade-source")).to_contain_text("等级来源：来自导入（")
    expect(page.locator("#no-appraisals")).to_contain_text("当前 D 级随数据导入")
    expect(page.get_by_text("尚未鉴定。")).to_have_count(0)
