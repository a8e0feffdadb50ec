"""The acts of housing security, one command each (ADR 0026): the body of their API route, the
fields of their page form (labels in `Ui`), what their verb reads. Names are the API's
(api.md); types and bounds are the columns'.

A case act's review outcome (`passed`) may be left open in the command: the verb refuses it
with the act's other refusals (须填写评议结果), so a page shows them all at once."""

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, model_validator

from anju.appraisal.codes import SiteHazard
from anju.assistance.codes import (
    Account,
    AgreementKind,
    Decision,
    DesignKind,
    DocumentKind,
    NoticeLevel,
    OldHouseTreatment,
    PaperCopy,
    RepairPart,
    Stage,
    WindowKind,
)
from anju.assistance.models import (
    Application,
    CaseDocument,
    Certification,
    CompletionAcceptance,
    Contractor,
    Craftsman,
    DepartmentRecord,
    Notice,
    Objection,
    Payment,
    RentYear,
    StageInspection,
    Transition,
    WindowCase,
)
from anju.kit.commands import Command, Ui
from anju.kit.fields import ID_NUMBER_LENGTH, LONG_TEXT, PHONE_LENGTH, Id, column_text, free_text

# A free-text note of a case act keeps this much.
TEXT_MAX = 500

Comment = column_text(Transition, "comment", label="说明")
Money = Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=2)]
Area = Annotated[Decimal, Field(ge=0, max_digits=7, decimal_places=2)]


def _date(label: str, **ui) -> object:
    return Annotated[date | None, Ui(label, **ui)]


# ---------------------------------------------------------------- certifications, register


class Certify(Command):
    """R-MH-1: a department certifies a household as low-income."""

    household_id: Id
    category: Annotated[column_text(Certification, "category"), Ui("认定类别", choices=())] = \
        Field(description="dibao、tekun、dibao_edge（民政）；at_risk、hardship、other_lifted（乡村振兴）")
    certified_on: Annotated[date, Ui("认定日期", missing="认定日期不能为空")]
    valid_until: _date("有效期至", help="无固定期限可不填") = None
    document_id: Annotated[Id | None, Ui(
        "认定材料", upload="one", help="认定文书或名册的扫描件", title="低收入群体认定材料")] = \
        Field(None, description="认定材料：该农户档案中的附件 id")


class Lapse(Command):
    """A certification ends: the household leaves the category."""

    lapsed_on: Annotated[date, Ui("失效日期", missing="失效日期不能为空")]
    reason: Annotated[column_text(Certification, "lapse_reason"), Ui("失效原因",
                                                                     widget="textarea")]


class RegisterCraftsman(Command):
    """R-MH-8: a trained craftsman on the county's register."""

    name: Annotated[column_text(Craftsman, "name"), Ui("姓名")]
    id_number: Annotated[column_text(Craftsman, "id_number", max_length=ID_NUMBER_LENGTH),
                         Ui("身份证号")]
    phone: Annotated[column_text(Craftsman, "phone", max_length=PHONE_LENGTH),
                     Ui("联系电话")] = ""
    division_code: Annotated[column_text(Craftsman, "division_code"),
                             Ui("所在乡镇", choices=())]
    certificate_no: Annotated[column_text(Craftsman, "certificate_no"), Ui("培训合格证书编号")]
    trained_on: _date("培训日期") = None
    valid_until: _date("证书有效期至") = None


class RegisterContractor(Command):
    """R-MH-8: a qualified contractor on the county's register."""

    name: Annotated[column_text(Contractor, "name"), Ui("单位名称")]
    credit_code: Annotated[column_text(Contractor, "credit_code"), Ui("统一社会信用代码")]
    qualification_no: Annotated[column_text(Contractor, "qualification_no"), Ui("资质证书编号")]
    valid_until: _date("资质有效期至") = None
    division_code: Annotated[column_text(Contractor, "division_code"),
                             Ui("所在乡镇", choices=())]


# ---------------------------------------------------------------- the application


