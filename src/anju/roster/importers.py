"""Reading a monthly roster file (N4): xlsx or csv (UTF-8, or GB18030/GBK as Excel in China
saves it), one person a row. Every row is checked before anything is written; each problem is
reported with its row number as in the file (header = row 1)."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from anju.assistance.codes import CERTIFIER
from anju.crypto import hasher
from anju.divisions.models import Division, Level
from anju.divisions.scope import within
from anju.exchange.reading import open_table
from anju.kit.errors import Code, RuleViolation, ValidationErrors
from anju.registry.codes import LowIncomeCategory
from anju.registry.rules import id_number_problem, id_number_valid, normalize_id_number
from anju.roster import rules
from anju.roster.codes import Change
from anju.roster.models import RosterPerson


@dataclass(frozen=True)
class Column:
    name: str
    title: str
    required: bool = True
    spellings: tuple = ()


COLUMNS = (
    Column("name", "姓名", spellings=("人员姓名", "户主姓名")),
    Column("id_number", "身份证号", spellings=("身份证号码", "公民身份号码", "证件号码")),
    Column("village", "所在村", spellings=("村", "村名", "村代码", "division_code", "行政村")),
    Column("category", "低收入类别", spellings=("类别", "困难类型", "人员类别")),
    Column("change", "变动类型", spellings=("变动", "新识别/出列", "状态")),
    Column("certified_on", "认定日期", required=False, spellings=("识别日期", "出列日期")),
)
_CATEGORY = {**{c.value: c.value for c in LowIncomeCategory},
             **{c.label: c.value for c in LowIncomeCategory},
             "低保户": LowIncomeCategory.DIBAO, "低保": LowIncomeCategory.DIBAO,
             "特困": LowIncomeCategory.TEKUN, "特困人员": LowIncomeCategory.TEKUN,
             "低保边缘": LowIncomeCategory.DIBAO_EDGE, "低保边缘家庭": LowIncomeCategory.DIBAO_EDGE,
             "易返贫致贫户": LowIncomeCategory.AT_RISK, "监测户": LowIncomeCategory.AT_RISK}
_CHANGE = {"新识别": Change.IDENTIFIED, "新增": Change.IDENTIFIED, "识别": Change.IDENTIFIED,
           "identified": Change.IDENTIFIED, "出列": Change.REMOVED, "退出": Change.REMOVED,
           "removed": Change.REMOVED}
_SPACES = re.compile(r"\s+")
_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")


def _key(text) -> str:
    return _SPACES.sub("", str(text or "")).lstrip("*＊").lower()


def read_header(header: list) -> dict[str, int]:
    """Column name → position; 422 naming the required columns the file lacks."""
    index = {}
    for column in COLUMNS:
        for spelling in (column.name, column.title, *column.spellings):
            index[_key(spelling)] = column.name
    found: dict[str, int] = {}
    for position, cell in enumerate(header):
        name = index.get(_key(cell))
        if name and name not in found:
            found[name] = position
    missing = [c for c in COLUMNS if c.required and c.name not in found]
    if missing:
        raise ValidationErrors([RuleViolation(
            Code.COLUMNS_MISSING, "名单缺少必填列：" + "、".join(c.title for c in missing),
            field="file")])
    return found


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    code: str
    message: str
    rule: str = rules.RULE


@dataclass
class Checked:
    people: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date(value) -> date | None | str:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _DATE.fullmatch(str(value).strip())
    try:
        return date(int(match[1]), int(match[2]), int(match[3])) if match else "bad"
    except ValueError:
        return "bad"


class Villages:
    """The villages of the uploader's scope, by 12-digit code or by name (a name two villages
    share is refused: the row must give the code)."""

    def __init__(self, scope: str):
        rows = Division.objects.filter(within(scope, "code"), level=Level.VILLAGE).values_list(
            "code", "name")
        self.codes = {code for code, _ in rows}
        self.by_name: dict[str, list[str]] = {}
        for code, name in rows:
            self.by_name.setdefault(name, []).append(code)

    def find(self, text: str) -> tuple[str | None, tuple[Code, str] | None]:
        if text.isdigit():
            if len(text) == 12 and text in self.codes:
                return text, None
            return None, (Code.DIVISION_UNKNOWN, f"村代码 {text} 不是您辖区内的村")
        codes = self.by_name.get(text, [])
        if len(codes) == 1:
            return codes[0], None
        if codes:
            return None, (Code.VILLAGE_AMBIGUOUS,
                          f"辖区内有 {len(codes)} 个村叫“{text}”，请填写 12 位村代码")
        return None, (Code.DIVISION_UNKNOWN, f"辖区内没有名为“{text}”的村")


def check_file(path: Path, *, scope: str, department: str, period: str) -> Checked:
    """Every row of the file checked; the people of the good rows, ready to be written."""
    table = open_table(path)
    columns = read_header(table.header)
    villages = Villages(scope)
    hash_of = hasher()
    listed = set(RosterPerson.objects.filter(period=period).values_list("id_hash", "change"))
    seen: dict[tuple[str, str], int] = {}
    checked = Checked()
    for number, cells in table.rows():
        checked.rows += 1

        def cell(name, cells=cells):
            position = columns.get(name)
            return cells[position] if position is not None and position < len(cells) else None

        problems: list[tuple[str, str, str]] = []
        name = _text(cell("name"))
        if not name:
            problems.append(("name", Code.FIELD_REQUIRED, "须填写姓名"))
        raw_id = cell("id_number")
        mangled = rules.mangled_id(raw_id)
        id_number = normalize_id_number(_text(raw_id))
        if mangled:
            problems.append(("id_number", Code.DIGITS_LOST, mangled))
        elif not id_number:
            problems.append(("id_number", Code.FIELD_REQUIRED, "须填写身份证号"))
        elif not id_number_valid(id_number):
            problems.append(("id_number", Code.ID_NUMBER_INVALID,
                             f"身份证号 {id_number[:6]}…{id_number[-4:]} "
                             f"{id_number_problem(id_number)}"))
        village_text = _text(cell("village"))
        village = None
        if not village_text:
            problems.append(("village", Code.FIELD_REQUIRED, "须填写所在村"))
        else:
            village, problem = villages.find(village_text)
            if problem:
                problems.append(("village", *problem))
        category = _CATEGORY.get(_text(cell("category")))
        if category is None:
            problems.append(("category", Code.CHOICE_INVALID,
                             f"低收入类别“{_text(cell('category'))}”不在代码表中"))
        elif CERTIFIER[category] != department:
            problems.append(("category", Code.WRONG_DEPARTMENT,
                             f"“{LowIncomeCategory(category).label}”不由本部门认定（R-MH-1）"))
        change = _CHANGE.get(_text(cell("change")))
        if change is None:
            problems.append(("change", Code.CHOICE_INVALID, "变动类型应为“新识别”或“出列”"))
        certified_on = _date(cell("certified_on"))
        if certified_on == "bad":
            problems.append(("certified_on", Code.DATE_INVALID,
                             "认定日期应为 2026-11-05 这样的日期"))
        if not problems and change is not None:
            key = (hash_of(id_number), change)
            if key in seen:
                problems.append(("id_number", Code.ID_NUMBER_DUPLICATE,
                                 f"与第{seen[key]}行是同一人（身份证号相同）"))
            elif key in listed:
                problems.append(("id_number", Code.ROSTER_PERSON_LISTED,
                                 f"此人已在 {period} 的名单中"))
            else:
                seen[key] = number
        if problems:
            checked.errors.extend(RowError(number, f, str(c), m) for f, c, m in problems)
            continue
        checked.people.append({"row": number, "name": name[:40], "id_number": id_number,
                               "division_code": village, "category": category,
                               "change": change, "certified_on": certified_on})
    if checked.rows == 0:
        raise RuleViolation(Code.FILE_EMPTY, "文件中只有表头，没有数据行", field="file")
    return checked
