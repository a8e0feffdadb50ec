"""The outbox of reminders (ADR 0047): one row per message to one recipient, queued once per
object and due date (the dedupe key), claimed and sent by the send job through the gateway
of its channel, every change of its status an `Event` row."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from anju.crypto import EncryptedCharField


class Recipient(models.TextChoices):
    OFFICIAL = "official", "干部"
    HOUSEHOLD = "household", "农户"


class Kind(models.TextChoices):
    CHECK_DUE = "check_due", "管控检查即将到期"
    CHECK_OVERDUE = "check_overdue", "管控检查逾期"
    FINDING_DUE = "finding_due", "数据问题即将到整改期限"
    FINDING_OVERDUE = "finding_overdue", "数据问题整改逾期"
    PAYMENT_DUE = "payment_due", "补助拨付即将到期"
    PAYMENT_OVERDUE = "payment_overdue", "补助拨付逾期"
    ROSTER_DUE = "roster_due", "名单人员住房即将到鉴定期限"
    ROSTER_LATE = "roster_late", "名单人员住房逾期未鉴定"
    CASE_MOVED = "case_moved", "改造进展告知"


class Status(models.TextChoices):
    QUEUED = "queued", "待发送"
    SENDING = "sending", "发送中"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


class Message(models.Model):
    recipient = models.CharField("接收人类别", max_length=10, choices=Recipient.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, null=True, blank=True,
                             related_name="reminders", verbose_name="接收干部")
    # A household's own number, encrypted like the register's; only the gateway reads it.
    phone = EncryptedCharField("接收手机号", blank=True)
    household_id = models.PositiveIntegerField("农户", null=True, blank=True)
    channel = models.CharField("发送渠道", max_length=12)
    kind = models.CharField("提醒类别", max_length=20, choices=Kind.choices)
    text = models.TextField("内容")
    # What the message is about: the village of the object, and the object itself
    division_code = models.CharField("所在村", max_length=12)
    subject = models.CharField("对象类别", max_length=40)
    subject_id = models.PositiveIntegerField("对象")
    due_on = models.DateField("期限", null=True, blank=True)
    # kind, object, due date and recipient: queued once however often the producers run
    dedupe_key = models.CharField(max_length=120, unique=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices,
                              default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField("发送次数", default=0)
    next_attempt_at = models.DateTimeField("下次发送时间")
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=500, blank=True)
    receipt = models.CharField("网关回执", max_length=200, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = "提醒消息"
        verbose_name_plural = "提醒消息"
        ordering = ["-id"]
        indexes = [
            # the send job's claim: the queued messages whose time has come
            models.Index(fields=["next_attempt_at", "id"], condition=Q(status="queued"),
                         name="reminder_due_idx"),
            models.Index(fields=["user", "-id"], name="reminder_inbox_idx"),
            # the header's unread count on every page: read from the index alone
            models.Index(fields=["user", "division_code"], condition=Q(read_at__isnull=True),
                         name="reminder_unread_idx"),
            models.Index(fields=["status", "division_code"], name="reminder_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(recipient="official", user__isnull=False)
                           | Q(recipient="household", household_id__isnull=False)),
                name="reminder_has_recipient"),
        ]

    def __str__(self) -> str:
        return self.ref

    @property
    def ref(self) -> str:
        """The number a receiver may see and dedupe by (with the dedupe key)."""
        return f"TX{self.pk:08d}"


class Event(models.Model):
    """Append-only: each change of a message's status, the attempt it belongs to and the
    gateway's answer; `actor` is the administrator who put a failed message back."""

    message = models.ForeignKey(Message, models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    attempt = models.PositiveSmallIntegerField(default=0)
    gateway = models.CharField(max_length=12, blank=True)
    error = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                              related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "提醒状态变更"
        verbose_name_plural = "提醒状态变更"
        ordering = ["id"]


class Cursor(models.Model):
    """How far a producer that reads a table of transitions has read (the last id seen)."""

    name = models.CharField(max_length=40, primary_key=True)
    last_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
