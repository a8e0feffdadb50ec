"""The page forms of housing security, one per act. Fields only, plus the uploads: files go
onto the household's file through the registry's verb (一户一档) and their ids to the act's
verb, in one transaction; the verbs decide, and each error lands beside the field it names."""

from django import forms
from django.utils import timezone

from anju.appraisal.codes import SiteHazard
from anju.assistance import actions
from anju.assistance.codes import (
    Account,
    Action,
    AgreementKind,
    Decision,
    DesignKind,
    DocumentKind,
    MemberRole,
    NoticeLevel,
    OldHouseTreatment,
    Stage,
)
from anju.assistance.queries import contractors_for_user, craftsmen_for_user
from anju.kit.masks import mask_account
from anju.web.forms import BLANK, FilesWithRecordForm, MultipleFileField, VerbForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SCANS = "image/*,application/pdf"
YES_NO = [("yes", "是"), ("no", "否")]


def date_field(label: str, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=DATE, **kwargs)


def yes_no(label: str, yes: str = "通过", no: str = "未通过") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, choices=[("yes", yes), ("no", no)],
                                  coerce=lambda v: v == "yes", empty_value=None,
                                  required=False, widget=forms.RadioSelect)


def text(label: str, rows: int = 0, **kwargs):
    widget = forms.Textarea(attrs={"rows": rows}) if rows else None
    return forms.CharField(label=label, required=False, widget=widget, **kwargs)


def choice(label: str, choices, **kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=BLANK + list(choices), required=False,
                             **kwargs)


def files(label: str, *, scans: bool = False, help_text: str = "") -> MultipleFileField:
    widget = None
    if scans:
        from anju.web.forms import MultipleFileInput

        widget = MultipleFileInput(attrs={"accept": SCANS})
    return MultipleFileField(label=label, help_text=help_text or "可多选；保存出错时需重新选择",
                             **({"widget": widget} if widget else {}))


def one_file(label: str, help_text: str = "") -> forms.FileField:
    help_text = (help_text or "照片或扫描件（JPEG、PNG、PDF）") + "；保存出错时需重新选择"
    return forms.FileField(label=label, required=False, help_text=help_text,
                           widget=forms.ClearableFileInput(attrs={"accept": SCANS}))


class UploadingForm(FilesWithRecordForm):
    """A verb form whose files are kept on the household's file first."""

    def __init__(self, *args, user, household, instance=None, request=None, **kwargs):
        super().__init__(*args, user=user, instance=instance, **kwargs)
        self.household = household
        self.request = request
        self.today = timezone.localdate()

    def files_owner(self) -> dict:
        return {"household": self.household}

    def attach_one(self, upload, **kwargs) -> int | None:
        ids = self.attach([upload], **kwargs)
        return ids[0] if ids else None



# ---------------------------------------------------------------- one form per act


class ActForm(UploadingForm):
    """The form of one act on a case; `data()` turns its fields into the verb's data."""

    action: str = ""
    on = date_field("日期")

    def __init__(self, *args, user, case, **kwargs):
        super().__init__(*args, user=user, household=case.household, instance=case, **kwargs)
        self.case = case
        if "on" in self.fields:
            self.initial.setdefault("on", self.today)
        self.setup()

    def setup(self) -> None:
        """Choices and initial values read from the case."""

    @property
    def title_prefix(self) -> str:
        """Files are titled by the case's number and what they are (一户一档)."""
        return self.case.number

    def verb_data(self, cleaned: dict, created: list) -> dict:
        uploads = {n for n, f in self.fields.items() if isinstance(f, forms.FileField)}
        return {k: v for k, v in cleaned.items() if k not in uploads}

    def record(self, cleaned, created):
        data = self.verb_data(cleaned, created)
        return actions.VERBS[self.action](self.case, acting_user=self.user, data=data,
                                          request=self.request)