class Apply(Command):
    """R-MH-3: the household's application, recorded by the village (or township)."""

    household_id: Id
    house_id: Id | None = Field(None, description="原住房；无房户不填")
    method: Annotated[column_text(Application, "method"), Ui("改造方式", choices=())] = Field(
        description="C：repair_reinforce；D：rebuild；无房：new_build；无房及 C/D 唯一住房："
                    "collective_build、buy_idle、renovate_idle、turnover、public_rental、"
                    "relatives、nursing_home、waiver")
    persons: Annotated[int | None, Ui("家庭人口")] = Field(None, ge=1, le=30,
                                                       description="默认取农户家庭人口")
    main_area: Annotated[Area | None, Ui(
        "主房面积（㎡）", help="客厅、卧室等主要居住空间，不含厨房、卫生间、仓储")] = None
    auxiliary_area: Annotated[Area, Ui("辅房面积（㎡）")] = Decimal("0")
    subsidy_amount: Annotated[Money, Ui("申请补助（元）", missing="补助金额不能为空")]
    fully_subsidised: Annotated[bool, Ui("兜底保障户（自筹和投工投料能力极弱）")] = False
    co_owned: Annotated[bool, Ui("共有产权房屋")] = False
    township_built: Annotated[bool, Ui("乡镇统一建设")] = False
    applied_on: _date("申请日期") = None
    year: int | None = Field(None, ge=2000, le=2100)
    document_id: Annotated[Id | None, Ui(
        "申请书", upload="one", help="农户签字的申请书扫描件", title="改造申请书")] = Field(
        None, description="申请书扫描件：农户档案中的附件 id")
    # R-MH-7 the 60 m² recommendation for households of <= 3 persons
    area_reason: Annotated[column_text(Application, "area_reason"), Ui(
        "超出建议面积的理由", help="3 人（含）以下农户主房超过 60 ㎡ 时须说明")] = ""
    # R-MH-5 what each route asks
    reinforcement_parts: Annotated[list[Literal[tuple(RepairPart.values)]], Ui(
        "加固的危险部位", choices=RepairPart,
        help="维修加固时填写：依据鉴定的危险部位；只粉刷、装饰、换门窗不属于维修加固")] = []
    reinforcement_plan: Annotated[column_text(Application, "reinforcement_plan"), Ui(
        "加固方案", widget="textarea", help="维修加固时填写加固措施")] = ""
    host_house_id: Annotated[Id | None, Ui(
        "接养人房屋编号", help="投亲靠友、子女接养时填写：接养人在册房屋的编号（须已鉴定）")] = None
    lease_years: Annotated[int | None, Ui("租赁期限（年）", help="租赁公租房时填写")] = Field(
        None, ge=1, le=70)
    annual_rent: Annotated[Money | None, Ui(
        "年租金（元）", help="租赁公租房时填写，由乡镇按年度支付")] = None


# ---------------------------------------------------------------- the acts on a case


class CaseAct(Command):
    """What every act on a case takes: its date, a remark, the version the clerk saw."""

    on: _date("日期") = None
    comment: Annotated[Comment, Ui("说明", page=False)] = ""
    version: int | None = None


class VillageReview(CaseAct):
    on: _date("评议日期") = None
    comment: Annotated[Comment, Ui("评议意见", widget="textarea")] = ""
    meeting_kind: Annotated[free_text(20, "会议形式"), Ui("会议形式", choices=[
        ("村民会议", "村民会议"), ("村民代表会议", "村民代表会议")])] = Field(
        "", description="村民会议 或 村民代表会议")
    attendance: Annotated[int | None, Ui("参会人数")] = Field(None, ge=1)
    passed: Annotated[bool | None, Ui("评议结果", widget="radio", choices=("通过", "未通过"))] = \
        None
    minutes_id: Annotated[Id | None, Ui("会议记录", upload="one",
                                        help="民主评议会议记录扫描件（须上传）",
                                        title="民主评议会议记录")] = Field(
        None, description="会议记录扫描件：农户档案中的附件 id")


class TownshipReview(CaseAct):
    on: _date("初审日期") = None
    comment: Annotated[Comment, Ui("初审意见", widget="textarea")] = ""
    passed: Annotated[bool | None, Ui("初审结果", widget="radio", choices=("通过", "未通过"))] = \
        None


