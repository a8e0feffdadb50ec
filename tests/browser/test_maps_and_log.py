"""Maps, the audit log and import recovery in the browser: the township map is drawn without
tiles on its villages, with a legend and popups naming the house by its address; the auditor
filters the log and reads a change in words; a refused import is recovered with its good rows
and the bad rows come back as a spreadsheet."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(serial: int) -> str:
    first17 = f"22058119800101{serial:03d}"
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def test_the_township_map_draws_its_villages_and_a_popup_gives_the_address(page, log_in, shot):
    log_in(page, "shancheng")
    page.goto("/reports/220581100/map/")
    note = page.locator("#map-no-tiles")
    expect(note).to_contain_text("不需联网")
    expect(note).not_to_contain_text("ANJU_MAP_TILE_URL")
    legend = page.get_by_label("图例")
    expect(legend).to_contain_text("红色圆圈：其中有危房住人")
    expect(legend).to_contain_text("危房住人（C/D 级仍有人居住）")
    box = page.locator("#house-map")
    expect(box).to_have_attribute("data-points", re.compile(r"^[1-9]\d*$"))
    expect(box).to_have_attribute("data-places", re.compile(r"^[1-9]\d*$"))
    # each village with houses that have coordinates is named on the map
    expect(box.locator(".place-label", has_text=re.compile(r"演示.村")).first).to_be_visible()
    expect(box.locator(".leaflet-control-scale")).to_be_visible()
    shot(page, "map-offline-township")

    # Zoom in until single houses show, then open one's popup.
    for _ in range(8):
        if box.locator(".house-pt").count():
            break
        box.locator(".house-cluster").first.click()
        page.wait_for_timeout(400)
    box.locator(".house-pt").first.click(force=True)
    popup = box.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("号")
    expect(popup).not_to_contain_text("正在载入地址")
    expect(popup.get_by_role("link", name="查看房屋记录")).to_be_visible()


def test_the_auditor_filters_the_log_and_reads_a_change_in_words(page, log_in, shot):
    log_in(page, "auditor")
    page.goto("/audit/")
    page.get_by_label("操作").select_option(label="登录")
    page.get_by_role("button", name="查询").click()
    rows = page.locator("table.audit tbody tr")
    expect(rows.first).to_contain_text("登录")
    expect(rows.first).to_contain_text("安全审计员")  # the role by name, not audit_admin
    expect(page.locator("table.audit")).not_to_contain_text("audit_admin")
    expect(page.locator("table.audit")).not_to_contain_text("{'")
    expect(rows.first).to_contain_text("渠道：网页")
    shot(page, "audit-log-filtered")


def test_a_refused_import_is_recovered_with_its_good_rows(page, log_in, shot, tmp_path):
    log_in(page, "shancheng")
    rows = ["division_code,head_name,head_id_number,phone,persons",
            f"220581100001,冯一,{id_number(811)},13700000811,2",
            f"220581100001,,{id_number(812)},13700000812,2",
            f"220581100001,冯三,{id_number(813)},13700000813,2"]
    data = tmp_path / "三户.csv"
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    page.goto("/exchange/import/")
    page.get_by_label("文件（xlsx、xls 或 CSV）").set_input_files(str(data))
    page.get_by_role("button", name="只检查，不写入").click()
    expect(page.locator("#job-status")).to_have_attribute("data-status", "succeeded",
                                                          timeout=20_000)
    page.get_by_label("全部正确才写入（有错误就一行也不写）").check()
    page.get_by_role("button", name="开始导入").click()
    status = page.locator("#job-status")
    expect(status).to_have_attribute("data-status", "failed", timeout=20_000)
    expect(status.locator(".job-state-failed")).to_have_text("失败")
    expect(status).to_contain_text("未写入任何数据")
    shot(page, "import-failed")

    page.get_by_role("button", name="只导入正确的行").click()
    status = page.locator("#job-status")
    expect(status).to_have_attribute("data-status", "succeeded", timeout=20_000)
    expect(status).to_contain_text("已导入 2 行，1 行有误未导入")
    with page.expect_download() as download:
        status.get_by_role("link", name=re.compile("下载有误的行")).click()
    saved = Path(tmp_path / "errors.xlsx")
    download.value.save_as(saved)
    assert saved.stat().st_size > 0 and "有误的行" in download.value.suggested_filename
    shot(page, "import-recovered")

    page.goto("/exchange/jobs/")
    failed = page.locator("tr.job-failed").first
    expect(failed.locator(".job-state-failed")).to_have_text("失败")
