"""The columns of an import file: JSON field names of the resource (api.md), their Chinese
titles in the template, and how a cell becomes the value the registry's verbs take.

Only conversion lives here (a number cell to an integer, a Chinese label to its code); whether
the value is allowed is the registry's rule (registry/rules.py), so an unknown code is passed
on unchanged for the rule to refuse with its own message.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache

from anju.exchange.reading import Uncalculated
from anju.kit.errors import Code, RuleViolation
from anju.registry.codes import (
    Alteration,
    BuildMethod,
    BusinessSector,
    BusinessUse,
    Energy,
    LandType,
    Occupancy,
    PriorityTag,
    Relation,
    Structure,
    Use,
)


@dataclass(frozen=True)
class Column:
    name: str  # the JSON field name of the resource
    title: str  # the Chinese title of the template
    kind: str = "text"  # text, id_number, digits, int, decimal, bool, code, codes, members
    required: bool = False  # the column must be in the file (the API schema requires it)
    choices: type | None = None
    max_length: int | None = None
    note: str = ""

    @property
    def heading(self) -> str:
        """The template's header cell: the Chinese title and the JSON name."""
        return f"{'*' if self.required else ''}{self.title}（{self.name}）"


_CODE_NOTE = "填代码或中文名称，见“代码表”"

HOUSEHOLD_COLUMNS = (
    Column("division_code", "所在村区划代码", required=True, note="12 位村级区划代码"),
    Column("head_name", "户主姓名", required=True, max_length=40),
    Column("head_id_number", "户主身份证号", "id_number", required=True,
           note="18 位；请把单元格设为文本格式，以免 Excel 把末几位变成 0"),
    Column("phone", "联系电话", "digits", note="11 位手机号或带区号的固定电话"),
    Column("persons", "家庭人口", "int", required=True, note="1 到 30 人"),
    Column("members", "家庭成员", "members",
           note="每人写“姓名,身份证号,关系”，多人之间用分号隔开；关系填代码或中文名称"),
    Column("bank_account", "一卡通账号", "digits", note="12 到 30 位数字"),
    Column("bank_name", "开户银行", max_length=60),
)

HOUSE_COLUMNS = (
    Column("division_code", "所在村区划代码", required=True, note="12 位村级区划代码"),
    Column("head_id_number", "户主身份证号", "id_number",
           note="所属农户的户主身份证号（须已登记，且在同一村）；也可填“农户编号”"),
    Column("household_id", "农户编号", "int", note="安居中的农户编号；与户主身份证号任填其一"),
    Column("address", "地址", required=True, max_length=200),
    Column("structure", "结构类型", "code", required=True, choices=Structure, note=_CODE_NOTE),
    Column("color_steel", "彩钢房", "bool", note="是 / 否，不填为否"),
    Column("floors", "层数", "int", required=True, note="1 到 10 层"),
    Column("built_year", "建造年份", "int", note="四位年份"),
    Column("build_method", "建造方式", "code", choices=BuildMethod, note=_CODE_NOTE),
    Column("floor_area", "建筑面积", "decimal", required=True, note="平方米，大于 0"),
    Column("use", "用途", "code", required=True, choices=Use, note=_CODE_NOTE),
    Column("business_sector", "经营行业", "code", choices=BusinessSector,
           note="经营性房屋必填；" + _CODE_NOTE),
    Column("occupancy", "居住状态", "code", required=True, choices=Occupancy, note=_CODE_NOTE),
    Column("is_only_house", "唯一住房", "bool", note="是 / 否，不填为是"),
    Column("priority_tags", "重点区域", "codes", choices=PriorityTag,
           note="可填多个，用顿号或逗号隔开；" + _CODE_NOTE),
    Column("lat", "纬度", "decimal", note="与经度同时填写"),
    Column("lng", "经度", "decimal", note="与纬度同时填写"),
    # What the national house form asks (national-exchange.md N1, N2); blank is "not known".
    Column("land_type", "土地性质", "code", choices=LandType, note=_CODE_NOTE),
    Column("homestead_permit", "宅基地审批手续", "bool", note="有填是，无填否，不知道不填"),
    Column("planning_permit", "规划许可手续", "bool", note="有填是，无填否，不知道不填"),
    Column("completion_permit", "竣工验收手续", "bool", note="有填是，无填否，不知道不填"),
    Column("registration_permit", "房屋登记手续", "bool", note="有填是，无填否，不知道不填"),
    Column("altered", "是否改造", "bool", note="是 / 否，不知道不填"),
    Column("alteration_count", "改造次数", "int"),
    Column("alterations", "改造内容", "codes", choices=Alteration,
           note="可填多个，用顿号或逗号隔开；" + _CODE_NOTE),
    Column("business_approval", "经营审批手续", "bool", note="有填是，无填否，不知道不填"),
    Column("business_use", "主要用途", "code", choices=BusinessUse, note=_CODE_NOTE),
    Column("heating_energy", "采暖用能", "code", choices=Energy, note=_CODE_NOTE),
    Column("cooking_energy", "炊事用能", "code", choices=Energy, note=_CODE_NOTE),
    Column("height", "房屋高度", "decimal", note="米"),
    Column("local_floors", "局部层数", "int"),
)

