"""The national layouts as data (national-exchange.md): one TOML file per layout, shipped in
exchange/layouts/, and a province's corrected files in the folder ANJU_LAYOUT_DIR names.

Of the files naming a layout, the one with the latest effective date not after today is used;
on the same date the province's wins. Every file is checked when it is read: an unknown key or
field, a code of Anju without its national code, a title twice — refused with a message that
names the file and the column, so a province's correction never half-applies.
"""

import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from anju.exchange import national
from anju.kit.errors import Code, NotFound, RuleViolation

SHIPPED = Path(__file__).resolve().parent / "layouts"
# api.md "National exchange": the URL's names of the layouts
NAMES = ("house-collection", "self-built", "renovation-archive", "monitoring-ledger",
         "security-outcome", "supervision-ledger")
# The records each layout reads, whichever file is in force: a province corrects columns and
# codes, not what a layout is about (and the rights a layout's file needs follow from this).
SOURCES_OF = {"house-collection": "houses", "self-built": "houses",
              "renovation-archive": "cases", "monitoring-ledger": "monitored",
              "security-outcome": "households", "supervision-ledger": "matrix"}
_TOP = {"name", "code", "title", "effective", "source", "band_set", "header_rows", "file_name",
        "caption", "columns", "rows", "codes"}
_COLUMN = {"title", "field", "codes", "width", "group"}
_ROW = {"group", "label", "measure"}


@dataclass(frozen=True)
class Column:
    title: str
    field: str
    codes: dict[str, str] | None = None  # Anju code -> national code or label
    width: int = 12
    group: str = ""  # the upper title of a two-level header


@dataclass(frozen=True)
class MatrixRow:
    group: str
    label: str
    measure: str


@dataclass(frozen=True)
class Layout:
    name: str
    code: str
    title: str
    effective: date
    source: str  # national.SOURCES, or "matrix" for the supervision matrix
    file_name: str
    path: Path
    band_set: str = ""
    header_rows: int = 1
    caption: bool = True
    columns: tuple[Column, ...] = ()
    rows: tuple[MatrixRow, ...] = field(default_factory=tuple)

    @property
    def is_matrix(self) -> bool:
        return self.source == "matrix"


class LayoutInvalid(RuleViolation):
    def __init__(self, path: Path, message: str, column: str = ""):
        where = f"版式文件 {path.name}" + (f" 的“{column}”列" if column else "")
        super().__init__(Code.LAYOUT_INVALID, f"{where}：{message}", field="layout")


def _fail(path, message, column=""):
    raise LayoutInvalid(path, message, column)


def _text(path, data: dict, key: str, what: str, column="") -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        _fail(path, f"缺少{what}（{key}）", column)
    return value.strip()


def _column(path: Path, data, n: int, source: national.Source, code_lists: dict,
            band_set: str, two_level: bool) -> Column:
    if not isinstance(data, dict):
        _fail(path, f"第 {n} 列应为一个表（[[columns]]）")
    title = _text(path, data, "title", f"第 {n} 列的列名")
    unknown = sorted(set(data) - _COLUMN)
    if unknown:
        _fail(path, f"不认识的设置项 {'、'.join(unknown)}", title)
    name = _text(path, data, "field", "取值字段", title)
    accessor = source.fields.get(name)
    if accessor is None:
        _fail(path, f"未知字段“{name}”", title)
    if accessor.band_set and band_set and accessor.band_set != band_set:
        _fail(path, f"字段“{name}”的建造年代分档与版式声明的 band_set = “{band_set}”不一致",
              title)
    codes = None
    listed = data.get("codes")
    if accessor.domain is not None:
        if not listed:
            _fail(path, f"字段“{name}”是代码，应指明代码对照表（codes）", title)
        codes = code_lists.get(listed)
        if codes is None:
            _fail(path, f"代码对照表“{listed}”不存在", title)
        missing = [c for c in accessor.domain if not str(codes.get(c, "")).strip()]
        if missing:
            _fail(path, f"代码对照表“{listed}”缺少安居代码 {'、'.join(missing)} 的国家代码", title)
    elif listed:
        _fail(path, f"字段“{name}”不是代码，不应指定代码对照表", title)
    group = data.get("group", "")
    if two_level and not group:
        _fail(path, "两级表头的版式每列都应写明上级列名（group）", title)
    width = data.get("width", 12)
    if not isinstance(width, int) or not 2 <= width <= 80:
        _fail(path, "列宽（width）应为 2 到 80 的整数", title)
    return Column(title, name, codes, width, group)


