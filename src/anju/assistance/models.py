"""Housing security for low-income households (住房安全保障, R-MH-1..15): certifications, the
register of craftsmen and contractors, and each household's case from application to archive.

The case (`Application`) carries its status and the dates and flags its lists sort by; each
policy act is a row of its own (approval, notice, inspection, acceptance, payment, document)
and every act is a `Transition` row (docs/decisions/0020)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from anju.accounts.models import Department
from anju.assistance.codes import (
    Account,
    AgreementKind,
    Decision,
    DesignKind,
    DocumentKind,
    FundStatus,
    Method,
    NoticeContent,
    NoticeLevel,
    OldHouseTreatment,
    Payee,
    Stage,
    Status,
    WindowKind,
)
from anju.crypto import EncryptedCharField, LookupHashField
from anju.registry.codes import LowIncomeCategory
from anju.registry.models import Attachment, House, Household
from anju.registry.village import VillageCopy

User = settings.AUTH_USER_MODEL


class Certification(models.Model):
    """R-MH-1: a department's certification that a household is in a low-income category."""

    household = models.ForeignKey(Household, models.PROTECT, related_name="certifications",
                                  verbose_name="农户")
    division_code = models.CharField("所在村", max_length=12)
    category = models.CharField("认定类别", max_length=20, choices=LowIncomeCategory.choices)
    department = models.CharField("认定部门", max_length=32, choices=Department.choices)
    certified_on = models.DateField("认定日期")
    valid_until = models.DateField("有效期至", null=True, blank=True)
    lapsed_on = models.DateField("失效日期", null=True, blank=True)
    lapse_reason = models.CharField("失效原因", max_length=200, blank=True)
    document = models.ForeignKey(Attachment, models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name="认定材料")
    certified_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    village_copy = VillageCopy(household="household_id")

    class Meta:
        verbose_name = "低收入群体认定"
        verbose_name_plural = "低收入群体认定"
        ordering = ["-certified_on", "-id"]
        indexes = [models.Index(fields=["division_code", "id"], name="cert_division_idx")]

    def current_on(self, on) -> bool:
        return (self.certified_on <= on and (self.valid_until is None or on <= self.valid_until)
                and (self.lapsed_on is None or on < self.lapsed_on))


class Craftsman(models.Model):
    """R-MH-8: a trained and certified rural building craftsman (农村建筑工匠)."""

    name = models.CharField("姓名", max_length=40)
    id_number = EncryptedCharField("身份证号")
    id_hash = LookupHashField(source="id_number")
    phone = EncryptedCharField("联系电话", blank=True)
    division_code = models.CharField("所在地", max_length=12)
    certificate_no = models.CharField("培训合格证书编号", max_length=60)
    trained_on = models.DateField("培训日期")
    valid_until = models.DateField("证书有效期至")
    created_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "农村建筑工匠"
        verbose_name_plural = "农村建筑工匠"
        ordering = ["division_code", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["id_hash"], name="craftsman_id_unique")]

    def __str__(self) -> str:
        return f"{self.name}（{self.certificate_no}）"


class Contractor(models.Model):
    """R-MH-8: a qualified construction company (施工单位)."""

    name = models.CharField("单位名称", max_length=100)
    credit_code = models.CharField("统一社会信用代码", max_length=18)
    qualification_no = models.CharField("资质证书编号", max_length=60)
    valid_until = models.DateField("资质有效期至")
    division_code = models.CharField("所在地", max_length=12)
    created_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "施工单位"
        verbose_name_plural = "施工单位"
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["credit_code"],
                                               name="contractor_credit_unique")]

    def __str__(self) -> str:
        return self.name


