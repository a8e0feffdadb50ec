"""村民监督 (R-CJ-7, R-CJ-6): anyone at a sign reports, without an account; the report is the
township's lead with a deadline, on its home page, closed by its inspection of the house."""

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from anju.public import rules
from anju.public.models import LeadTransition, PublicRequest, VillagerReport
from anju.rectification.models import ControlCheck, LedgerEntry


def jpeg(**exif) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    info = image.getexif()
    info[0x010F] = "VendorX"  # Make
    image.save(out, "JPEG", exif=info)
    return out.getvalue()


def test_a_report_reaches_the_township_and_its_inspection_closes_it(signed, villager, browser,
                                                                  cast, media):
    entry_id, token = signed()
    phone = villager()
    picture = io.BytesIO(jpeg())
    picture.name = "p.jpg"
    response = phone.post(f"/public/h/{token}/", {
        "kind": "occupied", "text": "晚上有灯光，有人进出", "phone": "13700001234",
        "photo": picture})
    assert response.status_code == 200
    assert "乡镇将在 3 日内到现场核查" in response.content.decode()
    lead = VillagerReport.objects.get()
    today = timezone.localdate()
    assert (lead.entry_id, lead.kind, lead.text, lead.phone, lead.status, lead.due_on) == (
        entry_id, "occupied", "晚上有灯光，有人进出", "13700001234", "open", today + timedelta(3))
    # the photo was re-encoded: a JPEG without the camera's EXIF
    with Image.open(media / lead.photo) as stored:
        assert stored.format == "JPEG" and 0x010F not in stored.getexif()

    clerk = browser(cast.shancheng)
    home = clerk.get("/").content.decode()
    assert '村民监督线索待核查' in home
    assert 'href="/public/leads/?status=open"' in home
    leads = clerk.get("/public/leads/?status=open").content.decode()
    assert lead.number in leads and "有人居住或使用" in leads
    page = clerk.get(f"/public/leads/{lead.pk}/").content.decode()
    assert "13700001234" in page  # the township sees the phone
    response = clerk.post(f"/public/leads/{lead.pk}/", {
        "level": "township", "checked_on": str(today), "holds": "no",
        "note": "现场发现有人居住，已劝离",
        "version": LedgerEntry.objects.get(pk=entry_id).version})
    errors = re.findall(r"field-error[^>]*>([^<]*)", response.content.decode())
    assert response.status_code == 302, errors
    lead.refresh_from_db()
    check = ControlCheck.objects.get(entry_id=entry_id)
    assert (lead.status, lead.closed_on, lead.control_check_id) == ("closed", today, check.pk)
    assert (check.level, check.holds, check.recorded_by) == ("township", False, cast.shancheng)
    assert [(t.action, t.from_status, t.to_status, t.actor_id) for t in
            LeadTransition.objects.filter(report=lead)] == [
        ("file", "", "open", None), ("answer", "open", "closed", cast.shancheng.pk)]
    assert LedgerEntry.objects.get(pk=entry_id).broken_alert is True
    assert clerk.get("/public/leads/?status=open").content.decode().count(lead.number) == 0


def test_the_villagers_text_is_shown_to_the_township_as_text_not_script(signed, villager,
                                                                       browser, cast):
    _, token = signed()
    villager().post(f"/public/h/{token}/", {
        "kind": "sign_damaged", "text": '<script>alert("x")</script><img src=x onerror=1>'})
    lead = VillagerReport.objects.get()
    page = browser(cast.shancheng).get(f"/public/leads/{lead.pk}/").content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=1&gt;" in page
    assert "<script>alert" not in page


@pytest.mark.parametrize(("upload", "message"), [
    (b"%PDF-1.4 not a photo", "文件不是可以识别的照片"),
    (b"GIF89a" + b"\x00" * 40, "文件不是可以识别的照片"),
])
def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_filed(signed, villager, upload,
                                                                   message):
    _, token = signed()
    file = io.BytesIO(upload)
    file.name = "photo.jpg"
    response = villager().post(f"/public/h/{token}/", {"kind": "occupied", "photo": file})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert VillagerReport.objects.count() == 0


def test_a_text_over_500_characters_is_refused(signed, villager):
    _, token = signed()
    response = villager().post(f"/public/h/{token}/", {"kind": "occupied", "text": "有" * 501})
    assert response.status_code == 422
    assert VillagerReport.objects.count() == 0


def test_reports_from_one_address_stop_at_the_limit_with_a_chinese_message(signed, villager):
    _, token = signed()
    phone = villager("192.0.2.10")
    limit = rules.REPORTS_PER_CLIENT.count
    codes = [phone.post(f"/public/h/{token}/", {"kind": "occupied"}).status_code
             for _ in range(limit + 1)]
    assert codes == [200] * limit + [429]
    last = phone.post(f"/public/h/{token}/", {"kind": "occupied"})
    assert last.status_code == 429
    assert "您提交的反映次数过多，请 1 小时后再试" in last.content.decode()
    assert VillagerReport.objects.count() == limit
    # another address still may
    assert villager("192.0.2.11").post(f"/public/h/{token}/",
                                       {"kind": "occupied"}).status_code == 200


