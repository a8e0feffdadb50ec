"""Pure rules of the registry: what a valid household and house record is (R-CJ-3 错填/漏填),
and how sensitive numbers are masked (api.md). No database access here."""

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from operator import mul

from anju.kit.errors import Code, RuleViolation
from anju.registry.codes import (
    BUSINESS_USES,
    Alteration,
    BuildMethod,
    BuildYearBand,
    BusinessSector,
    BusinessUse,
    Energy,
    LandType,
    LowIncomeCategory,
    Occupancy,
    PriorityTag,
    Relation,
    StoreyBand,
    Structure,
    Use,
)

RULE = "R-CJ-3"
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_FORM = re.compile(r"\d{17}[\dX]")
_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
_ACCOUNT = re.compile(r"^\d{12,30}$")
MAX_RURAL_AREA = Decimal("2000")
MAX_PERSONS = 30
MAX_FLOORS = 10
MAX_HEIGHT = Decimal("100")
# The house attributes the national house form asks (national-exchange.md N1, N2).
NATIONAL_HOUSE_FIELDS = ("land_type", "homestead_permit", "planning_permit",
                         "completion_permit", "registration_permit", "altered",
                         "alteration_count", "alterations", "business_approval", "business_use",
                         "heating_energy", "cooking_energy", "height", "local_floors")
EARLIEST_YEAR = 1800
# Mainland China's extent; a county's own box is the quality sweep's job (grading.md §4).
CHINA_LAT = (Decimal("3.8"), Decimal("53.6"))
CHINA_LNG = (Decimal("73.4"), Decimal("135.1"))


@lru_cache(maxsize=65536)
def _birth_date(digits: str) -> date | None:
    # A county's people share a few tens of thousands of birth dates: each is parsed once.
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None