class Application(models.Model):
    """One household's case (一户一档), from the application to payment and archive."""

    household = models.ForeignKey(Household, models.PROTECT, related_name="applications",
                                  verbose_name="农户")
    house = models.ForeignKey(House, models.PROTECT, null=True, blank=True,
                              related_name="applications", verbose_name="原住房")
    division_code = models.CharField("所在村", max_length=12)
    year = models.PositiveSmallIntegerField("年度")
    status = models.CharField("状态", max_length=20, choices=Status.choices,
                              default=Status.APPLIED)
    version = models.PositiveIntegerField(default=1)
    category = models.CharField("保障类别", max_length=20, choices=LowIncomeCategory.choices)
    certification = models.ForeignKey(Certification, models.PROTECT, related_name="+",
                                      verbose_name="身份认定")
    grade = models.CharField("原房等级", max_length=8, blank=True)
    method = models.CharField("改造方式", max_length=20, choices=Method.choices)
    persons = models.PositiveSmallIntegerField("家庭人口")
    main_area = models.DecimalField("主房面积（㎡）", max_digits=7, decimal_places=2,
                                    null=True, blank=True)
    auxiliary_area = models.DecimalField("辅房面积（㎡）", max_digits=7, decimal_places=2,
                                         default=0)
    subsidy_amount = models.DecimalField("补助金额（元）", max_digits=10, decimal_places=2)
    fully_subsidised = models.BooleanField("兜底保障", default=False)
    co_owned = models.BooleanField("共有产权房屋", default=False)
    township_built = models.BooleanField("乡镇统建", default=False)
    applied_on = models.DateField("申请日期")
    approved_on = models.DateField("审批日期", null=True, blank=True)
    notified_on = models.DateField("书面告知日期", null=True, blank=True)
    # R-MH-8 what must be on file before the start
    design_kind = models.CharField("设计类型", max_length=16, blank=True,
                                   choices=DesignKind.choices)
    design_reference = models.CharField("图集或设计编号", max_length=100, blank=True)
    craftsman = models.ForeignKey(Craftsman, models.PROTECT, null=True, blank=True,
                                  related_name="applications", verbose_name="建筑工匠")
    contractor = models.ForeignKey(Contractor, models.PROTECT, null=True, blank=True,
                                   related_name="applications", verbose_name="施工单位")
    agreement_kind = models.CharField("施工协议/承诺书", max_length=12, blank=True,
                                      choices=AgreementKind.choices)
    started_on = models.DateField("开工日期", null=True, blank=True)
    completed_on = models.DateField("竣工日期", null=True, blank=True)
    accepted_on = models.DateField("验收日期", null=True, blank=True)
    city_checked_on = models.DateField("市危改办审核日期", null=True, blank=True)
    handed_over_on = models.DateField("交付日期", null=True, blank=True)
    waived_on = models.DateField("放弃改造确认日期", null=True, blank=True)
    # R-MH-11 the original house
    old_house_due_on = models.DateField("原房处置期限", null=True, blank=True)
    old_house_treatment = models.CharField("原房处置", max_length=12, blank=True,
                                           choices=OldHouseTreatment.choices)
    old_house_done_on = models.DateField("原房处置日期", null=True, blank=True)
    # R-MH-6: what may be paid; null until the acceptance sets it (then min(approved, audited)
    # for a repair or renovation, the appraised price up to the approved for a purchase)
    payable_amount = models.DecimalField("应付补助（元）", max_digits=10, decimal_places=2,
                                         null=True, blank=True)
    # R-MH-12 payment
    payment_due_on = models.DateField("拨付期限", null=True, blank=True)
    paid_amount = models.DecimalField("已拨付（元）", max_digits=10, decimal_places=2,
                                      default=0)
    paid_on = models.DateField("拨付完成日期", null=True, blank=True)
    closed_on = models.DateField("结案日期", null=True, blank=True)
    # R-MH-13: the paper file kept twice, at the township and at the city office
    paper_township_on = models.DateField("乡镇纸质档案归档日期", null=True, blank=True)
    paper_city_on = models.DateField("市危改办纸质档案归档日期", null=True, blank=True)
    # Set by the daily sweep (tasks.flag_late_cases): what is late, for work lists and stats.
    payment_overdue = models.BooleanField("拨付逾期", default=False)
    payment_due_soon = models.BooleanField("临近拨付期限", default=False)
    old_house_overdue = models.BooleanField("原房处置逾期", default=False)
    window_late = models.BooleanField("未按年度时限完成", default=False)
    rejected_reason = models.CharField("不予通过原因", max_length=500, blank=True)
    # R-MH-7: why a household of <= 3 persons builds above the recommended 60 m²
    area_reason = models.CharField("超出建议面积的理由", max_length=200, blank=True,
                                   db_default="")
    # R-MH-5 加固方案 of a C repair: the dangerous parts it reinforces and how
    reinforcement_parts = models.JSONField("加固部位", default=list, blank=True)
    reinforcement_plan = models.CharField("加固方案", max_length=500, blank=True,
                                          db_default="")
    # R-MH-5 投亲靠友: the host's house, and for a C/D one the host's renovation
    host_house = models.ForeignKey(House, models.PROTECT, null=True, blank=True,
                                   related_name="hosted_cases", verbose_name="接养人房屋")
    host_renovation_due_on = models.DateField("接养人房屋改造期限", null=True, blank=True)
    host_renovated_on = models.DateField("接养人房屋改造完成日期", null=True, blank=True)
    # R-MH-5 租赁公租房: the lease term and the yearly rent the township pays
    lease_years = models.PositiveSmallIntegerField("租赁期限（年）", null=True, blank=True)
    annual_rent = models.DecimalField("年租金（元）", max_digits=10, decimal_places=2,
                                      null=True, blank=True)
    created_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    village_copy = VillageCopy(household="household_id")

    class Meta:
        verbose_name = "农村危房改造申请"
        verbose_name_plural = "农村危房改造申请"
        indexes = [
            models.Index(fields=["division_code", "id"], name="application_division_idx"),
            models.Index(fields=["status", "division_code"], name="application_status_idx"),
        ]
        constraints = [
            # One open case per household at a time; the ended statuses are the workflow's
            # (transitions.WORKFLOW.ended), kept literal here for the migration.
            models.UniqueConstraint(fields=["household"],
                                    condition=~Q(status__in=["closed", "rejected"]),
                                    name="application_one_open_per_household"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"WG{self.division_code[:6]}{self.year}{self.pk:06d}"


class Approval(models.Model):
    """R-MH-3: one department's own decision in the joint approval (三部门联合审批)."""

    application = models.ForeignKey(Application, models.CASCADE, related_name="approvals")
    department = models.CharField("部门", max_length=32, choices=Department.choices)
    decision = models.CharField("意见", max_length=8, choices=Decision.choices)
    on = models.DateField("审批日期")
    comment = models.CharField("意见说明", max_length=500, blank=True)
    decided_by = models.ForeignKey(User, models.PROTECT, related_name="+")

    class Meta:
        ordering = ["on", "id"]
        constraints = [models.UniqueConstraint(fields=["application", "department"],
                                               name="approval_once_per_department")]


class Notice(models.Model):
    """R-MH-4: a public notice (公示) as posted, at one level, from one date to another."""

    application = models.ForeignKey(Application, models.CASCADE, related_name="notices")
    division_code = models.CharField("公示范围", max_length=12)
    level = models.CharField("公示层级", max_length=10, choices=NoticeLevel.choices)
    starts_on = models.DateField("公示开始")
    ends_on = models.DateField("公示结束")
    place = models.CharField("公示地点", max_length=100, blank=True)
    # R-MH-4: what the notice published (policy, recipients, review result, subsidy standard)
    contents = models.JSONField("公示内容", default=list, blank=True)
    photo = models.ForeignKey(Attachment, models.SET_NULL, null=True, blank=True,
                              related_name="+")
    posted_by = models.ForeignKey(User, models.PROTECT, related_name="+")

    class Meta:
        ordering = ["starts_on", "id"]

    def contents_display(self) -> str:
        labels = dict(NoticeContent.choices)
        return "、".join(labels.get(c, c) for c in self.contents or ())


class Objection(models.Model):
    """R-MH-4: an objection raised while a notice is up; resolved before approval."""

    application = models.ForeignKey(Application, models.CASCADE, related_name="objections")
    notice = models.ForeignKey(Notice, models.SET_NULL, null=True, blank=True,
                               related_name="objections")
    raised_on = models.DateField("提出日期")
    text = models.TextField("异议内容")
    resolved_on = models.DateField("处理日期", null=True, blank=True)
    resolution = models.TextField("处理结果", blank=True)
    recorded_by = models.ForeignKey(User, models.PROTECT, related_name="+")

    class Meta:
        ordering = ["raised_on", "id"]


class StageInspection(models.Model):
    """R-MH-9: the township's site inspection at a key stage."""

    application = models.ForeignKey(Application, models.CASCADE, related_name="inspections")
    stage = models.CharField("节点", max_length=16, choices=Stage.choices)
    on = models.DateField("检查日期")
    passed = models.BooleanField("合格")
    findings = models.TextField("发现问题及整改要求", blank=True)
    photo_ids = models.JSONField("照片", default=list, blank=True)
    inspected_by = models.ForeignKey(User, models.PROTECT, related_name="+")

    class Meta:
        ordering = ["on", "id"]


class CompletionAcceptance(models.Model):
    """R-MH-10: the township's completion acceptance (竣工验收)."""

    application = models.ForeignKey(Application, models.CASCADE, related_name="acceptances")
    on = models.DateField("验收日期")
    passed = models.BooleanField("验收合格")
    members = models.JSONField("验收人员", default=list)  # [{role, name}]
    final_cost = models.DecimalField("决算金额（元）", max_digits=10, decimal_places=2)
    # R-MH-6: the cost consultancy's audited final account (工程决算审计), and for a purchase
    # the appraised price
    final_account = models.DecimalField("审计决算（元）", max_digits=10, decimal_places=2,
                                        null=True, blank=True)
    appraised_price = models.DecimalField("评估价格（元）", max_digits=10, decimal_places=2,
                                          null=True, blank=True)
    main_area = models.DecimalField("实测主房面积", max_digits=7, decimal_places=2,
                                    null=True, blank=True)
    auxiliary_area = models.DecimalField("实测辅房面积", max_digits=7, decimal_places=2,
                                         default=0)
    note = models.TextField("验收意见", blank=True)
    recorded_by = models.ForeignKey(User, models.PROTECT, related_name="+")

    class Meta:
        ordering = ["on", "id"]


class Payment(models.Model):
    """R-MH-12: money paid on a case, with its voucher and the household's receipt."""

    application = models.ForeignKey(Application, models.PROTECT, related_name="payments")
    division_code = models.CharField(max_length=12)
    amount = models.DecimalField("拨付金额（元）", max_digits=10, decimal_places=2)
    paid_on = models.DateField("拨付日期")
    payee = models.CharField("收款方", max_length=12, choices=Payee.choices,
                             default=Payee.HOUSEHOLD)
    account = models.CharField("发放方式", max_length=10, choices=Account.choices)
    voucher = models.CharField("凭证号", max_length=60)
    retention = models.DecimalField("质保金（元）", max_digits=10, decimal_places=2, default=0)
    warranty_until = models.DateField("质保期至", null=True, blank=True)
    retention_released_on = models.DateField("质保金返还日期", null=True, blank=True)
    # R-MH-12: the deadline it was paid against and how late (0 on time); a late payment is
    # taken and remembered
    due_on = models.DateField("拨付期限", null=True, blank=True)
    days_late = models.PositiveIntegerField("逾期天数", default=0, db_default=0)
    # R-MH-12a: the disbursement request whose transfer paid it
    batch = models.ForeignKey("DisbursementRequest", models.PROTECT, null=True, blank=True,
                              related_name="payments", verbose_name="报账批次")
    paid_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    village_copy = VillageCopy(household="application__household_id")

    class Meta:
        ordering = ["paid_on", "id"]


class RentYear(models.Model):
    """R-MH-5/R-MH-6: one year's rent of a public-rental lease, paid by the township
    ("租赁补助由各乡镇（街）自行承担，可按年度分期支付")."""

    application = models.ForeignKey(Application, models.PROTECT, related_name="rent_years")
    year_no = models.PositiveSmallIntegerField("租赁年度（第几年）")
    amount = models.DecimalField("租金（元）", max_digits=10, decimal_places=2)
    paid_on = models.DateField("支付日期")
    voucher = models.CharField("凭证号", max_length=60)
    paid_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["year_no"]
        constraints = [models.UniqueConstraint(fields=["application", "year_no"],
                                               name="rent_year_once")]


class CaseDocument(models.Model):
    """R-MH-13: a file of the household's archive, named by what the plan calls it."""

    application = models.ForeignKey(Application, models.CASCADE, related_name="documents")
    kind = models.CharField("材料", max_length=24, choices=DocumentKind.choices)
    attachment = models.ForeignKey(Attachment, models.PROTECT, null=True, blank=True,
                                   related_name="+")
    # Documents Anju writes itself (the written notice) carry no upload.
    generated = models.BooleanField(default=False)
    added_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class Transition(models.Model):
    """Every act on a case, in order: who, when, from which status to which."""

    application = models.ForeignKey(Application, models.CASCADE, related_name="transitions")
    division_code = models.CharField(max_length=12)
    from_status = models.CharField(max_length=20, blank=True)
    action = models.CharField(max_length=24)
    to_status = models.CharField(max_length=20)
    on = models.DateField()
    actor = models.ForeignKey(User, models.PROTECT, null=True, related_name="+")
    comment = models.CharField(max_length=500, blank=True)
    details = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    village_copy = VillageCopy(household="application__household_id")

    class Meta:
        ordering = ["id"]


class DisbursementRequest(models.Model):
    """R-MH-12a 市级报账制: a township's request to the city's finance for the subsidies of its
    accepted, city-checked cases; finance reviews it and transfers the amount to the township's
    finance office, which pays each household (or the contractor, holding the retention)."""

    division_code = models.CharField("乡镇", max_length=12)
    status = models.CharField("状态", max_length=16, choices=FundStatus.choices,
                              default=FundStatus.REQUESTED)
    version = models.PositiveIntegerField(default=1)
    requested_on = models.DateField("申请日期")
    requested_amount = models.DecimalField("申请金额（元）", max_digits=12, decimal_places=2)
    note = models.CharField("说明", max_length=500, blank=True)
    reviewed_on = models.DateField("审核日期", null=True, blank=True)
    review_comment = models.CharField("审核意见", max_length=500, blank=True)
    transferred_on = models.DateField("拨款日期", null=True, blank=True)
    transferred_amount = models.DecimalField("拨款金额（元）", max_digits=12, decimal_places=2,
                                             null=True, blank=True)
    transfer_voucher = models.CharField("拨款凭证号", max_length=60, blank=True)
    settled_on = models.DateField("发放完毕日期", null=True, blank=True)
    created_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "补助资金报账申请"
        verbose_name_plural = "补助资金报账申请"
        indexes = [models.Index(fields=["status", "division_code"], name="fund_status_idx")]

    @property
    def number(self) -> str:
        return f"BZ{self.division_code}{self.pk:05d}"


class DisbursementItem(models.Model):
    """One case of a disbursement request: the amount asked for it and its acceptance report."""

    request = models.ForeignKey(DisbursementRequest, models.CASCADE, related_name="items")
    application = models.ForeignKey(Application, models.PROTECT, related_name="fund_items")
    amount = models.DecimalField("申请金额（元）", max_digits=10, decimal_places=2)
    report = models.ForeignKey(CaseDocument, models.PROTECT, related_name="+",
                               verbose_name="竣工验收报告")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["request", "application"],
                                               name="fund_item_once")]


