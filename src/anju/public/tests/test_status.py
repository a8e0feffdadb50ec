"""A household's own status (R-MH-4 households informed) and a notice's public list by its QR
code: the head's name, the last six ID characters and the village; a miss is "not found"
whatever was wrong, misses lock out, nothing personal is shown."""

import re
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from anju.assistance.models import Notice
from anju.conftest import SHANCHENG_V1
from anju.public import rules
from anju.public.models import NoticeLink, PublicRequest

PLACE = {"county": "220581", "township": "220581100", "village": SHANCHENG_V1}


def ask(phone, name, six, **place):
    return phone.post("/public/status/", {**PLACE, **place, "head_name": name,
                                          "id_last_six": six})


def answer(response) -> str:
    found = re.search(r'<section id="status-answer".*?</section>|<div class="form-errors"'
                      r'[^>]*id="status-missed">.*?</div>', response.content.decode(), re.S)
    return found[0] if found else ""


def test_a_paid_household_sees_its_stage_subsidy_and_payment(new_case, villager):
    case = new_case()
    case.household.head_name = "孙桂芳"
    case.household.save()
    case.to("paid")
    six = case.household.head_id_number[-6:]
    response = ask(villager(), "孙桂芳", six)
    assert response.status_code == 200
    shown = answer(response)
    today = timezone.localdate()
    assert '<dd id="status-stage">已拨付</dd>' in shown
    assert '<dd id="status-subsidy">40,000.00 元</dd>' in shown
    assert f"已于 {today.year}年{today.month}月{today.day}日 拨付 40,000.00 元" in shown
    assert case.case.paid_amount == Decimal("40000")


def test_a_case_not_yet_approved_shows_no_subsidy(new_case, villager):
    case = new_case()
    case.household.head_name = "周秀兰"
    case.household.save()
    shown = answer(ask(villager(), "周秀兰", case.household.head_id_number[-6:]))
    assert '<dd id="status-stage">已申请</dd>' in shown
    assert '<dd id="status-subsidy">尚未审批</dd>' in shown
    assert '<dd id="status-paid">尚未拨付</dd>' in shown


def test_a_wrong_name_wrong_digits_or_wrong_village_get_the_same_not_found(new_case, villager):
    case = new_case()
    case.household.head_name = "吴建国"
    case.household.save()
    six = case.household.head_id_number[-6:]
    wrong = "000000" if six != "000000" else "111111"
    answers = [answer(ask(villager(f"192.0.2.{i}"), name, digits, **place))
               for i, (name, digits, place) in enumerate([
                   ("吴建华", six, {}), ("吴建国", wrong, {}),
                   ("吴建国", six, {"village": "220581100002"}), ("无此人", "123456", {})])]
    assert len(set(answers)) == 1
    assert "未找到符合的记录" in answers[0]
    assert PublicRequest.objects.filter(kind="status", result="miss").count() == 4


def test_misses_from_one_address_lock_it_out_with_a_chinese_429(new_case, villager):
    case = new_case()
    phone = villager("192.0.2.77")
    limit = rules.MISSES_PER_CLIENT.count
    codes = [ask(phone, f"某{i}", "000000").status_code for i in range(limit)]
    locked = ask(phone, case.household.head_name, case.household.head_id_number[-6:])
    assert codes == [200] * limit
    assert locked.status_code == 429
    assert "查询信息不符的次数过多，请 1 小时后再试" in locked.content.decode()


def test_misses_against_one_household_lock_it_whatever_the_address(new_case, villager):
    case = new_case()
    case.household.head_name = "郑海"
    case.household.save()
    limit = rules.MISSES_PER_HOUSEHOLD.count
    codes = [ask(villager(f"198.51.100.{i}"), "郑海", "000000").status_code
             for i in range(limit)]
    locked = ask(villager("198.51.100.200"), "郑海", case.household.head_id_number[-6:])
    assert codes == [200] * limit
    assert locked.status_code == 429
    assert "该户今天查询不符的次数过多" in locked.content.decode()


