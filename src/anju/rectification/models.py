"""The rectification ledger (整治台账, R-CJ-4..10): one entry per house and hazard episode,
its measures, control checks and acceptances, and every state change as a transition row."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from anju.appraisal.models import Appraisal, ControlOrder, Hazard
from anju.rectification.codes import (
    Action,
    CheckLevel,
    EntryStatus,
    MeasureCategory,
    MeasureKind,
    Programme,
    Source,
)
from anju.registry.models import Attachment, House, Household
from anju.registry.village import VillageCopy


class LedgerEntry(models.Model):
    """一户一档: a C/D house on the ledger, from the appraisal that put it there to sign-off."""

    house = models.ForeignKey(House, models.PROTECT, related_name="ledger_entries",
                              verbose_name="房屋")
    household = models.ForeignKey(Household, models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name="农户")
    division_code = models.CharField("所在村", max_length=12)
    grade = models.CharField("鉴定等级", max_length=1)
    status = models.CharField("状态", max_length=12, choices=EntryStatus.choices,
                              default=EntryStatus.OPEN)
    version = models.PositiveIntegerField(default=1)
    opened_on = models.DateField("列入台账日期")
    appraised_on = models.DateField("鉴定日期", null=True, blank=True)
    # The appraisal that started this episode (null for houses backfilled from graded data)
    appraisal = models.ForeignKey(Appraisal, models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name="鉴定记录")
    hazard = models.ForeignKey(Hazard, models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name="隐患")
    business_sector = models.CharField("经营行业", max_length=20, blank=True)
    # R-CJ-9
    programme = models.CharField("低收入群体保障", max_length=12, blank=True,
                                 choices=Programme.choices)
    low_income_category = models.CharField("低收入类别", max_length=20, blank=True)
    # R-CJ-5: the plan for a house whose engineering work has to wait
    engineering_plan = models.TextField("工程措施计划", blank=True)
    engineering_due_on = models.DateField("计划完成日期", null=True, blank=True)
    # R-CJ-6: derived from the house's occupancy and this entry's status, and (R-CJ-8) from
    # business found going on in the house while the entry is open
    red_alert = models.BooleanField("危房住人", default=False)
    business_alert = models.BooleanField("发现经营活动", default=False, db_default=False)
    # R-CJ-1: the house lies in a priority area; kept from the house so lists sort by it
    priority = models.BooleanField("重点区域", default=False, db_default=False)
    # R-CJ-7: a check found a control measure no longer holding
    broken_alert = models.BooleanField("管控失效", default=False)
    next_check_due = models.DateField("下次检查日期", null=True, blank=True)
    check_overdue = models.BooleanField("检查逾期", default=False)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    # R-CJ-8a: every condition of sign-off holds (kept by the ledger when the renovation case
    # or a re-appraisal completes them): the township is asked to sign off
    signoff_proposed_on = models.DateField("提请销号日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    village_copy = VillageCopy(house="house_id")

    class Meta:
        verbose_name = "整治台账"
        verbose_name_plural = "整治台账"
        indexes = [
            models.Index(fields=["division_code", "id"], name="ledger_division_idx"),
            models.Index(fields=["status", "division_code"], name="ledger_status_idx"),
            models.Index(fields=["red_alert", "division_code"], name="ledger_alert_idx"),
            models.Index(fields=["next_check_due", "status"], name="ledger_due_idx"),
            # the ledger page's order (R-CJ-6 alerts, then R-CJ-1 priority areas, newest)
            models.Index(fields=["-red_alert", "-priority", "division_code", "-id"],
                         name="ledger_list_idx"),
            # counts_by_child reads only these: an index-only scan of a county's entries
            models.Index(fields=["division_code", "status", "red_alert", "broken_alert",
                                 "priority", "business_alert", "next_check_due"],
                         name="ledger_counts_idx"),
        ]
        constraints = [
            # 一户一档: one entry per house and hazard episode
            models.UniqueConstraint(fields=["house"], condition=~Q(status="closed"),
                                    name="ledger_one_open_entry_per_house"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"ZZ{self.division_code[:6]}{self.pk:07d}"


class Measure(models.Model):
    """An engineering or control measure (R-CJ-5); planned ones have no dates yet."""

    entry = models.ForeignKey(LedgerEntry, models.CASCADE, related_name="measures")
    division_code = models.CharField(max_length=12)
    kind = models.CharField("措施", max_length=20, choices=MeasureKind.choices)
    category = models.CharField("类别", max_length=12, choices=MeasureCategory.choices)
    control_order = models.ForeignKey(ControlOrder, models.PROTECT, null=True, blank=True,
                                      related_name="+")
    ordered_on = models.DateField("要求日期", null=True, blank=True)
    started_on = models.DateField("开始日期", null=True, blank=True)
    completed_on = models.DateField("完成日期", null=True, blank=True)
    note = models.TextField("说明", blank=True)
    photos = models.ManyToManyField(Attachment, blank=True, related_name="+")
    # R-CJ-8a: a renovation case of the house is this entry's engineering measure; the case
    # (assistance, a sibling app) is named by id only.
    source = models.CharField("来源", max_length=12, choices=Source.choices,
                              default=Source.LEDGER, db_default=Source.LEDGER)
    application_id = models.PositiveIntegerField("危房改造申请", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    village_copy = VillageCopy(house="entry__house_id")

    class Meta:
        verbose_name = "整治措施"
        verbose_name_plural = "整治措施"
        ordering = ["id"]

    @property
    def planned(self) -> bool:
        return self.started_on is None and self.completed_on is None


class ControlCheck(models.Model):
    """A periodic check that the control measures still hold (R-CJ-7)."""

    entry = models.ForeignKey(LedgerEntry, models.CASCADE, related_name="checks")
    division_code = models.CharField(max_length=12)
    level = models.CharField("检查方式", max_length=20, choices=CheckLevel.choices)
    checked_on = models.DateField("检查日期")
    holds = models.BooleanField("管控措施有效")
    note = models.TextField("说明", blank=True)
    photos = models.ManyToManyField(Attachment, blank=True, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    village_copy = VillageCopy(house="entry__house_id")

    class Meta:
        verbose_name = "管控检查"
        verbose_name_plural = "管控检查"
        ordering = ["checked_on", "id"]


class Acceptance(models.Model):
    """验收 after an engineering measure (R-CJ-8): date, inspectors, result, photos."""

    entry = models.ForeignKey(LedgerEntry, models.CASCADE, related_name="acceptances")
    division_code = models.CharField(max_length=12)
    accepted_on = models.DateField("验收日期")
    passed = models.BooleanField("验收合格")
    inspectors = models.JSONField("验收人员", default=list)
    note = models.TextField("说明", blank=True)
    photos = models.ManyToManyField(Attachment, blank=True, related_name="+")
    # R-CJ-8a: a renovation case of the house is this entry's engineering measure; the case
    # (assistance, a sibling app) is named by id only.
    source = models.CharField("来源", max_length=12, choices=Source.choices,
                              default=Source.LEDGER, db_default=Source.LEDGER)
    application_id = models.PositiveIntegerField("危房改造申请", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    village_copy = VillageCopy(house="entry__house_id")

    class Meta:
        verbose_name = "验收"
        verbose_name_plural = "验收"
        ordering = ["accepted_on", "id"]


class Transition(models.Model):
    """Append-only: every state change of an entry, who made it, when, and why."""

    entry = models.ForeignKey(LedgerEntry, models.CASCADE, related_name="transitions")
    division_code = models.CharField(max_length=12)
    from_status = models.CharField(max_length=12, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    to_status = models.CharField(max_length=12)
    on = models.DateField("日期")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                              related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)

    village_copy = VillageCopy(house="entry__house_id")

    class Meta:
        verbose_name = "台账状态变更"
        verbose_name_plural = "台账状态变更"
        ordering = ["id"]