class DisbursementTransition(models.Model):
    """Every step of a disbursement request, dated: filed, reviewed, transferred, settled."""

    request = models.ForeignKey(DisbursementRequest, models.CASCADE, related_name="transitions")
    division_code = models.CharField(max_length=12)
    from_status = models.CharField(max_length=16, blank=True)
    action = models.CharField(max_length=24)
    to_status = models.CharField(max_length=16)
    on = models.DateField()
    actor = models.ForeignKey(User, models.PROTECT, null=True, related_name="+")
    comment = models.CharField(max_length=500, blank=True)
    details = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class DepartmentRecord(models.Model):
    """六、责任分工: a department's part of a case, as it recorded it: natural resources the
    planning approval and, after a rebuild, deregistration, transfer and the new title
    (灭籍、过户、产权登记); water the safe drinking water (饮水安全); power the connection
    (用电入户). The act is also a Transition row, so it shows on the case's timeline."""

    application = models.ForeignKey(Application, models.CASCADE,
                                    related_name="department_records")
    division_code = models.CharField(max_length=12)
    department = models.CharField("部门", max_length=32, choices=Department.choices)
    action = models.CharField("事项", max_length=24)
    on = models.DateField("办理日期")
    reference = models.CharField("文号或证号", max_length=100, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    recorded_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    village_copy = VillageCopy(household="application__household_id")

    class Meta:
        verbose_name = "部门办理事项"
        verbose_name_plural = "部门办理事项"
        ordering = ["on", "id"]
        constraints = [models.UniqueConstraint(fields=["application", "action"],
                                               name="department_record_once_per_action")]


class WindowCase(models.Model):
    """The township's window (咨询服务窗口、工程纠纷调解): a consultation or a construction
    dispute, recorded against a household (and its case when there is one), with its outcome."""

    kind = models.CharField("类别", max_length=16, choices=WindowKind.choices)
    household = models.ForeignKey(Household, models.PROTECT, related_name="window_cases",
                                  verbose_name="农户")
    application = models.ForeignKey(Application, models.PROTECT, null=True, blank=True,
                                    related_name="window_cases", verbose_name="改造申请")
    division_code = models.CharField("所在村", max_length=12)
    received_on = models.DateField("受理日期")
    subject = models.TextField("咨询或纠纷内容")
    parties = models.CharField("纠纷当事人", max_length=200, blank=True)
    outcome = models.TextField("答复或调解结果", blank=True)
    resolved_on = models.DateField("办结日期", null=True, blank=True)
    recorded_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    resolved_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    village_copy = VillageCopy(household="household_id")

    class Meta:
        verbose_name = "乡镇窗口受理"
        verbose_name_plural = "乡镇窗口受理"
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["division_code", "id"], name="window_division_idx")]


