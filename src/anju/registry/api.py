"""Households and houses over HTTP (api.md): thin routes over the registry's door and verbs."""

from datetime import date
from typing import Literal

from ninja import Field, Query, Router, Schema

from anju.accounts.access import requires
from anju.kit.fields import Id
from anju.kit.masks import mask_account, mask_id_number, mask_phone
from anju.registry import actions
from anju.registry.commands import (
    DemolishHouse,
    RegisterHouse,
    RegisterHousehold,
    ResponsiblePersonIn,
    SetResponsiblePersons,
    UpdateHouse,
    UpdateHousehold,
)
from anju.registry.models import House, Household
from anju.registry.queries import (
    get_house_for_user,
    get_household_for_user,
    households_for_user,
    houses_for_user,
)
from anju.registry.rules import NATIONAL_HOUSE_FIELDS
from anju.web.apikit import ERRORS, Out, PageParams, paginate
from anju.web.pages import KeysFirst

households = Router(tags=["农户"])
houses = Router(tags=["房屋"])


class MemberOut(Out):
    name: str
    id_number: str
    relation: str


class HouseholdOut(Out):
    id: int
    division_code: str
    head_name: str
    head_id_number: str
    phone: str
    persons: int
    members: list[MemberOut]
    low_income_category: str | None
    bank_account: str
    bank_name: str
    sms_notices: bool = Field(description="同意接收短信通知（案件进展告知）")
    sms_notices_on: date | None
    version: int


class HouseholdList(Out):
    items: list[HouseholdOut]
    total: int
    page: int
    page_size: int


class HouseholdFilters(PageParams):
    division: str | None = Field(None, description="区划代码前缀，在管辖范围内进一步筛选")
    q: str | None = Field(None, description="户主姓名片段，或完整的身份证号（户主或成员）")


def present_household(household: Household, *, reveal: bool = False) -> dict:
    def shown(value, mask):
        return value if reveal else mask(value)

    return {
        "id": household.pk, "division_code": household.division_code,
        "head_name": household.head_name,
        "head_id_number": shown(household.head_id_number, mask_id_number),
        "phone": shown(household.phone, mask_phone), "persons": household.persons,
        "members": [{"name": m.name, "id_number": shown(m.id_number, mask_id_number),
                     "relation": m.relation} for m in household.members.all()],
        "low_income_category": household.low_income_category or None,
        "bank_account": shown(household.bank_account, mask_account),
        "bank_name": household.bank_name, "sms_notices": household.sms_notices,
        "sms_notices_on": household.sms_notices_on, "version": household.version,
    }


@households.get("", response={200: HouseholdList, **ERRORS}, summary="农户列表（敏感信息脱敏）")
@requires("registry.view")
def list_households(request, filters: Query[HouseholdFilters]):
    queryset = households_for_user(request.user, division=filters.division, q=filters.q)
    queryset = queryset.order_by("division_code", "id").prefetch_related("members")
    return paginate(queryset, filters, present_household)


@households.post("", response={201: HouseholdOut, **ERRORS}, summary="登记农户")
@requires("registry.edit")
def create_household(request, payload: RegisterHousehold):
    household = actions.register_household(payload, acting_user=request.user,
                                           origin=request.origin)
    return 201, present_household(household)


@households.get("/{household_id}", response={200: HouseholdOut, **ERRORS}, summary="查看农户")
@requires("registry.view")
def get_household(request, household_id: int, reveal: bool = False):
    household = get_household_for_user(request.user, household_id)
    if reveal:
        actions.record_full_view(household, acting_user=request.user, origin=request.origin)
    return present_household(household, reveal=reveal)


@households.patch("/{household_id}", response={200: HouseholdOut, **ERRORS},
                  summary="修改农户（需带上读取时的 version）")
@requires("registry.edit")
def patch_household(request, household_id: int, payload: UpdateHousehold):
    household = get_household_for_user(request.user, household_id)
    household = actions.update_household(household, payload, acting_user=request.user,
                                         origin=request.origin)
    return present_household(household)


class ResponsiblePersonOut(Schema):
    role: str
    name: str
    phone: str
    department: str


class HouseOut(Out):
    id: int
    household_id: int | None
    division_code: str
    address: str
    lat: float | None
    lng: float | None
    structure: str
    color_steel: bool
    floors: int
    storey_band: str
    built_year: int | None
    build_year_band: str
    build_method: str
    floor_area: float
    use: str
    business_sector: str
    occupancy: str
    is_only_house: bool
    grade: str
    screening_result: str | None
    awaiting_appraisal: bool = Field(description="排查为严重或一定隐患且其后未鉴定：待鉴定")
    priority_tags: list[str]
    status: str = Field(description="R-CJ-8a：standing（现存）或 demolished（已拆除）")
    demolished_on: date | None
    replaces_house_id: int | None = Field(description="R-CJ-8a：本房屋替代的原房屋")
    land_type: str = Field(description="全国采集表：state（国有）、collective（集体）；空为未填")
    homestead_permit: bool | None = Field(description="宅基地审批手续（有/无）；null 为未填")
    planning_permit: bool | None
    completion_permit: bool | None
    registration_permit: bool | None
    altered: bool | None
    alteration_count: int | None
    alterations: list[str]
    business_approval: bool | None
    business_use: str
    heating_energy: str
    cooking_energy: str
    height: float | None
    local_floors: int | None
    national_code: str = Field(description="全国房屋编码（由对账导入写入）")
    version: int


