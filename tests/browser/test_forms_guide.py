"""Forms that guide: a six-person family entered in one save with rows added on the page, and a
second 户主 refused with the error summary taking the focus and nothing saved."""

import re

from playwright.sync_api import expect

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
FAMILY = (("韩立业", "户主"), ("韩妻秀", "配偶"), ("韩长生", "子女"), ("韩二妮", "子女"),
          ("韩老根", "父母"), ("韩小宝", "孙子女"))


def id_number(serial: int) -> str:
    first17 = f"22058119720304{serial:03d}"
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def _open_form(page, log_in, head: str, serial: int, persons: int):
    log_in(page, "shancheng")
    page.goto("/registry/households/new")
    page.get_by_label("所在村").fill("演示一")
    page.locator(".picker-option", has_text="演示一村").first.click()
    page.get_by_label("户主姓名").fill(head)
    page.get_by_label("户主身份证号").fill(id_number(serial))
    page.get_by_label("家庭人口").fill(str(persons))


def _fill_rows(page, family, first_serial: int):
    add = page.get_by_role("button", name="添加一行")
    rows = page.locator("[data-rows-body] tr[data-row]:visible")
    while rows.count() < len(family):
        add.click()
    # row 1 is the head, with the head's ID number
    for n, (name, relation) in enumerate(family, start=1):
        page.get_by_label(f"第 {n} 位成员姓名").fill(name)
        page.get_by_label(f"第 {n} 位成员与户主关系").select_option(label=relation)
        page.get_by_label(f"第 {n} 位成员身份证号").fill(id_number(first_serial + n - 1))


def test_a_six_person_family_is_entered_in_one_save(page, log_in, shot):
    _open_form(page, log_in, "韩立业", 100, 6)
    # the required fields are said before saving
    expect(page.locator("label.required", has_text="户主姓名")).to_have_count(1)
    expect(page.get_by_label("户主姓名")).to_have_attribute("aria-required", "true")
    _fill_rows(page, FAMILY, 100)
    # a row added by mistake goes away without a save
    page.get_by_role("button", name="添加一行").click()
    page.locator("[data-rows-body] tr[data-row]:visible").last.get_by_role(
        "button", name="删除").click()
    expect(page.locator("[data-rows-body] tr[data-row]:visible")).to_have_count(6)
    shot(page, "household-six-rows")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/registry/households/\d+/$"))
    body = page.locator("main")
    for name, _ in FAMILY:
        expect(body).to_contain_text(name)


def test_a_second_head_is_refused_and_the_summary_takes_the_focus(page, log_in, shot):
    _open_form(page, log_in, "鲁德胜", 200, 2)
    _fill_rows(page, (("鲁德胜", "户主"), ("鲁德全", "户主")), 200)
    page.get_by_role("button", name="保存").click()
    summary = page.locator(".form-errors")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("户主")
    shot(page, "household-second-head")
    page.goto("/registry/households/?q=鲁德胜")
    expect(page.locator("main")).not_to_contain_text("鲁德全")