class VillageReviewForm(ActForm):
    action = Action.VILLAGE_REVIEW
    FIELD_NAMES = {"minutes_id": "minutes"}
    on = date_field("评议日期")
    meeting_kind = choice("会议形式", [("村民会议", "村民会议"), ("村民代表会议", "村民代表会议")])
    attendance = forms.IntegerField(label="参会人数", required=False, min_value=0)
    passed = yes_no("评议结果")
    minutes = one_file("会议记录", "民主评议会议记录扫描件（须上传）")
    comment = text("评议意见", 2)

    def verb_data(self, cleaned, created):
        return {**super().verb_data(cleaned, created), "minutes_id": self.attach_one(
            cleaned.get("minutes"), title=f"{self.title_prefix} 民主评议会议记录", field="minutes",
            created=created)}


class TownshipReviewForm(ActForm):
    action = Action.TOWNSHIP_REVIEW
    on = date_field("初审日期")
    passed = yes_no("初审结果")
    comment = text("初审意见", 2)


class NoticeForm(ActForm):
    action = Action.PUBLISH_NOTICE
    FIELD_NAMES = {"photo_id": "photo"}
    on = None
    level = choice("公示层级", NoticeLevel.choices)
    starts_on = date_field("公示开始")
    ends_on = date_field("公示结束")
    place = text("张贴地点", max_length=100)
    photo = one_file("公示照片", "张贴现场照片")

    def setup(self):
        from anju.policy.rules import profile_for

        days = profile_for(self.case.division_code, self.today).notice_days
        self.fields["ends_on"].help_text = (f"公示期不少于 {days} 天；纸质公示张贴后补录，"
                                            "填写实际张贴日期")
        self.initial.setdefault("level", NoticeLevel.VILLAGE)

    def verb_data(self, cleaned, created):
        return {**super().verb_data(cleaned, created), "photo_id": self.attach_one(
            cleaned.get("photo"), kind="photo", title=f"{self.title_prefix} 公示照片",
            field="photo", created=created)}


class ObjectionForm(ActForm):
    action = Action.RECORD_OBJECTION
    FIELD_NAMES = {"notice_id": "notice"}
    on = date_field("提出日期")
    notice = forms.TypedChoiceField(label="针对的公示", coerce=int, empty_value=None,
                                    required=False)
    text = text("异议内容", 3)

    def setup(self):
        self.fields["notice"].choices = BLANK + [
            (n.pk, f"{n.get_level_display()}公示 {n.starts_on:%Y-%m-%d} 至 {n.ends_on:%Y-%m-%d}")
            for n in self.case.notices.all()]

    def verb_data(self, cleaned, created):
        return {"on": cleaned.get("on"), "text": cleaned.get("text"),
                "notice_id": cleaned.get("notice")}


class ResolveForm(ActForm):
    action = Action.RESOLVE_OBJECTION
    FIELD_NAMES = {"objection_id": "objection"}
    on = date_field("处理日期")
    objection = forms.TypedChoiceField(label="异议", coerce=int, empty_value=None,
                                       required=False)
    resolution = text("处理结果", 3)

    def setup(self):
        self.fields["objection"].choices = BLANK + [
            (o.pk, f"{o.raised_on:%Y-%m-%d} {o.text[:40]}")
            for o in self.case.objections.filter(resolved_on__isnull=True)]

    def verb_data(self, cleaned, created):
        return {"on": cleaned.get("on"), "resolution": cleaned.get("resolution"),
                "objection_id": cleaned.get("objection"), "version": cleaned.get("version")}


class ApproveForm(ActForm):
    action = Action.DEPARTMENT_APPROVE
    on = date_field("审批日期")
    decision = forms.ChoiceField(label="审批意见", choices=Decision.choices,
                                 widget=forms.RadioSelect,
                                 error_messages={"required": "请选择同意或不同意"})
    comment = text("意见说明", 2, help_text="不同意时须说明理由")


class NotifyForm(ActForm):
    action = Action.NOTIFY
    on = date_field("告知日期", help_text="保存后即可打印书面告知通知单（PDF），送达农户签收")


class DesignForm(ActForm):
    action = Action.REGISTER_DESIGN
    FIELD_NAMES = {"document_ids": "documents"}
    on = date_field("设计确定日期")
    kind = choice("设计类型", DesignKind.choices)
    reference = text("图集或设计编号", max_length=100)
    site = forms.ChoiceField(label="选址", choices=SiteHazard.choices, required=False,
                             help_text="须避开滑坡、崩塌、洪涝、泥石流和采矿塌陷等区域")
    color_steel = forms.BooleanField(label="使用彩钢房或彩钢屋面", required=False)
    documents = files("设计图纸", scans=True)

    def verb_data(self, cleaned, created):
        return {**super().verb_data(cleaned, created), "document_ids": self.attach(
            cleaned.get("documents") or [], title=f"{self.title_prefix} 设计图纸",
            field="documents", created=created)}


