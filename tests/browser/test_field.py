"""信息采集助手 on a phone: the houses are downloaded, the signal goes, a screening with a photo and
a verification are captured, the app is reopened with no signal (the service worker serves it,
the queue is still there), the signal comes back and both go to the server, once each."""

import re
import struct
import zlib
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 360, "height": 740}
# A spot in 梅河口市 (inside the county's box that the server checks positions against).
POSITION = {"latitude": 42.53, "longitude": 125.67, "accuracy": 12}
SEEDED = "试验路"  # tests/browser/seed.py's house belongs to the other browser tests


def photo_png(width: int = 900, height: int = 600) -> bytes:
    """A colourful PNG, larger than the phone keeps, so that it is shrunk before it is sent."""
    rows = b"".join(b"\x00" + bytes((x * 7 + y) % 256 for x in range(width * 3))
                    for y in range(height))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                              0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


@pytest.fixture
def phone(request, chromium, server):
    # A phone in the county: its clock in China's time zone, as the server's dates are.
    context = chromium.new_context(base_url=server, locale="zh-CN", timezone_id="Asia/Shanghai",
                                   viewport=PHONE, is_mobile=True, has_touch=True,
                                   geolocation=POSITION, permissions=["geolocation"])
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    if getattr(request.node, "failed_call", False):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def api_count(page, path: str) -> int:
    response = page.request.get(f"/api/v1{path}")
    assert response.ok, response.text()
    body = response.json()
    return body["total"] if isinstance(body, dict) else len(body)


def pick_houses(page, n: int) -> list[tuple[int, str]]:
    """The first n demo houses in the list (id, address), not the seeded one."""
    expect(page.locator("#sync-status")).to_contain_text(re.compile(r"本机 \d+ 栋"), timeout=30_000)
    found = []
    for row in page.locator(".house-row").all():
        address = row.locator(".house-address").inner_text()
        if SEEDED in address:
            continue
        found.append((int(row.get_attribute("href").rsplit("/", 1)[1]), address))
        if len(found) == n:
            return found
    raise AssertionError("not enough houses in the list")


def open_house(page, address: str) -> None:
    page.locator("a[data-tab=houses]").click()
    page.locator("#house-search").fill(address)
    page.locator(".house-row", has_text=address).first.click()
    expect(page.locator(".house-card h2")).to_have_text(address)


def save(page) -> None:
    page.get_by_role("button", name="保存到待发送队列").click()
    expect(page.locator("#toast")).to_contain_text("已保存在本机，联网后自动发送")
    expect(page).to_have_url(re.compile(r"#/house/\d+$"))


