"""Code lists of housing security for low-income households (domain.md §4, api.md)."""

from django.db import models

from anju.accounts.models import Department
from anju.registry.codes import LowIncomeCategory

# R-MH-1: who certifies which category
CERTIFIER = {
    LowIncomeCategory.DIBAO: Department.CIVIL_AFFAIRS,
    LowIncomeCategory.TEKUN: Department.CIVIL_AFFAIRS,
    LowIncomeCategory.DIBAO_EDGE: Department.CIVIL_AFFAIRS,
    LowIncomeCategory.AT_RISK: Department.RURAL_REVITALIZATION,
    LowIncomeCategory.HARDSHIP: Department.RURAL_REVITALIZATION,
    LowIncomeCategory.OTHER_LIFTED: Department.RURAL_REVITALIZATION,
}
# R-MH-3: the three departments of the joint approval
APPROVERS = (Department.CIVIL_AFFAIRS, Department.RURAL_REVITALIZATION, Department.HOUSING)


class Status(models.TextChoices):
    APPLIED = "applied", "已申请"
    VILLAGE_REVIEWED = "village_reviewed", "村级已评议"
    TOWNSHIP_REVIEWED = "township_reviewed", "乡镇已初审"
    APPROVED = "approved", "已审批"
    NOTIFIED = "notified", "已书面告知"
    UNDER_CONSTRUCTION = "under_construction", "施工中"
    COMPLETED = "completed", "已竣工"
    ACCEPTED = "accepted", "已验收"
    PAID = "paid", "已拨付"
    CLOSED = "closed", "已归档结案"
    WAIVED = "waived", "放弃改造"
    REJECTED = "rejected", "未通过"


class Method(models.TextChoices):
    # R-MH-5
    REPAIR_REINFORCE = "repair_reinforce", "维修加固"
    REBUILD = "rebuild", "拆除重建"
    NEW_BUILD = "new_build", "自有宅基地新建"
    COLLECTIVE_BUILD = "collective_build", "统建农村集体公租房"
    BUY_IDLE = "buy_idle", "购置闲置农房"
    RENOVATE_IDLE = "renovate_idle", "修缮加固闲置农房"
    PUBLIC_RENTAL = "public_rental", "租赁公租房"
    RELATIVES = "relatives", "投亲靠友/子女接养"
    NURSING_HOME = "nursing_home", "敬老院集中供养"
    TURNOVER = "turnover", "周转房安置"
    WAIVER = "waiver", "放弃改造"


# Methods that put up or repair a building, with design, builder, stage inspections.
BUILDING_METHODS = frozenset({Method.REPAIR_REINFORCE, Method.REBUILD, Method.NEW_BUILD,
                              Method.COLLECTIVE_BUILD, Method.RENOVATE_IDLE})
# A new house whose area the standards bound (R-MH-7).
NEW_HOUSE_METHODS = frozenset({Method.REBUILD, Method.NEW_BUILD})
PUBLIC_HOUSING_METHODS = frozenset({Method.COLLECTIVE_BUILD, Method.BUY_IDLE,
                                    Method.RENOVATE_IDLE, Method.TURNOVER})
# R-MH-5: the plan's other routes, open to the houseless and to a household whose only house
# is C/D alike ("无独立生活能力…的危房户", "置换安置、提供保障性公有住房、养老院安置").
OTHER_ROUTES = frozenset({*PUBLIC_HOUSING_METHODS, Method.PUBLIC_RENTAL, Method.RELATIVES,
                          Method.NURSING_HOME, Method.WAIVER})
NO_HOUSE_METHODS = frozenset({Method.NEW_BUILD, *OTHER_ROUTES})