class BuilderForm(ActForm):
    """Only craftsmen with a certificate valid today and qualified contractors are offered
    (R-MH-8); an id posted anyway is judged by the verb."""

    action = Action.REGISTER_BUILDER
    FIELD_NAMES = {"craftsman_id": "craftsman", "contractor_id": "contractor",
                   "document_ids": "documents"}
    on = date_field("确定施工方日期")
    craftsman = forms.IntegerField(label="农村建筑工匠", required=False)
    contractor = forms.IntegerField(label="或 施工单位", required=False)
    documents = files("培训合格证书或资质证书", scans=True)

    def setup(self):
        self.fields["craftsman"].widget = forms.Select(choices=BLANK + [
            (c.pk, f"{c.name}（证书 {c.certificate_no}，有效期至 {c.valid_until:%Y-%m-%d}）")
            for c in craftsmen_for_user(self.user, valid_on=self.today)])
        self.fields["contractor"].widget = forms.Select(choices=BLANK + [
            (c.pk, f"{c.name}（资质有效期至 {c.valid_until:%Y-%m-%d}）")
            for c in contractors_for_user(self.user, valid_on=self.today)])

    def verb_data(self, cleaned, created):
        return {"on": cleaned.get("on"), "craftsman_id": cleaned.get("craftsman"),
                "contractor_id": cleaned.get("contractor"),
                "document_ids": self.attach(cleaned.get("documents") or [],
                                            title=f"{self.title_prefix} 工匠或施工单位证书",
                                            field="documents", created=created)}


class AgreementForm(ActForm):
    action = Action.REGISTER_AGREEMENT
    FIELD_NAMES = {"document_ids": "documents"}
    on = date_field("签订日期")
    kind = choice("类型", AgreementKind.choices)
    documents = files("施工协议或承诺书扫描件", scans=True)

    def verb_data(self, cleaned, created):
        return {"on": cleaned.get("on"), "kind": cleaned.get("kind"), "document_ids": self.attach(
            cleaned.get("documents") or [], title=f"{self.title_prefix} 施工协议或承诺书",
            field="documents", created=created)}


class PhotosForm(ActForm):
    FIELD_NAMES = {"photo_ids": "photos"}
    photo_title = "照片"

    def verb_data(self, cleaned, created):
        return {**super().verb_data(cleaned, created), "photo_ids": self.attach(
            cleaned.get("photos") or [], kind="photo",
            title=f"{self.title_prefix} {self.photo_title}", field="photos", created=created)}


class StartForm(PhotosForm):
    action = Action.START_CONSTRUCTION
    photo_title = "改造前照片"
    on = date_field("开工日期")
    photos = files("改造前照片")


class StageForm(PhotosForm):
    action = Action.STAGE_INSPECTION
    on = date_field("检查日期")
    stage = choice("施工节点", Stage.choices)
    passed = yes_no("检查结论", "合格", "不合格")
    findings = text("发现问题及整改要求", 3,
                    help_text="不合格时须写明问题和整改要求，并当场告知农户")
    photos = files("现场照片", help_text="须拍照留存；可多选")


    @property
    def photo_title(self) -> str:
        stage = self.cleaned_data.get("stage")
        return f"{Stage(stage).label}阶段检查照片" if stage in Stage.values else "检查照片"


class CompleteForm(PhotosForm):
    action = Action.COMPLETE
    photo_title = "改造后照片"
    on = date_field("竣工日期")
    photos = files("改造后照片")


