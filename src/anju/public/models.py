"""The villagers' side of the ledger and the cases (docs/decisions/0046): the warning signs'
secret addresses, the villagers' reports (村民监督线索), each public request as a row, the
township's public phone, and the notices' public addresses. Nothing here holds a raw client
address; a token is kept encrypted (to reprint it) and found by its keyed hash."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from anju.appraisal.models import Inspection
from anju.assistance.models import Notice
from anju.crypto import EncryptedCharField
from anju.public.codes import LeadAction, LeadStatus, ReportKind, RequestKind, RequestResult
from anju.rectification.models import ControlCheck, LedgerEntry
from anju.registry.village import VillageCopy


class TownshipPhone(models.Model):
    """The number printed on a township's warning signs (R-CJ-2 no-living sign)."""

    division_code = models.CharField("乡镇", max_length=9, unique=True)
    phone = models.CharField("乡镇联系电话", max_length=20)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "乡镇联系电话"
        verbose_name_plural = "乡镇联系电话"


class SignToken(models.Model):
    """The secret in a warning sign's QR code. One live token per ledger entry; revoking it
    (a torn or copied sign) makes it answer like an unknown one."""

    entry = models.ForeignKey(LedgerEntry, models.CASCADE, related_name="+")
    division_code = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    token = EncryptedCharField("标志令牌")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    printed_count = models.PositiveIntegerField("打印次数", default=0)
    last_printed_at = models.DateTimeField("最近打印", null=True, blank=True)
    revoked_at = models.DateTimeField("作废时间", null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                   blank=True, related_name="+")

    class Meta:
        verbose_name = "警示标志"
        verbose_name_plural = "警示标志"
        constraints = [
            models.UniqueConstraint(fields=["entry"], condition=Q(revoked_at__isnull=True),
                                    name="public_one_live_sign_per_entry"),
        ]

    village_copy = VillageCopy(house="entry__house_id")


class VillagerReport(models.Model):
    """村民监督线索: what a villager reported at a sign, in the township's queue until the
    township inspects the house (R-CJ-7 villager supervision)."""

    entry = models.ForeignKey(LedgerEntry, models.PROTECT, related_name="+")
    division_code = models.CharField("所在村", max_length=12)
    kind = models.CharField("反映情况", max_length=16, choices=ReportKind.choices)
    text = models.TextField("说明", blank=True)
    photo = models.CharField("照片", max_length=200, blank=True)
    # for the township only: never on a public page
    phone = EncryptedCharField("反映人电话", blank=True)
    status = models.CharField("状态", max_length=8, choices=LeadStatus.choices,
                              default=LeadStatus.OPEN)
    version = models.PositiveIntegerField(default=1)
    reported_at = models.DateTimeField("反映时间", auto_now_add=True)
    due_on = models.DateField("核查期限")
    closed_on = models.DateField("核查日期", null=True, blank=True)
    control_check = models.ForeignKey(ControlCheck, models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name="核查记录")
    # or the inspection of the house that answered it (R-CJ-7, any official level)
    inspection = models.ForeignKey(Inspection, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="检查记录")

    village_copy = VillageCopy(house="entry__house_id")

    class Meta:
        verbose_name = "村民监督线索"
        verbose_name_plural = "村民监督线索"
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "division_code"], name="lead_status_idx")]

    @property
    def number(self) -> str:
        return f"JD{self.division_code[:6]}{self.pk:07d}"


class LeadTransition(models.Model):
    """Append-only: a lead filed by a villager and answered by the township's inspection."""

    report = models.ForeignKey(VillagerReport, models.CASCADE, related_name="transitions")
    division_code = models.CharField(max_length=12)
    action = models.CharField(max_length=8, choices=LeadAction.choices)
    from_status = models.CharField(max_length=8, blank=True)
    to_status = models.CharField(max_length=8)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                              related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    details = models.JSONField(default=dict, blank=True)

    village_copy = VillageCopy(house="report__entry__house_id")

    class Meta:
        ordering = ["id"]


class PublicRequest(models.Model):
    """One public request: what it asked, what it got, from which client (keyed hash of the
    address, never the address) about which subject (keyed hash). The limits count these rows,
    so they hold across every web process."""

    kind = models.CharField(max_length=10, choices=RequestKind.choices)
    result = models.CharField(max_length=10, choices=RequestResult.choices)
    client_hash = models.CharField(max_length=32)
    subject_hash = models.CharField(max_length=32, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "公开访问记录"
        verbose_name_plural = "公开访问记录"
        indexes = [
            models.Index(fields=["client_hash", "kind", "at"], name="public_client_idx"),
            models.Index(fields=["subject_hash", "kind", "at"], name="public_subject_idx"),
        ]


class NoticeLink(models.Model):
    """The public address printed as a QR code on a paper notice (R-MH-4)."""

    notice = models.OneToOneField(Notice, models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    token = EncryptedCharField("公示令牌")
    created_at = models.DateTimeField(auto_now_add=True)