class Action(models.TextChoices):
    APPLY = "apply", "提出申请"
    VILLAGE_REVIEW = "village_review", "村级民主评议"
    TOWNSHIP_REVIEW = "township_review", "乡镇初审"
    PUBLISH_NOTICE = "publish_notice", "公示"
    RECORD_OBJECTION = "record_objection", "登记异议"
    RESOLVE_OBJECTION = "resolve_objection", "处理异议"
    DEPARTMENT_APPROVE = "department_approve", "部门审批"
    NOTIFY = "notify", "书面告知"
    REGISTER_DESIGN = "register_design", "登记设计"
    REGISTER_BUILDER = "register_builder", "登记施工方"
    REGISTER_AGREEMENT = "register_agreement", "登记施工协议/承诺书"
    START_CONSTRUCTION = "start_construction", "开工"
    STAGE_INSPECTION = "stage_inspection", "关键节点检查"
    COMPLETE = "complete", "竣工"
    ACCEPT = "accept", "竣工验收"
    CITY_CHECK = "city_check", "市危改办审核"
    HANDOVER = "handover", "交付"
    RECORD_OLD_HOUSE = "record_old_house", "原房处置"
    PAY = "pay", "拨付补助"
    RELEASE_RETENTION = "release_retention", "返还质保金"
    ADD_DOCUMENT = "add_document", "归档材料"
    WAIVE = "waive", "放弃改造"
    RECORD_HOST_RENOVATION = "record_host_renovation", "接养人房屋改造"
    RECORD_RENT = "record_rent", "登记年度租金"
    REJECT = "reject", "不予通过"
    CLOSE = "close", "结案归档"
    # 六、责任分工: the other departments' part of a case
    PLANNING_APPROVAL = "planning_approval", "规划审批（自然资源）"
    TITLE_REGISTRATION = "title_registration", "灭籍、过户、产权登记（自然资源）"
    DRINKING_WATER = "drinking_water", "饮水安全（水利）"
    POWER_CONNECTION = "power_connection", "用电入户（电力）"
    # R-MH-13: the paper file's two copies
    FILE_PAPER = "file_paper", "纸质档案归档"


class NoticeContent(models.TextChoices):
    # R-MH-4: what a notice publishes (公示政策、补助对象、评议结果、补助标准)
    POLICY = "policy", "政策"
    RECIPIENTS = "recipients", "补助对象"
    REVIEW_RESULT = "review_result", "评议审核结果"
    SUBSIDY_STANDARD = "subsidy_standard", "补助标准"


class FundStatus(models.TextChoices):
    # R-MH-12a 市级报账制: a township's disbursement request
    REQUESTED = "requested", "已申请"
    APPROVED = "approved", "财政已审核"
    RETURNED = "returned", "已退回"
    TRANSFERRED = "transferred", "已拨付乡镇"
    SETTLED = "settled", "已发放到户"


class FundAction(models.TextChoices):
    FILE = "file", "报账申请"
    REVIEW = "review", "财政审核"
    TRANSFER = "transfer", "拨付乡镇财政所"
    SETTLE = "settle", "发放完毕"


class NoticeLevel(models.TextChoices):
    # R-MH-4 三级公示
    VILLAGE = "village", "村级"
    TOWNSHIP = "township", "乡镇级"
    COUNTY = "county", "县（市）级"


class Decision(models.TextChoices):
    APPROVE = "approve", "同意"
    REJECT = "reject", "不同意"


class DesignKind(models.TextChoices):
    # R-MH-8 basic structural design
    STANDARD = "standard", "标准图集"
    PROFESSIONAL = "professional", "专业设计"
    CRAFTSMAN = "craftsman", "工匠方案"


class AgreementKind(models.TextChoices):
    CONTRACT = "contract", "施工协议"
    COMMITMENT = "commitment", "承诺书"


class Stage(models.TextChoices):
    # R-MH-9 key stages
    FOUNDATION = "foundation", "基础"
    MAIN_STRUCTURE = "main_structure", "主体结构"


class MemberRole(models.TextChoices):
    # R-MH-10: who takes part in the completion acceptance
    TECHNICAL = "technical", "技术人员"
    SUPERVISOR = "supervisor", "村级质量安全监督员"
    BUILDER = "builder", "工匠或施工单位"
    HOUSEHOLD = "household", "农户"


class Account(models.TextChoices):
    # R-MH-12
    YIKATONG = "yikatong", "一卡通"
    CASH = "cash", "现金"


class Payee(models.TextChoices):
    HOUSEHOLD = "household", "农户"
    CONTRACTOR = "contractor", "施工单位"


