"""Supervision documents (domain.md R-CJ-9, §6): the yearly programme plan of a county, the
look-back campaign and its list, and the county's work summary to the prefecture. They read
the register, the ledger and the cases; they own only what the county writes down here."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from anju.rectification.codes import Programme
from anju.registry.models import House, Household
from anju.registry.village import VillageCopy
from anju.supervision.codes import LookbackReason, PlanAction, PlanSource, SummaryStatus

User = settings.AUTH_USER_MODEL


class PlanRow(models.Model):
    """One house of a low-income household in its county's yearly programme plan (R-CJ-9).
    Its state (listed, in a case, completed) is read from the house's case, never stored."""

    programme = models.CharField("纳入工程", max_length=12, choices=Programme.choices)
    county_code = models.CharField("县市", max_length=6)
    year = models.PositiveSmallIntegerField("年度")
    house = models.ForeignKey(House, models.PROTECT, related_name="+", verbose_name="房屋")
    household = models.ForeignKey(Household, models.PROTECT, related_name="+",
                                  verbose_name="农户")
    division_code = models.CharField("所在村", max_length=12)
    grade = models.CharField("列入时等级", max_length=8)
    source = models.CharField("列入方式", max_length=8, choices=PlanSource.choices,
                              default=PlanSource.DRAWN, db_default=PlanSource.DRAWN)
    listed_on = models.DateField("列入日期")
    removed_on = models.DateField("移出日期", null=True, blank=True)
    removal_reason = models.CharField("移出原因", max_length=200, blank=True, db_default="")
    created_at = models.DateTimeField(auto_now_add=True)

    village_copy = VillageCopy(house="house_id")

    class Meta:
        verbose_name = "年度建设计划"
        verbose_name_plural = "年度建设计划"
        ordering = ["division_code", "house_id"]
        constraints = [
            # A house is in one programme at a time (R-CJ-9).
            models.UniqueConstraint(fields=["house"], condition=Q(removed_on__isnull=True),
                                    name="plan_house_once"),
        ]
        indexes = [models.Index(fields=["county_code", "programme", "year"],
                                name="plan_county_year_idx")]


class PlanEvent(models.Model):
    """The recorded transitions of a plan row: listed, added, removed (who, when, why)."""

    row = models.ForeignKey(PlanRow, models.CASCADE, related_name="events")
    action = models.CharField(max_length=8, choices=PlanAction.choices)
    actor = models.ForeignKey(User, models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]


class Campaign(models.Model):
    """回头看: a county's campaign to revisit signed-off, controlled and priority-area houses."""

    division_code = models.CharField("范围", max_length=12)
    title = models.CharField("名称", max_length=100)
    opened_on = models.DateField("开始日期")
    deadline = models.DateField("完成期限")
    opened_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    listed = models.PositiveIntegerField("列入房屋", default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "回头看"
        verbose_name_plural = "回头看"
        ordering = ["-opened_on", "-id"]


class CampaignHouse(models.Model):
    """A house on a campaign's list; filled by one INSERT … SELECT, so every column the insert
    does not name has a database default."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="houses")
    house = models.ForeignKey(House, models.CASCADE, related_name="+")
    division_code = models.CharField(max_length=12)
    reason = models.CharField("列入原因", max_length=12, choices=LookbackReason.choices)
    revisited_on = models.DateField("回访日期", null=True, blank=True)
    inspection_id = models.BigIntegerField(null=True, blank=True)
    found_danger = models.BooleanField("发现隐患", default=False, db_default=False)

    village_copy = VillageCopy(house="house_id")

    class Meta:
        ordering = ["division_code", "house_id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "house"],
                                               name="campaign_house_once")]
        indexes = [models.Index(fields=["campaign", "division_code"],
                                name="campaign_house_division_idx")]


class WorkSummary(models.Model):
    """工作总结: what a county writes to the prefecture, with its figures filled in from the
    records when it is saved and frozen when it is submitted."""

    division_code = models.CharField("县市", max_length=12)
    period = models.CharField("总结期间", max_length=40)
    due_on = models.DateField("报送期限")
    sections = models.JSONField("正文", default=dict)
    figures = models.JSONField("数据", default=dict)
    status = models.CharField("状态", max_length=10, choices=SummaryStatus.choices,
                              default=SummaryStatus.DRAFT)
    submitted_on = models.DateField("报送日期", null=True, blank=True)
    late = models.BooleanField("逾期报送", default=False)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True,
                                     related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "工作总结"
        verbose_name_plural = "工作总结"
        ordering = ["division_code", "-due_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["division_code", "period"],
                                               name="summary_once_per_period")]
