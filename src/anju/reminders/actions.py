"""The verbs on reminders: an official marks messages read; an administrator puts a failed
message back in the queue (never a sent one)."""

from django.db import transaction
from django.utils import timezone

from anju.accounts.access import check
from anju.kit.errors import Code, Conflict
from anju.reminders.models import Event, Message, Status
from anju.reminders.queries import messages_for_user


def mark_read(message: Message, *, acting_user) -> Message:
    """The official has read the message (their own: fetched through the door)."""
    check(acting_user, "reminders.inbox")
    Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=timezone.now())
    message.refresh_from_db()
    return message


def mark_all_read(*, acting_user) -> int:
    check(acting_user, "reminders.inbox")
    return messages_for_user(acting_user).filter(read_at__isnull=True).update(
        read_at=timezone.now())


@transaction.atomic
def retry_message(message: Message, *, acting_user) -> Message:
    """A failed message gets REMINDER_MAX_ATTEMPTS more attempts from now."""
    check(acting_user, "reminders.outbox")
    done = Message.objects.filter(pk=message.pk, status=Status.FAILED).update(
        status=Status.QUEUED, attempts=0, next_attempt_at=timezone.now())
    if done != 1:
        raise Conflict(Code.REMINDER_NOT_FAILED, "只有发送失败的提醒可以重新发送",
                       field="status")
    Event.objects.create(message=message, from_status=Status.FAILED, to_status=Status.QUEUED,
                         actor=acting_user)
    message.refresh_from_db()
    return message
