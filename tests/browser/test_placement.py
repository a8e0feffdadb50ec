"""A relatives placement in the browser (R-MH-5, R-MH-11): a household whose only house is
graded D moves in with a relative instead of rebuilding. The township clerk records the
application with the host's house, waits for the host to renovate a dangerous host house,
accepts the placement, and has the old house demolished within the month; the register then
shows the old house 已拆除."""

import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

HEAD = "郎秀珍"
HOST = "郎志刚"
TODAY = datetime.now(ZoneInfo("Asia/Shanghai")).date()


def day(offset: int = 0) -> str:
    return str(TODAY + timedelta(days=offset))


def id_number(first17: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights,
                                                                   strict=True)) % 11]


def picture(name: str) -> dict:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 240), (150, 110, 70)).save(out, "PNG")
    return {"name": name, "mimeType": "image/png", "buffer": out.getvalue()}


def token(page, username: str) -> dict:
    r = page.request.post("/api/v1/auth/token",
                          data={"username": username, "password": "Demo@2026!"})
    assert r.ok, r.text()
    return {"Authorization": f"Bearer {r.json()['token']}"}


def step(page, name: str) -> None:
    page.locator("#case-steps").get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)


def save(page, note: str) -> None:
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messages")).to_contain_text(note)


@pytest.fixture
def township(chromium, server, log_in):
    context = chromium.new_context(base_url=server, locale="zh-CN",
                                   viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    log_in(page, "shancheng")
    yield page
    context.close()


def _household(page, head: str, head_id: str, persons: int, address: str,
               rating: str) -> tuple[dict, dict]:
    """A household and its house, registered by the village and appraised by the county."""
    cadre = token(page, "cadre")
    r = page.request.post("/api/v1/households", headers=cadre, data={
        "division_code": "220581100001", "head_name": head, "head_id_number": head_id,
        "persons": persons, "members": [{"name": head, "id_number": head_id,
                                         "relation": "head"}]})
    assert r.status == 201, r.text()
    household = r.json()
    r = page.request.post("/api/v1/houses", headers=cadre, data={
        "household_id": household["id"], "division_code": "220581100001", "address": address,
        "structure": "earth_wood", "floors": 1, "built_year": 1978, "floor_area": 60,
        "use": "residence", "occupancy": "occupied", "is_only_house": True})
    assert r.status == 201, r.text()
    house = r.json()
    r = page.request.post(f"/api/v1/houses/{house['id']}/appraisals",
                          headers=token(page, "appraiser1"), data={
        "appraised_on": day(-20), "appraiser": "张工", "organization": "梅河口市住建局",
        "site": "safe", "prevention": "none",
        "components": {c: rating for c in ("foundation", "bearing_wall", "timber_frame",
                                           "timber_truss", "concrete_frame", "roof")}})
    assert r.status == 201 and r.json()["grade"] == rating.upper(), r.text()
    return household, house


def test_a_relatives_placement_for_a_d_house_household(page, township, shot):
    household, own = _household(page, HEAD, id_number("22058119550312" + "426"), 2,
                                "山城镇演示一村西头 8 号", "d")
    _, host = _household(page, HOST, id_number("22058119800615" + "517"), 4,
                         "山城镇演示一村中街 15 号", "c")
    r = page.request.post("/api/v1/certifications", headers=token(page, "mhk_civil"), data={
        "household_id": household["id"], "category": "dibao", "certified_on": day(-30)})
    assert r.status == 201, r.text()

    # 乡镇: the application by another route than the D house's rebuild (R-MH-5)
    township.goto(f"/assistance/households/{household['id']}/apply/")
    expect(township.locator("#standards")).to_contain_text("投亲靠友/子女接养：本项目不补助")
    expect(township.get_by_label("改造方式")).to_have_value("rebuild")
    township.get_by_label("改造方式").select_option("relatives")
    township.get_by_label("申请补助（元）").fill("0")
    township.get_by_label("申请书").set_input_files(picture("申请书.png"))
    township.get_by_role("button", name="提交申请").click()
    expect(township.locator("#field-host_house_id .field-error")).to_have_text(
        "投亲靠友、子女接养须登记接养人的房屋（在册房屋编号）")
    shot(township, "placement-host-house-required")
    township.get_by_label("接养人房屋编号").fill(str(host["id"]))
    township.get_by_label("申请书").set_input_files(picture("申请书.png"))
    township.get_by_role("button", name="提交申请").click()
    expect(township.locator(".messages")).to_contain_text("改造申请已提交")
    expect(township.locator("#case-host")).to_contain_text("须由接养人于")
    expect(township.locator("#case-host")).to_contain_text("C 级")
    case_url = township.url
    case_id = re.search(r"/cases/(\d+)/", case_url)[1]

    # the village's review, the township's review and the notice
    step(township, "村级民主评议")
    township.get_by_label("会议形式").select_option("村民代表会议")
    township.get_by_label("参会人数").fill("27")
    township.get_by_label("通过", exact=True).check()
    township.get_by_label("会议记录").set_input_files(picture("会议记录.png"))
    save(township, "村级民主评议已保存")
    step(township, "乡镇初审")
    township.get_by_label("通过", exact=True).check()
    save(township, "乡镇初审已保存")
    # 三级公示: every level's notice has run its period before the approval (R-MH-4)
    for level in ("village", "township", "county"):
        step(township, "公示")
        township.get_by_label("公示层级").select_option(level)
        township.get_by_label("公示开始").fill(day(-10))
        township.get_by_label("公示结束").fill(day(-3))
        township.get_by_label("公示照片").set_input_files(picture("公示照片.png"))
        save(township, "公示已保存")

    # 三部门联合审批, each in its own system
    for officer in ("mhk_civil", "mhk_rural", "mhk_housing"):
        r = page.request.post(f"/api/v1/applications/{case_id}/transitions",
                              headers=token(page, officer),
                              data={"action": "department_approve", "decision": "approve"})
        assert r.ok, r.text()

    # the written notice starts the month within which the D house comes down (R-MH-11)
    township.goto(case_url)
    step(township, "书面告知")
    save(township, "书面告知已保存")
    expect(township.locator("#case-facts")).to_contain_text("前拆除")

    # the placement is not safe while the host house is dangerous
    accept = township.locator('#case-steps .step[data-action="accept"]')
    expect(accept.locator(".why-not")).to_have_text(
        "接养人房屋为 C 级危房，须由接养人完成安全改造并登记后方可验收安置")
    shot(township, "placement-host-house-unsafe")
    step(township, "接养人房屋改造")
    township.get_by_label("改造内容").fill("接养人对承重墙加设构造柱，更换糟朽屋架")
    township.get_by_label("改造后鉴定或验收材料").set_input_files(picture("改造后鉴定.png"))
    save(township, "接养人房屋改造已保存")
    expect(township.locator("#case-host")).to_contain_text("接养人已于")

    step(township, "竣工验收")
    township.get_by_label("合格", exact=True).check()
    township.get_by_label("验收人员：技术人员").fill("梅河口市住建局 刘工")
    township.get_by_label("验收人员：农户").fill(HEAD)
    township.get_by_label("竣工验收报告").set_input_files(picture("安置验收.png"))
    save(township, "竣工验收已保存")
    expect(township.locator("#case-status")).to_have_text("已验收")

    # the old D house demolished within the month; the register shows it
    step(township, "原房处置")
    township.get_by_label("处置方式").select_option("demolished")
    township.get_by_label("处置照片").set_input_files(picture("拆除.png"))
    save(township, "原房处置已保存")
    expect(township.locator("#case-facts")).to_contain_text(f"已拆除 {day(0)}")
    township.goto(f"/registry/houses/{own['id']}/")
    expect(township.locator("#house-status")).to_contain_text("已拆除")
    expect(township.locator("#house-status")).to_contain_text(day(0))
    shot(township, "placement-old-house-demolished")
