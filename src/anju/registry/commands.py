"""The acts of the register (一户一档), one command each: the API's body, the page form's
fields (anju.web.forms.CommandForm), and what the field app's new houses and the imports
validate with.

Codes from a code list (a structure, a use, a member's relation) stay text here: the verb
refuses an unknown one with `choice_invalid` and the rule it breaks, as the API always has.
A change (PATCH) names only what it changes: every field but the version is optional, and the
verb changes the fields sent (`model_fields_set`); a null clears an optional one."""

from datetime import date
from decimal import Decimal
from typing import Annotated, get_args

from pydantic import BeforeValidator, Field

from anju.kit.commands import Command, Ui
from anju.kit.fields import (
    ACCOUNT_LENGTH,
    ID_NUMBER_LENGTH,
    PHONE_LENGTH,
    Id,
    column_text,
    free_text,
)
from anju.registry.codes import (
    Alteration,
    AttachmentKind,
    BuildMethod,
    BusinessSector,
    BusinessUse,
    Energy,
    LandType,
    Occupancy,
    PriorityTag,
    Relation,
    ResponsibleRole,
    Structure,
    Use,
)
from anju.registry.models import Attachment, House, Household, Member, ResponsiblePerson
from anju.registry.rules import normalize_id_number


def optional(field):
    """The field, which may be left out or be null. `Annotated[T, Ui(...)] | None` would hide
    the Ui inside the union, where the page form does not look for it."""
    base, *meta = get_args(field)
    rest = [m for m in meta if not isinstance(m, Ui)]
    inner = Annotated[(base, *rest)] if rest else base
    return Annotated[(inner | None, *[m for m in meta if isinstance(m, Ui)])]


# ID numbers are typed with a lower-case x and stray spaces; they are kept one way.
IdNumber = BeforeValidator(normalize_id_number)

Village = Annotated[column_text(Household, "division_code"), Ui("所在村")]
HeadName = Annotated[column_text(Household, "head_name"), Ui("户主姓名")]
HeadIdNumber = Annotated[column_text(Household, "head_id_number", max_length=ID_NUMBER_LENGTH),
                         IdNumber, Ui("户主身份证号")]
HouseholdPhone = Annotated[column_text(Household, "phone", max_length=PHONE_LENGTH),
                           Ui("联系电话")]
Persons = Annotated[int, Ui("家庭人口", missing="家庭人口不能为空")]
BankAccount = Annotated[column_text(Household, "bank_account", max_length=ACCOUNT_LENGTH),
                        Ui("一卡通账号")]
BankName = Annotated[column_text(Household, "bank_name"), Ui("开户银行")]
SmsNotices = Annotated[bool, Ui("同意接收短信通知", help="农户同意后，案件进展以短信告知联系电话")]
VILLAGE_HELP = "所在村的 12 位区划代码"
# The version of the record the clerk read: a stale one is refused with 409 version_conflict.
Version = Annotated[int, Ui(missing="缺少版本号，请刷新页面后重试")]


# One person of the household (domain.md §1: relation head, spouse, child, ...).
class HouseholdMember(Command):
    name: Annotated[column_text(Member, "name"), Ui("姓名")]
    id_number: Annotated[column_text(Member, "id_number", max_length=ID_NUMBER_LENGTH),
                         IdNumber, Ui("身份证号")] = ""
    relation: Annotated[column_text(Member, "relation"), Ui("与户主关系", choices=Relation)]


# Put a household on the register, with its members (R-CJ-3; one household per head).
class RegisterHousehold(Command):
    division_code: Village = Field(description=VILLAGE_HELP)
    head_name: HeadName
    head_id_number: HeadIdNumber
    phone: HouseholdPhone = ""
    persons: Persons
    members: list[HouseholdMember] = []
    bank_account: BankAccount = ""
    bank_name: BankName = ""
    sms_notices: SmsNotices = False


