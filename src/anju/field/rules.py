"""Pure rules of the field app: which act each capture kind is, which command its payload
is (the same command the web API takes as its body and the page form is made from), the
content hash that tells a resend from a different capture, and the GPS check against the
county's box. No database."""

import hashlib
import json
import re
from dataclasses import dataclass

from pydantic import ValidationError

from anju.appraisal.commands import RecordInspection, RecordScreening
from anju.divisions.boxes import county_box
from anju.kit.commands import Command
from anju.kit.errors import Code, RuleViolation
from anju.quality.commands import RecordVerification
from anju.quality.rules import BOX_MARGIN
from anju.quality.rules import RULE as QUALITY_RULE
from anju.rectification.commands import RecordControlCheck
from anju.registry.commands import RegisterHouse, UpdateHouse

SHA256 = re.compile(r"^[0-9a-f]{64}$")
MAX_PHOTOS = 20


@dataclass(frozen=True)
class Act:
    kind: str
    label: str
    command: type[Command]  # the act's command: the web API's body
    capability: str  # the capability of the verb that applies it
    # An edit of what the phone downloaded: a stale base version is kept as a conflict.
    versioned: bool
    # Fields of the payload that are not part of the web body (they are in its URL).
    extra: tuple[str, ...] = ("house_id",)


ACTS = {a.kind: a for a in (
    Act("screening", "排查初判", RecordScreening, "appraisal.inspect", versioned=False),
    Act("inspection", "检查", RecordInspection, "appraisal.inspect", versioned=False),
    Act("control_check", "管控检查", RecordControlCheck, "rectification.record",
        versioned=False, extra=("house_id", "entry_id")),
    # A comparison with the record the phone holds: against a newer record it compares the
    # wrong values, so a stale one waits for review (R-CJ-3).
    Act("verification", "核实比对", RecordVerification, "quality.verify", versioned=True),
    Act("new_house", "新增房屋", RegisterHouse, "registry.edit", versioned=False, extra=()),
    Act("house_update", "修改房屋信息", UpdateHouse, "registry.edit", versioned=True),
)}


def canonical_json(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(body: dict) -> str:
    """The SHA-256 of a capture's canonical JSON: equal for a resend of the same capture."""
    return hashlib.sha256(canonical_json(body).encode()).hexdigest()


def gps_outside_county(lat, lng, division_code: str) -> RuleViolation | None:
    """The position of a capture must lie in the county of its house (the box and margin of
    the quality check `coordinates_outside_county`, R-CJ-3); a county without a box is not
    checked, nor a capture without a position."""
    box = county_box(division_code or "")
    if box is None or lat is None or lng is None:
        return None
    south, north, west, east = box
    if not south - BOX_MARGIN <= float(lat) <= north + BOX_MARGIN:
        return RuleViolation(Code.COORDINATES_OUTSIDE_COUNTY,
                             f"采集位置纬度 {lat} 不在所属县（市）范围内（北纬 {south}–{north}）",
                             field="lat", rule=QUALITY_RULE)
    if not west - BOX_MARGIN <= float(lng) <= east + BOX_MARGIN:
        return RuleViolation(Code.COORDINATES_OUTSIDE_COUNTY,
                             f"采集位置经度 {lng} 不在所属县（市）范围内（东经 {west}–{east}）",
                             field="lng", rule=QUALITY_RULE)
    return None


_REASONS = {
    "int_parsing": "应为整数", "int_type": "应为整数", "float_parsing": "应为数字",
    "float_type": "应为数字", "decimal_parsing": "应为数字", "decimal_type": "应为数字",
    "bool_parsing": "应为 true 或 false", "bool_type": "应为 true 或 false",
    "string_type": "应为文字", "list_type": "应为列表", "dict_type": "应为对象",
    "model_type": "应为对象", "date_parsing": "应为 YYYY-MM-DD 格式的日期",
    "date_from_datetime_parsing": "应为 YYYY-MM-DD 格式的日期", "date_type": "应为日期",
}


def payload_errors(error: ValidationError) -> list[RuleViolation]:
    """A payload's command errors with the codes of the web API (field_required,
    field_not_allowed, invalid_value) and the field named as in the form."""
    out = []
    for e in error.errors():
        field = ".".join(str(p) for p in e.get("loc", ())) or None
        kind = e.get("type")
        if kind == "missing":
            out.append(RuleViolation(Code.FIELD_REQUIRED, f"缺少必填字段 {field}", field=field))
        elif kind == "extra_forbidden":
            out.append(RuleViolation(Code.FIELD_NOT_ALLOWED, f"不能提交字段 {field}", field=field))
        elif kind == "text_too_long":
            out.append(RuleViolation(Code.TEXT_TOO_LONG, e["msg"], field=field))
        else:
            reason = _REASONS.get(kind, e.get("msg", ""))
            out.append(RuleViolation(Code.INVALID_VALUE, f"字段 {field} {reason}", field=field))
    return out


def house_id_error(value) -> RuleViolation | None:
    if value is None:
        return RuleViolation(Code.FIELD_REQUIRED, "缺少必填字段 house_id", field="house_id")
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return RuleViolation(Code.INVALID_VALUE, "字段 house_id 应为正整数", field="house_id")
    return None


def split_payload(act: Act, payload: dict) -> tuple[dict, dict]:
    """(the act's command as the web API body holds it, the extra fields such as house_id)."""
    body = {k: v for k, v in payload.items() if k not in act.extra}
    return body, {k: payload.get(k) for k in act.extra}


# --- the form definitions the phone validates with ----------------------------------------


def _options(node: dict) -> list[dict]:
    return node.get("anyOf") or [node]


def set_enum(schema: dict, path: tuple[str, ...], values) -> None:
    """Put `enum` on the property at `path` ("items" steps into arrays, "$defs" into the
    definitions), through the nullable anyOf that pydantic writes for optional fields."""
    nodes = [schema]
    for step in path:
        found = []
        for node in nodes:
            for option in _options(node):
                if step == "items" and "items" in option:
                    found.append(option["items"])
                elif step in option.get("properties", {}):
                    found.append(option["properties"][step])
                elif step in option.get("$defs", {}):
                    found.append(option["$defs"][step])
        nodes = found
    for node in nodes:
        for option in _options(node):
            if option.get("type") == "string":
                option["enum"] = list(values)


def set_titles(schema: dict, titles: dict[str, str]) -> None:
    """Chinese titles for the properties (the phone names fields by them in its messages)."""
    for name, prop in schema.get("properties", {}).items():
        if name in titles:
            prop["title"] = titles[name]
    for definition in schema.get("$defs", {}).values():
        set_titles(definition, titles)


def form_schema(act: Act) -> dict:
    """The JSON Schema of a capture's payload: the command's schema plus the fields that are
    in the web API's URL (house_id; the ledger entry of a control check may be named)."""
    schema = act.command.model_json_schema()
    properties = dict(schema.get("properties", {}))
    required = list(schema.get("required", []))
    if "house_id" in act.extra:
        properties = {"house_id": {"type": "integer", "minimum": 1, "title": "房屋"},
                      **properties}
        required.insert(0, "house_id")
    if "entry_id" in act.extra:
        properties["entry_id"] = {
            "anyOf": [{"type": "integer", "minimum": 1}, {"type": "null"}], "default": None,
            "title": "台账记录（省略则为该房屋未销号的台账）"}
    schema["properties"] = properties
    schema["required"] = required
    schema["title"] = act.label
    return schema
