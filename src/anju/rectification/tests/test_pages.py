"""The ledger pages: the list with red alerts per township, the entry's loop, the step forms."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from anju.conftest import sign_in
from anju.rectification import actions
from anju.rectification.exports import write_ledger_xlsx
from anju.rectification.models import LedgerEntry
from anju.rectification.tests.conftest import days_ago

pytestmark = pytest.mark.django_db


def page(user) -> Client:
    return sign_in(Client(), user)


def test_the_county_sees_red_alerts_per_township_and_they_clear_after_evacuation(cast,
                                                                                on_ledger):
    _, entry_id = on_ledger("d")
    county = page(cast.mhk_housing)
    body = county.get("/rectification/").content.decode()
    assert 'data-division="220581100"' in body
    assert LedgerEntry.objects.get(pk=entry_id).red_alert
    shancheng = page(cast.shancheng)
    r = shancheng.get(f"/rectification/{entry_id}/")
    assert r.status_code == 200 and "应立即搬离人员" in r.content.decode()
    r = shancheng.post(f"/rectification/{entry_id}/measure",
                       {"kind": "evacuate", "started_on": days_ago(2),
                        "completed_on": days_ago(2), "version": 1})
    assert r.status_code == 302, r.content.decode()
    entry = LedgerEntry.objects.get(pk=entry_id)
    assert (entry.status, entry.red_alert, entry.house.occupancy) == (
        "controlled", False, "evacuated")
    detail = shancheng.get(f"/rectification/{entry_id}/").content.decode()
    assert "落实管控措施" in detail and "应立即搬离人员" not in detail


def test_a_refused_step_shows_the_rule_beside_the_form_and_saves_nothing(cast, on_ledger):
    _, entry_id = on_ledger("c")
    r = page(cast.shancheng).post(f"/rectification/{entry_id}/measure", {
        "kind": "evacuate", "started_on": days_ago(40), "completed_on": days_ago(40),
        "version": 1})
    assert r.status_code == 422
    assert "措施日期不能早于鉴定日期" in r.content.decode()
    assert LedgerEntry.objects.get(pk=entry_id).version == 1


def test_the_entry_page_says_why_sign_off_is_not_yet_possible(cast, on_ledger):
    _, entry_id = on_ledger("c")
    body = page(cast.mhk_housing).get(f"/rectification/{entry_id}/").content.decode()
    assert "销号：尚未完成拆除、重建或维修加固等工程措施，不能销号" in body
    assert page(cast.hongmei).get(f"/rectification/{entry_id}/").status_code == 404


def _entries(api, cast, on_ledger, n):
    for _ in range(n):
        on_ledger("d")


def test_the_ledger_list_and_the_export_take_a_fixed_number_of_queries(api, cast, on_ledger,
                                                                      tmp_path):
    def count(fn):
        with CaptureQueriesContext(connection) as queries:
            fn()
        return len(queries)

    county = page(cast.mhk_housing)
    api_client = api(cast.mhk_housing)
    _entries(api, cast, on_ledger, 2)
    county.get("/rectification/")  # the session's first request writes its own rows
    few = (count(lambda: county.get("/rectification/")),
           count(lambda: api_client.get("/api/v1/rectifications")),
           count(lambda: write_ledger_xlsx(cast.mhk_housing, str(tmp_path / "a.xlsx"))))
    _entries(api, cast, on_ledger, 4)
    many = (count(lambda: county.get("/rectification/")),
            count(lambda: api_client.get("/api/v1/rectifications")),
            count(lambda: write_ledger_xlsx(cast.mhk_housing, str(tmp_path / "b.xlsx"))))
    assert few == many


def test_the_excel_ledger_is_masked_unless_the_role_may_see_in_full(api, cast, on_ledger):
    from io import BytesIO
    from zipfile import ZipFile

    house, _ = on_ledger("d")
    head_id = house.household.head_id_number
    for user, shown, phone in (
            (cast.shancheng, head_id[:6] + "********" + head_id[-4:], "138****5678"),
            (cast.mhk_housing, head_id, "13812345678")):
        r = api(user).get("/api/v1/exports/rectification-ledger.xlsx")
        assert r.status_code == 200
        assert r["Content-Type"].startswith("application/vnd.openxmlformats")
        data = b"".join(r.streaming_content)
        sheet = ZipFile(BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
        assert shown in sheet and phone in sheet and "台账编号" in sheet and "王大山" in sheet
        if user == cast.shancheng:
            assert head_id not in sheet and "13812345678" not in sheet
            # which division and day the file covers: its name, its 说明 sheet, its page header
            from datetime import date
            from urllib.parse import unquote

            today = date.today()
            assert unquote(r["Content-Disposition"].split("''")[1]) == (
                f"整治台账-梅河口市山城镇-220581100-{today:%Y%m%d}.xlsx")
            assert f"&amp;C整治台账　梅河口市山城镇　{today:%Y-%m-%d}" in sheet
            note = ZipFile(BytesIO(data)).read("xl/worksheets/sheet2.xml").decode()
            assert "梅河口市山城镇" in note and f"{today:%Y-%m-%d}" in note
    assert api(cast.hongmei).get("/api/v1/exports/rectification-ledger.xlsx",
                                 {"division": "220581100"}).status_code == 404


def test_backfill_puts_graded_houses_on_the_ledger_once(cast, make_house):
    from django.core.management import call_command

    occupied = make_house(grade="D", occupancy="occupied")
    make_house(grade="C", occupancy="sealed")
    make_house(grade="B")
    call_command("ledger_backfill", "220581100")
    assert LedgerEntry.objects.count() == 2
    assert LedgerEntry.objects.get(house=occupied).red_alert is True
    call_command("ledger_backfill", "220581100")
    assert LedgerEntry.objects.count() == 2
    assert actions.flag_overdue_checks() == 0


def test_the_work_summary_pdf_reads_back_in_chinese(api, cast, on_ledger, tmp_path):
    import shutil
    import subprocess

    on_ledger("d")
    r = api(cast.mhk_housing).get("/api/v1/exports/rectification-summary.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    pdf = tmp_path / "summary.pdf"
    pdf.write_bytes(r.content)
    assert shutil.which("pdftotext"), "poppler-utils (scripts/system-deps.sh)"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "梅河口市农村房屋安全隐患排查整治工作总结" in text
    assert "列入整治台账的C、D级危房共 1 户" in text
    assert "山城镇" in text


def test_step_pages_answer_403_to_a_role_without_the_step_and_404_outside_the_scope(
        cast, on_ledger):
    _, entry_id = on_ledger("c")
    assert page(cast.cadre).get(f"/rectification/{entry_id}/measure").status_code == 200
    assert page(cast.cadre).get(f"/rectification/{entry_id}/sign-off").status_code == 403
    r = page(cast.cadre).post(f"/rectification/{entry_id}/sign-off",
                              {"closed_on": days_ago(1), "version": 1})
    assert r.status_code == 403
    assert page(cast.hongmei).get(f"/rectification/{entry_id}/check").status_code == 404
    assert LedgerEntry.objects.get(pk=entry_id).version == 1


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


def _rows(*rows) -> dict:
    data = {"more-TOTAL_FORMS": str(len(rows)), "more-INITIAL_FORMS": "0"}
    for i, row in enumerate(rows):
        data.update({f"more-{i}-{k}": v for k, v in row.items()})
    return data


def test_the_measure_form_starts_at_today_and_offers_rows_and_photos(cast, on_ledger):
    from datetime import date

    _, entry_id = on_ledger("d")
    body = page(cast.shancheng).get(f"/rectification/{entry_id}/measure").content.decode()
    assert f'name="started_on" value="{date.today():%Y-%m-%d}"' in body
    assert "添加一项措施" in body and 'name="photos"' in body
    assert 'aria-label="第 __number__ 项其他措施措施"' in body
    assert "带 <span class=\"req\" aria-hidden=\"true\">*</span> 为必填" in body


def test_several_measures_and_a_photo_are_recorded_in_one_save(cast, on_ledger, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _, entry_id = on_ledger("d")
    r = page(cast.shancheng).post(f"/rectification/{entry_id}/measure", {
        "kind": "evacuate", "started_on": days_ago(1), "completed_on": days_ago(1),
        "version": 1, "photos": [SimpleUploadedFile("site.png", PNG, "image/png")],
        **_rows({"kind": "warning_sign", "completed_on": days_ago(1)},
                {"kind": "seal", "completed_on": days_ago(1), "note": "门窗封闭"})})
    assert r.status_code == 302, r.content.decode()
    entry = LedgerEntry.objects.get(pk=entry_id)
    measures = list(entry.measures.order_by("pk"))
    assert [m.kind for m in measures] == ["evacuate", "warning_sign", "seal"]
    assert all(m.photos.count() == 1 for m in measures)
    assert (entry.status, entry.red_alert) == ("controlled", False)


def test_a_refused_further_measure_is_named_by_its_row_and_nothing_is_saved(cast, on_ledger):
    _, entry_id = on_ledger("d")
    r = page(cast.shancheng).post(f"/rectification/{entry_id}/measure", {
        "kind": "evacuate", "started_on": days_ago(1), "completed_on": days_ago(1),
        "version": 1, **_rows({"started_on": days_ago(1)})})
    assert r.status_code == 422
    body = r.content.decode()
    assert 'id="error-summary" tabindex="-1"' in body and "请选择措施" in body
    assert not LedgerEntry.objects.get(pk=entry_id).measures.exists()
