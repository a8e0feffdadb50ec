"""Inspections, screenings, appraisals and new hazards of a house. All append-only: a
re-appraisal is a new row, and the house shows the latest (grading.md §3)."""

from django.conf import settings
from django.db import models

from anju.appraisal.codes import (
    AppraisalMethod,
    ControlKind,
    HazardSource,
    HazardStatus,
    InspectionLevel,
    ItemLevel,
    Prevention,
    SiteHazard,
)
from anju.registry.codes import Grade, ScreeningResult
from anju.registry.models import Attachment, House
from anju.registry.village import VillageCopy


class ScreeningItemKind(models.Model):
    """The screening item catalogue (grading.md §2); a region may add kinds of its own."""

    code = models.CharField("代码", max_length=40, unique=True)
    level = models.CharField("程度", max_length=8, choices=ItemLevel.choices)
    name = models.CharField("名称", max_length=200)
    # Empty for the national table; a division code prefix for a region's own kinds.
    region = models.CharField("适用区划", max_length=12, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "排查项目"
        verbose_name_plural = "排查项目"
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class Inspection(models.Model):
    """A check of a house at any level (domain.md §2): who, when, what was seen, photos."""

    house = models.ForeignKey(House, models.CASCADE, related_name="inspections")
    division_code = models.CharField(max_length=12)
    level = models.CharField("检查层级", max_length=20, choices=InspectionLevel.choices)
    inspected_on = models.DateField("检查日期")
    inspector = models.CharField("检查人", max_length=80)
    findings = models.TextField("发现情况", blank=True)
    major_hazard = models.BooleanField("发现重大安全隐患", default=False)
    # R-CJ-8: a house on the ledger may not be used for business until signed off
    business_in_use = models.BooleanField("发现经营活动", default=False, db_default=False)
    # R-MH-14: a periodic inspection that finds the house may be dangerous sends it to
    # appraisal (待鉴定); a C/D grade then puts it on the ledger.
    suspected_dangerous = models.BooleanField("疑似危房", default=False, db_default=False)
    photos = models.ManyToManyField(Attachment, blank=True, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    village_copy = VillageCopy(house="house_id")

    class Meta:
        verbose_name = "检查记录"
        verbose_name_plural = "检查记录"
        ordering = ["-inspected_on", "-id"]
        # R-MH-14: the due list reads each house's last inspection through this index.
        indexes = [models.Index(fields=["house", "-inspected_on"],
                                name="inspection_latest_idx")]


class Screening(models.Model):
    """排查初判 (grading.md §2): its result is serious/some/none, never a grade."""

    house = models.ForeignKey(House, models.CASCADE, related_name="screenings")
    division_code = models.CharField(max_length=12)
    checked_on = models.DateField("排查日期")
    level = models.CharField("排查层级", max_length=20, choices=InspectionLevel.choices)
    inspector = models.CharField("排查人", max_length=80, blank=True)
    items = models.JSONField("隐患项目", default=list)
    altered_without_design = models.BooleanField("擅自改扩建（无设计或无资质施工）", default=False)
    result = models.CharField("初判结果", max_length=8, choices=ScreeningResult.choices)
    note = models.TextField("备注", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    village_copy = VillageCopy(house="house_id")

    class Meta:
        verbose_name = "排查初判"
        verbose_name_plural = "排查初判"
        ordering = ["-checked_on", "-id"]
        indexes = [models.Index(fields=["house", "-checked_on", "-id"],
                                name="screening_latest_idx")]


class Appraisal(models.Model):
    """鉴定 (grading.md §3): the component table and computed grade, or an urban report."""

    house = models.ForeignKey(House, models.CASCADE, related_name="appraisals")
    division_code = models.CharField(max_length=12)
    method = models.CharField("鉴定方式", max_length=8, choices=AppraisalMethod.choices)
    appraised_on = models.DateField("鉴定日期")
    appraiser = models.CharField("鉴定人", max_length=80)
    organization = models.CharField("鉴定单位", max_length=120, blank=True)
    site = models.CharField("场地", max_length=20, choices=SiteHazard.choices,
                            default=SiteHazard.SAFE)
    components = models.JSONField("构件评定", default=dict, blank=True)
    seismic = models.JSONField("抗震构造措施", default=dict, blank=True)
    prevention = models.CharField("防灾措施鉴定", max_length=8, choices=Prevention.choices,
                                  blank=True)
    computed_grade = models.CharField("计算等级", max_length=1, blank=True)
    grade = models.CharField("鉴定等级", max_length=1, choices=Grade.choices[:4])
    override_reason = models.TextField("综合判定理由", blank=True)
    # grading.md §3: houses of 3+ storeys carry an urban appraisal report instead.
    institution = models.CharField("鉴定机构", max_length=120, blank=True)
    report_no = models.CharField("报告编号", max_length=60, blank=True)
    report_file = models.ForeignKey(Attachment, models.PROTECT, null=True, blank=True,
                                    related_name="+")
    # grading.md §4: photos per graded component, {component: [attachment id, ...]}
    component_photos = models.JSONField("构件照片", default=dict, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    village_copy = VillageCopy(house="house_id")

    class Meta:
        verbose_name = "安全性鉴定"
        verbose_name_plural = "安全性鉴定"
        ordering = ["-appraised_on", "-id"]
        indexes = [models.Index(fields=["house", "-appraised_on", "-id"],
                                name="appraisal_latest_idx")]


class Hazard(models.Model):
    """A newly found hazard (R-CJ-2): numbered, with control measures ordered at once."""

    number = models.CharField("隐患编号", max_length=32, unique=True)
    house = models.ForeignKey(House, models.CASCADE, related_name="hazards")
    division_code = models.CharField(max_length=12)
    found_on = models.DateField("发现日期")
    source = models.CharField("来源", max_length=12, choices=HazardSource.choices)
    screening = models.ForeignKey(Screening, models.PROTECT, null=True, blank=True,
                                  related_name="hazards")
    inspection = models.ForeignKey(Inspection, models.PROTECT, null=True, blank=True,
                                   related_name="hazards")
    description = models.TextField("隐患情况", blank=True)
    status = models.CharField("状态", max_length=20, choices=HazardStatus.choices,
                              default=HazardStatus.AWAITING_APPRAISAL)
    appraisal = models.ForeignKey(Appraisal, models.PROTECT, null=True, blank=True,
                                  related_name="hazards")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    village_copy = VillageCopy(house="house_id")

    class Meta:
        verbose_name = "新增隐患"
        verbose_name_plural = "新增隐患"
        ordering = ["-found_on", "-id"]
        # R-CJ-2: the hazards awaiting appraisal of a division (red alerts before the ledger)
        indexes = [models.Index(fields=["status", "division_code"], name="hazard_status_idx")]


class ControlOrder(models.Model):
    """A control measure ordered for a hazard (R-CJ-2/R-CJ-5); the ledger tracks it to the end."""

    hazard = models.ForeignKey(Hazard, models.CASCADE, related_name="controls")
    kind = models.CharField("管控措施", max_length=16, choices=ControlKind.choices)
    ordered_on = models.DateField("要求日期")
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "管控措施"
        verbose_name_plural = "管控措施"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["hazard", "kind"],
                                               name="control_order_once_per_kind")]


class HazardCounter(models.Model):
    """The last hazard number issued per county and year; bumped under a row lock."""

    county = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["county", "year"],
                                               name="hazard_counter_unique")]
