"""The monthly rosters of low-income people (以人找房, N4): a load of one department's list
for one month (also the background job that reads it), its row errors, and one row per person
matched to a household and their only standing house. A person's state is derived when read
(queries.status_of), so it follows the appraisal, the ledger and the case without a sweep."""

from django.conf import settings
from django.db import models

from anju.crypto import EncryptedCharField, LookupHashField
from anju.registry.models import House, Household
from anju.registry.village import VillageCopy
from anju.roster.codes import Change, LoadStatus


class RosterLoad(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                              verbose_name="上传人")
    # civil_affairs 民政 or rural_revitalization 乡村振兴: who certified the people (R-MH-1)
    department = models.CharField("认定部门", max_length=24)
    # The month whose newly identified and removed people the list holds, "YYYY-MM"
    period = models.CharField("名单月份", max_length=7)
    division_code = models.CharField("区划", max_length=12)
    dry_run = models.BooleanField("仅检查", default=False)
    status = models.CharField("状态", max_length=10, choices=LoadStatus.choices,
                              default=LoadStatus.QUEUED)
    received_on = models.DateField("接收日期")
    list_due_on = models.DateField("名单应交日期")
    input_file = models.FileField(upload_to="rosters/%Y/%m/", blank=True)
    input_name = models.CharField("上传文件名", max_length=200, blank=True)
    total = models.PositiveIntegerField("总行数", null=True, blank=True)
    progress = models.PositiveIntegerField("已处理行数", default=0)
    error_count = models.PositiveIntegerField("错误数", default=0)
    summary = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "月度名单"
        verbose_name_plural = "月度名单"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["division_code", "period"], name="roster_load_idx")]

    def __str__(self) -> str:
        return f"{self.period} {self.get_department_display()}名单"

    def get_department_display(self) -> str:
        return {"civil_affairs": "民政", "rural_revitalization": "乡村振兴"}.get(
            self.department, self.department)

    @property
    def list_late(self) -> bool:
        return self.received_on > self.list_due_on


class RosterError(models.Model):
    """One problem of one row of a roster file (header = row 1)."""

    load = models.ForeignKey(RosterLoad, models.CASCADE, related_name="errors")
    row = models.PositiveIntegerField(null=True, blank=True)
    field = models.CharField(max_length=40, blank=True)
    code = models.CharField(max_length=40)
    rule = models.CharField(max_length=20, blank=True)
    message = models.CharField(max_length=300)

    class Meta:
        verbose_name = "名单错误"
        verbose_name_plural = "名单错误"
        ordering = ["id"]


class RosterPerson(models.Model):
    load = models.ForeignKey(RosterLoad, models.CASCADE, related_name="people")
    period = models.CharField("名单月份", max_length=7)
    division_code = models.CharField("所在村", max_length=12)
    name = models.CharField("姓名", max_length=40)
    id_number = EncryptedCharField("身份证号")
    id_hash = LookupHashField(source="id_number")
    category = models.CharField("低收入类别", max_length=20)
    change = models.CharField("变动类型", max_length=12, choices=Change.choices)
    certified_on = models.DateField("认定日期", null=True, blank=True)
    row = models.PositiveIntegerField("文件行号")
    household = models.ForeignKey(Household, models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name="农户")
    # head or member: how the person was found in the register
    matched_as = models.CharField("匹配方式", max_length=8, blank=True)
    house = models.ForeignKey(House, models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name="唯一住房")
    # standing houses of the household when the list was read (1: house is the only one)
    house_count = models.PositiveSmallIntegerField("在册住房数", default=0)
    # The appraisal task the list opened, with the profile's clock
    appraisal_due_on = models.DateField("应完成鉴定日期")
    created_at = models.DateTimeField(auto_now_add=True)

    # A matched person's row follows the household when it moves: the new township appraises.
    village_copy = VillageCopy(household="household_id")

    class Meta:
        verbose_name = "名单人员"
        verbose_name_plural = "名单人员"
        ordering = ["division_code", "id"]
        indexes = [
            models.Index(fields=["division_code", "period"], name="roster_person_idx"),
            models.Index(fields=["house", "period"], name="roster_person_house_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["period", "id_hash", "change"],
                                    name="roster_person_once_a_month"),
        ]

    def __str__(self) -> str:
        return self.name
