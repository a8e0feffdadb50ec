"""Reconciliation (对账, national-exchange.md): a file the national system holds, in one of the
layouts, compared with Anju's records; nothing in Anju is overwritten by the load.

Rows are matched to houses by the national building code, else the owner's ID number and the
address, else the owner's name and the village. The job's list (its error report, exportable)
names each cell that differs, each row the file has and Anju has not, and each record Anju has
and the file has not; a row of a division outside the caller's scope is reported, never
matched. The only thing written is the national code a matched house did not have yet.
"""

import math
from datetime import date, datetime

from django.db import transaction

from anju.crypto import lookup_hash
from anju.divisions.scope import covers
from anju.exchange import exporters
from anju.kit.errors import Code, RuleViolation
from anju.kit.events import records_changed
from anju.registry.models import House, RecordEvent
from anju.registry.rules import normalize_id_number

# The layouts a file can be reconciled in: those of one row per house.
RECONCILABLE = ("houses",)
DIFFERENCE, MISSING_IN_ANJU, MISSING_IN_FILE = "national_difference", "missing_in_anju", \
    "missing_in_file"
OUT_OF_SCOPE, AMBIGUOUS, TWICE = "division_out_of_scope", "match_ambiguous", "matched_twice"


def check_reconcilable(layout) -> None:
    if layout.source not in RECONCILABLE:
        raise RuleViolation(Code.INVALID_VALUE, f"{layout.title}（{layout.code}）暂不能对账："
                            "目前可对账的是每行一栋房屋的版式（N1、N2）", field="layout")


def is_header_of(layout):
    titles = {c.title for c in layout.columns}

    def is_header(cells) -> bool:
        found = {str(c).strip() for c in cells if isinstance(c, str)}
        return len(found & titles) * 2 >= len(titles)

    return is_header


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value):
            return str(int(value))
        return repr(round(value, 6))
    text = str(value).strip()
    try:
        number = float(text)
    except ValueError:
        return text
    if math.isfinite(number) and any(ch.isdigit() for ch in text) and len(text) < 16:
        return str(int(number)) if number == int(number) else repr(round(number, 6))
    return text


def _masked(text: str) -> bool:
    return "*" in text


class _Index:
    """The scoped standing houses by each of the three keys."""

    def __init__(self, user, division):
        from anju.exchange import national

        records = national.houses(user, division)
        self.by_code, self.by_id_address, self.by_name = {}, {}, {}
        self.codes = {}
        for pk, code, digest, address, name, village in records.values_list(
                "id", "national_code", "household__head_id_hash", "address",
                "household__head_name", "division_code").iterator(chunk_size=5000):
            self.codes[pk] = code
            if code:
                self.by_code.setdefault(code, []).append(pk)
            if digest:
                self.by_id_address.setdefault((digest, address.strip()), []).append(pk)
            if name:
                self.by_name.setdefault((name.strip(), village), []).append(pk)


def _match(index: _Index, row: dict, villages: dict) -> tuple[list[int], str]:
    code = row.get("house.national_code", "")
    if code and code in index.by_code:
        return index.by_code[code], "national_code"
    id_number, address = row.get("owner.id_number", ""), row.get("house.address", "")
    if id_number and not _masked(id_number) and address:
        found = index.by_id_address.get((lookup_hash(normalize_id_number(id_number)), address))
        if found:
            return found, "id_number_address"
    name = row.get("owner.name", "")
    village = row.get("division.code", "") or villages.get(row.get("division.village", ""), "")
    if name and village:
        return index.by_name.get((name, village), []), "name_village"
    return [], ""