class AcceptForm(ActForm):
    """R-MH-10: one row per member the plan names (技术人员、村级质量安全监督员、工匠或施工单位、
    农户)."""

    action = Action.ACCEPT
    FIELD_NAMES = {"report_ids": "report", "acceptance_main_area": "main_area",
                   "acceptance_auxiliary_area": "auxiliary_area"}
    on = date_field("验收日期")
    passed = yes_no("验收结论", "合格", "不合格")
    final_cost = forms.DecimalField(label="工程决算（元）", required=False, min_value=0,
                                    max_digits=10, decimal_places=2)
    main_area = forms.DecimalField(label="实测主房面积（㎡）", required=False, min_value=0,
                                   max_digits=7, decimal_places=2)
    auxiliary_area = forms.DecimalField(label="实测辅房面积（㎡）", required=False, min_value=0,
                                        max_digits=7, decimal_places=2)
    note = text("验收意见", 2)
    report = files("竣工验收报告", scans=True)

    def setup(self):
        for role in MemberRole:
            self.fields[f"member_{role.value}"] = forms.CharField(
                label=f"验收人员：{role.label}", required=False, max_length=40)
        case = self.case
        builder = case.contractor or case.craftsman
        if builder is not None:
            self.initial.setdefault("member_builder", builder.name)
        self.initial.setdefault("member_household", case.household.head_name)
        self.initial.setdefault("main_area", case.main_area)
        self.initial.setdefault("auxiliary_area", case.auxiliary_area)

    def member_fields(self):
        return [self[f"member_{r.value}"] for r in MemberRole]

    def show(self, error):
        if error.field == "members":
            blank = [f"member_{r.value}" for r in MemberRole
                     if not (self.cleaned_data.get(f"member_{r.value}") or "").strip()]
            if blank:
                for name in blank:
                    self.add_error(name, error.message)
                return
        super().show(error)

    def verb_data(self, cleaned, created):
        members = [{"role": r.value, "name": cleaned.get(f"member_{r.value}") or ""}
                   for r in MemberRole if (cleaned.get(f"member_{r.value}") or "").strip()]
        return {"on": cleaned.get("on"), "passed": cleaned.get("passed"), "members": members,
                "final_cost": cleaned.get("final_cost"), "main_area": cleaned.get("main_area"),
                "auxiliary_area": cleaned.get("auxiliary_area"), "note": cleaned.get("note"),
                "version": cleaned.get("version"),
                "report_ids": self.attach(cleaned.get("report") or [],
                                          title=f"{self.title_prefix} 竣工验收报告", field="report",
                                          created=created)}


class CityCheckForm(ActForm):
    action = Action.CITY_CHECK
    on = date_field("审核日期")
    passed = yes_no("审核结论", "审验合格", "退回")
    comment = text("审核意见", 2)


class HandoverForm(ActForm):
    action = Action.HANDOVER
    on = date_field("交付日期")


class OldHouseForm(PhotosForm):
    action = Action.RECORD_OLD_HOUSE
    photo_title = "原房处置照片"
    on = date_field("处置日期")
    treatment = choice("处置方式", OldHouseTreatment.choices,
                       help_text="D 级原房须拆除；C 级原房拆除、封闭、设警示标识或围挡")
    photos = files("处置照片")


class PayForm(ActForm):
    """R-MH-12: the amount is prefilled with what remains of the approved subsidy."""

    action = Action.PAY
    FIELD_NAMES = {"voucher_id": "voucher_scan", "receipt_id": "receipt",
                   "cash_request_id": "cash_request", "paid_on": "on"}
    on = date_field("拨付日期")
    amount = forms.DecimalField(label="拨付金额（元）", required=False, min_value=0,
                                max_digits=10, decimal_places=2)
    account = forms.ChoiceField(label="发放方式", choices=Account.choices, required=False,
                                widget=forms.RadioSelect)
    voucher = text("拨付凭证号", max_length=60)
    voucher_scan = one_file("拨付凭证扫描件")
    receipt = one_file("农户签收单", "资金领取证明，农户签字确认")
    cash_request = one_file("现金发放申请", "仅现金发放时：农户本人书面申请")
    retention = forms.DecimalField(label="预留质保金（元）", required=False, min_value=0,
                                   max_digits=10, decimal_places=2)
    warranty_until = date_field("质保期至")

    def setup(self):
        case = self.case
        self.initial.setdefault("amount", case.subsidy_amount - case.paid_amount)
        self.initial.setdefault("account", Account.YIKATONG)
        account = case.household.bank_account
        self.fields["account"].help_text = (
            f"一卡通账号 {mask_account(account)}" if account else
            "农户未登记一卡通账号：请先在农户档案中登记，或凭农户书面申请现金发放")
        if not case.township_built:
            del self.fields["retention"], self.fields["warranty_until"]

    def verb_data(self, cleaned, created):
        title = self.title_prefix
        return {
            "paid_on": cleaned.get("on"), "amount": cleaned.get("amount"),
            "account": cleaned.get("account"), "voucher": cleaned.get("voucher"),
            "retention": cleaned.get("retention"),
            "warranty_until": cleaned.get("warranty_until"), "version": cleaned.get("version"),
            "voucher_id": self.attach_one(cleaned.get("voucher_scan"), title=f"{title} 拨付凭证",
                                          field="voucher_scan", created=created),
            "receipt_id": self.attach_one(cleaned.get("receipt"), title=f"{title} 农户签收单",
                                          field="receipt", created=created),
            "cash_request_id": self.attach_one(cleaned.get("cash_request"),
                                               title=f"{title} 现金发放申请",
                                               field="cash_request", created=created)}