class ArchiveReview(models.Model):
    """R-MH-13 三统一: the city office's review of one township's archives, on a random sample
    of its cases drawn reproducibly (seeded by the review's id and date)."""

    division_code = models.CharField("乡镇", max_length=12)
    reviewed_on = models.DateField("审查日期")
    sample_size = models.PositiveSmallIntegerField("抽查户数")
    seed = models.CharField("抽样种子", max_length=40, blank=True)
    reviewer = models.ForeignKey(User, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "档案审查"
        verbose_name_plural = "档案审查"
        ordering = ["-reviewed_on", "-id"]


class ArchiveReviewItem(models.Model):
    """One sampled case of an archive review; a finding goes back to the township's queue
    until the township reports it put right."""

    review = models.ForeignKey(ArchiveReview, models.CASCADE, related_name="items")
    application = models.ForeignKey(Application, models.PROTECT, related_name="+")
    division_code = models.CharField(max_length=12)
    passed = models.BooleanField("审查合格", null=True, blank=True)
    finding = models.TextField("审查意见", blank=True)
    checked_on = models.DateField("审查日期", null=True, blank=True)
    resolved_on = models.DateField("整改日期", null=True, blank=True)
    resolution = models.TextField("整改情况", blank=True)
    resolved_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True,
                                    related_name="+")

    # A household that moves takes its file, and a finding on it, to its new township.
    village_copy = VillageCopy(household="application__household_id")

    class Meta:
        verbose_name = "档案审查抽查户"
        verbose_name_plural = "档案审查抽查户"
        ordering = ["id"]
        indexes = [models.Index(fields=["division_code", "id"], name="archive_item_division_idx")]
