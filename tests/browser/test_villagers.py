"""Villagers in the loop on a 360 px phone: the township prints a warning sign, a villager
scans its QR code and reports someone living in the house, the township clerk finds the lead
on the home page and closes it with an inspection; a household looks up its own case. And the
officials' own reminders: the header counts the unread ones, the 提醒 page marks one read."""

import re
import subprocess

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from anju.assistance.codes import Status
from anju.registry.rules import id_check_character

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def test_a_villager_reports_at_a_sign_and_the_township_closes_the_lead(
        page, log_in, shot, chromium, server, tmp_path):
    log_in(page, "shancheng")
    page.goto("/public/signs/")
    page.get_by_label("乡镇联系电话（印在标志上）").fill("0435-4221234")
    page.get_by_role("button", name="保存电话").click()
    expect(page.locator(".messages")).to_contain_text("乡镇联系电话已保存")
    page.locator('#signs input[name="entry"]').first.check()
    with page.expect_download() as download:
        page.get_by_role("button", name="打印勾选房屋的警示标志（PDF）").click()
    pdf = tmp_path / "sign.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "危险房屋 禁止居住使用" in text and "0435-4221234" in text
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "sign")], check=True)
    [png] = tmp_path.glob("sign-*.png")
    url = zxingcpp.read_barcodes(Image.open(png))[0].text
    assert re.fullmatch(re.escape(server) + r"/s/[A-Za-z0-9_-]{43}", url)

    phone = chromium.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True,
                                 has_touch=True).new_page()
    phone.set_default_timeout(10_000)
    phone.goto(url)
    expect(phone.get_by_role("heading", level=1)).to_have_text("危险房屋 禁止居住使用")
    expect(phone.locator("#sign-state")).to_contain_text("任何人不得进入、居住或使用")
    expect(phone.get_by_role("link", name="0435-4221234")).to_be_visible()
    phone.get_by_label("有人居住或使用").check()
    phone.get_by_label("补充说明（选填）").fill("晚上有灯，有老人住在里面")
    phone.get_by_label("您的电话（选填，仅乡镇工作人员可见）").fill("13700001234")
    phone.get_by_role("button", name="提交反映").click()
    expect(phone.locator("#reported")).to_have_text(
        "谢谢您参与村民监督。乡镇将在 3 日内到现场核查。")
    shot(phone, "villager-reported")
    phone.context.close()

    page.goto("/")
    page.get_by_role("link", name=re.compile("村民监督线索待核查")).click()
    page.wait_for_url(re.compile(r"/public/leads/\?status=open"))
    page.locator("#leads tbody a").first.click()
    expect(page.locator("#lead-kind")).to_have_text("有人居住或使用")
    expect(page.locator("#lead-text")).to_have_text("晚上有灯，有老人住在里面")
    page.get_by_label("检查方式").select_option(label="乡镇巡查")
    page.get_by_label("失效").check()
    page.get_by_label("说明").fill("现场确有老人居住，已劝离并加固围挡")
    page.get_by_role("button", name="登记核查并办结").click()
    expect(page.locator(".messages")).to_contain_text("核查已登记，村民监督线索已办结")
    expect(page.locator("#lead-status")).to_contain_text("已核查")
    expect(page.locator("#lead-transitions li")).to_have_count(2)
    shot(page, "lead-closed")


def test_a_household_looks_up_its_own_case_on_a_phone(chromium, server, shot):
    phone = chromium.new_context(base_url=server, locale="zh-CN", viewport=PHONE,
                                 is_mobile=True, has_touch=True).new_page()
    phone.set_default_timeout(10_000)
    phone.goto("/public/status/")
    phone.get_by_label("县（市、区）").select_option(label="梅河口市")
    phone.get_by_role("button", name="下一步").click()
    phone.get_by_label("乡镇（街道）").select_option(label="红梅镇")
    phone.get_by_role("button", name="下一步").click()
    phone.get_by_label("村", exact=True).select_option(value="220581101001")
    first17 = "22058119581106224"  # seed.py: the rebuild case of 鲍秀兰
    phone.get_by_label("户主姓名").fill("鲍秀兰")
    phone.get_by_label("户主身份证号后六位").fill((first17 + id_check_character(first17))[-6:])
    phone.get_by_role("button", name="查询").click()
    expect(phone.get_by_role("heading", name="查询结果")).to_be_visible()
    stage = phone.locator("#status-stage").inner_text()
    assert stage in [label for _, label in Status.choices]
    expect(phone.locator("#status-answer")).not_to_contain_text("鲍秀兰")
    shot(phone, "household-status")

    phone.get_by_label("户主姓名").fill("鲍秀兰")
    phone.get_by_label("户主身份证号后六位").fill("000000")
    phone.get_by_role("button", name="查询").click()
    expect(phone.locator("#status-missed")).to_contain_text("未找到符合的记录")
    phone.context.close()


def test_an_official_sees_the_unread_count_and_marks_a_reminder_read(page, log_in, shot):
    log_in(page, "hongmei")  # seed.py: three unread reminders, read by this test alone
    page.goto("/")
    expect(page.locator("#unread-count")).to_have_text("3")
    expect(page.locator("#unread-count")).to_have_attribute("title", "3 条未读")
    page.locator("#reminders-link").click()
    page.wait_for_url(re.compile(r"/reminders/$"))
    expect(page.locator("#unread")).to_have_text("3 条未读")
    first = page.locator("#reminders tbody tr.unread").first
    expect(first).to_contain_text("管控检查")
    first.get_by_role("button", name="标为已读").click()
    expect(page.locator("#unread")).to_have_text("2 条未读")
    expect(page.locator("#reminders tbody tr.unread")).to_have_count(2)
    expect(page.locator("#reminders tbody")).to_contain_text("已读")
    expect(page.locator("#unread-count")).to_have_text("2")
    shot(page, "reminders-read")