class OldHouseTreatment(models.TextChoices):
    # R-MH-11
    DEMOLISHED = "demolished", "已拆除"
    SEALED = "sealed", "已封闭"
    SIGNPOSTED = "signposted", "已设警示标识"
    CORDONED = "cordoned", "已设围挡"


class DocumentKind(models.TextChoices):
    # R-MH-13 一户一档: what the household's file holds
    APPLICATION = "application", "申请书"
    CERTIFICATION = "certification", "身份认定材料"
    APPRAISAL = "appraisal", "房屋安全鉴定"
    VILLAGE_MINUTES = "village_minutes", "村级民主评议记录"
    TOWNSHIP_REVIEW = "township_review", "乡镇初审意见"
    APPROVAL = "approval", "部门审批意见"
    PUBLICITY = "publicity", "公示照片"
    NOTICE = "notice", "书面告知通知单"
    DESIGN = "design", "基本结构设计"
    CRAFTSMAN_CERTIFICATE = "craftsman_certificate", "工匠培训合格证书/施工资质"
    AGREEMENT = "agreement", "施工协议/承诺书"
    STAGE_INSPECTION = "stage_inspection", "关键节点检查记录"
    PHOTO_BEFORE = "photo_before", "改造前照片"
    PHOTO_DURING = "photo_during", "改造中照片"
    PHOTO_AFTER = "photo_after", "改造后照片"
    ACCEPTANCE_REPORT = "acceptance_report", "竣工验收报告"
    VOUCHER = "voucher", "拨付凭证"
    RECEIPT = "receipt", "农户签收单"
    CASH_REQUEST = "cash_request", "现金发放申请"
    WAIVER_LETTER = "waiver_letter", "放弃改造申请书"
    WAIVER_PROOF = "waiver_proof", "其他安全住房证明"
    WAIVER_AGREEMENT = "waiver_agreement", "乡镇与农户签订的保障协议"
    WAIVER_IMAGES = "waiver_images", "放弃改造影像资料"
    HOST_RENOVATION = "host_renovation", "接养人房屋改造记录"
    RENT_VOUCHER = "rent_voucher", "年度租金支付凭证"
    LEASE = "lease", "租赁合同"
    HOST_APPRAISAL = "host_appraisal", "投靠房屋鉴定"
    OLD_HOUSE = "old_house", "原房处置照片"


class RepairPart(models.TextChoices):
    # R-MH-5 加固方案: the parts a C repair reinforces, named as the appraisal names its
    # components (appraisal.codes.Component), "依据住房安全等级鉴定的危险部位"
    FOUNDATION = "foundation", "地基基础"
    BEARING_WALL = "bearing_wall", "承重墙"
    TIMBER_FRAME = "timber_frame", "木柱、梁、檩"
    TIMBER_TRUSS = "timber_truss", "木屋架"
    CONCRETE_FRAME = "concrete_frame", "混凝土柱、梁"
    ROOF = "roof", "屋面（椽、瓦）"
    # "禁止单独进行粉刷、装饰，更换门窗等与提升住房安全性无关的改造行为"
    PAINTING = "painting", "粉刷"
    DECORATION = "decoration", "装饰"
    DOORS_WINDOWS = "doors_windows", "更换门窗"


COSMETIC_PARTS = frozenset({RepairPart.PAINTING, RepairPart.DECORATION,
                            RepairPart.DOORS_WINDOWS})


# 六、责任分工: which department records which act on a case
DEPARTMENT_ACTS = {
    Department.NATURAL_RESOURCES: (Action.PLANNING_APPROVAL, Action.TITLE_REGISTRATION),
    Department.WATER: (Action.DRINKING_WATER,),
    Department.POWER: (Action.POWER_CONNECTION,),
}


class PaperCopy(models.TextChoices):
    # R-MH-13 一户一档 kept on paper twice
    TOWNSHIP = "township", "乡镇存档"
    CITY = "city", "市危改办存档"


class WindowKind(models.TextChoices):
    # 乡镇咨询服务窗口、工程纠纷调解
    CONSULTATION = "consultation", "政策咨询"
    DISPUTE = "dispute", "工程纠纷调解"
