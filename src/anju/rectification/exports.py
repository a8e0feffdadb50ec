"""The 整治台账 as Excel: every column a county sends up, masked per role, streamed.

Entries are read in chunks of CHUNK; each chunk's measures, checks, acceptances and
responsible persons come in one query apiece, and the rows go straight into a streamed .xlsx
(kit/xlsx.py), so memory stays flat however many entries a county has (bench/: 300,000 houses).
"""

from datetime import date

from anju.divisions.models import Division
from anju.divisions.queries import export_note
from anju.divisions.scope import within
from anju.kit import keyset
from anju.kit.masks import mask_id_number, mask_phone
from anju.kit.xlsx import stream_xlsx
from anju.rectification.codes import CheckLevel, EntryStatus, MeasureKind, Programme
from anju.rectification.models import Acceptance, ControlCheck, Measure
from anju.rectification.queries import ledger_for_user
from anju.rectification.transitions import checked_statuses
from anju.registry.codes import (
    BUSINESS_USES,
    BusinessSector,
    LowIncomeCategory,
    Occupancy,
    ResponsibleRole,
    Structure,
    Use,
)
from anju.registry.models import ResponsiblePerson

CHUNK = 2000
COLUMNS = (  # (title, width)
    ("台账编号", 20), ("乡镇", 14), ("村", 14), ("区划代码", 14), ("房屋地址", 30),
    ("户主（产权人）", 10), ("身份证号", 21), ("联系电话", 14), ("结构类型", 14), ("层数", 6),
    ("用途", 10), ("经营行业", 14), ("安全等级", 8), ("鉴定日期", 11), ("列入台账日期", 11),
    ("居住状态", 10), ("房屋安全责任人（产权人）", 12), ("房屋安全责任人（使用人）", 12),
    ("安全监管责任人", 12), ("主管部门", 14), ("审批部门", 14), ("责任人未落实", 16),
    ("工程措施", 24), ("管控措施", 30), ("工程措施计划", 24), ("计划完成日期", 11),
    ("最近管控检查", 18), ("下次检查日期", 11), ("检查逾期", 8), ("危房住人预警", 10),
    ("管控失效", 8), ("验收日期", 11), ("验收结果", 8), ("验收人员", 18), ("整治状态", 8),
    ("销号日期", 11), ("低收入类别", 14), ("纳入保障项目", 22),
)
_LABELS = {code: dict(choices.choices) for code, choices in (
    ("kind", MeasureKind), ("status", EntryStatus), ("occupancy", Occupancy),
    ("structure", Structure), ("use", Use), ("sector", BusinessSector),
    ("low_income", LowIncomeCategory), ("programme", Programme), ("level", CheckLevel))}


def _d(value) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def _measures(measures, engineering: bool) -> str:
    parts = []
    for kind, category, started_on, completed_on in measures:
        if (category == "engineering") != engineering:
            continue
        label = _LABELS["kind"].get(kind, kind)
        if completed_on:
            parts.append(f"{label}（{_d(completed_on)}完成）")
        elif started_on:
            parts.append(f"{label}（{_d(started_on)}开始）")
        else:
            parts.append(f"{label}（待落实）")
    return "；".join(parts)


def _grouped(queryset, key_index: int = 0) -> dict:
    grouped: dict = {}
    for row in queryset:
        grouped.setdefault(row[key_index], []).append(row[1:])
    return grouped


_SAFETY = (ResponsibleRole.OWNER, ResponsibleRole.USER, ResponsibleRole.SUPERVISOR)
_BUSINESS = (ResponsibleRole.COMPETENT_DEPARTMENT, ResponsibleRole.APPROVING_DEPARTMENT)