def reconcile(layout, table, user, *, reveal: bool, division: str | None = None):
    """(summary, problems, codes to keep): `problems` are (row, column, code, message)."""
    from anju.exchange import national

    check_reconcilable(layout)
    position = {str(c).strip(): i for i, c in enumerate(table.header) if isinstance(c, str)}
    columns = [(c, position.get(c.title)) for c in layout.columns]
    index = _Index(user, division)
    names = national.division_names(user.scope)
    villages = {name: code for code, name in names.items() if len(code) == 12}
    problems, matched, file_rows, rows_read = [], {}, {}, 0
    for number, cells in table.rows():
        rows_read += 1
        row = {c.field: _text(cells[i]) if i is not None and i < len(cells) else ""
               for c, i in columns}
        titled = {c.title: row[c.field] for c, _ in columns}
        code = row.get("division.code", "")
        if code and not covers(user.scope, code):
            problems.append((number, "行政区划代码", OUT_OF_SCOPE,
                             f"区划 {code} 不在您的管辖范围内：这一行不对账"))
            continue
        found, _ = _match(index, row, villages)
        if len(found) > 1:
            problems.append((number, "", AMBIGUOUS,
                             "按户主姓名和村找到不止一栋房屋，无法确定是哪一栋"))
            continue
        if not found:
            label = row.get("house.address") or row.get("owner.name") or ""
            problems.append((number, "", MISSING_IN_ANJU, f"国家系统有、安居没有：{label}"))
            continue
        pk = found[0]
        if pk in matched:
            problems.append((number, "", TWICE, f"与第 {matched[pk]} 行是同一栋房屋"))
            continue
        matched[pk] = number
        file_rows[pk] = titled
    header, _, rows = exporters.national_table(layout, user, division, reveal=reveal,
                                               with_ids=True)
    titles = [t for t, _ in header]
    compared = [i for i, c in enumerate(layout.columns) if c.field != "blank"
                and position.get(c.title) is not None]
    differences = missing = 0
    code_column = next((i for i, c in enumerate(layout.columns)
                        if c.field == "house.national_code"), None)
    for pk, values in rows:
        theirs = file_rows.get(pk)
        if theirs is None:
            missing += 1
            problems.append((None, "", MISSING_IN_FILE,
                             f"安居有、国家文件中没有：房屋编号 {pk}，{_label(layout, values)}"))
            continue
        for i in compared:
            ours, other = _text(values[i]), theirs[titles[i]]
            if ours == other or _masked(ours) or _masked(other):
                continue
            if not ours and i == code_column:
                continue  # a national code Anju lacks is kept, not listed
            differences += 1
            problems.append((matched[pk], titles[i], DIFFERENCE,
                             f"房屋编号 {pk}：国家系统为“{other or '空'}”，安居为“{ours or '空'}”"))
    keep = {pk: file_rows[pk].get(_title_of(layout, "house.national_code"), "")
            for pk in matched if not index.codes.get(pk)}
    keep = {pk: code for pk, code in keep.items() if code}
    summary = {"rows": rows_read, "matched": len(matched), "differences": differences,
               "missing_in_file": missing,
               "missing_in_anju": sum(1 for p in problems if p[2] == MISSING_IN_ANJU),
               "out_of_scope": sum(1 for p in problems if p[2] == OUT_OF_SCOPE),
               "national_codes_kept": len(keep), "layout": layout.code}
    return summary, problems, keep


def _title_of(layout, field: str) -> str:
    return next((c.title for c in layout.columns if c.field == field), "")


def _label(layout, values) -> str:
    for field in ("house.address", "owner.name"):
        for i, column in enumerate(layout.columns):
            if column.field == field and values[i]:
                return str(values[i])
    return ""


@transaction.atomic
def keep_national_codes(codes: dict[int, str], *, acting_user) -> None:
    """The national building code read from the file, on the houses that had none: the only
    write of a reconciliation (a code that differs is listed, never overwritten)."""
    if not codes:
        return
    for pk, code in codes.items():
        updated = House.objects.filter(pk=pk, national_code="").update(national_code=code[:40])
        if updated:
            division = House.objects.filter(pk=pk).values_list("division_code", flat=True)[0]
            RecordEvent.objects.create(actor=acting_user, action="national_code_kept",
                                       division_code=division, house_id=pk,
                                       changes={"national_code": code[:40]})
    records_changed(houses=list(codes))
