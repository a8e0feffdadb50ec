"""Each rule clock queues the right message for the right officials, once per object and
due date however often the hourly producers run; a household is told of its case only when
it agreed, and no message carries an ID number, an account or another household's name."""

from datetime import date, timedelta

import pytest

from anju.assistance.models import Transition
from anju.conftest import HONGMEI_V1
from anju.reminders.models import Event, Message, Status
from anju.reminders.producers import queue_all, queue_case_notices
from anju.reminders.tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def sent_to(kind: str) -> list[tuple[str, str]]:
    return [(m.user.username if m.user_id else m.phone, m.text)
            for m in Message.objects.filter(kind=kind).select_related("user").order_by("id")]


def test_a_control_check_coming_due_is_queued_once_for_the_township_and_village_clerks(
        cast, make_entry):
    entry = make_entry(TODAY + timedelta(days=2))
    make_entry(TODAY + timedelta(days=4))  # not yet: three days ahead at most
    for _ in range(3):
        queue_all(TODAY)
    text = (f"【安居】山城镇 演示一村王大山户的房屋（台账 {entry.number}）应于 2026-12-08 前完成"
            "管控检查（R-CJ-7）。")
    assert sent_to("check_due") == [("shancheng", text), ("cadre", text)]
    message = Message.objects.filter(kind="check_due").first()
    assert (message.subject, message.subject_id, message.due_on, message.status,
            message.channel) == ("ledger_entry", entry.pk, date(2026, 12, 8), "queued", "file")
    assert list(message.events.values_list("from_status", "to_status")) == [("", "queued")]


def test_an_overdue_control_check_is_told_again_once_and_a_new_due_date_once_more(
        cast, make_entry):
    entry = make_entry(TODAY - timedelta(days=1))
    queue_all(TODAY)
    queue_all(TODAY + timedelta(days=1))
    assert [u for u, _ in sent_to("check_overdue")] == ["shancheng", "cadre"]
    assert sent_to("check_overdue")[0][1] == (
        f"【安居】山城镇 演示一村王大山户的房屋（台账 {entry.number}）管控检查已逾期，应于 "
        "2026-12-05 完成（R-CJ-7），请尽快检查。")
    entry.next_check_due = TODAY + timedelta(days=30)
    entry.save()
    queue_all(TODAY + timedelta(days=28))
    assert Message.objects.filter(kind="check_due").count() == 2
    assert Message.objects.count() == 4


def test_a_closed_ledger_entry_is_not_reminded(cast, make_entry):
    make_entry(TODAY, status="closed", closed_on=TODAY)
    queue_all(TODAY)
    assert Message.objects.count() == 0


def test_a_finding_due_goes_to_the_clerks_of_its_village_only(cast, make_finding):
    finding = make_finding(TODAY + timedelta(days=3))
    make_finding(TODAY - timedelta(days=10), division_code=HONGMEI_V1)
    queue_all(TODAY)
    queue_all(TODAY)
    text = (f"【安居】山城镇 演示一村 {finding.house.address}的数据问题（漏填：结构类型未填写）"
            "应于 2026-12-09 前整改。")
    assert sent_to("finding_due") == [("shancheng", text), ("cadre", text)]
    assert [u for u, _ in sent_to("finding_overdue")] == ["hongmei"]


def test_a_payment_due_within_the_30_days_goes_to_county_finance_and_the_township(
        cast, household, make_case, make_household):
    case = make_case(household, status="accepted", accepted_on=TODAY - timedelta(days=25),
                     payment_due_on=TODAY + timedelta(days=5), payable_amount=30000)
    make_case(make_household(), status="accepted", payment_due_on=TODAY + timedelta(days=20))
    queue_all(TODAY)
    queue_all(TODAY)
    text = (f"【安居】山城镇 演示一村王大山户的改造补助（案件 {case.number}）应于 2026-12-11 前"
            "拨付（R-MH-12，验收后 30 日内），应付 30000.00 元。")
    assert sent_to("payment_due") == [("mhk_finance", text), ("shancheng", text)]


def test_a_late_payment_is_told_once_with_what_is_still_owed(cast, household, make_case,
                                                            make_household):
    make_case(household, status="accepted", payment_due_on=TODAY - timedelta(days=1),
              payable_amount=30000, paid_amount=10000)
    make_case(make_household(), status="paid", payment_due_on=TODAY - timedelta(days=1),
              paid_on=TODAY - timedelta(days=3))
    queue_all(TODAY)
    queue_all(TODAY + timedelta(days=1))
    assert [(u, t.endswith("应付 20000.00 元，请尽快拨付。")) for u, t in
            sent_to("payment_overdue")] == [("mhk_finance", True), ("shancheng", True)]


