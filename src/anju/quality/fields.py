"""The record fields a county officer compares on site (点对点核实比对, R-CJ-3): how an observed
value is read, compared with the record and shown. Pure functions; no database here.

A verification finding closes when the record comes to equal the value seen on site, so an
observed value must be one the register can hold: it passes the registry's own limits.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from anju.registry.codes import Grade, Occupancy, Structure, Use
from anju.registry.rules import CHINA_LAT, CHINA_LNG, EARLIEST_YEAR, MAX_FLOORS, MAX_RURAL_AREA

GRADED = ("A", "B", "C", "D")
_TRUE = {"true", "1", "yes", "是"}
_FALSE = {"false", "0", "no", "否"}


@dataclass(frozen=True)
class Verifiable:
    name: str
    label: str
    type: str  # choice, int, decimal, bool, text
    choices: object = None
    places: int = 0


VERIFIABLE = {f.name: f for f in (
    Verifiable("structure", "结构类型", "choice", Structure),
    Verifiable("floors", "层数", "int"),
    Verifiable("built_year", "建造年份", "int"),
    Verifiable("floor_area", "建筑面积（㎡）", "decimal", places=2),
    Verifiable("use", "用途", "choice", Use),
    Verifiable("occupancy", "居住状态", "choice", Occupancy),
    Verifiable("lat", "纬度", "decimal", places=6),
    Verifiable("lng", "经度", "decimal", places=6),
    Verifiable("grade", "安全等级", "choice", Grade),
    Verifiable("is_only_house", "唯一住房", "bool"),
    Verifiable("head_name", "户主姓名", "text"),
)}

# Labels of every field a finding may name, for pages and notices.
FIELD_LABELS = {name: f.label for name, f in VERIFIABLE.items()} | {
    "household_id": "农户（产权人）", "head_id_number": "户主身份证号",
    "members": "家庭成员身份证号", "build_year_band": "建造年代", "responsible_persons": "责任人",
    "division_code": "所在村区划代码", "component_photos": "构件照片",
}


def field_label(name: str) -> str:
    if name.startswith("component_photos."):
        from anju.appraisal.codes import Component

        component = name.split(".", 1)[1]
        label = Component(component).label if component in Component.values else component
        return f"构件照片：{label}"
    return FIELD_LABELS.get(name, name)


def normalized(name: str, value):
    """A record's value in the form observed values take, or None when the record is empty."""
    spec = VERIFIABLE[name]
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if spec.type == "decimal":
        return Decimal(str(value)).quantize(Decimal(1).scaleb(-spec.places))
    if spec.type == "int":
        return int(value)
    if spec.type == "bool":
        return bool(value)
    if name == "grade" and value == Grade.UNRATED:
        return None
    return str(value).strip()


def parse_observed(name: str, raw, today: date):
    """The value seen on site, checked against the register's limits; ValueError says why."""
    spec = VERIFIABLE[name]
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValueError("不能为空")
    if spec.type == "bool":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        raise ValueError("应为“是”或“否”")
    if isinstance(raw, bool):
        raise ValueError("类型不正确")
    if spec.type == "choice":
        value = str(raw).strip()
        allowed = GRADED if name == "grade" else spec.choices.values
        if value not in allowed:
            raise ValueError(f"“{value}”不是有效选项")
        return value
    if spec.type == "text":
        value = str(raw).strip()
        if len(value) > 40:
            raise ValueError("不能超过 40 个字")
        return value
    if spec.type == "int":
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise ValueError("应为整数") from None
        if name == "floors" and not 1 <= value <= MAX_FLOORS:
            raise ValueError(f"应在 1 到 {MAX_FLOORS} 层之间")
        if name == "built_year" and not EARLIEST_YEAR <= value <= today.year:
            raise ValueError(f"应在 {EARLIEST_YEAR} 年到今年之间")
        return value
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValueError("应为数字") from None
    if not value.is_finite():
        raise ValueError("应为数字")
    bounds = {"floor_area": (Decimal("0.01"), MAX_RURAL_AREA), "lat": CHINA_LAT,
              "lng": CHINA_LNG}[name]
    if not bounds[0] <= value <= bounds[1]:
        raise ValueError(f"应在 {bounds[0]} 到 {bounds[1]} 之间")
    return normalized(name, value)


def same(name: str, recorded, observed) -> bool:
    return normalized(name, recorded) == normalized(name, observed)


def as_json(value):
    if isinstance(value, Decimal):
        return str(value)
    return value


def shown(name: str, value) -> str:
    """A value as people read it: the Chinese label of a code, 是/否, or 未填写."""
    spec = VERIFIABLE.get(name)
    if value is None or value == "":
        return "未填写"
    if spec is not None and spec.type == "bool":
        return "是" if value else "否"
    if spec is not None and spec.type == "choice" and value in spec.choices.values:
        return str(spec.choices(value).label)
    return str(value)


def recorded_values(house) -> dict:
    """The record's value of each verifiable field of a House (its household's head name)."""
    values = {name: getattr(house, name) for name in VERIFIABLE if name != "head_name"}
    values["head_name"] = house.household.head_name if house.household_id else None
    return values
