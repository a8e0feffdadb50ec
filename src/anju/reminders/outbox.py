"""Sending the outbox: a run claims the queued messages whose time has come (compare-and-set
on the status, SKIP LOCKED on PostgreSQL, so two workers never hold the same message), sends
each once through its channel's gateway and records the outcome; a failure is queued again
after a growing pause, and marked failed after REMINDER_MAX_ATTEMPTS attempts. Only a queued
message is ever claimed, so one a gateway acknowledged is never sent again. A run killed
between the gateway's answer and the record leaves its claims `sending`: they are queued again
once stale, and sent a second time (at least once; the receiver drops the repeat by its key)."""

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from anju.reminders.gateways import GatewayError, gateway
from anju.reminders.models import Event, Message, Status

log = logging.getLogger("anju.reminders")


def backoff(attempts: int) -> timedelta:
    """The pause after the n-th failed attempt: base, 2×base, 4×base ... at most a day."""
    minutes = settings.REMINDER_RETRY_MINUTES * 2 ** max(attempts - 1, 0)
    return timedelta(minutes=min(minutes, 24 * 60))


def release_stale(now=None) -> int:
    """Claims left `sending` by a run that ended without recording: queued again."""
    now = now or timezone.now()
    stale = now - timedelta(minutes=settings.JOB_STALE_MINUTES)
    released = 0
    for message in Message.objects.filter(status=Status.SENDING, claimed_at__lt=stale):
        with transaction.atomic():
            if Message.objects.filter(pk=message.pk, status=Status.SENDING,
                                      claimed_by=message.claimed_by).update(
                    status=Status.QUEUED, claimed_by="", next_attempt_at=now) == 1:
                Event.objects.create(message=message, from_status=Status.SENDING,
                                     to_status=Status.QUEUED, attempt=message.attempts,
                                     error="发送中断，重新排队")
                released += 1
    return released


def claim(limit: int, now=None) -> list[Message]:
    """Take up to `limit` queued messages whose time has come; each claim counts an attempt."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    with transaction.atomic():
        due = (Message.objects.filter(status=Status.QUEUED, next_attempt_at__lte=now)
               .order_by("next_attempt_at", "id"))
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:limit])
        Message.objects.filter(pk__in=ids, status=Status.QUEUED).update(
            status=Status.SENDING, claimed_by=token, claimed_at=now,
            attempts=F("attempts") + 1)
        claimed = list(Message.objects.filter(pk__in=ids, claimed_by=token,
                                              status=Status.SENDING)
                       .select_related("user").order_by("next_attempt_at", "id"))
        Event.objects.bulk_create(
            Event(message=m, from_status=Status.QUEUED, to_status=Status.SENDING,
                  attempt=m.attempts, gateway=m.channel) for m in claimed)
    return claimed


def _record(message: Message, to_status: str, now, **values) -> bool:
    with transaction.atomic():
        done = Message.objects.filter(pk=message.pk, status=Status.SENDING,
                                      claimed_by=message.claimed_by).update(
            status=to_status, claimed_by="", **values)
        if done == 1:
            Event.objects.create(message=message, from_status=Status.SENDING,
                                 to_status=to_status, attempt=message.attempts,
                                 gateway=message.channel, error=values.get("last_error", ""))
    return done == 1


def deliver(message: Message, now=None) -> str:
    """Send one claimed message and record what came of it; answers its new status."""
    try:
        receipt = gateway(message.channel).send(message)
    except GatewayError as error:
        now = now or timezone.now()
        reason = str(error)[:500]
        if message.attempts >= settings.REMINDER_MAX_ATTEMPTS:
            _record(message, Status.FAILED, now, last_error=reason)
            log.warning("reminders.failed", extra={"ref": message.ref, "error": reason})
            return Status.FAILED
        _record(message, Status.QUEUED, now, last_error=reason,
                next_attempt_at=now + backoff(message.attempts))
        return Status.QUEUED
    _record(message, Status.SENT, now, sent_at=now or timezone.now(), receipt=receipt[:200],
            last_error="")
    return Status.SENT


def send_due(limit: int = 500, now=None) -> dict[str, int]:
    """One run of the send job: stale claims back in the queue, then claim and send."""
    outcome = {Status.SENT: 0, Status.QUEUED: 0, Status.FAILED: 0}
    release_stale(now)
    while True:
        batch = claim(limit, now)
        if not batch:
            break
        for message in batch:
            outcome[deliver(message, now)] += 1
        if len(batch) < limit:
            break
    return {str(k): v for k, v in outcome.items()}
