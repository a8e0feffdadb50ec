"""The periodic-inspection due list (R-MH-14) as a file for the township: .xlsx or .csv,
streamed, the export audited."""

from collections.abc import Iterator
from datetime import date

from django.utils import timezone

from anju.appraisal.queries import due_on, inspections_due_for_user, with_last_inspection
from anju.audit import actions as audit
from anju.audit.models import Action as AuditAction
from anju.divisions.models import Division
from anju.divisions.queries import covered_name, export_note
from anju.divisions.scope import within
from anju.kit import keyset
from anju.kit.csvfile import stream_csv
from anju.kit.origin import Origin
from anju.kit.xlsx import stream_xlsx
from anju.policy.rules import profile_resolver
from anju.registry.codes import LowIncomeCategory

TITLE = "定期巡检到期清单"
COLUMNS = (("房屋编号", 10), ("所在村代码", 14), ("所在村", 24), ("地址", 32), ("户主", 10),
           ("低收入类别", 18), ("上次检查日期", 14), ("巡检到期日", 14))


def due_rows(user, division: str | None, today: date) -> Iterator[tuple]:
    houses = with_last_inspection(inspections_due_for_user(user, division=division,
                                                           today=today))
    houses = houses.select_related("household")
    names = dict(Division.objects.filter(within(division or user.scope, "code"), level=12)
                 .values_list("code", "name"))
    categories = dict(LowIncomeCategory.choices)
    resolve = profile_resolver(today)
    for house in keyset.rows(houses, 2000):
        yield (house.pk, house.division_code, names.get(house.division_code, ""),
               house.address, house.household.head_name,
               categories.get(house.household.low_income_category, ""),
               house.last_inspected_on.isoformat() if house.last_inspected_on else "未检查",
               due_on(house, today, resolve).isoformat())


def due_export(user, division: str | None, fmt: str, *,
               origin: Origin | None = None) -> tuple[str, str, Iterator[bytes]]:
    """(file name, content type, bytes) of the due list; 404 for a division out of scope."""
    today = timezone.localdate()
    total = inspections_due_for_user(user, division=division, today=today).count()
    audit.record(AuditAction.EXPORT, actor=user, origin=origin,
                 division_code=division or user.scope,
                 details={"export": "inspections-due", "rows": total, "format": fmt})
    code = division or user.scope
    name = f"{TITLE}-{covered_name(code)}-{code}-{today:%Y%m%d}.{fmt}"
    rows = due_rows(user, division, today)
    if fmt == "csv":  # the columns stay as they are: the file name says what it covers
        return name, "text/csv; charset=utf-8", stream_csv([t for t, _ in COLUMNS], rows)
    return (name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            stream_xlsx(COLUMNS, rows, sheet_name=TITLE, note=export_note(TITLE, code, today)))
