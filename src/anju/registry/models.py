from django.conf import settings
from django.db import models

from anju.crypto import EncryptedCharField, LookupHashField
from anju.registry.codes import (
    AttachmentKind,
    BuildMethod,
    BuildYearBand,
    BusinessSector,
    BusinessUse,
    Energy,
    Grade,
    HouseStatus,
    LandType,
    LowIncomeCategory,
    Occupancy,
    Relation,
    ResponsibleRole,
    ScreeningResult,
    StoreyBand,
    Structure,
    Use,
)
from anju.registry.village import VillageCopy


class Household(models.Model):
    division_code = models.CharField("所在村", max_length=12)
    head_name = models.CharField("户主姓名", max_length=40)
    # Encrypted at rest; exact searches and the one-head-one-household rule use the hash.
    head_id_number = EncryptedCharField("户主身份证号")
    head_id_hash = LookupHashField(source="head_id_number")
    phone = EncryptedCharField("联系电话", blank=True)
    persons = models.PositiveSmallIntegerField("家庭人口")
    low_income_category = models.CharField("低收入类别", max_length=20, blank=True,
                                           choices=LowIncomeCategory.choices)
    bank_account = EncryptedCharField("一卡通账号", blank=True)
    bank_name = models.CharField("开户银行", max_length=60, blank=True)
    # The household agreed to be told by SMS when its case moves (anju.reminders); the date
    # is the day it agreed, kept as evidence of the consent.
    sms_notices = models.BooleanField("同意接收短信通知", default=False, db_default=False)
    sms_notices_on = models.DateField("同意短信通知日期", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "农户"
        verbose_name_plural = "农户"
        indexes = [
            models.Index(fields=["division_code", "id"], name="household_division_idx"),
            # R-MH-14: the periodic-inspection due list starts from the certified households
            # (one range per category).
            models.Index(fields=["low_income_category", "division_code"],
                         name="household_low_income_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["head_id_hash"], name="household_head_hash_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.head_name}户"


class Member(models.Model):
    household = models.ForeignKey(Household, models.CASCADE, related_name="members")
    name = models.CharField("姓名", max_length=40)
    id_number = EncryptedCharField("身份证号", blank=True)
    id_number_hash = LookupHashField(source="id_number")
    relation = models.CharField("与户主关系", max_length=12, choices=Relation.choices)

    class Meta:
        verbose_name = "家庭成员"
        verbose_name_plural = "家庭成员"
        ordering = ["id"]
        # A search by ID number also finds the member's household (exact match).
        indexes = [models.Index(fields=["id_number_hash"], name="member_id_hash_idx")]


class HouseQuerySet(models.QuerySet):
    def standing(self):
        """The houses that count (R-CJ-8a): lists, counts and dashboards start here."""
        return self.filter(status=HouseStatus.STANDING)


class House(models.Model):
    household = models.ForeignKey(Household, models.PROTECT, null=True, blank=True,
                                  related_name="houses", verbose_name="农户")
    division_code = models.CharField("所在村", max_length=12)
    address = models.CharField("地址", max_length=200)
    lat = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    structure = models.CharField("结构类型", max_length=20, choices=Structure.choices)
    color_steel = models.BooleanField("彩钢房", default=False)
    floors = models.PositiveSmallIntegerField("层数")
    storey_band = models.CharField("层数分类", max_length=3, choices=StoreyBand.choices)
    built_year = models.PositiveSmallIntegerField("建造年份", null=True, blank=True)
    build_year_band = models.CharField("建造年代", max_length=10, choices=BuildYearBand.choices,
                                       blank=True)
    build_method = models.CharField("建造方式", max_length=12, choices=BuildMethod.choices,
                                    blank=True)
    floor_area = models.DecimalField("建筑面积（㎡）", max_digits=8, decimal_places=2)
    use = models.CharField("用途", max_length=12, choices=Use.choices)
    business_sector = models.CharField("经营行业", max_length=20, blank=True,
                                       choices=BusinessSector.choices)
    occupancy = models.CharField("居住状态", max_length=12, choices=Occupancy.choices)
    is_only_house = models.BooleanField("唯一住房", default=True)
    grade = models.CharField("安全等级", max_length=8, choices=Grade.choices,
                             default=Grade.UNRATED)
    screening_result = models.CharField("排查初判", max_length=8, blank=True,
                                        choices=ScreeningResult.choices)
    # grading.md §1: screened serious/some and not appraised since ("待鉴定"); kept by the
    # appraisal verbs so that work lists can find these houses through an index.
    awaiting_appraisal = models.BooleanField("待鉴定", default=False)
    priority_tags = models.JSONField("重点区域", default=list, blank=True)
    # R-CJ-1: kept beside the tags so that every work list can sort priority houses first
    # through an index; the registry verbs keep the two in step.
    is_priority = models.BooleanField("重点房屋", default=False)
    # R-CJ-8a: one house, one life. A demolished house stays on record (its ledger entry and
    # case point at it); a house built in its place is a new record naming it.
    status = models.CharField("房屋状态", max_length=12, choices=HouseStatus.choices,
                              default=HouseStatus.STANDING, db_default=HouseStatus.STANDING)
    demolished_on = models.DateField("拆除日期", null=True, blank=True)
    # R-MH-14: whether the household is certified low-income, a copy kept by the database
    # itself (triggers of migration 0011, on every write of either table, bulk ones too) so
    # that the periodic-inspection due list reads one partial index. Never set by the code:
    # whatever a save writes here, the database puts the household's answer back.
    certified_low_income = models.BooleanField("低收入群体房屋", default=False, db_default=False,
                                               editable=False)
    demolition_note = models.CharField("拆除依据", max_length=200, blank=True, db_default="")
    replaces_house = models.ForeignKey("self", models.PROTECT, null=True, blank=True,
                                       related_name="replaced_by", verbose_name="原房屋")
    # What the national house form asks and Anju did not hold (national-exchange.md N1, N2):
    # all optional, unknown until filled in (null or empty), never guessed by an export.
    land_type = models.CharField("土地性质", max_length=12, choices=LandType.choices,
                                 blank=True, default="", db_default="")
    homestead_permit = models.BooleanField("宅基地审批手续", null=True, blank=True)
    planning_permit = models.BooleanField("规划许可手续", null=True, blank=True)
    completion_permit = models.BooleanField("竣工验收手续", null=True, blank=True)
    registration_permit = models.BooleanField("房屋登记手续", null=True, blank=True)
    altered = models.BooleanField("是否改造", null=True, blank=True)
    alteration_count = models.PositiveSmallIntegerField("改造次数", null=True, blank=True)
    alterations = models.JSONField("改造内容", default=list, blank=True, db_default=[])
    business_approval = models.BooleanField("经营审批手续", null=True, blank=True)
    business_use = models.CharField("主要用途", max_length=16, choices=BusinessUse.choices,
                                    blank=True, default="", db_default="")
    heating_energy = models.CharField("采暖用能", max_length=12, choices=Energy.choices,
                                      blank=True, default="", db_default="")
    cooking_energy = models.CharField("炊事用能", max_length=12, choices=Energy.choices,
                                      blank=True, default="", db_default="")
    height = models.DecimalField("房屋高度（米）", max_digits=5, decimal_places=2, null=True,
                                 blank=True)
    local_floors = models.PositiveSmallIntegerField("局部层数", null=True, blank=True)
    # The building's code in the national system (JGJ/T 496), kept from a reconciliation.
    national_code = models.CharField("全国房屋编码", max_length=40, blank=True, default="",
                                     db_default="")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HouseQuerySet.as_manager()

    class Meta:
        verbose_name = "房屋"
        verbose_name_plural = "房屋"
        indexes = [
            models.Index(fields=["division_code", "id"], name="house_division_idx"),
            models.Index(fields=["grade", "division_code"], name="house_grade_idx"),
            # The order of every house list (queries.houses_for_user): one ordered range seek
            # per value of is_priority, so a page needs no sort of the whole township. Status,
            # the lists' filter, rides along: the count and the rows an OFFSET skips are read
            # from the index alone, not from 300,000 table rows (bench/floor.py).
            models.Index(fields=["-is_priority", "division_code", "id", "status"],
                         name="house_list_status_idx"),
            models.Index(fields=["awaiting_appraisal", "division_code"],
                         name="house_awaiting_idx"),
            # R-MH-14: the due list's count reads a certified household's standing houses
            # from this index alone.
            models.Index(fields=["household", "status", "division_code"],
                         name="house_household_state_idx"),
            # R-MH-14: the due list, count and first page alike, reads only the houses of
            # certified households, in list order; status is a column, not the condition, so
            # that the list's `status = %s` is read from the index, not the house's row.
            models.Index(fields=["division_code", "id", "status"],
                         name="house_low_income_due_idx",
                         condition=models.Q(certified_low_income=True)),
        ]

    def __str__(self) -> str:
        return self.address


class ResponsiblePerson(models.Model):
    house = models.ForeignKey(House, models.CASCADE, related_name="responsible_persons")
    role = models.CharField("责任类型", max_length=24, choices=ResponsibleRole.choices)
    name = models.CharField("姓名或单位", max_length=80)
    phone = EncryptedCharField("联系电话", blank=True)
    department = models.CharField("部门", max_length=32, blank=True)

    class Meta:
        verbose_name = "责任人"
        verbose_name_plural = "责任人"
        ordering = ["id"]


class Attachment(models.Model):
    """A photo or scanned document of a household or house, kept through Django's storage."""

    division_code = models.CharField(max_length=12)
    household = models.ForeignKey(Household, models.CASCADE, null=True, blank=True,
                                  related_name="attachments")
    house = models.ForeignKey(House, models.CASCADE, null=True, blank=True,
                              related_name="attachments")
    kind = models.CharField("类型", max_length=12, choices=AttachmentKind.choices)
    title = models.CharField("说明", max_length=100, blank=True)
    file = models.FileField("文件", upload_to="attachments/%Y/%m/")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    village_copy = VillageCopy(house="house_id", household="household_id")

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["id"]


class RecordEvent(models.Model):
    """Append-only history of registry records: who changed what, when, from what to what."""

    division_code = models.CharField(max_length=12)
    household = models.ForeignKey(Household, models.CASCADE, null=True, blank=True,
                                  related_name="events")
    house = models.ForeignKey(House, models.CASCADE, null=True, blank=True,
                              related_name="events")
    action = models.CharField(max_length=40)
    changes = models.JSONField(default=dict)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True)
    at = models.DateTimeField(auto_now_add=True)

    village_copy = VillageCopy(house="house_id", household="household_id")

    class Meta:
        verbose_name = "变更记录"
        verbose_name_plural = "变更记录"
        ordering = ["id"]
