"""Each role's day, in Chinese, through Chromium: from the home page to the day's work, with
what the person sees (the figures, their units, the lists they open); and each role's home at
a desktop and a phone width, without sideways scrolling and with a header that leaves the phone
its screen."""

import io
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DESK = {"width": 1366, "height": 768}
PHONE = {"width": 360, "height": 640}
EVACUATE_ADDRESS = "山城镇演示二村东街 3 号"  # seed.py
CAPTURE_ADDRESS = "山城镇演示一村南街 1 号"
APPROVE_HEAD, PAY_HEAD = "田秋月", "孔德平"
ROLES = ["shancheng", "cadre", "mhk_civil", "mhk_rural", "mhk_finance", "mhk_housing",
         "appraiser1", "changji"]


def picture(name: str) -> dict:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 240), (150, 110, 70)).save(out, "PNG")
    return {"name": name, "mimeType": "image/png", "buffer": out.getvalue()}


@pytest.fixture
def open_as(chromium, server, log_in):
    """open_as(username, viewport) -> a signed-in page of its own; closed after the test."""
    contexts = []

    def make(username, viewport=DESK, **options):
        context = chromium.new_context(base_url=server, locale="zh-CN", viewport=viewport,
                                       timezone_id="Asia/Shanghai", **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        log_in(page, username)
        return page

    yield make
    for context in contexts:
        context.close()


def figure(page, key: str):
    return page.locator(f"#work [data-figure={key}]")


def count_of(page, key: str) -> int:
    return int(figure(page, key).locator(".figure-n").inner_text().replace(",", ""))


@pytest.mark.parametrize("username", ROLES)
def test_each_home_fits_a_desktop_and_a_phone_with_a_small_header(open_as, shot, username):
    desk = open_as(username, DESK)
    expect(desk.locator("#work .figure").first).to_be_visible()
    expect(desk.locator(".mainnav")).to_be_visible()  # the menu stays open on a wide screen
    assert desk.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(desk, f"home-{username}-1366")

    phone = open_as(username, PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    expect(phone.locator("#work .figure").first).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    header = phone.locator(".topbar").bounding_box()["height"]
    assert header < 0.15 * PHONE["height"], f"the header takes {header}px of 640"
    menu = phone.locator(".mainnav")
    expect(menu).to_be_hidden()  # folded behind its button
    button = phone.get_by_text("菜单", exact=False).first
    button.focus()
    phone.keyboard.press("Enter")  # the keyboard opens it as well as a finger
    expect(menu).to_be_visible()
    expect(menu.locator("a").first).to_have_text("首页")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.keyboard.press("Enter")
    expect(menu).to_be_hidden()
    shot(phone, f"home-{username}-360")


def test_the_auditor_lands_on_the_log_and_filters_it_by_user(open_as, shot):
    page = open_as("auditor")
    expect(page.get_by_role("heading", level=1)).to_have_text("审计日志")
    expect(page.locator("[data-menu]")).to_have_text(["审计日志", "规则"])
    page.get_by_label("用户名").fill("shancheng")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(re.compile(r"username=shancheng"))
    users = page.locator("table.audit tbody tr td:nth-child(2)").all_inner_texts()
    assert users and all("shancheng" in u for u in users), users
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # The log still shows role and object codes as recorded; their readable names are another
    # part of this work.
    shot(page, "auditor-filtered-log")


def test_the_house_banner_leads_to_the_ledger_entry(open_as):
    # before the evacuation below: the house is still lived in (pytest keeps the file's order)
    page = open_as("shancheng")
    page.get_by_role("searchbox", name="搜索房屋").fill(EVACUATE_ADDRESS)
    page.get_by_role("searchbox", name="搜索房屋").press("Enter")
    page.locator("table.houses tbody tr a").first.click()
    banner = page.locator(".alert-banner")
    expect(banner).to_contain_text("应立即搬离人员")
    banner.get_by_role("link", name="到整治台账登记搬离").click()
    page.wait_for_url(re.compile(r"/rectification/(\d+/|\?alert=1)$"))


def test_township_clerk_goes_from_the_red_alert_to_a_recorded_evacuation_in_three_clicks(
        open_as, shot):
    page = open_as("shancheng")
    red = figure(page, "red_alerts")
    expect(red).to_contain_text("危房仍有人居住（栋）")
    before = count_of(page, "red_alerts")
    card = page.locator("#red-alert-card")
    expect(card.get_by_role("heading")).to_have_text(f"{before} 栋危房仍有人居住，应立即搬离人员")
    shot(page, "clerk-home-red-alert")

    card.get_by_role("link", name=EVACUATE_ADDRESS).click()  # 1
    expect(page.get_by_role("heading", level=1)).to_have_text(EVACUATE_ADDRESS)
    expect(page.locator("#entry-red-alert")).to_contain_text("应立即搬离人员")
    page.get_by_role("link", name="登记搬离人员").click()  # 2
    today = page.evaluate("new Date().toLocaleDateString('sv-SE')")
    expect(page.get_by_label("措施", exact=True)).to_have_value("evacuate")
    expect(page.get_by_label("开始日期")).to_have_value(today)
    expect(page.get_by_label("完成（落实）日期")).to_have_value(today)
    page.get_by_role("button", name="保存").click()  # 3
    expect(page.locator(".messages")).to_contain_text("整治措施已登记")
    expect(page.locator("#entry-measures")).to_contain_text("搬离人员")
    expect(page.locator("#entry-red-alert")).to_have_count(0)
    shot(page, "clerk-evacuation-recorded")

    page.get_by_role("link", name="首页").first.click()
    expect(figure(page, "red_alerts").locator(".figure-n")).to_have_text(str(before - 1))


def test_civil_affairs_goes_from_home_to_an_approval(open_as, shot):
    page = open_as("mhk_civil")
    expect(page.locator("[data-menu]").first).to_have_text("首页")
    expect(page.locator("[data-menu]").nth(1)).to_have_text("待我审批")
    waiting = figure(page, "approvals_waiting")
    expect(waiting).to_contain_text("待本部门审批（件）")
    before = count_of(page, "approvals_waiting")
    assert before >= 1
    shot(page, "civil-home")
    waiting.click()
    rows = page.locator("#queue-rows tbody tr")
    expect(rows).to_have_count(before)
    row = rows.filter(has_text=APPROVE_HEAD)
    row.get_by_role("link", name="审批").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("民政部门审批")
    page.get_by_label("同意", exact=True).check()
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("部门审批已保存")
    shot(page, "civil-approved")
    page.get_by_role("link", name="首页").first.click()
    expect(figure(page, "approvals_waiting").locator(".figure-n")).to_have_text(str(before - 1))


def test_finance_goes_from_home_to_a_payment(open_as, shot):
    page = open_as("mhk_finance")
    due = figure(page, "payments_due")
    expect(due).to_contain_text("待拨付补助（件）")
    expect(figure(page, "payments_late")).to_contain_text("补助逾期未拨付（件）")
    before = count_of(page, "payments_due")
    assert before >= 1
    shot(page, "finance-home")
    due.click()
    expect(page.locator("[data-status=accepted] .n")).to_have_text(str(before))
    page.locator("tr", has_text=PAY_HEAD).get_by_role("link").first.click()
    page.locator("#case-steps").get_by_role("link", name="拨付补助", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("拨付补助")
    page.get_by_label("拨付凭证号").fill("MHK-CZ-2026-0911")
    page.get_by_label("拨付凭证扫描件").set_input_files(picture("凭证.png"))
    page.get_by_label("农户签收单").set_input_files(picture("签收单.png"))
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("拨付补助已保存")
    expect(page.locator("#case-status")).to_have_text("已拨付")
    shot(page, "finance-paid")
    page.get_by_role("link", name="首页").first.click()
    expect(figure(page, "payments_due").locator(".figure-n")).to_have_text(str(before - 1))


def test_the_appraiser_goes_from_home_to_a_saved_appraisal_with_photos(open_as, shot):
    page = open_as("appraiser1")
    expect(page.locator("[data-menu]").nth(1)).to_have_text("定期巡检")
    unrated = figure(page, "unrated_houses")
    expect(unrated).to_contain_text("待鉴定房屋（栋）")
    before = count_of(page, "unrated_houses")
    shot(page, "appraiser-home")
    unrated.click()
    expect(page.locator(".pager-total").first).to_contain_text(f"共 {before} 条")
    page.locator("table.houses tbody tr a").first.click()
    page.locator("#appraisal-panel").get_by_role("link", name="录入安全性鉴定").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("录入安全性鉴定")
    for name in set(page.locator("input[type=radio][name^=components_]").evaluate_all(
            "els => els.map(e => e.name)")):
        choices = page.locator(f"input[name={name}]")
        rated = page.locator(f"input[name={name}][value=a]")
        (rated if rated.count() else choices.first).check()
    photos = page.locator("input[type=file][name^=component_photos_]")
    assert photos.count() >= 1, "the form offers a photo for each component"
    photos.first.set_input_files(picture("地基.png"))
    page.get_by_label("部分具备").check()
    page.get_by_role("button", name="保存鉴定").click()
    expect(page.locator(".messages")).to_contain_text("安全性鉴定已保存")
    expect(page.locator("#appraisal-panel")).to_contain_text("照片1")
    shot(page, "appraiser-saved")
    page.get_by_role("link", name="首页").first.click()
    expect(figure(page, "unrated_houses").locator(".figure-n")).to_have_text(str(before - 1))


def test_the_village_cadre_on_a_phone_opens_the_field_app_from_the_menu(open_as, shot):
    page = open_as("cadre", PHONE, is_mobile=True, has_touch=True)
    expect(figure(page, "red_alerts")).to_contain_text("（栋）")
    page.get_by_text("菜单").first.click()
    nav = page.locator("[data-menu]")
    expect(nav.nth(1)).to_have_text("信息采集助手")  # the phone's capture comes first
    nav.nth(1).click()
    expect(page.locator("#sync-status")).to_contain_text(re.compile(r"本机 \d+ 栋"),
                                                         timeout=30_000)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.locator("#house-search").fill(CAPTURE_ADDRESS)
    page.locator(".house-row", has_text=CAPTURE_ADDRESS).first.click()
    expect(page.locator(".house-card h2")).to_have_text(CAPTURE_ADDRESS)
    page.locator("a[data-kind=screening]").click()
    page.locator(".item-row.level-general").first.locator("input[type=checkbox]").check()
    page.locator("input[type=file][capture=environment]").set_input_files(picture("墙体.png"))
    page.get_by_role("button", name="保存到待发送队列").click()
    # online, the capture is sent at once; offline it waits in the phone's queue
    expect(page.locator("#toast")).to_contain_text(re.compile("已保存"))
    shot(page, "cadre-capture-saved")