class PublishNotice(CaseAct):
    on: Annotated[date | None, Ui(page=False)] = None
    level: Annotated[Literal["village", "township", "county"], Ui("公示层级",
                                                                 choices=NoticeLevel)]
    starts_on: Annotated[date, Ui("公示开始", missing="公示开始日期不能为空")]
    ends_on: Annotated[date, Ui("公示结束", missing="公示结束日期不能为空")]
    place: Annotated[column_text(Notice, "place"), Ui("张贴地点")] = ""
    # R-MH-4: what the notice published; the page shows it as checkboxes (NoticeForm)
    contents: Annotated[list[Literal["policy", "recipients", "review_result",
                                     "subsidy_standard"]], Ui("公示内容")] = Field(
        default_factory=list, max_length=4,
        description="policy 政策、recipients 补助对象、review_result 评议审核结果、"
                    "subsidy_standard 补助标准")
    photo_id: Annotated[Id | None, Ui("公示照片", upload="one", kind="photo", help="张贴现场照片",
                                      title="公示照片")] = None


class RecordObjection(CaseAct):
    on: _date("提出日期") = None
    text: Annotated[column_text(Objection, "text", max_length=LONG_TEXT),
                    Ui("异议内容", widget="textarea", rows=3)]
    notice_id: Annotated[Id | None, Ui("针对的公示")] = None


class ResolveObjection(CaseAct):
    on: _date("处理日期") = None
    objection_id: Annotated[Id, Ui("异议", missing="该异议不属于本申请")]
    resolution: Annotated[column_text(Objection, "resolution", max_length=LONG_TEXT),
                          Ui("处理结果", widget="textarea", rows=3)]


class DepartmentApprove(CaseAct):
    on: _date("审批日期") = None
    comment: Annotated[Comment, Ui("意见说明", widget="textarea", help="不同意时须说明理由")] = ""
    decision: Annotated[Literal["approve", "reject"], Ui(
        "审批意见", widget="radio", choices=Decision, missing="请选择同意或不同意")]


class Notify(CaseAct):
    on: _date("告知日期", help="保存后即可打印书面告知通知单（PDF），送达农户签收") = None


class RegisterDesign(CaseAct):
    on: _date("设计确定日期") = None
    kind: Annotated[Literal["standard", "professional", "craftsman"], Ui("设计类型",
                                                                        choices=DesignKind)]
    reference: Annotated[column_text(Application, "design_reference"), Ui("图集或设计编号")]
    site: Annotated[free_text(20, "选址"), Ui(
        "选址", choices=SiteHazard, help="须避开滑坡、崩塌、洪涝、泥石流和采矿塌陷等区域")] = \
        "safe"  # only checked, not kept
    color_steel: Annotated[bool, Ui("使用彩钢房或彩钢屋面")] = False
    document_ids: Annotated[list[Id], Ui("设计图纸", upload="many", title="设计图纸")] = []


class RegisterBuilder(CaseAct):
    """Only craftsmen valid today and qualified contractors are offered (R-MH-8)."""

    on: _date("确定施工方日期") = None
    craftsman_id: Annotated[Id | None, Ui("农村建筑工匠")] = None
    contractor_id: Annotated[Id | None, Ui("或 施工单位")] = None
    contractor: Annotated[Id | None, Ui(page=False)] = Field(None, description="同 contractor_id")
    document_ids: Annotated[list[Id], Ui("培训合格证书或资质证书", upload="many",
                                         title="工匠或施工单位证书")] = []

    @model_validator(mode="after")
    def _alias(self):
        if self.contractor_id is None:
            self.contractor_id = self.contractor
        return self


class RegisterAgreement(CaseAct):
    on: _date("签订日期") = None
    kind: Annotated[Literal["contract", "commitment"], Ui("类型", choices=AgreementKind)]
    document_ids: Annotated[list[Id], Ui("施工协议或承诺书扫描件", upload="many",
                                         title="施工协议或承诺书")] = []


class StartConstruction(CaseAct):
    on: _date("开工日期") = None
    photo_ids: Annotated[list[Id], Ui("改造前照片", upload="many", kind="photo",
                                      title="改造前照片")] = []