# Columns a department's file may carry that Anju fills itself: named so the report can say
# why they were left out (R-MH-1: a category comes from a certification; grading.md: a grade
# from an appraisal).
_READ_ONLY = (
    (("low_income_category", "低收入类别"), "低收入类别由民政或乡村振兴部门认定后产生，不能导入"),
    (("grade", "安全等级"), "安全等级由鉴定记录产生，不能导入"),
    (("screening_result", "排查初判", "排查结果"), "排查结果由排查记录产生，不能导入"),
)


def read_only_notes(ignored: list[str]) -> list[str]:
    """Why some of the ignored columns were left out: Anju fills them itself."""
    keys = {_key(h) for h in ignored}
    return [note for spellings, note in _READ_ONLY if keys & {_key(s) for s in spellings}]

_SPACES = re.compile(r"\s+")
_LIST_SEPARATORS = re.compile(r"[、,，;；]")
_MEMBER_SEPARATORS = re.compile(r"[;；\n]")
_MEMBER_FIELDS = re.compile(r"[,，/]")
_TEXT = frozenset({"text", "id_number", "digits"})
_NUMBERS = frozenset({"id_number", "digits"})
# How Excel shows a long number it keeps as a number (1.10105E+17), and writes it to CSV.
_SCIENTIFIC = re.compile(r"[+-]?\d+(\.\d+)?[eE]\+?\d+")
_TRUE = {"是", "true", "1", "yes", "y", "√", "有"}
_FALSE = {"否", "false", "0", "no", "n", "×", "无"}


def _key(text) -> str:
    return _SPACES.sub("", str(text or "")).lstrip("*＊").lower()


def header_index(columns) -> dict[str, Column]:
    """Every spelling of a column's header that a file may use: the JSON name, the Chinese
    title, or the template's "title（name）"."""
    index = {}
    for column in columns:
        for spelling in (column.name, column.title, column.heading,
                         f"{column.title}({column.name})"):
            index[_key(spelling)] = column
    return index


def match_header(columns, header: list) -> tuple[dict[int, Column], list[Column], list[str],
                                                     list[Column]]:
    """(position → column, missing required columns, ignored headers, columns given twice)."""
    index = header_index(columns)
    found: dict[int, Column] = {}
    seen: dict[str, Column] = {}
    ignored, twice = [], []
    for position, cell in enumerate(header):
        key = _key(cell)
        if not key:
            continue
        column = index.get(key)
        if column is None:
            ignored.append(str(cell).strip())
        elif column.name in seen:
            twice.append(column)
        else:
            found[position] = seen[column.name] = column
    missing = [c for c in columns if c.required and c.name not in seen]
    return found, missing, ignored, twice