# Change a household: only the fields sent; `members`, when sent, replaces the list.
class UpdateHousehold(Command):
    version: Version
    division_code: optional(Village) = Field(None, description=VILLAGE_HELP)
    head_name: optional(HeadName) = None
    head_id_number: optional(HeadIdNumber) = None
    phone: optional(HouseholdPhone) = None
    persons: optional(Persons) = None
    members: list[HouseholdMember] | None = None
    bank_account: optional(BankAccount) = None
    bank_name: optional(BankName) = None
    sms_notices: optional(SmsNotices) = None


Address = Annotated[column_text(House, "address"), Ui("地址")]
StructureCode = Annotated[column_text(House, "structure"),
                          Ui("结构类型", choices=Structure, missing="结构类型不能为空")]
ColorSteel = Annotated[bool, Ui("彩钢房")]
Floors = Annotated[int, Ui("层数", missing="层数不能为空")]
BuiltYear = Annotated[int, Ui("建造年份")]
BuildMethodCode = Annotated[column_text(House, "build_method"),
                            Ui("建造方式", choices=BuildMethod)]
FloorArea = Annotated[Decimal, Ui("建筑面积（㎡）", missing="建筑面积不能为空")]
UseCode = Annotated[column_text(House, "use"), Ui("用途", choices=Use, missing="用途不能为空")]
SectorCode = Annotated[column_text(House, "business_sector"),
                       Ui("经营行业", choices=BusinessSector, help="用途为经营性或住+经营时必填")]
OccupancyCode = Annotated[column_text(House, "occupancy"),
                          Ui("居住状态", choices=Occupancy, missing="居住状态不能为空")]
OnlyHouse = Annotated[bool, Ui("唯一住房")]
# codes of PriorityTag, kept in a JSON list (R-CJ-1: houses near schools, markets ... first)
PriorityTags = Annotated[list[free_text(20, "重点区域")],
                         Ui("重点区域", choices=PriorityTag,
                            help="学校、医院、市场周边等重点区域的房屋排在清单前面")]
Latitude = Annotated[Decimal, Ui("纬度")]
Longitude = Annotated[Decimal, Ui("经度")]
HouseholdLink = Annotated[Id, Ui("农户")]
# What the national house form asks (national-exchange.md N1, N2); all optional.
LandTypeCode = Annotated[column_text(House, "land_type"), Ui("土地性质", choices=LandType)]
HomesteadPermit = Annotated[bool, Ui("宅基地审批手续")]
PlanningPermit = Annotated[bool, Ui("规划许可手续")]
CompletionPermit = Annotated[bool, Ui("竣工验收手续")]
RegistrationPermit = Annotated[bool, Ui("房屋登记手续")]
Altered = Annotated[bool, Ui("是否改造")]
AlterationCount = Annotated[int, Ui("改造次数")]
Alterations = Annotated[list[free_text(20, "改造内容")],
                        Ui("改造内容", choices=Alteration, help="加层、扩建、改变承重结构等")]
BusinessApproval = Annotated[bool, Ui("经营审批手续")]
BusinessUseCode = Annotated[column_text(House, "business_use"),
                            Ui("主要用途", choices=BusinessUse, help="用作经营的房屋填写")]
HeatingEnergy = Annotated[column_text(House, "heating_energy"), Ui("采暖用能", choices=Energy)]
CookingEnergy = Annotated[column_text(House, "cooking_energy"), Ui("炊事用能", choices=Energy)]
Height = Annotated[Decimal, Ui("房屋高度（米）")]
LocalFloors = Annotated[int, Ui("局部层数")]


