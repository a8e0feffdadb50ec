"""An appraiser grades a house and a clerk screens one, in Chinese, through Chromium."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

WALL_C = "砌筑质量很差；裂缝较多，剥蚀严重；纵横墙体脱闪，个别墙体歪斜"


def unrated_low_house(page, division: str) -> dict:
    """A demo house of one or two storeys, not yet appraised, found through the API."""
    r = page.request.get("/api/v1/houses", params={"grade": "unrated", "division": division,
                                                    "page_size": 100})
    assert r.ok, r.text()
    return next(h for h in r.json()["items"] if h["floors"] <= 2)


def test_appraiser_sees_the_computed_grade_live_and_saves_it(page, log_in, shot):
    log_in(page, "appraiser1")
    house = unrated_low_house(page, "220581101")
    page.goto(f"/registry/houses/{house['id']}/")
    panel = page.locator("#appraisal-panel")
    expect(panel.get_by_role("heading", name="排查初判与安全性鉴定")).to_be_visible()
    panel.get_by_role("link", name="录入安全性鉴定").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("录入安全性鉴定")
    computed = page.locator("#computed-grade")
    expect(computed).to_contain_text("尚有构件未评定：地基基础、承重墙")

    page.get_by_label(WALL_C).check()  # the appraiser picks the official description
    for component, rating in [("timber_frame", "b"), ("timber_truss", "a"),
                              ("concrete_frame", "n/a"), ("roof", "b")]:
        page.locator(f"input[name=components_{component}][value='{rating}']").check()
    expect(computed).to_contain_text("尚有构件未评定：地基基础")
    page.locator("input[name=components_foundation][value=a]").check()
    expect(computed.locator(".computed-letter")).to_have_text("C")
    expect(computed).to_contain_text("部分承重结构不能满足正常使用要求，局部出现险情，构成局部危房")
    page.get_by_label("部分具备").check()
    shot(page, "appraisal-form-computed")

    # A grade other than the computed one needs a reason: said live, then refused on saving.
    page.get_by_label("鉴定等级", exact=True).select_option("A")
    expect(computed).to_contain_text("选定的鉴定等级 A 与计算等级 C 不同")
    page.get_by_role("button", name="保存鉴定").click()
    expect(page.locator("#field-grade .field-error")).to_have_text(
        "录入的等级 A 与按构件计算的等级 C 不一致，综合判定时应写明理由")
    expect(page.locator(".form-errors")).to_contain_text("未保存")
    expect(page.locator("#computed-grade .computed-letter")).to_have_text("C")
    shot(page, "appraisal-form-grade-refused")

    page.get_by_label("鉴定等级", exact=True).select_option("")
    page.get_by_role("button", name="保存鉴定").click()
    page.wait_for_url(re.compile(rf"/registry/houses/{house['id']}/$"))
    expect(page.locator(".messages")).to_contain_text("安全性鉴定已保存：C级（局部危险）")
    expect(page.locator("#house-facts .grade")).to_have_text("C级（局部危险）")
    expect(page.locator("#house-grade")).to_have_text("C级（局部危险）")
    expect(page.locator("table.appraisals")).to_contain_text("承重墙 c")
    shot(page, "house-after-appraisal")


def test_clerk_adds_an_item_row_and_a_serious_screening_gets_a_hazard_number(page, log_in,
                                                                            shot):
    log_in(page, "shancheng")
    house = unrated_low_house(page, "220581100")
    page.goto(f"/registry/houses/{house['id']}/")
    page.locator("#appraisal-panel").get_by_role("link", name="录入排查初判").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("录入排查初判")
    rows = page.locator("#item-rows tr")
    expect(rows).to_have_count(3)
    page.get_by_role("button", name="添加一项").click()
    expect(rows).to_have_count(4)
    expect(page.locator("#id_items-TOTAL_FORMS")).to_have_value("4")
    page.locator("select[name=items-3-kind]").select_option("cantilever_root_crack")
    page.locator("input[name=items-3-note]").fill("南侧阳台")
    shot(page, "screening-form")
    page.get_by_role("button", name="保存排查初判").click()
    page.wait_for_url(re.compile(rf"/registry/houses/{house['id']}/$"))
    messages = page.locator(".messages")
    expect(messages).to_contain_text("排查初判已保存：存在严重安全隐患。")
    expect(messages).to_contain_text(re.compile(r"已登记新增隐患 YH220581\d{9}"))
    expect(messages).to_contain_text("搬离人员、腾空封房、专人值守、张贴警示标识")
    panel = page.locator("#appraisal-panel")
    expect(panel.locator(".badge-awaiting")).to_have_text("待鉴定")
    expect(panel.locator("table.screenings")).to_contain_text("南侧阳台")
    shot(page, "house-after-screening")


def test_the_forms_fit_a_phone_and_controls_appear_with_a_major_hazard(chromium, server,
                                                                       log_in, shot):
    context = chromium.new_context(base_url=server, locale="zh-CN",
                                   viewport={"width": 360, "height": 740},
                                   device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        log_in(page, "appraiser1")
        house = unrated_low_house(page, "220581101")
        page.goto(f"/appraisal/houses/{house['id']}/appraisals/new/")
        page.locator("input[name=components_roof][value=d]").check()
        expect(page.locator("#computed-grade")).to_contain_text("尚有构件未评定")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"the appraisal form scrolls sideways: {width}px"
        shot(page, "phone-appraisal-form")

        page.goto(f"/appraisal/houses/{house['id']}/inspections/new/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        expect(page.get_by_label("搬离人员")).to_be_hidden()
        page.get_by_label("发现重大安全隐患").check()
        expect(page.get_by_label("搬离人员")).to_be_checked()
        expect(page.get_by_label("警戒线")).not_to_be_checked()
        shot(page, "phone-inspection-form")
    except Exception:
        shot(page, "phone-appraisal-failure")
        raise
    finally:
        context.close()