class StageInspect(CaseAct):
    on: _date("检查日期") = None
    stage: Annotated[Literal["foundation", "main_structure"], Ui("施工节点", choices=Stage)]
    passed: Annotated[bool | None, Ui("检查结论", widget="radio", choices=("合格", "不合格"))] = \
        None
    findings: Annotated[column_text(StageInspection, "findings", max_length=LONG_TEXT), Ui(
        "发现问题及整改要求", widget="textarea", rows=3,
        help="不合格时须写明问题和整改要求，并当场告知农户")] = ""
    photo_ids: Annotated[list[Id], Ui("现场照片", upload="many", kind="photo",
                                      help="须拍照留存；可多选", title="检查照片")] = []
    evidence_id: Annotated[Id | None, Ui(
        "现场取证", help="手机在房屋现场拍照定位的记录；有疑点的须经乡镇或县级认可")] = None


class Complete(CaseAct):
    on: _date("竣工日期") = None
    photo_ids: Annotated[list[Id], Ui("改造后照片", upload="many", kind="photo",
                                      title="改造后照片")] = []


class AcceptanceMember(Command):
    # Kept in the acceptance's JSON list of members.
    role: free_text(20, "验收人员角色") = Field(
        description="technical、supervisor、builder、household")
    name: free_text(40, "验收人员姓名")


class Accept(CaseAct):
    """R-MH-10: the page asks for one member per role the plan names."""

    on: _date("验收日期") = None
    passed: Annotated[bool | None, Ui("验收结论", widget="radio", choices=("合格", "不合格"))] = \
        None
    members: list[AcceptanceMember]
    final_cost: Annotated[Money | None, Ui("工程决算（元）", page=False)] = None
    # R-MH-6: the audited final account of a repair or renovation (the payable is this up to
    # the approved subsidy); for a purchase, the appraised price
    final_account: Annotated[Money | None, Ui(
        "审计决算金额（元）",
        help="造价咨询机构审计的工程决算；低于核定补助时按决算金额拨付")] = None
    appraised_price: Annotated[Money | None, Ui(
        "购置评估价格（元）", help="购置闲置农房按评估价格拨付，不超过核定补助")] = None
    main_area: Annotated[Area | None, Ui("实测主房面积（㎡）")] = None
    auxiliary_area: Annotated[Area, Ui("实测辅房面积（㎡）")] = Decimal("0")
    note: Annotated[column_text(CompletionAcceptance, "note", max_length=TEXT_MAX),
                    Ui("验收意见", widget="textarea")] = ""
    report_ids: Annotated[list[Id], Ui("竣工验收报告", upload="many", title="竣工验收报告")] = []
    evidence_id: Annotated[Id | None, Ui(
        "现场取证", help="手机在房屋现场拍照定位的记录；有疑点的须经乡镇或县级认可")] = None


class CityCheck(CaseAct):
    on: _date("审核日期") = None
    comment: Annotated[Comment, Ui("审核意见", widget="textarea")] = ""
    passed: Annotated[bool | None, Ui("审核结论", widget="radio", choices=("审验合格", "退回"))] = \
        None


class Handover(CaseAct):
    on: _date("交付日期") = None


class RecordOldHouse(CaseAct):
    on: _date("处置日期") = None
    treatment: Annotated[Literal["demolished", "sealed", "signposted", "cordoned"], Ui(
        "处置方式", choices=OldHouseTreatment,
        help="D 级原房须拆除；C 级原房拆除、封闭、设警示标识或围挡")]
    photo_ids: Annotated[list[Id], Ui("处置照片", upload="many", kind="photo",
                                      title="原房处置照片")] = []