def _plain_number(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def cell_text(value) -> str:
    """A cell as the text a clerk sees: 13812345678.0 (Excel's number) is "13812345678"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        return _plain_number(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _fail(code: str, column: Column, message: str) -> RuleViolation:
    return RuleViolation(code, message, field=column.name)


@cache
def _spellings(choices) -> dict[str, str]:
    # Every code as itself, in any case, and its Chinese label as the code lists print it.
    found = {}
    for value, label in choices.choices:
        found[value.lower()] = found[label] = value
    return found


def _code(text: str, choices) -> str:
    return _spellings(choices).get(text) or _spellings(choices).get(text.lower(), text)


def _digits_lost(column: Column, shown: str, what: str = "") -> RuleViolation:
    # Excel keeps 15 significant digits of a number: an ID or account number typed into a
    # number cell has already lost its last digits, whatever the cell shows.
    return _fail(Code.DIGITS_LOST, column,
                 f"{what or column.title}被 Excel 存成了数字（显示为 {shown}），末几位已丢失："
                 "请将该列设为文本格式后重新输入")


def _uncalculated(column: Column, cell: Uncalculated) -> RuleViolation:
    return _fail(Code.FORMULA_NOT_CALCULATED, column,
                 f"{column.title}（单元格 {cell.ref}）是公式且未保存计算结果：请在 Excel 中"
                 "打开并保存，或复制后“选择性粘贴”为数值")


def convert(column: Column, value):
    """The value of one cell for the verb's data, or a RuleViolation naming the column.
    An empty cell is None (the verb's default applies)."""
    if type(value) is str and column.kind in _TEXT:  # most cells: text in a text column
        text = value.strip()
        if column.max_length and len(text) > column.max_length:
            return _fail(Code.TEXT_TOO_LONG, column,
                         f"{column.title}不能超过 {column.max_length} 个字")
        if column.kind in _NUMBERS and _SCIENTIFIC.fullmatch(text):
            return _digits_lost(column, text)
        return text or None
    if isinstance(value, Uncalculated):
        return _uncalculated(column, value)
    if column.kind in _TEXT and isinstance(value, float) and abs(value) >= 1e15:
        return _digits_lost(column, f"{value:.5E}")
    text = cell_text(value)
    if text == "":
        return None
    if column.max_length and len(text) > column.max_length:
        return _fail(Code.TEXT_TOO_LONG, column,
                     f"{column.title}不能超过 {column.max_length} 个字")
    kind = column.kind
    if kind == "int":
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if number is None or number != number.to_integral_value():
            return _fail(Code.INTEGER_INVALID, column, f"{column.title}应为整数")
        return int(number)
    if kind == "decimal":
        try:
            return Decimal(text)
        except InvalidOperation:
            return _fail(Code.NUMBER_INVALID, column, f"{column.title}应为数字")
    if kind == "bool":
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        return _fail(Code.YES_NO_INVALID, column, f"{column.title}应填“是”或“否”")
    if kind == "code":
        return _code(text, column.choices)
    if kind == "codes":
        return [_code(part.strip(), column.choices)
                for part in _LIST_SEPARATORS.split(text) if part.strip()]
    if kind == "members":
        return _members(column, text)
    return text


def _members(column: Column, text: str):
    members = []
    for i, entry in enumerate(_MEMBER_SEPARATORS.split(text), start=1):
        if not entry.strip():
            continue
        parts = [p.strip() for p in _MEMBER_FIELDS.split(entry)]
        if len(parts) != 3:
            return _fail(Code.MEMBERS_INVALID, column,
                         f"第 {i} 位家庭成员应写成“姓名,身份证号,关系”（身份证号可空）")
        name, id_number, relation = parts
        if _SCIENTIFIC.fullmatch(id_number):
            return _digits_lost(column, id_number, f"第 {i} 位家庭成员的身份证号")
        members.append({"name": name, "id_number": id_number,
                        "relation": _code(relation, Relation)})
    return members


def row_values(found: dict[int, Column], cells: list) -> tuple[dict, list[RuleViolation]]:
    """One file row as the verb's data (only the columns present), and its conversion errors."""
    data, errors = {}, []
    for position, column in found.items():
        value = convert(column, cells[position] if position < len(cells) else None)
        if isinstance(value, RuleViolation):
            errors.append(value)
        elif value is not None:
            data[column.name] = value
    return data, errors


def code_lists(columns) -> list[tuple[str, str, str, str]]:
    """(column title, JSON name, code, meaning) of every coded column: the code sheet."""
    rows = []
    for column in columns:
        choices = Relation if column.kind == "members" else column.choices
        if choices is None:
            continue
        title = "家庭成员：关系" if column.kind == "members" else column.title
        rows += [(title, column.name, value, label) for value, label in choices.choices]
    return rows