def _chunks(entries):
    chunk = []
    for entry in keyset.rows(entries, CHUNK):
        chunk.append(entry)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def ledger_rows(user, *, division: str | None = None, reveal: bool = False,
                today: date | None = None):
    """The export's rows, one tuple per entry, read in chunks (constant memory)."""
    from django.utils import timezone

    today = today or timezone.localdate()
    # Named rows, not model instances: the encrypted fields still pass through their own
    # from_db_value (anju.crypto), at a third of the cost per entry.
    entries = (ledger_for_user(user, division=division).order_by("division_code", "id")
               .values_list("id", "house_id", "division_code", "grade", "status", "opened_on",
                            "appraised_on", "business_sector", "programme",
                            "low_income_category", "engineering_plan", "engineering_due_on",
                            "red_alert", "broken_alert", "next_check_due", "closed_on",
                            "house__address", "house__structure", "house__floors",
                            "house__use", "house__occupancy", "household__head_name",
                            "household__head_id_number", "household__phone", named=True))
    scope = division or user.scope
    names = dict(Division.objects.filter(within(scope[:6], "code")).values_list("code", "name"))
    labels = _LABELS
    for chunk in _chunks(entries):
        ids = [e.id for e in chunk]
        measures = _grouped(Measure.objects.filter(entry_id__in=ids).order_by("id")
                            .values_list("entry_id", "kind", "category", "started_on",
                                         "completed_on"))
        checks = _grouped(ControlCheck.objects.filter(entry_id__in=ids)
                          .order_by("checked_on", "id")
                          .values_list("entry_id", "checked_on", "level", "holds"))
        acceptances = _grouped(Acceptance.objects.filter(entry_id__in=ids)
                               .order_by("accepted_on", "id")
                               .values_list("entry_id", "accepted_on", "passed", "inspectors"))
        persons = _grouped(ResponsiblePerson.objects.filter(
            house_id__in=[e.house_id for e in chunk]).order_by("id")
            .values_list("house_id", "role", "name"))
        for e in chunk:
            yield _row(e, labels, names, today, reveal, measures.get(e.id, ()),
                       checks.get(e.id), acceptances.get(e.id), persons.get(e.house_id, ()))


def _row(e, labels, names, today, reveal, measures, checks, acceptances, persons) -> tuple:
    people: dict[str, list[str]] = {}
    for role, name in persons:
        people.setdefault(role, []).append(name)
    last_check = checks[-1] if checks else None
    acceptance = acceptances[-1] if acceptances else None
    head_id, phone = e.household__head_id_number or "", e.household__phone or ""
    wanted = _SAFETY + (_BUSINESS if e.house__use in BUSINESS_USES else ())
    missing = "、".join(ResponsibleRole(r).label for r in wanted if r not in people)
    overdue = (e.status in checked_statuses() and e.next_check_due is not None
               and e.next_check_due < today)
    return (
        f"ZZ{e.division_code[:6]}{e.id:07d}", names.get(e.division_code[:9], ""),
        names.get(e.division_code, ""), e.division_code, e.house__address,
        e.household__head_name or "",
        head_id if reveal else mask_id_number(head_id), phone if reveal else mask_phone(phone),
        labels["structure"].get(e.house__structure, e.house__structure), e.house__floors,
        labels["use"].get(e.house__use, e.house__use),
        labels["sector"].get(e.business_sector, ""), e.grade, _d(e.appraised_on),
        _d(e.opened_on), labels["occupancy"].get(e.house__occupancy, e.house__occupancy),
        *("、".join(people.get(role, [])) for role in _SAFETY + _BUSINESS), missing,
        _measures(measures, True), _measures(measures, False), e.engineering_plan,
        _d(e.engineering_due_on),
        (f"{_d(last_check[0])} {labels['level'].get(last_check[1], '')}"
         f"{'有效' if last_check[2] else '失效'}") if last_check else "",
        _d(e.next_check_due), "是" if overdue else "", "是" if e.red_alert else "",
        "是" if e.broken_alert else "", _d(acceptance[0]) if acceptance else "",
        ("合格" if acceptance[1] else "不合格") if acceptance else "",
        "、".join(acceptance[2]) if acceptance else "",
        labels["status"].get(e.status, e.status), _d(e.closed_on),
        labels["low_income"].get(e.low_income_category, ""),
        labels["programme"].get(e.programme, ""),
    )


TITLE = "整治台账"


def ledger_note(user, division: str | None, today: date | None = None):
    from django.utils import timezone

    return export_note(TITLE, division or user.scope, today or timezone.localdate())


def stream_ledger_xlsx(user, *, division: str | None = None, reveal: bool = False,
                       today: date | None = None):
    """The ledger as .xlsx bytes, chunk by chunk; the 说明 sheet names the division."""
    return stream_xlsx(COLUMNS, ledger_rows(user, division=division, reveal=reveal, today=today),
                       sheet_name=TITLE, note=ledger_note(user, division, today))


def write_ledger_xlsx(user, target, *, division: str | None = None, reveal: bool = False,
                      today: date | None = None) -> int:
    """Write the ledger to `target` (a path or a binary file); returns the number of entries."""
    counted = [0]

    def rows():
        for row in ledger_rows(user, division=division, reveal=reveal, today=today):
            counted[0] += 1
            yield row

    own = isinstance(target, (str, bytes)) or hasattr(target, "__fspath__")
    out = open(target, "wb") if own else target
    try:
        for data in stream_xlsx(COLUMNS, rows(), sheet_name=TITLE,
                                note=ledger_note(user, division, today)):
            out.write(data)
    finally:
        if own:
            out.close()
    return counted[0]