def id_number_valid(value: str, today: date | None = None) -> bool:
    """GB 11643: 17 digits, a valid birth date (not after `today`), and the ISO 7064 MOD 11-2
    check character."""
    # Written for speed as well: the quality sweep and imports check a county's numbers.
    if not isinstance(value, str) or not _ID_FORM.fullmatch(value):
        return False
    born = _birth_date(value[6:14])
    if born is None or born > (today or date.today()):
        return False
    total = sum(map(mul, map(int, value[:17]), _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == value[17]


def id_number_problem(value: str, today: date | None = None) -> str:
    """What is wrong with an ID number, in a clerk's words (empty when it is valid)."""
    if not isinstance(value, str) or len(value) != 18:
        return f"应为 18 位，现在是 {len(value or '')} 位，请核对"
    if not _ID_FORM.fullmatch(value):
        return "前 17 位应全是数字，最后一位是数字或 X，请核对"
    born = _birth_date(value[6:14])
    if born is None or born > (today or date.today()):
        return "第 7 到 14 位的出生日期不对，请核对"
    if not id_number_valid(value, today):
        return "最后一位校验码不对，请对照身份证核对"
    return ""


def normalize_id_number(value):
    """ID numbers are typed with a lower-case x and stray spaces; store them one way."""
    return value.strip().upper() if isinstance(value, str) else value


def normalized_household(data: dict) -> dict:
    out = dict(data)
    if "head_id_number" in out:
        out["head_id_number"] = normalize_id_number(out["head_id_number"])
    if out.get("members"):
        out["members"] = [{**m, "id_number": normalize_id_number(m.get("id_number") or "")}
                          for m in out["members"]]
    return out


def id_check_character(first17: str) -> str:
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


# The leading bytes of the file types a household's file accepts (一户一档: photos and scans).
# The type a client declares is not trusted: it decides how the file is later served.
_FILE_SIGNATURES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"),
                    (b"%PDF-", "application/pdf"))


def sniff_content_type(head: bytes) -> str | None:
    """The file type its first bytes show, among JPEG, PNG, WebP and PDF; else None."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    for signature, content_type in _FILE_SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def storey_band(floors: int) -> str:
    return StoreyBand.FOUR_PLUS if floors >= 4 else str(floors)


def build_year_band(year: int) -> str:
    if year <= 1980:
        return BuildYearBand.UNTIL_1980
    if year <= 1990:
        return BuildYearBand.Y1981_1990
    if year <= 2000:
        return BuildYearBand.Y1991_2000
    if year <= 2010:
        return BuildYearBand.Y2001_2010
    return BuildYearBand.FROM_2011


@cache
def codes_of(choices) -> frozenset:
    """The codes of a code list, once: building `.values` anew costs more than the check
    (an import or a sweep checks hundreds of thousands of records)."""
    return frozenset(choices.values)


class Checker:
    """Collects every field error of one record, so a form or an import row shows them all.
    The values are typed already (a command, or an import's converted cells)."""

    def __init__(self, today: date | None = None):
        self.errors: list[RuleViolation] = []
        self.today = today or date.today()

    def fail(self, code: str, field: str, message: str, rule: str | None = RULE):
        self.errors.append(RuleViolation(code, message, field=field, rule=rule))

    def required(self, data: Mapping, field: str, label: str) -> bool:
        value = data.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            self.fail(Code.FIELD_REQUIRED, field, f"{label}不能为空")
            return False
        return True

    def choice(self, data: Mapping, field: str, label: str, choices) -> None:
        value = data.get(field)
        if value not in (None, "") and value not in codes_of(choices):
            self.fail(Code.CHOICE_INVALID, field, f"{label}“{value}”不是有效选项")

    def id_number(self, value: str | None, field: str, label: str = "身份证号") -> None:
        if value and not id_number_valid(value, self.today):
            self.fail(Code.ID_NUMBER_INVALID, field,
                      f"{label}{id_number_problem(value, self.today)}")


def check_household(data: Mapping, *, today: date | None = None) -> list[RuleViolation]:
    """The rules of a household record (R-CJ-3 漏填/错填): `data` as a household command
    gives it, or the record with a change applied."""
    c = Checker(today)
    for field, label in (("head_name", "户主姓名"), ("head_id_number", "户主身份证号"),
                         ("persons", "家庭人口")):
        c.required(data, field, label)
    c.id_number(data.get("head_id_number"), "head_id_number", "户主身份证号")
    if data.get("persons") is not None and not 1 <= data["persons"] <= MAX_PERSONS:
        c.fail(Code.PERSONS_OUT_OF_RANGE, "persons", f"家庭人口应在 1 到 {MAX_PERSONS} 人之间")
    if data.get("phone") and not _PHONE.match(data["phone"]):
        c.fail(Code.PHONE_INVALID, "phone", "联系电话应为 11 位手机号或带区号的固定电话")
    if data.get("bank_account") and not _ACCOUNT.match(data["bank_account"]):
        c.fail(Code.BANK_ACCOUNT_INVALID, "bank_account", "一卡通账号应为 12 到 30 位数字")
    c.choice(data, "low_income_category", "低收入类别", LowIncomeCategory)
    members = data.get("members") or []
    for i, member in enumerate(members):
        prefix = f"members[{i}]"
        if not (member.get("name") or "").strip():
            c.fail(Code.FIELD_REQUIRED, f"{prefix}.name", f"第 {i + 1} 位成员姓名不能为空")
        if member.get("relation") not in codes_of(Relation):
            c.fail(Code.CHOICE_INVALID, f"{prefix}.relation",
                   f"第 {i + 1} 位成员与户主关系“{member.get('relation')}”不是有效选项")
        c.id_number(member.get("id_number"), f"{prefix}.id_number",
                    f"第 {i + 1} 位成员身份证号")
    ids = [m.get("id_number") for m in members if m.get("id_number")]
    if len(ids) != len(set(ids)):
        c.fail(Code.ID_NUMBER_DUPLICATE, "members", "家庭成员身份证号重复")
    _check_head_among_members(c, data, members)
    return c.errors


def _check_head_among_members(c: Checker, data: Mapping, members: list) -> None:
    """One household has one head (户主), the one named above the members; the members are
    people of the household, so there are no more of them than its persons (家庭人口)."""
    heads = [i for i, m in enumerate(members) if m.get("relation") == Relation.HEAD]
    for i in heads[1:]:
        c.fail(Code.HEAD_DUPLICATE, f"members[{i}].relation",
               f"一户只能有一位户主：第 {i + 1} 位成员的“与户主关系”也选了户主，请改为实际关系")
    if heads:
        head = members[heads[0]]
        name, head_name = (head.get("name") or "").strip(), (data.get("head_name") or "").strip()
        number, head_number = head.get("id_number"), data.get("head_id_number")
        if name and head_name and name != head_name:
            c.fail(Code.HEAD_MISMATCH, f"members[{heads[0]}].name",
                   f"第 {heads[0] + 1} 位成员是户主，姓名“{name}”却与上方户主姓名“{head_name}”"
                   "不一致，请核对")
        elif number and head_number and number != head_number:
            c.fail(Code.HEAD_MISMATCH, f"members[{heads[0]}].id_number",
                   f"第 {heads[0] + 1} 位成员是户主，身份证号却与上方户主身份证号不一致，请核对")
    persons = data.get("persons")
    # The head counts once whether or not a member row names him.
    people = len(members) + (0 if heads else 1)
    if isinstance(persons, int) and 1 <= persons <= MAX_PERSONS and people > persons:
        c.fail(Code.PERSONS_FEWER_THAN_MEMBERS, "persons",
               f"家庭人口填了 {persons} 人，但户主和家庭成员共 {people} 人，"
               "请改正家庭人口或删去多余的成员")


def check_house(data: Mapping, *, today: date) -> list[RuleViolation]:
    """The rules of a house record (R-CJ-3): `data` as a house command gives it, or the
    record with a change applied."""
    c = Checker(today)
    required = {"address": "地址", "structure": "结构类型", "floors": "层数",
                "floor_area": "建筑面积", "use": "用途", "occupancy": "居住状态"}
    for field, label in required.items():
        c.required(data, field, label)
    c.choice(data, "structure", "结构类型", Structure)
    c.choice(data, "use", "用途", Use)
    c.choice(data, "occupancy", "居住状态", Occupancy)
    c.choice(data, "business_sector", "经营行业", BusinessSector)
    c.choice(data, "build_method", "建造方式", BuildMethod)
    floors = data.get("floors")
    if floors is not None and not 1 <= floors <= MAX_FLOORS:
        c.fail(Code.FLOORS_OUT_OF_RANGE, "floors", f"层数应在 1 到 {MAX_FLOORS} 层之间")
    year = data.get("built_year")
    if year is not None:
        if year > today.year:
            c.fail(Code.BUILT_YEAR_IN_FUTURE, "built_year", f"建造年份 {year} 晚于今年")
        elif year < EARLIEST_YEAR:
            c.fail(Code.BUILT_YEAR_OUT_OF_RANGE,
                   "built_year", f"建造年份不应早于 {EARLIEST_YEAR} 年")
    area = data.get("floor_area")
    if area is not None and not Decimal("0") < area <= MAX_RURAL_AREA:
        c.fail(Code.FLOOR_AREA_OUT_OF_RANGE, "floor_area",
               f"建筑面积应大于 0 且不超过 {MAX_RURAL_AREA} ㎡")
    lat, lng = data.get("lat"), data.get("lng")
    if (lat is None) != (lng is None):
        c.fail(Code.COORDINATES_INCOMPLETE, "lat" if lat is None else "lng", "经纬度应同时填写")
    if lat is not None and not CHINA_LAT[0] <= lat <= CHINA_LAT[1]:
        c.fail(Code.COORDINATES_OUT_OF_RANGE, "lat", "纬度不在我国境内")
    if lng is not None and not CHINA_LNG[0] <= lng <= CHINA_LNG[1]:
        c.fail(Code.COORDINATES_OUT_OF_RANGE, "lng", "经度不在我国境内")
    if data.get("use") in BUSINESS_USES and not data.get("business_sector"):
        c.fail(Code.FIELD_REQUIRED, "business_sector", "经营性房屋应填写经营行业")
    c.choice(data, "land_type", "土地性质", LandType)
    c.choice(data, "business_use", "主要用途", BusinessUse)
    c.choice(data, "heating_energy", "采暖用能", Energy)
    c.choice(data, "cooking_energy", "炊事用能", Energy)
    unknown = [a for a in data.get("alterations") or [] if a not in codes_of(Alteration)]
    if unknown:
        c.fail(Code.CHOICE_INVALID, "alterations", f"改造内容无效：{'、'.join(unknown)}")
    count = data.get("alteration_count")
    if count is not None and not 0 <= count <= 20:
        c.fail(Code.NUMBER_OUT_OF_RANGE, "alteration_count", "改造次数应在 0 到 20 次之间")
    local = data.get("local_floors")
    if local is not None and not 0 <= local <= MAX_FLOORS:
        c.fail(Code.NUMBER_OUT_OF_RANGE, "local_floors", f"局部层数应在 0 到 {MAX_FLOORS} 层之间")
    height = data.get("height")
    if height is not None and not Decimal("0") < height <= MAX_HEIGHT:
        c.fail(Code.NUMBER_OUT_OF_RANGE, "height", f"房屋高度应大于 0 且不超过 {MAX_HEIGHT} 米")
    tags = data.get("priority_tags")
    if tags is not None:
        unknown = [t for t in tags if t not in codes_of(PriorityTag)]
        if unknown:
            c.fail(Code.CHOICE_INVALID, "priority_tags", f"重点区域标签无效：{'、'.join(unknown)}",
                   rule="R-CJ-1")
    return c.errors


def derived_house_fields(data: Mapping) -> dict:
    """Fields that follow from others: the code-list bands and the priority flag."""
    out = {}
    if data.get("floors") is not None:
        out["storey_band"] = storey_band(data["floors"])
    if data.get("built_year") is not None:
        out["build_year_band"] = build_year_band(data["built_year"])
    if "priority_tags" in data:
        out["priority_tags"] = sorted(set(data["priority_tags"] or []))
        out["is_priority"] = bool(out["priority_tags"])
    if data.get("use") is not None and data["use"] not in BUSINESS_USES:
        out["business_sector"] = ""
    return out