def test_captures_made_with_no_signal_reach_the_server_once_each(phone, log_in, shot):
    page = phone
    log_in(page, "mhk_housing")  # 县住建局: screens, and verifies point to point (点对点核实)
    # Pages of 40 houses, so that the download follows `next` across several pages.
    pages = []

    def small_pages(route):
        url = route.request.url
        pages.append(url)
        joint = "&" if "?" in url else "?"
        route.continue_(url=url if "limit=" in url else f"{url}{joint}limit=40")

    page.route("**/api/v1/field/houses*", small_pages)
    in_scope = page.request.get("/api/v1/houses?page_size=1").json()["total"]
    assert in_scope > 80
    page.goto("/field/")
    expect(page.locator("#sync-status")).to_contain_text(f"本机 {in_scope} 栋", timeout=30_000)
    assert len(pages) >= 3 and "after=" in pages[-1]
    expect(page.locator("body")).to_have_attribute("data-offline-ready", "1")
    expect(page.locator(".house-row").first).to_be_visible()
    shot(page, "field-houses")

    (screened_id, screened), (verified_id, verified) = pick_houses(page, 2)
    before = {"screenings": api_count(page, f"/houses/{screened_id}/screenings"),
              "photos": api_count(page, f"/houses/{screened_id}/attachments"),
              "verifications": api_count(page, f"/houses/{verified_id}/verifications")}

    page.context.set_offline(True)
    expect(page.locator("#offline-banner")).to_be_visible()

    # 排查初判 with one general hazard and a photo
    open_house(page, screened)
    page.locator("a[data-kind=screening]").click()
    expect(page.locator(".gps-status")).to_contain_text("精度约 ±12 米")
    page.locator(".item-row.level-general").first.locator("input[type=checkbox]").check()
    page.locator("input[type=file][capture=environment]").set_input_files(
        {"name": "墙体.png", "mimeType": "image/png", "buffer": photo_png()})
    expect(page.locator(".thumb img")).to_have_count(1)
    shot(page, "field-screening-form")
    save(page)

    # 点对点核实比对: the structure differs, with its reason; the storeys agree
    open_house(page, verified)
    page.locator("a[data-kind=verification]").click()
    structure = page.locator("#row-structure")
    structure.get_by_text("不一致").click()
    page.get_by_role("button", name="保存到待发送队列").click()
    expect(structure.locator(".field-error")).to_contain_text("请填写结构类型的实地值")
    structure.locator("select").select_option("steel")
    structure.get_by_placeholder("不一致的原因").fill("实地为钢结构厂房改建")
    page.locator("#row-floors").get_by_text("一致", exact=True).click()
    shot(page, "field-verification-form")
    save(page)
    expect(page.locator("#queue-badge")).to_have_text("2")

    # The app opened again with no signal: the shell comes from the service worker and the
    # queue from the phone's store.
    page.reload()
    expect(page.locator("#offline-banner")).to_be_visible()
    page.locator("a[data-tab=queue]").click()
    expect(page.locator("#unsent-count")).to_have_text("未发送 2 条")
    items = page.locator(".queue-item")
    expect(items).to_have_count(2)
    expect(items.filter(has_text=screened)).to_contain_text("等待发送")
    expect(items.filter(has_text=screened)).to_contain_text("1 张照片")
    expect(items.filter(has_text=verified)).to_contain_text("核实比对")
    shot(page, "field-queue-offline")

    page.context.set_offline(False)
    expect(page.locator("#unsent-count")).to_have_text("未发送 0 条", timeout=30_000)
    expect(items.filter(has_text=screened)).to_contain_text("已送达")
    expect(items.filter(has_text=verified)).to_contain_text("已送达")
    expect(page.locator("#queue-badge")).to_be_hidden()
    shot(page, "field-queue-sent")

    # The downloaded copy catches up (an incremental download): the screening's result shows.
    open_house(page, screened)
    expect(page.locator(".facts")).to_contain_text("存在一定安全隐患")
    shot(page, "field-house-detail")

    # The server holds each capture once, with its photo, and a resend changes nothing.
    after = {"screenings": api_count(page, f"/houses/{screened_id}/screenings"),
             "photos": api_count(page, f"/houses/{screened_id}/attachments"),
             "verifications": api_count(page, f"/houses/{verified_id}/verifications")}
    assert after == {k: v + 1 for k, v in before.items()}
    captures = page.evaluate("""async () => {
        const db = await import("/static/field/db.js");
        return (await db.all("queue")).map((i) => ({client_uuid: i.client_uuid, kind: i.kind,
            captured_at: i.captured_at, lat: i.lat, lng: i.lng, accuracy_m: i.accuracy_m,
            base_version: i.base_version, photos: i.photos, payload: i.payload,
            // as the queue sends it: the control that took each photo, when there is one
            ...(Object.keys(i.photo_sources || {}).length
                ? {photo_sources: i.photo_sources} : {})}));
    }""")
    assert sorted(c["kind"] for c in captures) == ["screening", "verification"]
    screening = next(c for c in captures if c["kind"] == "screening")
    assert len(screening["photos"]) == 1 and re.fullmatch(r"[0-9a-f]{64}", screening["photos"][0])
    assert screening["photo_sources"] == {screening["photos"][0]: "camera"}
    assert (screening["lat"], screening["lng"], screening["accuracy_m"]) == (42.53, 125.67, 12)
    token = page.request.get("/field/session").json()["csrf_token"]
    for capture in captures:
        answer = page.request.get(f"/api/v1/field/submissions/{capture['client_uuid']}").json()
        assert answer["status"] == "applied", answer
        again = page.request.post("/api/v1/field/submissions", data=capture,
                                  headers={"X-CSRFToken": token})
        assert again.status == 200 and again.json()["id"] == answer["id"]
    assert api_count(page, f"/houses/{screened_id}/screenings") == after["screenings"]
    assert api_count(page, f"/houses/{verified_id}/verifications") == after["verifications"]

    # Logging out leaves no household data on the phone.
    page.goto("/field/#/settings")
    expect(page.locator(".facts").nth(1)).to_contain_text("离线可用是")
    shot(page, "field-settings")
    page.get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(re.compile(r"/login/"))
    left = page.evaluate("""async () => {
        const db = await import("/static/field/db.js");
        const kept = (await caches.keys()).filter((name) => name.startsWith("anju-field-"));
        return {houses: (await db.all("houses")).length, shells: kept.length};
    }""")
    assert left == {"houses": 0, "shells": 0}