def test_every_look_up_is_recorded_without_the_address_or_the_name(new_case, villager):
    case = new_case()
    ask(villager("203.0.113.9"), case.household.head_name, case.household.head_id_number[-6:])
    row = PublicRequest.objects.get(kind="status")
    assert row.result == "ok"
    assert row.client_hash == rules.client_hash("203.0.113.9")
    assert row.subject_hash == rules.household_key(SHANCHENG_V1, case.household.head_name)


def test_the_notice_qr_opens_what_the_notice_published_while_it_is_up(new_case, villager,
                                                                      browser, cast):
    """R-MH-4: 安置政策、补助对象、审查结果和补助标准 are public for the notice period; the
    online list shows the recipients then as the board does but for their names' middle
    characters, and nothing else personal."""
    case = new_case()
    case.household.head_name = "冯德明"
    case.household.save()
    case.to("township_reviewed")
    notice = Notice.objects.filter(application=case.case, level="village").get()
    today = timezone.localdate()
    Notice.objects.filter(pk=notice.pk).update(starts_on=today - timedelta(days=2),
                                               ends_on=today + timedelta(days=4))
    clerk = browser(cast.shancheng)
    paper = clerk.get(f"/assistance/notices/{notice.pk}/").content.decode()
    assert f'src="/public/notices/{notice.pk}/qr.svg"' in paper
    svg = clerk.get(f"/public/notices/{notice.pk}/qr.svg")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    token = NoticeLink.objects.get(notice=notice).token
    page = villager().get(f"/public/n/{token}/")
    body = page.content.decode()
    assert page.status_code == 200 and "noindex" in page["X-Robots-Tag"]
    row = re.search(r'<tbody>(.*?)</tbody>', body, re.S)[1]
    assert "<td>冯＊明</td>" in row and "<td>拆除重建</td>" in row and "冯德明" not in body
    assert "民主评议通过，乡镇（街）审核通过" in row  # the case's review when it went up
    assert "C 级住房维修加固，不得翻建" in body and "梅政办发〔2021〕17号" in body
    assert "C 级危房维修加固：每户不高于 10,000 元" in body
    id_tail = case.household.head_id_number[-6:]
    assert id_tail not in body and case.household.head_id_number[:6] not in row
    assert villager().get(f"/public/n/{token[:-2]}/").status_code == 404


def test_the_notices_names_are_withheld_before_and_after_its_period(new_case, villager):
    case = new_case()
    case.household.head_name = "冯德明"
    case.household.save()
    case.to("township_reviewed")
    notice = Notice.objects.filter(application=case.case, level="village").get()
    from anju.public.actions import notice_link

    token = notice_link(notice)
    today = timezone.localdate()
    # the fixture's notices ran from 20 to 10 days ago
    ended = villager().get(f"/public/n/{token}/").content.decode()
    assert "冯" not in ended and "公示期已结束，名单不再在网上显示（共 1 户）" in ended
    assert "每户不高于 10,000 元" in ended
    Notice.objects.filter(pk=notice.pk).update(starts_on=today + timedelta(days=1),
                                               ends_on=today + timedelta(days=7))
    before = villager().get(f"/public/n/{token}/").content.decode()
    assert "冯" not in before and "公示尚未开始" in before


def test_a_notice_that_published_no_recipients_lists_none(new_case, villager):
    case = new_case()
    case.to("township_reviewed")
    notice = Notice.objects.filter(application=case.case, level="village").get()
    today = timezone.localdate()
    Notice.objects.filter(pk=notice.pk).update(
        starts_on=today, ends_on=today + timedelta(days=6),
        contents=["policy", "subsidy_standard"])
    from anju.public.actions import notice_link

    body = villager().get(f"/public/n/{notice_link(notice)}/").content.decode()
    assert case.household.head_name not in body and 'id="notice-rows"' not in body
    assert "补助标准" in body and "改造政策" in body