def parse(path: Path) -> Layout:
    """One layout file, checked; LayoutInvalid names the file and the column at fault."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        _fail(path, f"不是有效的 TOML 文件（{error}）")
    unknown = sorted(set(data) - _TOP)
    if unknown:
        _fail(path, f"不认识的设置项 {'、'.join(unknown)}")
    name = _text(path, data, "name", "版式名称")
    if name not in NAMES:
        _fail(path, f"版式名称“{name}”不是 {'、'.join(NAMES)} 之一")
    effective = data.get("effective")
    if not isinstance(effective, date):
        _fail(path, "缺少生效日期（effective，如 2024-01-01）")
    source = _text(path, data, "source", "数据来源")
    if source != SOURCES_OF[name]:
        _fail(path, f"版式“{name}”的数据来源应为“{SOURCES_OF[name]}”")
    band_set = data.get("band_set", "")
    if band_set and band_set not in national.BAND_SETS:
        _fail(path, f"建造年代分档 band_set 应为 {'、'.join(national.BAND_SETS)} 之一")
    header_rows = data.get("header_rows", 1)
    if header_rows not in (1, 2):
        _fail(path, "表头行数（header_rows）应为 1 或 2")
    code_lists = data.get("codes", {})
    if not isinstance(code_lists, dict) or not all(isinstance(v, dict)
                                                   for v in code_lists.values()):
        _fail(path, "代码对照表（[codes.名称]）应为“安居代码 = 国家代码”的表")
    common = {"name": name, "code": str(data.get("code", "")), "effective": effective,
              "title": _text(path, data, "title", "版式标题"), "source": source, "path": path,
              "band_set": band_set, "header_rows": header_rows,
              "caption": bool(data.get("caption", True)),
              "file_name": data.get("file_name") or "{地区}" + data["title"] + ".xlsx"}
    if source == "matrix":
        return Layout(**common, rows=_matrix_rows(path, data.get("rows")))
    found = national.SOURCES.get(source)
    if found is None and source in national.PROVIDED_FROM_ABOVE:
        raise NotFound("本系统未启用该版式所需的功能", field="layout")
    if found is None:
        _fail(path, f"数据来源“{source}”不是 {'、'.join([*national.SOURCES, 'matrix'])} 之一")
    items = data.get("columns")
    if not isinstance(items, list) or not items:
        _fail(path, "没有列（[[columns]]）")
    columns = tuple(_column(path, item, n, found, code_lists, band_set, header_rows == 2)
                    for n, item in enumerate(items, start=1))
    seen = set()
    for column in columns:
        key = (column.group, column.title)
        if key in seen:
            _fail(path, "列名重复", column.title)
        seen.add(key)
    return Layout(**common, columns=columns)


def _matrix_rows(path: Path, items) -> tuple[MatrixRow, ...]:
    if not isinstance(items, list) or not items:
        _fail(path, "监管台账应列出行（[[rows]]）")
    rows, seen = [], set()
    for n, item in enumerate(items, start=1):
        label = _text(path, item, "label", f"第 {n} 行的指标名")
        unknown = sorted(set(item) - _ROW)
        if unknown:
            _fail(path, f"不认识的设置项 {'、'.join(unknown)}", label)
        measure = _text(path, item, "measure", "统计口径", label)
        if measure not in national.MEASURE_NAMES:
            _fail(path, f"未知统计口径“{measure}”", label)
        key = (item.get("group", ""), label)
        if key in seen:
            _fail(path, "指标名重复", label)
        seen.add(key)
        rows.append(MatrixRow(item.get("group", ""), label, measure))
    return tuple(rows)


def _folders() -> list[Path]:
    folders = [SHIPPED]
    if settings.LAYOUT_DIR:
        folders.append(Path(settings.LAYOUT_DIR))
    return folders


def _names_in(path: Path) -> str:
    # Only the layout's name is needed to choose among files; a broken file still fails
    # when it is the one chosen, or when its name cannot be read at all.
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")).get("name", "")
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return parse(path).name


def get_layout(name: str, *, today: date | None = None) -> Layout:
    """The layout in force today under its URL name (NotFound for an unknown name)."""
    if name not in NAMES:
        raise NotFound("没有这种国家版式", field="layout")
    today = today or timezone.localdate()
    candidates = []
    for rank, folder in enumerate(_folders()):
        for path in sorted(folder.glob("*.toml")) if folder.is_dir() else ():
            if _names_in(path) == name:
                layout = parse(path)
                if layout.effective <= today:
                    candidates.append((layout.effective, rank, layout))
    if not candidates:
        raise NotFound("该国家版式尚未生效", field="layout")
    return max(candidates, key=lambda c: (c[0], c[1]))[2]
