"""Data-quality findings (错评/漏填/错填, R-CJ-3), on-site verifications, spot checks and the
notices of 举一反三. Findings and their events are the audit trail: a finding is never deleted,
and every change of its status writes a FindingEvent."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from anju.registry.models import House
from anju.registry.village import VillageCopy


class FindingKind(models.TextChoices):
    WRONG_GRADE = "wrong_grade", "错评"
    MISSING_FIELD = "missing_field", "漏填"
    WRONG_FIELD = "wrong_field", "错填"


class FindingStatus(models.TextChoices):
    OPEN = "open", "待整改"
    CLOSED = "closed", "已整改"


class FindingSource(models.TextChoices):
    SAVE = "save", "保存时复核"
    SWEEP = "sweep", "批量核查"
    VERIFICATION = "verification", "点对点核实"
    SIMILAR = "similar", "举一反三"


class EventAction(models.TextChoices):
    OPENED = "opened", "发现问题"
    CLOSED = "closed", "整改销号"
    NOTIFIED = "notified", "举一反三通知"
    SUPERSEDED = "superseded", "被新的核实取代"


class Verification(models.Model):
    """点对点核实比对: a county officer's field-by-field comparison of a record with the house."""

    house = models.ForeignKey(House, models.CASCADE, related_name="verifications")
    division_code = models.CharField(max_length=12)
    verified_on = models.DateField("核实日期")
    verifier = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    # [{field, recorded, observed, reason}]: only the fields seen to differ
    differences = models.JSONField("不一致项", default=list)
    confirmed = models.JSONField("核实一致的字段", default=list)
    note = models.TextField("备注", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    village_copy = VillageCopy(house="house_id")

    class Meta:
        verbose_name = "核实比对"
        verbose_name_plural = "核实比对"
        ordering = ["-verified_on", "-id"]
        indexes = [models.Index(fields=["house", "-verified_on"], name="verification_house_idx")]


class Finding(models.Model):
    """One problem of one house record, sent to its township with a deadline (R-CJ-3)."""

    house = models.ForeignKey(House, models.CASCADE, related_name="findings")
    # The house's village code, copied for scoping; its first 9 digits are the township.
    division_code = models.CharField(max_length=12)
    kind = models.CharField("类别", max_length=16, choices=FindingKind.choices)
    rule = models.CharField("核查规则", max_length=40)
    field = models.CharField("字段", max_length=60)
    message = models.CharField("问题说明", max_length=300)
    status = models.CharField("状态", max_length=8, choices=FindingStatus.choices,
                              default=FindingStatus.OPEN)
    source = models.CharField("来源", max_length=16, choices=FindingSource.choices)
    found_on = models.DateField("发现日期")
    due_on = models.DateField("整改期限")
    closed_on = models.DateField("销号日期", null=True, blank=True)
    verification = models.ForeignKey(Verification, models.PROTECT, null=True, blank=True,
                                     related_name="findings")
    # For verification findings: the value seen on site, which the record must come to equal.
    expected = models.JSONField("核实值", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    village_copy = VillageCopy(house="house_id")

    class Meta:
        verbose_name = "数据质量问题"
        verbose_name_plural = "数据质量问题"
        ordering = ["due_on", "id"]
        constraints = [
            # One open finding per problem: a rerun of the rules never doubles one.
            models.UniqueConstraint(fields=["house", "rule", "field"],
                                    condition=Q(status="open"), name="finding_open_once"),
        ]
        indexes = [
            models.Index(fields=["status", "division_code", "due_on"],
                         name="finding_worklist_idx"),
            models.Index(fields=["house", "status"], name="finding_house_idx"),
            models.Index(fields=["rule", "status", "division_code"], name="finding_rule_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.message}"

    @property
    def township_code(self) -> str:
        return self.division_code[:9]


class FindingEvent(models.Model):
    """Append-only history of a finding: opened, notified, closed (who, when, why)."""

    finding = models.ForeignKey(Finding, models.CASCADE, related_name="events")
    action = models.CharField(max_length=12, choices=EventAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                              related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "问题处理记录"
        verbose_name_plural = "问题处理记录"
        ordering = ["id"]


class SpotCheck(models.Model):
    """面对面抽查: a random sample of houses drawn per township of a division."""

    division_code = models.CharField("抽查范围", max_length=12)
    drawn_on = models.DateField("抽取日期")
    per_township = models.PositiveSmallIntegerField("每个乡镇抽取栋数")
    seed = models.BigIntegerField("随机种子")
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "面对面抽查"
        verbose_name_plural = "面对面抽查"
        ordering = ["-drawn_on", "-id"]


class SpotCheckHouse(models.Model):
    spot_check = models.ForeignKey(SpotCheck, models.CASCADE, related_name="houses")
    house = models.ForeignKey(House, models.CASCADE, related_name="+")
    township_code = models.CharField(max_length=9)

    class Meta:
        ordering = ["township_code", "house_id"]
        constraints = [models.UniqueConstraint(fields=["spot_check", "house"],
                                               name="spot_check_house_once")]


class Notice(models.Model):
    """举一反三: a township told to look for the problem one finding showed elsewhere."""

    township_code = models.CharField("乡镇", max_length=9)
    finding = models.ForeignKey(Finding, models.CASCADE, related_name="notices")
    rule = models.CharField(max_length=40)
    message = models.CharField("通知内容", max_length=400)
    house_count = models.PositiveIntegerField("涉及房屋")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "举一反三通知"
        verbose_name_plural = "举一反三通知"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["finding", "township_code"],
                                               name="notice_once_per_township")]
        indexes = [models.Index(fields=["township_code", "-created_at"],
                                name="notice_township_idx")]


class ValidIdHash(models.Model):
    """The keyed hashes (anju.crypto.lookup_hash) of ID numbers that passed the GB 11643 check,
    so that a sweep need not decrypt and check them again. A valid number stays valid (its birth
    date only recedes into the past), so an entry never goes stale; the hashes are those the
    registry already keeps beside each number, so nothing new is learnt from them."""

    hash = models.CharField(max_length=32, primary_key=True)