# Put a house on the register (R-CJ-3); its grade comes only from screening and appraisal.
class RegisterHouse(Command):
    household_id: optional(HouseholdLink) = None
    division_code: Village = Field(description=VILLAGE_HELP)
    address: Address
    lat: optional(Latitude) = None
    lng: optional(Longitude) = None
    structure: StructureCode
    color_steel: ColorSteel = False
    floors: Floors
    built_year: optional(BuiltYear) = None
    build_method: BuildMethodCode = ""
    floor_area: FloorArea
    use: UseCode
    business_sector: SectorCode = ""
    occupancy: OccupancyCode
    is_only_house: OnlyHouse = True
    priority_tags: PriorityTags = []
    land_type: LandTypeCode = ""
    homestead_permit: optional(HomesteadPermit) = None
    planning_permit: optional(PlanningPermit) = None
    completion_permit: optional(CompletionPermit) = None
    registration_permit: optional(RegistrationPermit) = None
    altered: optional(Altered) = None
    alteration_count: optional(AlterationCount) = None
    alterations: Alterations = []
    business_approval: optional(BusinessApproval) = None
    business_use: BusinessUseCode = ""
    heating_energy: HeatingEnergy = ""
    cooking_energy: CookingEnergy = ""
    height: optional(Height) = None
    local_floors: optional(LocalFloors) = None


# Change a house's record: only the fields sent.
class UpdateHouse(Command):
    version: Version
    household_id: optional(HouseholdLink) = None
    division_code: optional(Village) = Field(None, description=VILLAGE_HELP)
    address: optional(Address) = None
    lat: optional(Latitude) = None
    lng: optional(Longitude) = None
    structure: optional(StructureCode) = None
    color_steel: optional(ColorSteel) = None
    floors: optional(Floors) = None
    built_year: optional(BuiltYear) = None
    build_method: optional(BuildMethodCode) = None
    floor_area: optional(FloorArea) = None
    use: optional(UseCode) = None
    business_sector: optional(SectorCode) = None
    occupancy: optional(OccupancyCode) = None
    is_only_house: optional(OnlyHouse) = None
    priority_tags: optional(PriorityTags) = None
    land_type: optional(LandTypeCode) = None
    homestead_permit: optional(HomesteadPermit) = None
    planning_permit: optional(PlanningPermit) = None
    completion_permit: optional(CompletionPermit) = None
    registration_permit: optional(RegistrationPermit) = None
    altered: optional(Altered) = None
    alteration_count: optional(AlterationCount) = None
    alterations: optional(Alterations) = None
    business_approval: optional(BusinessApproval) = None
    business_use: optional(BusinessUseCode) = None
    heating_energy: optional(HeatingEnergy) = None
    cooking_energy: optional(CookingEnergy) = None
    height: optional(Height) = None
    local_floors: optional(LocalFloors) = None


# R-CJ-8a, R-MH-11: a house pulled down leaves the standing houses; its record stays, with the
# date and the evidence (a note, photos or papers already on its file).
class DemolishHouse(Command):
    version: Version
    demolished_on: Annotated[date, Ui("拆除日期")]
    note: Annotated[column_text(House, "demolition_note"),
                    Ui("拆除依据", help="如拆除协议、现场照片说明")] = ""
    attachment_ids: Annotated[list[Id], Ui("拆除照片或材料", page=False)] = []


# One of the persons responsible for a house's safety (R-CJ-4).
class ResponsiblePersonIn(Command):
    role: Annotated[column_text(ResponsiblePerson, "role"),
                    Ui("责任类型", choices=ResponsibleRole)]
    name: Annotated[column_text(ResponsiblePerson, "name"), Ui("姓名或单位")]
    phone: Annotated[column_text(ResponsiblePerson, "phone", max_length=PHONE_LENGTH),
                     Ui("联系电话")] = ""
    department: Annotated[column_text(ResponsiblePerson, "department"), Ui("部门")] = ""


# 谁拥有谁负责、谁使用谁负责、谁主管谁负责、谁审批谁负责 (R-CJ-4): the whole list, replacing the
# one before; the API's body is the bare list.
class SetResponsiblePersons(Command):
    responsible_persons: list[ResponsiblePersonIn] = []


# A photo or a scanned document kept on a household's or a house's file (一户一档); the file
# itself comes beside the command.
class AttachFile(Command):
    kind: Annotated[column_text(Attachment, "kind"), Ui("类型", choices=AttachmentKind)]
    title: Annotated[column_text(Attachment, "title"), Ui("说明")] = ""