def noise_png(width: int, height: int) -> bytes:
    """A photo that JPEG cannot squeeze: shrunk, it is still large enough to go up in parts."""
    import random

    rng = random.Random(7)
    rows = b"".join(b"\x00" + rng.randbytes(width * 3) for _ in range(height))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                              0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 1)) + chunk(b"IEND", b""))


def test_an_ended_login_holds_the_queue_and_the_servers_refusal_is_shown(
        phone, log_in, shot, server):
    from datetime import date, timedelta
    from io import BytesIO

    from PIL import Image

    page = phone
    log_in(page, "shancheng")  # 山城镇: a township officer screens the houses of the town
    page.goto("/field/")
    expect(page.locator("body")).to_have_attribute("data-offline-ready", "1")
    expect(page.locator(".house-row").first).to_be_visible()
    page.get_by_role("button", name="地图").click()
    expect(page.locator(".house-map .dot").first).to_be_visible()
    shot(page, "field-map")
    page.get_by_role("button", name="列表").click()
    (first_id, first), (second_id, second) = pick_houses(page, 2)
    photos_before = api_count(page, f"/houses/{first_id}/attachments")
    screenings_before = api_count(page, f"/houses/{second_id}/screenings")
    parts = []
    page.context.on("request", lambda r: "/parts/" in r.url and parts.append(r.url))

    page.context.set_offline(True)
    open_house(page, first)
    page.locator("a[data-kind=screening]").click()
    page.locator("input[type=file][capture=environment]").set_input_files(
        {"name": "大图.png", "mimeType": "image/png", "buffer": noise_png(2000, 1500)})
    expect(page.locator(".thumb img")).to_have_count(1)
    save(page)
    # A date in the future passes the form's schema; only the server knows it is wrong.
    open_house(page, second)
    page.locator("a[data-kind=screening]").click()
    page.get_by_label("排查日期").fill((date.today() + timedelta(days=30)).isoformat())
    save(page)

    # The login ends while the phone is away; back online, nothing is lost or refused.
    page.context.clear_cookies()
    page.context.set_offline(False)
    expect(page.locator("#auth-banner")).to_be_visible()
    page.locator("a[data-tab=queue]").click()
    expect(page.locator("#unsent-count")).to_have_text("未发送 2 条")
    shot(page, "field-login-ended")

    log_in(page, "shancheng")
    page.goto("/field/#/queue")
    expect(page.locator("#auth-banner")).to_be_hidden()
    items = page.locator(".queue-item")
    expect(items.filter(has_text=first)).to_contain_text("已送达", timeout=30_000)
    refused = items.filter(has_text=second)
    expect(refused).to_contain_text("发送失败")
    expect(refused.locator(".queue-error")).to_contain_text("不能晚于今天")
    expect(page.locator("#unsent-count")).to_have_text("未发送 1 条")
    shot(page, "field-queue-refused")

    # The large photo went up in parts and was shrunk to the server's photo_max_px first.
    assert len(parts) > 1
    listing = page.request.get(f"/api/v1/houses/{first_id}/attachments").json()
    assert listing["total"] == photos_before + 1
    newest = max(listing["items"], key=lambda a: a["id"])
    image = page.request.get(
        f"/api/v1/houses/{first_id}/attachments/{newest['id']}/file").body()
    assert Image.open(BytesIO(image)).format == "JPEG"
    assert max(Image.open(BytesIO(image)).size) == 1600

    # The refused capture may be dropped by the user; nothing of it was written.
    page.on("dialog", lambda d: d.accept())
    refused.get_by_role("button", name="删除").click()
    expect(items.filter(has_text=second)).to_have_count(0)
    expect(page.locator("#queue-badge")).to_be_hidden()
    assert api_count(page, f"/houses/{second_id}/screenings") == screenings_before


