"""The gateways a message leaves by, chosen per recipient kind by ANJU_REMINDER_GATEWAYS
(README): a file outbox in the data folder (the default, works offline), a generic SMS HTTP
gateway, and the group robots of 企业微信 and 钉钉 (msgtype text; 钉钉 signed with HMAC-SHA256
when a secret is set). A gateway answers with a receipt or raises GatewayError; what it sends
carries the message's reference and dedupe key, so that a receiver can drop a repeat (a send
killed before it was recorded is sent again: at least once, ADR 0047)."""

import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from anju.reminders.models import Message, Recipient

TIMEOUT_SECONDS = 10
NAMES = ("file", "sms", "wecom", "dingtalk", "inbox")
_file_lock = threading.Lock()


class GatewayError(Exception):
    """The gateway did not take the message; the text is kept as the attempt's error."""


def configured() -> dict[str, str]:
    """recipient kind -> gateway name, from ANJU_REMINDER_GATEWAYS ("official=wecom,
    household=sms"); a kind not named goes to the file outbox."""
    chosen = {Recipient.OFFICIAL.value: "file", Recipient.HOUSEHOLD.value: "file"}
    for item in settings.REMINDER_GATEWAYS:
        kind, _, name = item.partition("=")
        if kind.strip() not in chosen or name.strip() not in NAMES:
            raise ImproperlyConfigured(
                f"ANJU_REMINDER_GATEWAYS: {item!r} is not <official|household>=<{'|'.join(NAMES)}>")
        chosen[kind.strip()] = name.strip()
    if chosen[Recipient.HOUSEHOLD.value] in ("wecom", "dingtalk", "inbox"):
        raise ImproperlyConfigured("ANJU_REMINDER_GATEWAYS: a household is told by sms or file")
    return chosen


def channel_for(recipient: str) -> str:
    return configured()[recipient]


def _post_json(url: str, body: dict, headers: dict | None = None) -> tuple[int, bytes]:
    data = json.dumps(body, ensure_ascii=False).encode()
    request = urllib.request.Request(url, data=data, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status, response.read(4096)
    except urllib.error.HTTPError as error:
        raise GatewayError(f"HTTP {error.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise GatewayError(f"{type(error).__name__}: {getattr(error, 'reason', error)}") from None


def _robot_answer(status: int, raw: bytes) -> str:
    """企业微信 and 钉钉 answer 200 with {"errcode": 0, "errmsg": "ok"} when they took it."""
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        raise GatewayError(f"HTTP {status}: not JSON") from None
    if answer.get("errcode") != 0:
        raise GatewayError(f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}"[:300])
    return f"errcode 0 {answer.get('errmsg', '')}".strip()


def robot_text(message: Message) -> str:
    return f"{message.text}（{message.ref}）"


class FileOutbox:
    """One JSON line per message in <data folder>/reminders/outbox.jsonl."""

    name = "file"

    @staticmethod
    def path() -> Path:
        return Path(settings.DATA_DIR) / "reminders" / "outbox.jsonl"

    def send(self, message: Message) -> str:
        line = json.dumps({
            "ref": message.ref, "dedupe_key": message.dedupe_key, "kind": message.kind,
            "recipient": message.recipient,
            "to": message.user.username if message.user_id else message.phone,
            "text": message.text, "queued_at": message.created_at.isoformat(),
            "written_at": timezone.now().isoformat(),
        }, ensure_ascii=False)
        path = self.path()
        path.parent.mkdir(parents=True, exist_ok=True)
        with _file_lock, path.open("a", encoding="utf-8") as out:
            out.write(line + "\n")
            out.flush()
        return f"{path.name}"


class Inbox:
    """Officials only: the message is read on the 提醒 page, nothing leaves Anju."""

    name = "inbox"

    def send(self, message: Message) -> str:
        return "inbox"


class SmsGateway:
    """A generic SMS HTTP gateway: POST JSON {ref, dedupe_key, to, text} with a bearer token
    to ANJU_SMS_URL; any 2xx answer is the gateway's acknowledgement."""

    name = "sms"

    def body(self, message: Message) -> dict:
        return {"ref": message.ref, "dedupe_key": message.dedupe_key, "to": message.phone,
                "text": message.text}

    def send(self, message: Message) -> str:
        if not settings.SMS_URL:
            raise GatewayError("ANJU_SMS_URL is not set")
        headers = {"Authorization": f"Bearer {settings.SMS_TOKEN}"} if settings.SMS_TOKEN else {}
        status, raw = _post_json(settings.SMS_URL, self.body(message), headers)
        if not 200 <= status < 300:
            raise GatewayError(f"HTTP {status}")
        return f"HTTP {status} {raw[:100].decode(errors='replace')}".strip()


class WeComRobot:
    """企业微信群机器人: POST {"msgtype": "text", "text": {"content": ...}} to the webhook."""

    name = "wecom"

    def body(self, message: Message) -> dict:
        return {"msgtype": "text", "text": {"content": robot_text(message)}}

    def send(self, message: Message) -> str:
        if not settings.WECOM_WEBHOOK:
            raise GatewayError("ANJU_WECOM_WEBHOOK is not set")
        return _robot_answer(*_post_json(settings.WECOM_WEBHOOK, self.body(message)))


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉加签: Base64(HMAC-SHA256(key=secret, "timestamp\\nsecret")), then URL-encoded."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(),
                      hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


def dingtalk_url(webhook: str, secret: str, timestamp_ms: int) -> str:
    if not secret:
        return webhook
    joiner = "&" if "?" in webhook else "?"
    return f"{webhook}{joiner}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"


class DingTalkRobot:
    """钉钉自定义机器人: POST {"msgtype": "text", "text": {"content": ...}}; with a secret the
    URL carries timestamp (ms) and sign."""

    name = "dingtalk"

    def body(self, message: Message) -> dict:
        return {"msgtype": "text", "text": {"content": robot_text(message)}}

    def send(self, message: Message, timestamp_ms: int | None = None) -> str:
        if not settings.DINGTALK_WEBHOOK:
            raise GatewayError("ANJU_DINGTALK_WEBHOOK is not set")
        url = dingtalk_url(settings.DINGTALK_WEBHOOK, settings.DINGTALK_SECRET,
                           timestamp_ms or round(time.time() * 1000))
        return _robot_answer(*_post_json(url, self.body(message)))


GATEWAYS = {g.name: g for g in (FileOutbox(), SmsGateway(), WeComRobot(), DingTalkRobot(),
                                Inbox())}


def gateway(name: str):
    return GATEWAYS[name]
