"""Excel and CSV outputs of the lists departments exchange: houses, the rectification ledger,
data-quality findings, and the housing-security cases and payments.

Each export is a table of columns over the one scoped door of its records, read in chunks of
named rows and written by the ledger's streaming writer (kit/xlsx.py), so
memory stays flat however many rows a county has. ID, phone and account numbers are masked
with the registry's helpers unless the caller may see them in full (registry.reveal), as in
the web lists. An export of more than EXPORT_SPLIT_ROWS rows has one sheet per child
division.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.db.models import Count
from django.db.models.functions import Substr
from django.utils import timezone

from anju.divisions.models import Division
from anju.divisions.queries import export_note
from anju.divisions.scope import narrowed, within
from anju.kit import csvfile, keyset
from anju.kit.errors import Code, NotFound, RuleViolation
from anju.kit.masks import mask_account, mask_id_number, mask_phone
from anju.kit.xlsx import stream_workbook

CHUNK = 2000
CHILD_WIDTH = {2: 4, 4: 6, 6: 9, 9: 12}
EXCEL_MAX_ROWS = 1_048_575  # below the header
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("xlsx", "csv")


@dataclass(frozen=True)
class Col:
    title: str
    width: int
    path: str  # a values_list path of the exported model
    show: str = ""  # "", number, date, yes, label, labels, township, village, id, phone, account
    choices: Callable | None = None  # returns the TextChoices (imported when used)


@dataclass(frozen=True)
class Exporter:
    name: str  # the URL's name: /exports/<name>.xlsx
    title: str  # the sheet's and the file's title
    capability: str  # what the caller must be able to read
    records: Callable  # (user, division) -> the scoped queryset, with division_code
    columns: tuple[Col, ...] = ()
    # A list with its own reader (the ledger): (user, division, reveal) -> rows, and
    # () -> its header of (title, width)
    rows: Callable | None = None
    header: Callable | None = None

    def heading(self) -> list[tuple[str, int]]:
        if self.header is not None:
            return list(self.header())
        return [(c.title, c.width) for c in self.columns]


def _date(value) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def _names(prefix: str) -> dict[str, str]:
    return dict(Division.objects.filter(within(prefix[:6], "code")).values_list("code", "name"))


def _shower(col: Col, reveal: bool, names: dict) -> Callable:
    kind = col.show
    if kind == "id":
        return (lambda v: v or "") if reveal else (lambda v: mask_id_number(v or ""))
    if kind == "phone":
        return (lambda v: v or "") if reveal else (lambda v: mask_phone(v or ""))
    if kind == "account":
        return (lambda v: v or "") if reveal else (lambda v: mask_account(v or ""))
    if kind == "number":
        return lambda v: float(v) if isinstance(v, Decimal) else v
    if kind == "date":
        return _date
    if kind == "yes":
        return lambda v: "是" if v else "否"
    if kind in ("label", "labels"):
        labels = dict(col.choices().choices)
        if kind == "labels":
            return lambda v: "、".join(labels.get(x, x) for x in v or [])
        return lambda v: labels.get(v, v or "")
    if kind == "township":
        return lambda v: names.get((v or "")[:9], "")
    if kind == "village":
        return lambda v: names.get(v or "", "")
    return lambda v: "" if v is None else v


def column_rows(exporter: Exporter, user, division: str | None, reveal: bool) -> Iterator[tuple]:
    """The rows of a column-table export: named values read in chunks, shown per column."""
    paths = list(dict.fromkeys(c.path for c in exporter.columns))
    where = [paths.index(c.path) for c in exporter.columns]
    names = _names(prefix_of(user, division))
    shows = [_shower(c, reveal, names) for c in exporter.columns]
    pairs = list(zip(where, shows, strict=True))
    records = exporter.records(user, division).order_by("division_code", "id")
    # Named values, not model instances: encrypted numbers still decrypt (their field's
    # from_db_value), at a fraction of the cost of building each object.
    for values in keyset.rows(records.values_list(*paths), CHUNK):
        yield tuple(show(values[i]) for i, show in pairs)


def export_rows(exporter: Exporter, user, division: str | None, reveal: bool):
    if exporter.rows is not None:
        return exporter.rows(user, division, reveal)
    return column_rows(exporter, user, division, reveal)


def prefix_of(user, division: str | None) -> str:
    # The narrower of the caller's scope and the division asked for (scope.narrowed).
    division = division or ""
    return division if len(division) > len(user.scope) else user.scope


def _sheet_name(name: str, used: set) -> str:
    name = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:31] or "Sheet"
    base, n = name, 2
    while name in used:
        name = f"{base[:28]}({n})"
        n += 1
    used.add(name)
    return name


def plan(exporter: Exporter, user, division: str | None, *, reveal: bool,
         split_rows: int | None = None) -> tuple[int, list[tuple[str, list, Iterator]]]:
    """(rows, sheets): one sheet, or one per child division when there are more rows than
    `split_rows` (EXPORT_SPLIT_ROWS). Raises NotFound for a division out of scope."""
    split_rows = settings.EXPORT_SPLIT_ROWS if split_rows is None else split_rows
    records = exporter.records(user, division)
    total = records.count()
    header = exporter.heading()
    prefix = prefix_of(user, division)
    width = CHILD_WIDTH.get(len(prefix))
    if total <= split_rows or width is None:
        if total > EXCEL_MAX_ROWS:
            raise RuleViolation(Code.EXPORT_TOO_LARGE,
                                "记录超过 Excel 单表上限，请按下级区划分别导出", field="division")
        return total, [(exporter.title, header, export_rows(exporter, user, division, reveal))]
    counts = list(records.order_by().annotate(child=Substr("division_code", 1, width))
                  .values_list("child").annotate(n=Count("id")).values_list("child", "n")
                  .order_by("child"))
    if any(n > EXCEL_MAX_ROWS for _, n in counts):
        raise RuleViolation(Code.EXPORT_TOO_LARGE, "某一下级区划的记录超过 Excel 单表上限，"
                            "请按更下一级区划分别导出", field="division")
    names = dict(Division.objects.filter(code__in=[c for c, _ in counts])
                 .values_list("code", "name"))
    used: set = set()
    return total, [(_sheet_name(names.get(child, child), used), header,
                    export_rows(exporter, user, child, reveal)) for child, n in counts if n]


def stream_csv(header, rows) -> Iterator[bytes]:
    """A table of (title, width) headings and rows as CSV, through the one CSV writer."""
    return csvfile.stream_csv([title for title, _ in header], rows)


def stream(exporter: Exporter, user, division: str | None, *, reveal: bool, fmt: str = "xlsx",
           counted: Callable[[int], None] | None = None) -> tuple[int, Iterator[bytes]]:
    """(rows, the file's bytes chunk by chunk); `counted(n)` hears every 1,000th row."""
    if fmt == "csv":  # one file has no sheets: never split
        total, sheets = plan(exporter, user, division, reveal=reveal, split_rows=2 ** 62)
    else:
        total, sheets = plan(exporter, user, division, reveal=reveal)
    if counted is not None:
        counter = _Total(counted)
        sheets = [(name, header, counter.wrap(rows)) for name, header, rows in sheets]
    if fmt == "csv":  # a CSV's columns stay as they are: its file name says what it covers
        return total, stream_csv(sheets[0][1], sheets[0][2])
    note = export_note(exporter.title, prefix_of(user, division), timezone.localdate())
    return total, stream_workbook(sheets, note=note)


class _Total:
    """Counts rows across all sheets and reports every 1,000th."""

    def __init__(self, report):
        self.report, self.n = report, 0

    def wrap(self, rows):
        for row in rows:
            self.n += 1
            if self.n % 1000 == 0:
                self.report(self.n)
            yield row


def covered_name(code: str) -> str:
    """The division an export covers, by name ("全国" for the whole country)."""
    if not code:
        return "全国"
    return Division.objects.filter(code=code).values_list("name", flat=True).first() or code


def file_name(exporter: Exporter, user, division: str | None, fmt: str) -> str:
    # The file says which division it covers, by name and code.
    code = prefix_of(user, division)
    return (f"{exporter.name}-{covered_name(code)}-{code}-"
            f"{timezone.localdate():%Y%m%d}.{fmt}")


# --- the exports ------------------------------------------------------------------------------


def _houses(user, division):
    from anju.registry.models import House

    # R-CJ-8a: the exports list standing houses
    return narrowed(user, House.objects.standing(), division)


def _registry_codes(name):
    def load():
        from anju.registry import codes

        return getattr(codes, name)

    return load


_PLACE = (Col("乡镇", 14, "division_code", "township"), Col("村", 14, "division_code", "village"),
          Col("区划代码", 14, "division_code"))

HOUSES = Exporter(
    name="houses", title="房屋清单", capability="registry.view", records=_houses,
    columns=(
        Col("房屋编号", 10, "id"), *_PLACE, Col("地址", 30, "address"),
        Col("户主", 10, "household__head_name"),
        Col("户主身份证号", 21, "household__head_id_number", "id"),
        Col("联系电话", 14, "household__phone", "phone"),
        Col("结构类型", 14, "structure", "label", _registry_codes("Structure")),
        Col("彩钢房", 6, "color_steel", "yes"), Col("层数", 6, "floors"),
        Col("建造年份", 8, "built_year"),
        Col("建造方式", 12, "build_method", "label", _registry_codes("BuildMethod")),
        Col("建筑面积", 10, "floor_area", "number"),
        Col("用途", 10, "use", "label", _registry_codes("Use")),
        Col("经营行业", 14, "business_sector", "label", _registry_codes("BusinessSector")),
        Col("居住状态", 10, "occupancy", "label", _registry_codes("Occupancy")),
        Col("唯一住房", 8, "is_only_house", "yes"),
        Col("重点区域", 20, "priority_tags", "labels", _registry_codes("PriorityTag")),
        Col("安全等级", 14, "grade", "label", _registry_codes("Grade")),
        Col("排查初判", 16, "screening_result", "label", _registry_codes("ScreeningResult")),
        Col("待鉴定", 6, "awaiting_appraisal", "yes"),
        Col("纬度", 10, "lat", "number"), Col("经度", 10, "lng", "number"),
        Col("农户编号", 10, "household_id"),
    ))


def _ledger(user, division):
    from anju.rectification.queries import ledger_for_user

    return ledger_for_user(user, division=division)


def _ledger_rows(user, division, reveal):
    from anju.rectification.exports import ledger_rows

    return ledger_rows(user, division=division, reveal=reveal)


def _ledger_header():
    from anju.rectification.exports import COLUMNS

    return COLUMNS


def _findings(user, division):
    from anju.quality.queries import findings_for_user

    return findings_for_user(user, division=division, status=None)


def _quality(name):
    def load():
        from anju.quality import models

        return getattr(models, name)

    return load


def _rule_labels():
    from anju.quality.rules import RULE_LABELS

    class Rules:
        choices = list(RULE_LABELS.items())

    return Rules


FINDINGS = Exporter(
    name="findings", title="数据质量问题", capability="quality.view", records=_findings,
    columns=(
        Col("问题编号", 10, "id"), *_PLACE, Col("房屋编号", 10, "house_id"),
        Col("房屋地址", 30, "house__address"), Col("户主", 10, "house__household__head_name"),
        Col("类别", 8, "kind", "label", _quality("FindingKind")),
        Col("核查规则", 24, "rule", "label", _rule_labels), Col("字段", 14, "field"),
        Col("问题说明", 40, "message"),
        Col("状态", 8, "status", "label", _quality("FindingStatus")),
        Col("来源", 10, "source", "label", _quality("FindingSource")),
        Col("发现日期", 11, "found_on", "date"), Col("整改期限", 11, "due_on", "date"),
        Col("销号日期", 11, "closed_on", "date"),
    ))


def _assistance(name):
    def load():
        from anju.assistance import codes

        return getattr(codes, name)

    return load


def _applications(user, division):
    from anju.assistance.models import Application

    return narrowed(user, Application.objects.all(), division)


def _payments(user, division):
    from anju.assistance.models import Payment

    return narrowed(user, Payment.objects.all(), division)


APPLICATIONS = Exporter(
    name="applications", title="农房改造对象", capability="assistance.view",
    records=_applications,
    columns=(
        Col("案卷编号", 10, "id"), *_PLACE, Col("年度", 6, "year"),
        Col("户主", 10, "household__head_name"),
        Col("户主身份证号", 21, "household__head_id_number", "id"),
        Col("联系电话", 14, "household__phone", "phone"),
        Col("保障类别", 16, "category", "label", _registry_codes("LowIncomeCategory")),
        Col("原房等级", 8, "grade"), Col("改造方式", 12, "method", "label", _assistance("Method")),
        Col("家庭人口", 8, "persons"), Col("主房面积", 10, "main_area", "number"),
        Col("辅房面积", 10, "auxiliary_area", "number"),
        Col("补助金额", 12, "subsidy_amount", "number"),
        Col("已拨付", 12, "paid_amount", "number"),
        Col("状态", 12, "status", "label", _assistance("Status")),
        Col("申请日期", 11, "applied_on", "date"), Col("审批日期", 11, "approved_on", "date"),
        Col("开工日期", 11, "started_on", "date"), Col("竣工日期", 11, "completed_on", "date"),
        Col("验收日期", 11, "accepted_on", "date"),
        Col("一卡通账号", 22, "household__bank_account", "account"),
    ))

PAYMENTS = Exporter(
    name="payments", title="补助资金拨付", capability="assistance.view", records=_payments,
    columns=(
        Col("拨付编号", 10, "id"), *_PLACE, Col("案卷编号", 10, "application_id"),
        Col("户主", 10, "application__household__head_name"),
        Col("户主身份证号", 21, "application__household__head_id_number", "id"),
        Col("拨付金额", 12, "amount", "number"), Col("拨付日期", 11, "paid_on", "date"),
        Col("收款方", 10, "payee", "label", _assistance("Payee")),
        Col("发放方式", 10, "account", "label", _assistance("Account")),
        Col("一卡通账号", 22, "application__household__bank_account", "account"),
        Col("凭证号", 20, "voucher"), Col("质保金", 10, "retention", "number"),
        Col("质保期至", 11, "warranty_until", "date"),
    ))

LEDGER = Exporter(
    name="rectification-ledger", title="整治台账", capability="rectification.view",
    records=_ledger, rows=_ledger_rows, header=_ledger_header)


def exporters() -> dict[str, Exporter]:
    """The exports this installation offers (the case lists only with the assistance app)."""
    found = [HOUSES, LEDGER, FINDINGS]
    if apps.is_installed("anju.assistance"):
        found += [APPLICATIONS, PAYMENTS]
    return {e.name: e for e in found}


def get_exporter(name: str) -> Exporter:
    found = exporters().get(name)
    if found is None:
        raise NotFound("没有这种导出")
    return found


# --- the national layouts (national-exchange.md; layouts as data: exchange/layout.py) --------

NATIONAL_CAPABILITY = {"houses": "registry.view", "households": "registry.view",
                       "monitored": "registry.view", "cases": "assistance.view",
                       "matrix": "registry.view"}


def national_capability(layout) -> str:
    return NATIONAL_CAPABILITY[layout.source]


def _national_cell(column, value):
    if value is None or value == "" or value == []:
        return ""  # not known: left empty, never guessed
    if column.codes is not None:
        # Only codes the layout maps ever reach here (the accessor's domain, checked on load).
        if isinstance(value, list):
            return "、".join(column.codes[v] for v in value)
        return column.codes[value]
    return value


def _caption(layout) -> list[str]:
    bands = {"five": "五档", "six": "六档"}.get(layout.band_set)
    return [f"{layout.title}（{layout.code}；版式生效日期 {layout.effective:%Y-%m-%d}"
            + (f"；建造年代分档：{bands}" if bands else "") + "）"]


def _groups(layout) -> list[str]:
    upper, last = [], None
    for column in layout.columns:
        upper.append(column.group if column.group != last else "")
        last = column.group
    return upper


def national_records(layout, user, division: str | None):
    """The scoped records a tabular layout reads (NotFound for a division out of scope)."""
    from anju.exchange import national

    source = national.SOURCES[layout.source]
    if source.needs and not apps.is_installed(source.needs):
        raise NotFound("本系统未启用该版式所需的功能")
    return source, source.records(user, division)


def national_table(layout, user, division: str | None, *, reveal: bool, records=None,
                   with_ids: bool = False, names: dict | None = None):
    """(header, above, rows) of a tabular layout: one row per record, every code mapped
    through the layout's lists; `records` when the caller has them already; each row as
    (record id, row) `with_ids`."""
    from anju.exchange import national

    source, found = national_records(layout, user, division)
    found = records if records is not None else found
    accessors = [source.fields[c.field] for c in layout.columns]
    paths = list(dict.fromkeys(["id", *(p for a in accessors for p in a.paths)]))
    if names is None:
        names = national.division_names(prefix_of(user, division))
    context = national.Context(names=names, reveal=reveal)
    columns = list(zip(layout.columns, accessors, strict=True))

    def rows():
        for row in source.rows(found, paths):
            cells = tuple(_national_cell(c, a.get(row, context)) for c, a in columns)
            yield (row["id"], cells) if with_ids else cells

    above = [_caption(layout)] if layout.caption else []
    if layout.header_rows == 2:
        above.append(_groups(layout))
    return [(c.title, c.width) for c in layout.columns], above, rows()


def national_matrix(layout, user, division: str | None):
    """(rows, header, above, rows) of the supervision matrix (L1): divisions as columns under
    a two-level header, one row per indicator; an indicator Anju has no source for is left
    empty."""
    from anju.exchange import national

    prefix = prefix_of(user, division)
    width = CHILD_WIDTH.get(len(prefix))
    kids = national.children(prefix, width)
    counts = national.matrix(user, division, prefix, width, [r.measure for r in layout.rows])
    region = national.division_names(prefix).get(prefix, prefix)
    header = [("", 16), ("", 24), (region, 12), *((name, 12) for _, name in kids)]
    above = [_caption(layout)] if layout.caption else []
    above.append(["类别", "指标", "合计", *(["下级区划"] + [""] * (len(kids) - 1) if kids else [])])
    rows, last = [], None
    for item in layout.rows:
        found = counts[item.measure]
        cells = [found.get("", "") if found else "",
                 *((found.get(code, 0) if found else "") for code, _ in kids)]
        rows.append((item.group if item.group != last else "", item.label, *cells))
        last = item.group
    return len(rows), header, above, iter(rows)


def national_stream(layout, user, division: str | None, *, reveal: bool,
                    counted: Callable[[int], None] | None = None):
    """(rows, the .xlsx bytes chunk by chunk) of a national layout."""
    if layout.is_matrix:
        total, header, above, rows = national_matrix(layout, user, division)
    else:
        _, found = national_records(layout, user, division)
        total = found.count()
        if total > EXCEL_MAX_ROWS:
            raise RuleViolation(Code.EXPORT_TOO_LARGE,
                                "记录超过 Excel 单表上限，请按下级区划分别导出", field="division")
        header, above, rows = national_table(layout, user, division, reveal=reveal,
                                             records=found)
    if counted is not None:
        rows = _Total(counted).wrap(rows)
    sheet = _sheet_name(layout.title, set())
    # The layout is fixed to its one sheet, columns and rows (the national system reads it
    # so): what the file covers goes in the file name and the printed page header only.
    note = export_note(layout.title, prefix_of(user, division), timezone.localdate())
    return total, stream_workbook([(sheet, header, rows, above)], note=note, note_sheet=False)


def national_file_name(layout, user, division: str | None) -> str:
    from anju.exchange import national

    prefix = prefix_of(user, division)
    region = national.division_names(prefix).get(prefix, prefix)
    name = layout.file_name.replace("{地区}", region).replace(
        "{日期}", f"{timezone.localdate():%Y%m%d}")
    return name if name.endswith(".xlsx") else name + ".xlsx"


def national_incomplete(layout, user, division: str | None, *, offset: int = 0,
                        limit: int = 100) -> dict:
    """The records whose national rows would have empty cells, and which columns; a column
    Anju holds nothing for is named once, not on every row."""
    if layout.is_matrix:
        return {"layout": layout.name, "items": [], "total": 0, "columns_without_source": [
            r.label for r in layout.rows if r.measure == "unknown"]}
    source, found = national_records(layout, user, division)
    accessors = [(c, source.fields[c.field]) for c in layout.columns]
    never = [c.title for c, a in accessors if not a.paths]
    checked = [(c, a) for c, a in accessors if a.paths]
    paths = list(dict.fromkeys(["id", "division_code", source.label,
                                *(p for _, a in checked for p in (*a.paths, *a.when_paths))]))
    from anju.exchange import national

    context = national.Context(names=national.division_names(prefix_of(user, division)),
                               reveal=False)
    items, total = [], 0
    for row in source.rows(found, paths):
        missing = [c.title for c, a in checked if a.get(row, context) in (None, "", [])
                   and (a.when is None or a.when(row))]
        if missing:
            if offset <= total < offset + limit:
                items.append({"record_id": row["id"], "division_code": row["division_code"],
                              "label": row[source.label] or "", "missing": missing})
            total += 1
    return {"layout": layout.name, "items": items, "total": total,
            "columns_without_source": never}