def test_captures_unsent_for_more_than_three_days_are_called_out(phone, log_in):
    page = phone
    log_in(page, "shancheng")
    page.goto("/field/")
    expect(page.locator("body")).to_have_attribute("data-offline-ready", "1")
    (_, address), = pick_houses(page, 1)
    page.context.set_offline(True)
    open_house(page, address)
    page.locator("a[data-kind=screening]").click()
    save(page)
    expect(page.locator("#stale-banner")).to_be_hidden()

    page.clock.install()
    page.clock.fast_forward(97 * 3600 * 1000)  # 97 hours later
    page.reload()
    expect(page.locator("#stale-banner")).to_have_text(
        "有 1 条记录超过 3 天未发送，请尽快到有信号的地方联网发送")


def _view(page) -> list[float]:
    return [float(n) for n in page.locator(".house-map").get_attribute("viewBox").split()]


def test_the_field_map_zooms_and_pans_and_names_houses_by_address(phone, log_in, shot):
    """On a phone: + and − zoom, a drag pans, two fingers pinch, 全部 shows every house again;
    a dot's tooltip is the house's address and grade in words, never a code."""
    page = phone
    log_in(page, "shancheng")
    page.goto("/field/")
    expect(page.locator(".house-row").first).to_be_visible(timeout=30_000)
    page.get_by_role("button", name="地图").click()
    expect(page.locator(".house-map .dot").first).to_be_visible()
    whole = _view(page)

    page.get_by_role("button", name="放大").click()
    zoomed = _view(page)
    assert zoomed[2] < whole[2] * 0.7 and zoomed[3] < whole[3] * 0.7
    page.get_by_role("button", name="缩小").click()
    assert _view(page)[2] == pytest.approx(whole[2], rel=0.02)
    page.get_by_role("button", name="放大").click()

    box = page.locator(".house-map").bounding_box()
    middle = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    before = _view(page)
    page.mouse.move(*middle)
    page.mouse.down()
    page.mouse.move(middle[0] - 80, middle[1] - 40, steps=5)
    page.mouse.up()
    after = _view(page)
    assert after[0] > before[0] and after[1] > before[1]  # dragged left and up: the view moves
    assert after[2:] == before[2:]  # panning does not zoom

    # Two fingers moving apart zoom in around the point between them.
    page.locator(".house-map").evaluate("""(map, [x, y]) => {
        const at = (id, type, dx) => map.dispatchEvent(new PointerEvent(type, {
            pointerId: id, clientX: x + dx, clientY: y, bubbles: true, isPrimary: id === 1}));
        at(1, "pointerdown", -20); at(2, "pointerdown", 20);
        at(1, "pointermove", -60); at(2, "pointermove", 60);
        at(1, "pointerup", -60); at(2, "pointerup", 60);
    }""", list(middle))
    assert _view(page)[2] < after[2] * 0.5

    page.get_by_role("button", name="全部").click()
    assert _view(page) == pytest.approx(whole)
    shot(page, "field-map-zoom")

    titles = page.locator(".house-map .dot title").all_text_contents()
    grade = "(A级|B级|C级（局部危险）|D级（整栋危险）|未鉴定)"
    assert titles and all(re.fullmatch(rf"\S.*号.*（{grade}）", t) for t in titles), titles[:5]
    labels = page.locator(".house-map .village-label").all_text_contents()
    assert labels and all(re.fullmatch(r"演示.村", t) for t in labels), labels
    shown = " ".join(titles + labels)
    assert not re.search(r"\d{6,}|[a-z_]{4,}", shown), "a code on the map"