class HouseDetailOut(HouseOut):
    responsible_persons: list[ResponsiblePersonOut]
    demolition_note: str
    replaced_by_house_ids: list[int] = Field(description="R-CJ-8a：在原址新建的房屋")


class HouseList(Out):
    items: list[HouseOut]
    total: int
    page: int
    page_size: int


class HouseFilters(PageParams):
    division: str | None = Field(None, description="区划代码前缀，在管辖范围内进一步筛选")
    grade: str | None = Field(None, description="A/B/C/D/unrated")
    occupancy: str | None = None
    use: str | None = None
    household_id: Id | None = None
    q: str | None = Field(None, description="地址关键词或户主姓名")
    status: Literal["standing", "demolished", "all"] = Field(
        "standing", description="R-CJ-8a：默认只列现存房屋；demolished 已拆除，all 全部")


def _number(value):
    return float(value) if value is not None else None


def present_house(house: House, *, detail: bool = False) -> dict:
    out = {
        "id": house.pk, "household_id": house.household_id,
        "division_code": house.division_code, "address": house.address,
        "lat": _number(house.lat), "lng": _number(house.lng), "structure": house.structure,
        "color_steel": house.color_steel, "floors": house.floors,
        "storey_band": house.storey_band, "built_year": house.built_year,
        "build_year_band": house.build_year_band, "build_method": house.build_method,
        "floor_area": float(house.floor_area), "use": house.use,
        "business_sector": house.business_sector, "occupancy": house.occupancy,
        "is_only_house": house.is_only_house, "grade": house.grade,
        "screening_result": house.screening_result or None,
        "awaiting_appraisal": house.awaiting_appraisal,
        "priority_tags": house.priority_tags, "status": house.status,
        "demolished_on": house.demolished_on, "replaces_house_id": house.replaces_house_id,
        **{f: getattr(house, f) for f in NATIONAL_HOUSE_FIELDS if f != "height"},
        "height": _number(house.height), "national_code": house.national_code,
        "version": house.version,
    }
    if detail:
        out["demolition_note"] = house.demolition_note
        out["replaced_by_house_ids"] = list(house.replaced_by.order_by("id")
                                            .values_list("id", flat=True))
        out["responsible_persons"] = [
            {"role": p.role, "name": p.name, "phone": mask_phone(p.phone),
             "department": p.department} for p in house.responsible_persons.all()
        ]
    return out


@houses.get("", response={200: HouseList, **ERRORS}, summary="房屋列表（重点区域房屋排在前）")
@requires("registry.view")
def list_houses(request, filters: Query[HouseFilters]):
    queryset = houses_for_user(
        request.user, division=filters.division, grade=filters.grade,
        occupancy=filters.occupancy, use=filters.use, household_id=filters.household_id,
        q=filters.q, status=filters.status)
    # The page's keys first (KeysFirst): page 200 skips 9,950 index entries, not 9,950 rows.
    return paginate(KeysFirst(queryset, rows=houses_for_user(request.user, status="all")),
                    filters, present_house)


@houses.post("", response={201: HouseDetailOut, **ERRORS}, summary="登记房屋")
@requires("registry.edit")
def create_house(request, payload: RegisterHouse):
    house = actions.register_house(payload, acting_user=request.user, origin=request.origin)
    return 201, present_house(house, detail=True)


@houses.get("/{house_id}", response={200: HouseDetailOut, **ERRORS}, summary="查看房屋")
@requires("registry.view")
def get_house(request, house_id: int):
    return present_house(get_house_for_user(request.user, house_id), detail=True)


@houses.patch("/{house_id}", response={200: HouseDetailOut, **ERRORS},
              summary="修改房屋（需带上读取时的 version）")
@requires("registry.edit")
def patch_house(request, house_id: int, payload: UpdateHouse):
    house = get_house_for_user(request.user, house_id)
    house = actions.update_house(house, payload, acting_user=request.user,
                                 origin=request.origin)
    return present_house(house, detail=True)


@houses.post("/{house_id}/demolition", response={200: HouseDetailOut, **ERRORS},
             summary="登记房屋已拆除（日期和依据）")
@requires("registry.edit")
def demolish_house(request, house_id: int, payload: DemolishHouse):
    house = get_house_for_user(request.user, house_id)
    house = actions.demolish_house(house, payload, acting_user=request.user,
                                   origin=request.origin)
    return present_house(house, detail=True)


@houses.put("/{house_id}/responsible-persons", response={200: HouseDetailOut, **ERRORS},
            summary="明确房屋安全责任人和安全监管责任人")
@requires("registry.edit")
def put_responsible_persons(request, house_id: int, payload: list[ResponsiblePersonIn]):
    house = get_house_for_user(request.user, house_id)
    actions.set_responsible_persons(house, SetResponsiblePersons(responsible_persons=payload),
                                    acting_user=request.user, origin=request.origin)
    return present_house(house, detail=True)
