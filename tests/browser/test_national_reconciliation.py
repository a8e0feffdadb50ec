"""对账 in Chromium (national-exchange.md): a county officer exports N1 for a township, loads
it back edited as the national system holds it, and accepts one difference into Anju."""

import re

import openpyxl
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ADDRESS = "山城镇演示一村试验路 9 号"  # seed.py's house
NATIONAL = "有资质的施工队伍建造"  # what the national system holds as its 建造方式
SHOWN = "有资质施工队伍"  # the same, as the house page names it


def test_county_officer_exports_n1_loads_it_back_edited_and_accepts_a_difference(
        page, log_in, shot, tmp_path):
    log_in(page, "mhk_housing")
    page.goto("/exchange/jobs/")
    page.get_by_role("link", name="国家系统版式与对账").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("国家系统版式与对账")
    page.get_by_label("国家版式", exact=True).first.select_option("house-collection")
    page.locator("#national-division").select_option("220581100")
    with page.expect_download() as download:
        page.get_by_role("button", name="下载").click()
    exported = tmp_path / "n1.xlsx"
    download.value.save_as(exported)

    # The national system's copy: the same rows, one house built by a licensed team.
    book = openpyxl.load_workbook(exported)
    sheet = book.active
    header = [c.value for c in sheet[2]]
    assert header[:3] == ["省", "市", "县"]
    address, method = header.index("房屋地址") + 1, header.index("建造方式") + 1
    (row,) = [r for r in range(3, sheet.max_row + 1)
              if sheet.cell(r, address).value == ADDRESS]
    assert sheet.cell(row, method).value != NATIONAL
    sheet.cell(row, method).value = NATIONAL
    edited = tmp_path / "国家系统.xlsx"
    book.save(edited)

    page.locator("#reconcile-layout").select_option("house-collection")
    page.locator("#reconcile-division").select_option("220581100")
    page.get_by_label("国家系统导出的文件（xlsx 或 CSV）").set_input_files(edited)
    page.get_by_role("button", name="载入对账").click()
    expect(page.locator("#job-status")).to_have_attribute("data-status", "succeeded",
                                                          timeout=60_000)
    expect(page.locator(".job-message")).to_contain_text("对账完成")
    shot(page, "reconciliation-job")
    page.get_by_role("link", name="查看并处理对账差异").click()

    difference = page.locator("table.differences tr[data-column='建造方式']")
    expect(difference).to_have_count(1)
    expect(difference.locator(".national-value")).to_have_text(NATIONAL)
    shot(page, "reconciliation-differences")
    difference.get_by_role("button", name="采纳到安居").click()
    expect(page.locator(".messages")).to_contain_text("已采纳到安居")
    expect(page.locator("table.differences tr[data-column='建造方式'] .difference-state")
           ).to_contain_text("已采纳到安居")

    difference.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ADDRESS)
    expect(page.locator("#house-facts")).to_contain_text(SHOWN)
    expect(page).to_have_url(re.compile(r"/houses/\d+/"))
    shot(page, "reconciliation-house")