class Pay(CaseAct):
    """R-MH-12: the date of the payment is `paid_on` (`on` is taken for it when absent)."""

    on: Annotated[date | None, Ui(page=False)] = None
    paid_on: _date("拨付日期") = None
    amount: Annotated[Decimal, Ui("拨付金额（元）", missing="拨付金额不能为空"), Field(
        gt=0, max_digits=10, decimal_places=2)]
    account: Annotated[Literal["yikatong", "cash"], Ui("发放方式", widget="radio",
                                                       choices=Account)]
    voucher: Annotated[column_text(Payment, "voucher"), Ui("拨付凭证号")]
    voucher_id: Annotated[Id | None, Ui("拨付凭证扫描件", upload="one", title="拨付凭证")] = None
    receipt_id: Annotated[Id | None, Ui("农户签收单", upload="one",
                                        help="资金领取证明，农户签字确认",
                                        title="农户签收单")] = None
    cash_request_id: Annotated[Id | None, Ui("现金发放申请", upload="one",
                                             help="仅现金发放时：农户本人书面申请",
                                             title="现金发放申请")] = None
    retention: Annotated[Money, Ui("预留质保金（元）")] = Decimal("0")
    warranty_until: _date("质保期至") = None


class FileDisbursement(Command):
    """R-MH-12a 市级报账制: a township asks the city's finance for its accepted cases."""

    division_code: Annotated[free_text(12, "乡镇"), Ui("乡镇")]
    application_ids: Annotated[list[Id], Ui("报账案件")] = Field(min_length=1, max_length=500)
    on: _date("申请日期") = None
    note: Annotated[free_text(500, "说明"), Ui("说明", widget="textarea")] = ""


class ReviewDisbursement(Command):
    on: _date("审核日期") = None
    passed: Annotated[bool | None, Ui("审核结论", widget="radio", choices=("审核通过", "退回"))] = \
        None
    comment: Annotated[free_text(500, "审核意见"), Ui("审核意见", widget="textarea")] = ""
    version: int | None = None


class TransferDisbursement(Command):
    on: _date("拨款日期") = None
    amount: Annotated[Decimal, Ui("拨款金额（元）", missing="拨款金额不能为空"), Field(
        gt=0, max_digits=12, decimal_places=2)]
    voucher: Annotated[free_text(60, "拨款凭证号"), Ui("拨款凭证号")]
    version: int | None = None


class ReleaseRetention(CaseAct):
    on: _date("返还日期") = None


class AddDocument(CaseAct):
    on: Annotated[date | None, Ui(page=False)] = None
    kind: Annotated[column_text(CaseDocument, "kind"), Ui("材料", choices=[
        (k, label) for k, label in DocumentKind.choices if k != DocumentKind.NOTICE])]
    attachment_id: Annotated[Id, Ui("文件", upload="one", missing="须选择已上传的附件")]


class Waive(CaseAct):
    on: _date("确认日期") = None
    reason: Annotated[column_text(Transition, "comment", label="放弃改造的原因"),
                      Ui("放弃原因", widget="textarea")]
    letter_id: Annotated[Id | None, Ui("放弃改造申请书", upload="one",
                                       help="农户签字的放弃改造承诺书",
                                       title="放弃改造申请书")] = None
    proof_id: Annotated[Id | None, Ui("其他安全住房证明", upload="one",
                                      title="其他安全住房证明")] = None
    proof: Annotated[Id | None, Ui(page=False)] = Field(
        None, description="其他安全住房证明：附件 id（同 proof_id）")
    agreement_id: Annotated[Id | None, Ui("乡镇与农户签订的协议", upload="one",
                                          help="保障农户利益的协议，作为其权益证明",
                                          title="放弃改造保障协议")] = None
    image_ids: Annotated[list[Id], Ui("影像资料", upload="many", kind="photo",
                                      help="原房及签订协议的影像资料",
                                      title="放弃改造影像资料")] = []

    @model_validator(mode="after")
    def _alias(self):
        if self.proof_id is None:
            self.proof_id = self.proof
        return self


class RecordHostRenovation(CaseAct):
    """R-MH-5: the host has renovated a C/D host house ("限期自行对房屋进行安全改造")."""

    on: _date("改造完成日期") = None
    comment: Annotated[Comment, Ui("改造内容", widget="textarea")] = ""
    report_ids: Annotated[list[Id], Ui("改造后鉴定或验收材料", upload="many",
                                       title="接养人房屋改造记录")] = []


