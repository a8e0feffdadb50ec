"""Sending: each gateway's body exactly as its receiver documents it, the 钉钉 signature, the
file outbox's lines; a failing gateway retried with growing pauses then marked failed; a sent
message never sent again; a send killed before it was recorded sent once more."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from anju.kit.errors import Conflict
from anju.reminders import actions
from anju.reminders.gateways import FileOutbox, dingtalk_sign, dingtalk_url
from anju.reminders.models import Event, Message, Status
from anju.reminders.outbox import claim, send_due
from anju.reminders.producers import queue_all
from anju.reminders.tests.conftest import TODAY

pytestmark = pytest.mark.django_db


class Receiver:
    """A local HTTP server thread standing in for a gateway: it keeps each request and
    answers with the status and JSON body it is given."""

    def __init__(self, status=200, answer=None):
        self.requests, self.status, self.answer = [], status, answer or {"errcode": 0,
                                                                         "errmsg": "ok"}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((self.path, dict(self.headers), json.loads(body)))
                raw = json.dumps(receiver.answer).encode()
                self.send_response(receiver.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = []

    def make(**kwargs):
        made.append(Receiver(**kwargs))
        return made[-1]

    yield make
    for r in made:
        r.close()


@pytest.fixture
def one_reminder(cast, make_entry):
    """One control check due: one message, for the township clerk (the village cadre has
    left: an inactive user is told nothing)."""
    type(cast.cadre).objects.filter(username="cadre").update(is_active=False)
    make_entry(TODAY + timedelta(days=1))
    queue_all(TODAY)
    return Message.objects.get()


@pytest.fixture
def consenting_household_message(cast, household, make_case):
    from anju.assistance.models import Transition
    from anju.reminders.producers import queue_case_notices

    household.sms_notices = True
    household.save()
    case = make_case(household, status="township_reviewed")
    queue_case_notices()
    Transition.objects.create(application=case, division_code=case.division_code,
                              from_status="township_reviewed", action="approve",
                              to_status="approved", on=TODAY)
    queue_case_notices()
    return Message.objects.get(kind="case_moved")


def test_the_file_outbox_writes_one_json_line_per_message(cast, settings, tmp_path,
                                                          make_entry):
    settings.DATA_DIR = tmp_path
    make_entry(TODAY)
    queue_all(TODAY)
    assert send_due() == {"sent": 2, "queued": 0, "failed": 0}
    lines = [json.loads(line) for line in
             (tmp_path / "reminders" / "outbox.jsonl").read_text().splitlines()]
    messages = list(Message.objects.order_by("next_attempt_at", "id"))
    assert [(x["ref"], x["dedupe_key"], x["to"], x["text"]) for x in lines] == [
        (m.ref, m.dedupe_key, m.user.username, m.text) for m in messages]
    assert {m.status for m in messages} == {"sent"}
    assert FileOutbox.path() == tmp_path / "reminders" / "outbox.jsonl"


def test_the_wecom_robot_gets_msgtype_text_with_the_reference(settings, receiver,
                                                             one_reminder):
    wecom = receiver()
    settings.WECOM_WEBHOOK = f"{wecom.url}/cgi-bin/webhook/send?key=test-key"
    Message.objects.update(channel="wecom")
    assert send_due()["sent"] == 1
    [(path, _headers, body)] = wecom.requests
    assert path == "/cgi-bin/webhook/send?key=test-key"
    assert body == {"msgtype": "text",
                    "text": {"content": f"{one_reminder.text}（{one_reminder.ref}）"}}
    message = Message.objects.get()
    assert (message.status, message.receipt, message.attempts) == ("sent", "errcode 0 ok", 1)


def test_the_dingtalk_robot_is_signed_with_the_timestamp_and_secret(settings, receiver,
                                                                   one_reminder):
    ding = receiver()
    settings.DINGTALK_WEBHOOK = f"{ding.url}/robot/send?access_token=abc"
    settings.DINGTALK_SECRET = "SEC0123456789abcdef"
    Message.objects.update(channel="dingtalk")
    assert send_due()["sent"] == 1
    [(path, _headers, body)] = ding.requests
    query = parse_qs(urlsplit(path).query)
    assert query["access_token"] == ["abc"]
    # the documented sign: base64(HMAC-SHA256(secret, "<timestamp>\n<secret>")), URL-encoded
    assert dingtalk_sign(settings.DINGTALK_SECRET, int(query["timestamp"][0])) == \
        urlsplit(path).query.split("&sign=")[1]
    assert body == {"msgtype": "text",
                    "text": {"content": f"{one_reminder.text}（{one_reminder.ref}）"}}


def test_the_dingtalk_signature_of_a_known_secret_and_timestamp():
    # printf "1577836800000\nthis is secret" | openssl dgst -sha256 -hmac "this is secret"
    #   -binary | base64, then URL-encoded
    assert dingtalk_sign("this is secret", 1577836800000) == \
        "fFV9t5lBS7KH4%2B5B0JjR99ab%2BAJkXFauQXycgTkS%2Ftc%3D"
    assert dingtalk_url("https://oapi.dingtalk.com/robot/send?access_token=t", "this is secret",
                        1577836800000) == (
        "https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=1577836800000"
        "&sign=fFV9t5lBS7KH4%2B5B0JjR99ab%2BAJkXFauQXycgTkS%2Ftc%3D")
    assert dingtalk_url("https://x/robot/send?access_token=t", "", 1) == \
        "https://x/robot/send?access_token=t"


def test_the_sms_gateway_gets_the_phone_the_text_and_the_dedupe_key_with_the_token(
        settings, receiver, consenting_household_message):
    sms = receiver(answer={"id": "sms-1"})
    settings.SMS_URL, settings.SMS_TOKEN = f"{sms.url}/send", "tok-123"
    Message.objects.update(channel="sms")
    message = consenting_household_message
    assert send_due()["sent"] == 1
    [(path, headers, body)] = sms.requests
    assert (path, headers["Authorization"]) == ("/send", "Bearer tok-123")
    assert body == {"ref": message.ref, "dedupe_key": message.dedupe_key,
                    "to": "13812345678", "text": message.text}


def test_a_failing_gateway_is_retried_with_growing_pauses_then_marked_failed(
        settings, receiver, one_reminder):
    robot = receiver(answer={"errcode": 310000, "errmsg": "sign not match"})
    settings.WECOM_WEBHOOK = f"{robot.url}/hook"
    settings.REMINDER_MAX_ATTEMPTS, settings.REMINDER_RETRY_MINUTES = 3, 5
    Message.objects.update(channel="wecom")
    start = timezone.now()
    assert send_due(now=start) == {"sent": 0, "queued": 1, "failed": 0}
    message = Message.objects.get()
    assert (message.status, message.attempts, message.next_attempt_at) == (
        "queued", 1, start + timedelta(minutes=5))
    assert message.last_error == "errcode 310000: sign not match"
    assert send_due(now=start + timedelta(minutes=4))["queued"] == 0  # not yet
    assert send_due(now=start + timedelta(minutes=5)) == {"sent": 0, "queued": 1, "failed": 0}
    message.refresh_from_db()
    assert (message.attempts, message.next_attempt_at) == (
        2, start + timedelta(minutes=5 + 10))
    assert send_due(now=start + timedelta(minutes=15)) == {"sent": 0, "queued": 0, "failed": 1}
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 3)
    assert len(robot.requests) == 3
    assert list(message.events.values_list("from_status", "to_status", "attempt")) == [
        ("", "queued", 0), ("queued", "sending", 1), ("sending", "queued", 1),
        ("queued", "sending", 2), ("sending", "queued", 2), ("queued", "sending", 3),
        ("sending", "failed", 3)]
    assert send_due(now=start + timedelta(days=1))["failed"] == 0
    assert len(robot.requests) == 3


def test_an_http_error_is_an_attempt_that_failed(settings, receiver, one_reminder):
    sms_down = receiver(status=503)
    settings.WECOM_WEBHOOK = sms_down.url
    Message.objects.update(channel="wecom")
    send_due()
    message = Message.objects.get()
    assert (message.status, message.attempts, message.last_error) == ("queued", 1, "HTTP 503")


def test_a_sent_message_is_never_sent_again(settings, receiver, one_reminder, cast):
    robot = receiver()
    settings.WECOM_WEBHOOK = robot.url
    Message.objects.update(channel="wecom")
    send_due()
    later = timezone.now() + timedelta(days=3)
    send_due(now=later)
    queue_all(TODAY)
    send_due(now=later)
    assert len(robot.requests) == 1
    message = Message.objects.get()
    with pytest.raises(Conflict) as refused:
        actions.retry_message(message, acting_user=cast.admin)
    assert refused.value.code == "reminder_not_failed"
    assert Message.objects.get().status == "sent"


def test_a_failed_message_put_back_by_the_administrator_is_sent(settings, receiver,
                                                                one_reminder, cast):
    Message.objects.update(status=Status.FAILED, attempts=5, last_error="HTTP 500",
                           channel="wecom")
    robot = receiver()
    settings.WECOM_WEBHOOK = robot.url
    actions.retry_message(Message.objects.get(), acting_user=cast.admin)
    assert send_due()["sent"] == 1
    message = Message.objects.get()
    assert (message.status, message.attempts) == ("sent", 1)
    assert message.events.filter(from_status="failed", to_status="queued",
                                 actor=cast.admin).count() == 1


def test_two_senders_never_claim_the_same_message(one_reminder):
    first, second = claim(10), claim(10)
    assert ([m.pk for m in first], second) == ([one_reminder.pk], [])


def test_a_send_killed_before_it_was_recorded_is_sent_again_after_the_stale_time(
        settings, receiver, one_reminder):
    robot = receiver()
    settings.WECOM_WEBHOOK = robot.url
    Message.objects.update(channel="wecom")
    start = timezone.now()
    [held] = claim(10, now=start)  # the process dies here, after claiming
    assert send_due(now=start + timedelta(minutes=5))["sent"] == 0  # still held
    assert send_due(now=start + timedelta(minutes=settings.JOB_STALE_MINUTES + 1))["sent"] == 1
    message = Message.objects.get()
    assert (message.status, message.attempts) == ("sent", 2)
    assert Event.objects.filter(message=message, from_status="sending",
                                to_status="queued").count() == 1
    assert robot.requests[0][2]["text"]["content"].endswith(f"（{held.ref}）")