def test_reports_about_one_house_stop_at_the_limit_whatever_the_address(signed, villager):
    _, token = signed()
    _, other = signed()
    limit = rules.REPORTS_PER_HOUSE.count
    codes = [villager(f"192.0.2.{i}").post(f"/public/h/{token}/", {"kind": "occupied"})
             .status_code for i in range(1, limit + 2)]
    assert codes == [200] * limit + [429]
    assert VillagerReport.objects.count() == limit
    assert villager("192.0.2.99").post(f"/public/h/{other}/",
                                       {"kind": "occupied"}).status_code == 200


def test_pages_from_one_address_stop_at_the_limit(signed, villager):
    _, token = signed()
    phone = villager("192.0.2.50")
    limit = rules.PAGES_PER_CLIENT.count
    codes = [phone.get(f"/public/h/{token}/").status_code for _ in range(limit + 1)]
    assert codes == [200] * limit + [429]
    assert "访问过于频繁，请 10 分钟后再试" in phone.get(f"/public/h/{token}/").content.decode()
    assert PublicRequest.objects.filter(result="limited").count() == 2


def test_a_lead_past_its_deadline_shows_late_on_the_township_list(signed, villager, browser,
                                                                  cast):
    _, token = signed()
    villager().post(f"/public/h/{token}/", {"kind": "sign_damaged"})
    lead = VillagerReport.objects.get()
    VillagerReport.objects.filter(pk=lead.pk).update(
        due_on=timezone.localdate() - timedelta(days=1))
    page = browser(cast.shancheng).get("/public/leads/?status=open").content.decode()
    assert "逾期" in page


def test_another_townships_clerk_does_not_see_the_lead(signed, villager, browser, cast):
    _, token = signed()
    villager().post(f"/public/h/{token}/", {"kind": "occupied"})
    lead = VillagerReport.objects.get()
    other = browser(cast.hongmei)
    assert other.get(f"/public/leads/{lead.pk}/").status_code == 404
    assert lead.number not in other.get("/public/leads/").content.decode()


def test_the_dashboards_count_open_and_overdue_leads_and_link_to_the_queue(signed, villager,
                                                                           browser, cast, api):
    """R-CJ-7: the statistics count the villagers' leads as they are filed and answered; a
    lead past its deadline counts as overdue from the day after it (the village is counted
    again when the deadline lapses, without any record changing)."""
    from anju.reports import rollup
    from anju.reports.models import DivisionStat

    entry_id, token = signed()
    village = LedgerEntry.objects.get(pk=entry_id).division_code
    villager().post(f"/public/h/{token}/", {"kind": "occupied"})
    lead = VillagerReport.objects.get()
    rollup.refresh()

    def figures(code, **kw):
        row = DivisionStat.objects.get(code=code)
        return row.villager_leads, row.overdue_leads

    assert figures(village) == figures(village[:9]) == (1, 0)
    assert DivisionStat.objects.get(code=village).valid_until <= lead.due_on
    rollup.refresh(today=lead.due_on + timedelta(days=1))  # lapsed: counted again
    assert figures(village) == figures(village[:6]) == (1, 1)

    summary = api(cast.mhk_housing).get("/api/v1/stats/summary",
                                        {"division": village[:6]}).json()
    assert (summary["villager_leads"], summary["overdue"]["leads"]) == (1, 1)
    board = browser(cast.mhk_housing).get(f"/reports/{village[:9]}/").content.decode()
    assert (f'data-figure="villager_leads" href="/public/leads/?division={village[:9]}'
            f'&amp;status=open"') in board
    assert "其中逾期 1 条" in board

    # answered on the ledger: counted off at once
    check = {"level": "township", "checked_on": str(timezone.localdate()), "holds": True,
             "version": LedgerEntry.objects.get(pk=entry_id).version}
    response = api(cast.shancheng).post(f"/api/v1/rectifications/{entry_id}/checks", check)
    assert response.status_code in (200, 201), response.json()
    rollup.refresh()
    assert figures(village) == (0, 0)


def test_the_township_home_counts_overdue_leads_and_the_queue_lists_them(one_late, browser,
                                                                        cast):
    late = one_late
    clerk = browser(cast.shancheng)
    home = clerk.get("/").content.decode()
    assert 'href="/public/leads/?status=open&amp;overdue=1"' in home
    queue = clerk.get("/public/leads/?status=open&overdue=1").content.decode()
    assert late.number in queue
    assert VillagerReport.objects.exclude(pk=late.pk).get().number not in queue
