"""Evidence from the house (ADR 0048): a village cadre on a phone captures the foundation
inspection of a rebuild with a poor GPS fix and a photo from the gallery and sees the flags;
the township clerk accepts them with a reason and records the inspection on that capture."""

import io
import random
import re

from PIL import Image
from playwright.sync_api import expect

EVIDENCE_AT = (42.531200, 125.671500)  # the house's recorded position (seed.py)


def jpeg(seed: int) -> bytes:
    rng = random.Random(seed)
    small = Image.new("L", (16, 12))
    small.putdata([rng.randrange(256) for _ in range(16 * 12)])
    out = io.BytesIO()
    small.resize((640, 480)).convert("RGB").save(out, "JPEG", quality=85)
    return out.getvalue()


def test_a_poor_fix_and_a_gallery_photo_are_flagged_and_the_township_accepts_them(
        chromium, server, log_in, shot):
    phone = chromium.new_context(
        base_url=server, locale="zh-CN", viewport={"width": 360, "height": 740},
        device_scale_factor=2, is_mobile=True, has_touch=True,
        permissions=["geolocation"],
        geolocation={"latitude": EVIDENCE_AT[0], "longitude": EVIDENCE_AT[1],
                     "accuracy": 150})
    phone.set_default_timeout(15_000)
    page = phone.new_page()
    try:
        log_in(page, "cadre")
        page.goto("/assistance/?status=under_construction&division=220581100001")
        page.locator("tr", has_text="滕").get_by_role("link").first.click()
        case_url = page.url
        page.get_by_role("link", name="手机现场取证（关键节点检查）").click()
        expect(page.locator("[data-gps-status]")).to_have_text(
            f"已定位：北纬 {EVIDENCE_AT[0]:.6f}，东经 {EVIDENCE_AT[1]:.6f}，精度约 ±150 米"
            "（精度差于 50 米，将记为疑点）")
        assert page.locator("#camera").get_attribute("capture") == "environment"
        page.locator("#camera").set_input_files(
            {"name": "foundation.jpg", "mimeType": "image/jpeg", "buffer": jpeg(261)})
        page.locator("#gallery").set_input_files(
            {"name": "old.jpg", "mimeType": "image/jpeg", "buffer": jpeg(262)})
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.get_by_role("button", name="提交取证").click()
        page.wait_for_url(re.compile(r"/evidence/\d+/$"))
        capture_url = page.url
        expect(page.locator(".messages")).to_contain_text(
            "取证已保存，但有疑点，须经乡镇或县级审核认可")
        expect(page.locator("h1")).to_have_text("关键节点检查现场取证 有疑点待审核")
        expect(page.locator("[data-flags] li")).to_have_text([
            "定位精度差 定位精度约 150 米，超过 50 米",
            "相册照片 第 2 张：照片从相册选取，不是现场拍摄"])
        expect(page.locator(".evidence-photos tbody tr")).to_have_count(2)
        expect(page.locator(".evidence-photos tbody tr").nth(1)).to_contain_text("相册选取")
        expect(page.get_by_role("button", name="认可疑点")).to_have_count(0)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        shot(page, "phone-evidence-flagged")
    finally:
        phone.close()

    desk = chromium.new_context(base_url=server, locale="zh-CN",
                                viewport={"width": 1280, "height": 900})
    desk.set_default_timeout(15_000)
    page = desk.new_page()
    try:
        log_in(page, "shancheng")
        page.goto(capture_url)
        page.get_by_role("button", name="认可疑点").click()
        expect(page.locator(".form-errors")).to_contain_text("认可有疑点的现场取证须写明理由")
        page.get_by_label("认可理由").fill("东岭山坳信号弱，已与村干部视频核实在现场")
        page.get_by_role("button", name="认可疑点").click()
        expect(page.locator(".messages")).to_contain_text("已认可该取证的疑点")
        expect(page.locator("h1")).to_have_text("关键节点检查现场取证 疑点已认可")
        expect(page.locator("[data-flags] li").first).to_contain_text(
            "认可，理由：东岭山坳信号弱，已与村干部视频核实在现场")

        page.goto(case_url.rstrip("/") + "/stage_inspection/")
        page.get_by_label("施工节点").select_option("foundation")
        page.get_by_label("合格", exact=True).check()
        page.get_by_label("现场取证").select_option(index=1)
        page.get_by_role("button", name="保存").click()
        page.wait_for_url(case_url)
        row = page.locator("#case-inspections tbody tr").first
        expect(row.locator(".evidence-flag")).to_have_text(["已认可·定位精度差",
                                                            "已认可·相册照片"])
        shot(page, "case-step-evidence-accepted")
    finally:
        desk.close()