class ReleaseForm(ActForm):
    action = Action.RELEASE_RETENTION
    on = date_field("返还日期")


class DocumentForm(ActForm):
    action = Action.ADD_DOCUMENT
    FIELD_NAMES = {"attachment_id": "file"}
    on = None
    kind = choice("材料", [(k, label) for k, label in DocumentKind.choices
                         if k != DocumentKind.NOTICE])
    file = one_file("文件")

    def verb_data(self, cleaned, created):
        kind = cleaned.get("kind") or ""
        label = DocumentKind(kind).label if kind in DocumentKind.values else "材料"
        return {"kind": kind, "attachment_id": self.attach_one(
            cleaned.get("file"), title=f"{self.case.number} {label}", field="file",
            created=created)}


class WaiveForm(ActForm):
    action = Action.WAIVE
    FIELD_NAMES = {"letter_id": "letter", "proof_id": "proof"}
    on = date_field("确认日期")
    reason = text("放弃原因", 2)
    letter = one_file("放弃改造申请书", "农户签字的放弃改造承诺书")
    proof = one_file("其他安全住房证明")

    def verb_data(self, cleaned, created):
        return {"on": cleaned.get("on"), "reason": cleaned.get("reason"),
                "version": cleaned.get("version"),
                "letter_id": self.attach_one(cleaned.get("letter"),
                                             title=f"{self.title_prefix} 放弃改造申请书",
                                             field="letter", created=created),
                "proof_id": self.attach_one(cleaned.get("proof"),
                                            title=f"{self.title_prefix} 其他安全住房证明",
                                            field="proof", created=created)}


class RejectForm(ActForm):
    action = Action.REJECT
    reason = text("不予通过的原因", 3)


class CloseForm(ActForm):
    action = Action.CLOSE
    on = date_field("结案日期")
    note = text("说明", 2)


ACT_FORMS: dict[str, type[ActForm]] = {f.action: f for f in (
    VillageReviewForm, TownshipReviewForm, NoticeForm, ObjectionForm, ResolveForm, ApproveForm,
    NotifyForm, DesignForm, BuilderForm, AgreementForm, StartForm, StageForm, CompleteForm,
    AcceptForm, CityCheckForm, HandoverForm, OldHouseForm, PayForm, ReleaseForm, DocumentForm,
    WaiveForm, RejectForm, CloseForm)}


# ---------------------------------------------------------------- the household's forms


