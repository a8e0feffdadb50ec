"""The 提醒 page shows an official their own reminders and marks them read; the system
administrator sees the outbox's delivery (never the text) and sends a failed one again; the
household's consent to SMS notices is set on its form and through the API, with its date."""


import pytest
from django.utils import timezone

from anju.conftest import HONGMEI_V1
from anju.reminders.models import Message
from anju.reminders.producers import queue_all
from anju.reminders.tests.conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def reminders(cast, make_entry, make_finding):
    make_entry(TODAY)
    make_finding(TODAY, division_code=HONGMEI_V1)
    queue_all(TODAY)
    return Message.objects.all()


def test_the_clerk_sees_only_their_own_reminders_and_marks_one_read(browser, cast, reminders):
    clerk = browser(cast.shancheng)
    body = clerk.get("/reminders/").content.decode()
    mine = Message.objects.get(user=cast.shancheng)
    assert mine.text in body
    assert "1 条未读" in body
    assert Message.objects.get(user=cast.hongmei).text not in body
    assert clerk.post(f"/reminders/{mine.pk}/read").status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert "0 条未读" in clerk.get("/reminders/").content.decode()


def test_a_clerk_cannot_mark_another_clerks_reminder(browser, cast, reminders):
    theirs = Message.objects.get(user=cast.hongmei)
    assert browser(cast.shancheng).post(f"/reminders/{theirs.pk}/read").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_reads_only_the_clerks_own(browser, cast, reminders):
    browser(cast.shancheng).post("/reminders/read-all")
    assert list(Message.objects.filter(read_at__isnull=False)
                .values_list("user__username", flat=True)) == ["shancheng"]


def test_the_administrator_sees_delivery_without_the_text_and_sends_a_failed_one_again(
        browser, cast, reminders):
    failed = Message.objects.get(user=cast.hongmei)
    Message.objects.filter(pk=failed.pk).update(status="failed", attempts=5,
                                                last_error="HTTP 500")
    admin = browser(cast.admin)
    body = admin.get("/reminders/outbox/").content.decode()
    assert f'data-message="{failed.pk}" data-status="failed"' in body
    assert "HTTP 500" in body
    for message in reminders:
        assert message.text not in body
    assert admin.post(f"/reminders/outbox/{failed.pk}/retry").status_code == 302
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("queued", 0)
    assert "已重新排队发送" in admin.get("/reminders/outbox/").content.decode()


def test_officials_cannot_open_the_outbox_and_administrators_have_no_inbox(browser, cast):
    assert browser(cast.mhk_housing).get("/reminders/outbox/").status_code == 403
    assert browser(cast.admin).get("/reminders/").status_code == 403


def test_the_household_agrees_to_sms_notices_through_the_api_and_the_date_is_kept(
        api, cast, household):
    client = api(cast.shancheng)
    response = client.patch(f"/api/v1/households/{household.pk}",
                            {"version": household.version, "sms_notices": True})
    assert response.status_code == 200
    assert (response.json()["sms_notices"], response.json()["sms_notices_on"]) == (
        True, timezone.localdate().isoformat())
    household.refresh_from_db()
    response = client.patch(f"/api/v1/households/{household.pk}",
                            {"version": household.version, "sms_notices": False})
    assert (response.json()["sms_notices"], response.json()["sms_notices_on"]) == (False, None)


def test_the_household_form_records_the_consent(browser, cast, household):
    clerk = browser(cast.shancheng)
    form = clerk.get(f"/registry/households/{household.pk}/edit").content.decode()
    assert 'name="sms_notices"' in form
    response = clerk.post(f"/registry/households/{household.pk}/edit", {
        "version": household.version, "division_code": household.division_code,
        "head_name": household.head_name, "persons": household.persons,
        "sms_notices": "on", "members-TOTAL_FORMS": "0", "members-INITIAL_FORMS": "0"})
    assert response.status_code == 302, response.content.decode()[:2000]
    household.refresh_from_db()
    assert (household.sms_notices, household.sms_notices_on) == (True, timezone.localdate())
    detail = clerk.get(f"/registry/households/{household.pk}/").content.decode()
    assert f"已同意（{timezone.localdate():%Y-%m-%d}）" in detail


def test_the_header_counts_the_officials_unread_reminders_on_every_page(browser, cast,
                                                                        reminders):
    clerk = browser(cast.shancheng)
    home = clerk.get("/").content.decode()
    assert '<span class="unread-count" id="unread-count" title="1 条未读">1</span>' in home
    clerk.post("/reminders/read-all")
    assert 'id="unread-count"' not in clerk.get("/").content.decode()


def test_the_header_shows_99_plus_past_99(browser, cast, reminders):
    mine = Message.objects.get(user=cast.shancheng)
    Message.objects.bulk_create(
        Message(recipient="official", user=cast.shancheng, channel=mine.channel, kind=mine.kind,
                text=mine.text, division_code=mine.division_code, subject=mine.subject,
                subject_id=mine.subject_id, dedupe_key=f"k{i}",
                next_attempt_at=mine.next_attempt_at) for i in range(100))
    home = browser(cast.shancheng).get("/").content.decode()
    assert '<span class="unread-count" id="unread-count">99+</span>' in home


def test_an_administrator_without_an_inbox_gets_no_count(browser, cast, reminders):
    page = browser(cast.admin).get("/reminders/outbox/").content.decode()
    assert 'id="unread-count"' not in page