class RecordRent(CaseAct):
    """R-MH-5/6: one year's rent of a public-rental lease, paid by the township."""

    on: Annotated[date | None, Ui(page=False)] = None
    year_no: Annotated[int, Ui("租赁年度（第几年）", missing="须填写第几年")] = Field(ge=1, le=70)
    amount: Annotated[Decimal, Ui("租金（元）", missing="租金不能为空"), Field(
        gt=0, max_digits=10, decimal_places=2)]
    paid_on: _date("支付日期") = None
    voucher: Annotated[column_text(RentYear, "voucher"), Ui("凭证号")]
    voucher_id: Annotated[Id | None, Ui("支付凭证扫描件", upload="one",
                                        title="年度租金支付凭证")] = None


class Reject(CaseAct):
    reason: Annotated[column_text(Application, "rejected_reason"),
                      Ui("不予通过的原因", widget="textarea", rows=3)]


class Close(CaseAct):
    on: _date("结案日期") = None
    note: Annotated[Comment, Ui("说明", widget="textarea")] = ""


# ---------------------------------------------------------------- 六、责任分工


class DepartmentAct(CaseAct):
    """A department's part of a case, recorded by that department."""

    on: _date("办理日期") = None
    reference: Annotated[column_text(DepartmentRecord, "reference"), Ui("文号或证号")] = ""
    comment: Annotated[Comment, Ui("说明", widget="textarea")] = ""


class PlanningApproval(DepartmentAct):
    on: _date("规划审批日期") = None
    reference: Annotated[column_text(DepartmentRecord, "reference"),
                         Ui("规划许可文号", missing="须填写规划许可文号")] = ""


class TitleRegistration(DepartmentAct):
    on: _date("登记日期") = None
    reference: Annotated[column_text(DepartmentRecord, "reference"),
                         Ui("新不动产权证号", missing="须填写新不动产权证号",
                            help="原房灭籍、过户后登记的产权证号")] = ""


class DrinkingWater(DepartmentAct):
    on: _date("饮水安全核查日期") = None


class PowerConnection(DepartmentAct):
    on: _date("通电入户日期") = None


class FilePaper(CaseAct):
    """R-MH-13: one of the paper file's two copies put away."""

    on: _date("归档日期") = None
    kept_at: Annotated[Literal["township", "city"], Ui("存档处", choices=PaperCopy)]


# ---------------------------------------------------------------- the township's window


class RecordWindowCase(Command):
    """咨询服务窗口、工程纠纷调解: a consultation or a construction dispute at the township."""

    kind: Annotated[Literal["consultation", "dispute"], Ui("类别", choices=WindowKind)]
    household_id: Id
    application_id: Annotated[Id | None, Ui(page=False)] = None
    received_on: _date("受理日期") = None
    subject: Annotated[column_text(WindowCase, "subject", max_length=LONG_TEXT),
                       Ui("咨询或纠纷内容", widget="textarea", missing="须填写咨询或纠纷内容")]
    parties: Annotated[column_text(WindowCase, "parties"), Ui("纠纷当事人")] = ""


class ResolveWindowCase(Command):
    outcome: Annotated[column_text(WindowCase, "outcome", max_length=LONG_TEXT),
                       Ui("答复或调解结果", widget="textarea", missing="须填写答复或调解结果")]
    on: _date("办结日期") = None


# ---------------------------------------------------------------- R-MH-13 archive review


class StartArchiveReview(Command):
    """The city office reviews a township's archives on a random sample of its cases."""

    division_code: Annotated[free_text(9, "乡镇代码"), Ui("乡镇")]
    on: _date("审查日期") = None
    sample_size: Annotated[int, Field(ge=1, le=100), Ui("抽查户数")] = 5


class CheckArchiveItem(Command):
    passed: Annotated[bool | None, Ui("审查结论", widget="radio", choices=("合格", "退回整改"))] \
        = None
    finding: Annotated[free_text(LONG_TEXT, "审查意见"), Ui("审查意见", widget="textarea")] = ""
    on: _date("审查日期") = None


class ResolveArchiveItem(Command):
    resolution: Annotated[free_text(LONG_TEXT, "整改情况"),
                          Ui("整改情况", widget="textarea", missing="须填写整改情况")]
    on: _date("整改日期") = None