class ApplicationForm(UploadingForm):
    """R-MH-3 the household's application: the methods offered are those the chosen house's
    grade allows (R-MH-5); the page shows each method's cap and the area standard."""

    FIELD_NAMES = {"document_id": "document"}
    applied_on = date_field("申请日期")
    method = forms.ChoiceField(label="改造方式", required=False)
    persons = forms.IntegerField(label="家庭人口", required=False, min_value=1, max_value=30)
    main_area = forms.DecimalField(label="主房面积（㎡）", required=False, min_value=0,
                                   max_digits=7, decimal_places=2,
                                   help_text="客厅、卧室等主要居住空间，不含厨房、卫生间、仓储")
    auxiliary_area = forms.DecimalField(label="辅房面积（㎡）", required=False, min_value=0,
                                        max_digits=7, decimal_places=2)
    subsidy_amount = forms.DecimalField(label="申请补助（元）", required=False, min_value=0,
                                        max_digits=10, decimal_places=2)
    fully_subsidised = forms.BooleanField(label="兜底保障户（自筹和投工投料能力极弱）",
                                          required=False)
    co_owned = forms.BooleanField(label="共有产权房屋", required=False)
    township_built = forms.BooleanField(label="乡镇统一建设", required=False)
    document = one_file("申请书", "农户签字的申请书扫描件")

    def __init__(self, *args, house, methods, **kwargs):
        super().__init__(*args, **kwargs)
        self.house = house
        self.fields["method"].choices = BLANK + [(m, label) for m, label, _ in methods]
        self.initial.setdefault("applied_on", self.today)
        self.initial.setdefault("persons", self.household.persons)
        if len(methods) == 2:  # the grade's method and the waiver: the first is meant
            self.initial.setdefault("method", methods[0][0])

    def record(self, cleaned, created):
        data = {k: v for k, v in cleaned.items() if k not in ("document", "version")}
        data["house_id"] = self.house.pk if self.house else None
        data["document_id"] = self.attach_one(cleaned.get("document"), title="改造申请书",
                                              field="document", created=created)
        return actions.apply(self.household, acting_user=self.user, data=data,
                             request=self.request)


class CertifyForm(UploadingForm):
    """R-MH-1: the categories offered are those of the user's own department."""

    FIELD_NAMES = {"document_id": "document"}
    category = forms.ChoiceField(label="认定类别")
    certified_on = date_field("认定日期")
    valid_until = date_field("有效期至", help_text="无固定期限可不填")
    document = one_file("认定材料", "认定文书或名册的扫描件")

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = BLANK + list(categories)
        self.initial.setdefault("certified_on", self.today)

    def record(self, cleaned, created):
        return actions.certify(
            self.household, acting_user=self.user, category=cleaned["category"],
            certified_on=cleaned.get("certified_on"), valid_until=cleaned.get("valid_until"),
            document_id=self.attach_one(cleaned.get("document"), title="低收入群体认定材料",
                                        field="document", created=created),
            request=self.request)


class LapseForm(VerbForm):
    lapsed_on = date_field("失效日期")
    reason = text("失效原因", 2, max_length=200)

    def __init__(self, *args, certification, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.certification, self.request = certification, request
        self.initial.setdefault("lapsed_on", timezone.localdate())

    def run_verb(self, cleaned):
        return actions.lapse(self.certification, acting_user=self.user,
                             on=cleaned.get("lapsed_on"), reason=cleaned.get("reason") or "",
                             request=self.request)


# ---------------------------------------------------------------- the register (R-MH-8)


class RegisterForm(VerbForm):
    division_code = forms.ChoiceField(label="所在乡镇")
    verb = None

    def __init__(self, *args, townships, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.fields["division_code"].choices = BLANK + list(townships)
        if len(self.user.scope) >= 9:
            self.initial.setdefault("division_code", self.user.scope[:9])

    def run_verb(self, cleaned):
        data = {k: v for k, v in cleaned.items() if k != "version"}
        return type(self).verb(acting_user=self.user, data=data, request=self.request)


class CraftsmanForm(RegisterForm):
    verb = actions.register_craftsman
    name = forms.CharField(label="姓名", max_length=40, required=False)
    id_number = forms.CharField(label="身份证号", max_length=18, required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    certificate_no = forms.CharField(label="培训合格证书编号", max_length=60, required=False)
    trained_on = date_field("培训日期")
    valid_until = date_field("证书有效期至")
    field_order = ["name", "id_number", "phone", "division_code", "certificate_no",
                   "trained_on", "valid_until"]


class ContractorForm(RegisterForm):
    verb = actions.register_contractor
    name = forms.CharField(label="单位名称", max_length=100, required=False)
    credit_code = forms.CharField(label="统一社会信用代码", max_length=18, required=False)
    qualification_no = forms.CharField(label="资质证书编号", max_length=60, required=False)
    valid_until = date_field("资质有效期至")
    field_order = ["name", "credit_code", "qualification_no", "division_code", "valid_until"]