def test_a_roster_house_awaiting_appraisal_reminds_the_township_once(cast,
                                                                  make_roster_person):
    person = make_roster_person(TODAY + timedelta(days=1))
    late = make_roster_person(TODAY - timedelta(days=2), division_code=HONGMEI_V1,
                              name="赵四")
    queue_all(TODAY)
    queue_all(TODAY)
    assert sent_to("roster_due") == [
        ("shancheng", "【安居】山城镇 演示一村李小红（2026-11 名单）的住房应于 2026-12-07 前完成"
                      "鉴定（N4）。")]
    assert sent_to("roster_late") == [
        ("hongmei", "【安居】红梅镇 演示一村赵四（2026-11 名单）的住房已超过鉴定期限 2026-12-04"
                    "（N4），请尽快鉴定。")]
    assert person.id_number not in sent_to("roster_due")[0][1]
    assert late.id_number not in sent_to("roster_late")[0][1]


def _move(case, to_status, on=TODAY, **case_fields):
    for field, value in case_fields.items():
        setattr(case, field, value)
    case.save()
    transition = Transition.objects.create(
        application=case, division_code=case.division_code, from_status=case.status,
        action="approve", to_status=to_status, on=on)
    case.status = to_status
    case.save()
    return transition


def test_a_household_that_agreed_is_told_once_per_move_of_its_case(
        cast, household, make_case, make_household):
    household.sms_notices, household.sms_notices_on = True, TODAY
    household.save()
    neighbour = make_household(head_name="孙二娘", phone="13900001111")
    case = make_case(household, status="township_reviewed")
    other = make_case(neighbour, status="township_reviewed")
    queue_case_notices()  # switched on: what happened before is not sent
    _move(case, "approved")
    _move(other, "approved")  # the neighbour did not agree
    Transition.objects.create(application=case, division_code=case.division_code,
                              from_status="approved", action="document",
                              to_status="approved", on=TODAY)  # no move: nothing to tell
    for _ in range(2):
        queue_all(TODAY)
    assert sent_to("case_moved") == [
        ("13812345678", "【安居】您家的农村住房安全保障（危房改造）有新进展：已审批（2026-12-06）。"
                        "补助金额 35000.00 元。如有疑问请联系村委会或乡镇人民政府。")]
    message = Message.objects.get(kind="case_moved")
    assert (message.recipient, message.household_id, message.user_id) == (
        "household", household.pk, None)
    assert "孙二娘" not in message.text and "王大山" not in message.text


def test_a_household_that_did_not_agree_or_has_no_phone_gets_no_message(
        cast, make_household, make_case):
    silent = make_household(head_name="周一")
    no_phone = make_household(head_name="吴二", phone="", sms_notices=True,
                              sms_notices_on=TODAY)
    cases = [make_case(silent, status="applied"), make_case(no_phone, status="applied")]
    queue_case_notices()
    for case in cases:
        _move(case, "village_reviewed")
    queue_all(TODAY)
    assert Message.objects.filter(kind="case_moved").count() == 0


def test_no_message_carries_an_id_number_an_account_or_a_phone(
        cast, household, make_entry, make_finding, make_case, make_household):
    household.sms_notices = True
    household.save()
    case = make_case(household, status="accepted", payment_due_on=TODAY)
    unpaid = make_household(head_name="钱多多", bank_account="6217000099998888")
    make_case(unpaid, status="accepted", payment_due_on=TODAY)
    make_entry(TODAY)
    make_finding(TODAY)
    queue_case_notices()
    _move(case, "paid", paid_amount=35000, paid_on=TODAY)
    queue_all(TODAY - timedelta(days=1))
    texts = list(Message.objects.values_list("text", flat=True))
    assert len(texts) == 7  # check, finding, payment: 2 officials each; the household: 1
    for text in texts:
        for secret in (household.head_id_number, household.bank_account, household.phone,
                       unpaid.head_id_number, unpaid.bank_account, unpaid.phone):
            assert secret not in text
    assert Message.objects.get(kind="case_moved").text.endswith(
        "已拨付（2026-12-06）。已拨付 35000.00 元。如有疑问请联系村委会或乡镇人民政府。")


def test_every_queued_message_has_its_queued_event(cast, make_entry):
    make_entry(TODAY)
    queue_all(TODAY)
    assert Event.objects.filter(to_status=Status.QUEUED, from_status="").count() == \
        Message.objects.count() == 2
