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
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from pydantic import ValidationError as PydanticError

from anju.accounts.access import check
from anju.audit import actions as audit
from anju.audit.models import Action
from anju.crypto import lookup_hash
from anju.divisions.scope import covers, not_found
from anju.exchange import exporters
from anju.exchange.commands import AcceptDifference, MarkUpstream
from anju.exchange.models import Difference, DifferenceState
from anju.kit import keyset
from anju.kit.errors import AnjuError, Code, Conflict, RuleViolation
from anju.kit.events import records_changed
from anju.kit.origin import Origin
from anju.registry.actions import update_house
from anju.registry.commands import UpdateHouse
from anju.registry.models import House, RecordEvent
from anju.registry.rules import normalize_id_number

# The layouts a file can be reconciled in: those of one row per house.
RECONCILABLE = ("houses",)
DIFFERENCE, MISSING_IN_ANJU, MISSING_IN_FILE = "national_difference", "missing_in_anju", \
    "missing_in_file"
OUT_OF_SCOPE, AMBIGUOUS, TWICE = "division_out_of_scope", "match_ambiguous", "matched_twice"
BATCH = 2000  # file rows matched and compared together


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


def _id_digest(id_number: str) -> str:
    if not id_number or _masked(id_number):
        return ""
    try:
        return lookup_hash(normalize_id_number(id_number))
    except (AnjuError, ValueError):
        return ""


class _Matcher:
    """The scoped standing houses looked up by the three keys, one batch of file rows at a
    time: only the batch and the ids matched so far are held, never the whole county."""

    def __init__(self, houses, villages: dict):
        self.houses, self.villages = houses, villages
        self.division = {}  # house id -> village code, for the batch

    def _village(self, row: dict) -> str:
        return row.get("division.code", "") or self.villages.get(row.get("division.village", ""),
                                                                 "")

    def batch(self, rows: list[dict]) -> list[tuple[list[int], str]]:
        codes = {r.get("house.national_code", "") for r in rows} - {""}
        digests = {_id_digest(r.get("owner.id_number", "")) for r in rows
                   if r.get("house.address")} - {""}
        names = {r.get("owner.name", "") for r in rows} - {""}
        villages = {self._village(r) for r in rows} - {""}
        by_code, by_id_address, by_name = {}, {}, {}
        self.division = {}
        if codes:
            for pk, code, village in self.houses.filter(national_code__in=codes).values_list(
                    "id", "national_code", "division_code"):
                by_code.setdefault(code, []).append(pk)
                self.division[pk] = village
        if digests:
            for pk, digest, address, village in self.houses.filter(
                    household__head_id_hash__in=digests).values_list(
                    "id", "household__head_id_hash", "address", "division_code"):
                by_id_address.setdefault((digest, address.strip()), []).append(pk)
                self.division[pk] = village
        if names and villages:
            for pk, name, village in self.houses.filter(
                    household__head_name__in=names, division_code__in=villages).values_list(
                    "id", "household__head_name", "division_code"):
                by_name.setdefault((name.strip(), village), []).append(pk)
                self.division[pk] = village
        return [self._match(r, by_code, by_id_address, by_name) for r in rows]

    def _match(self, row, by_code, by_id_address, by_name) -> tuple[list[int], str]:
        code = row.get("house.national_code", "")
        if code and code in by_code:
            return by_code[code], "national_code"
        digest, address = _id_digest(row.get("owner.id_number", "")), row.get("house.address", "")
        if digest and address:
            found = by_id_address.get((digest, address))
            if found:
                return found, "id_number_address"
        name, village = row.get("owner.name", ""), self._village(row)
        if name and village:
            return by_name.get((name, village), []), "name_village"
        return [], ""


def reconcile(layout, table, user, *, reveal: bool, division: str | None = None,
              batch: int = BATCH):
    """(summary, problems, codes to keep, differences): `problems` are (row, column, code,
    message), `differences` the Difference rows' values (without their job). The file is read
    row by row and compared batch by batch."""
    from anju.exchange import national

    check_reconcilable(layout)
    position = {str(c).strip(): i for i, c in enumerate(table.header) if isinstance(c, str)}
    columns = [(c, position.get(c.title)) for c in layout.columns]
    _, houses = exporters.national_records(layout, user, division)
    names = national.division_names(exporters.prefix_of(user, division))
    villages = {name: code for code, name in names.items() if len(code) == 12}
    matcher = _Matcher(houses, villages)
    titles = [c.title for c in layout.columns]
    compared = [i for i, c in enumerate(layout.columns) if c.field != "blank"
                and position.get(c.title) is not None]
    code_column = next((i for i, c in enumerate(layout.columns)
                        if c.field == "house.national_code"), None)
    problems, differences, keep = [], [], {}
    matched: dict[int, int] = {}  # house id -> file row
    counts = {"rows": 0, "differences": 0}

    def compare(pending: list[tuple[int, dict]]) -> None:
        found_all = matcher.batch([row for _, row in pending])
        theirs_of = {}
        for (number, row), (found, _) in zip(pending, found_all, strict=True):
            if len(found) > 1:
                problems.append((number, "", AMBIGUOUS,
                                 "按户主姓名和村找到不止一栋房屋，无法确定是哪一栋"))
                continue
            if not found:
                label = row.get("house.address") or row.get("owner.name") or ""
                problems.append((number, "", MISSING_IN_ANJU, f"国家系统有、安居没有：{label}"))
                differences.append({"kind": MISSING_IN_ANJU, "row": number,
                                    "national_value": label[:300],
                                    "division_code": matcher._village(row)[:12]})
                continue
            pk = found[0]
            if pk in matched:
                problems.append((number, "", TWICE, f"与第 {matched[pk]} 行是同一栋房屋"))
                continue
            matched[pk] = number
            theirs_of[pk] = row
        if not theirs_of:
            return
        _, _, rows = exporters.national_table(layout, user, division, reveal=reveal,
                                              records=houses.filter(pk__in=list(theirs_of)),
                                              with_ids=True, names=names)
        for pk, values in rows:
            theirs = theirs_of[pk]
            for i in compared:
                column = layout.columns[i]
                ours, other = _text(values[i]), theirs[column.field]
                if i == code_column and not ours and other:
                    keep[pk] = other  # a national code Anju lacks is kept, not listed
                    continue
                if ours == other or _masked(ours) or _masked(other):
                    continue
                counts["differences"] += 1
                said = f"国家系统为“{other or '空'}”，安居为“{ours or '空'}”"
                problems.append((matched[pk], titles[i], DIFFERENCE, f"房屋编号 {pk}：{said}"))
                differences.append({"kind": DIFFERENCE, "house_id": pk, "row": matched[pk],
                                    "division_code": matcher.division.get(pk, ""),
                                    "column": titles[i][:60], "field": column.field,
                                    "national_value": other[:300], "anju_value": ours[:300]})

    pending = []
    for number, cells in table.rows():
        counts["rows"] += 1
        row = {c.field: _text(cells[i]) if i is not None and i < len(cells) else ""
               for c, i in columns}
        code = row.get("division.code", "")
        if code and not covers(user.scope, code):
            problems.append((number, "行政区划代码", OUT_OF_SCOPE,
                             f"区划 {code} 不在您的管辖范围内：这一行不对账"))
            continue
        pending.append((number, row))
        if len(pending) >= batch:
            compare(pending)
            pending = []
    if pending:
        compare(pending)
    missing = 0
    houses = houses.order_by("division_code", "id").values_list(
        "id", "division_code", "address", "household__head_name")
    for pk, village, address, name in keyset.rows(houses, 5000):
        if pk in matched:
            continue
        missing += 1
        label = address or name or ""
        problems.append((None, "", MISSING_IN_FILE,
                         f"安居有、国家文件中没有：房屋编号 {pk}，{label}"))
        differences.append({"kind": MISSING_IN_FILE, "house_id": pk, "division_code": village,
                            "anju_value": label[:300]})
    keep = {pk: code[:40] for pk, code in keep.items()}
    summary = {"rows": counts["rows"], "matched": len(matched),
               "differences": counts["differences"], "missing_in_file": missing,
               "missing_in_anju": sum(1 for p in problems if p[2] == MISSING_IN_ANJU),
               "out_of_scope": sum(1 for p in problems if p[2] == OUT_OF_SCOPE),
               "national_codes_kept": len(keep), "layout": layout.code}
    return summary, problems, keep, differences


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


# --- acting on a difference -------------------------------------------------------------------

def _as_text(column, text):
    return text or None


def _as_int(column, text):
    return int(float(text)) if text else None


def _as_decimal(column, text):
    return Decimal(text) if text else None


def _as_code(column, text):
    if not text:
        return None
    back = {label: code for code, label in (column.codes or {}).items()}
    if text not in back:
        raise RuleViolation(Code.DIFFERENCE_NOT_ACCEPTABLE,
                            f"国家系统的“{text}”不在“{column.title}”的代码表中，不能采纳",
                            field="national_value")
    return back[text]


def _as_flag(column, text):
    code = _as_code(column, text)
    return None if code is None else code == "yes"


def _as_codes(column, text):
    return [_as_code(column, part) for part in text.split("、") if part] if text else []


# The national columns a clerk may take into Anju, each with the house field it changes through
# registry.update_house. Bands, grades, screening and names are not: a band cannot be turned
# back into a value, a grade comes only from appraisal, a name is the household's.
ACCEPTABLE = {
    "house.address": ("address", _as_text), "house.floors": ("floors", _as_int),
    "house.local_floors": ("local_floors", _as_int), "house.height": ("height", _as_decimal),
    "house.floor_area": ("floor_area", _as_decimal), "house.built_year": ("built_year", _as_int),
    "house.structure": ("structure", _as_code), "house.build_method": ("build_method", _as_code),
    "house.land_type": ("land_type", _as_code), "house.business_use": ("business_use", _as_code),
    "house.heating_energy": ("heating_energy", _as_code),
    "house.cooking_energy": ("cooking_energy", _as_code),
    "house.homestead_permit": ("homestead_permit", _as_flag),
    "house.planning_permit": ("planning_permit", _as_flag),
    "house.completion_permit": ("completion_permit", _as_flag),
    "house.registration_permit": ("registration_permit", _as_flag),
    "house.altered": ("altered", _as_flag),
    "house.business_approval": ("business_approval", _as_flag),
    "house.alteration_count": ("alteration_count", _as_int),
    "house.alterations": ("alterations", _as_codes),
    "house.lat": ("lat", _as_decimal), "house.lng": ("lng", _as_decimal),
}


def differences_of(job):
    return Difference.objects.filter(job=job).order_by("id")


def acceptable(difference) -> bool:
    return (difference.kind == DIFFERENCE and difference.house_id is not None
            and difference.field in ACCEPTABLE)


def difference_table(job):
    """(header, rows) of a reconciliation's differences, for the county to fix the national
    side; streamed."""
    from anju.exchange.models import DifferenceKind

    kinds, states = dict(DifferenceKind.choices), dict(DifferenceState.choices)
    header = [("文件行号", 8), ("房屋编号", 10), ("区划", 14), ("类别", 12), ("列", 20),
              ("国家系统", 30), ("安居", 30), ("处理状态", 14), ("说明", 30)]
    rows = ((d.row or "", d.house_id or "", d.division_code, kinds.get(d.kind, d.kind),
             d.column, d.national_value, d.anju_value, states.get(d.state, d.state), d.note)
            for d in keyset.rows(differences_of(job), 2000))
    return header, rows


def _open(difference) -> None:
    if difference.state != DifferenceState.OPEN:
        raise Conflict(Code.DIFFERENCE_DECIDED,
                       f"这条差异已处理（{difference.get_state_display()}），不能再次处理",
                       field="state")


def _decide(difference, state: str, note: str | None, *, acting_user, origin) -> None:
    locked = Difference.objects.select_for_update().get(pk=difference.pk)
    _open(locked)
    locked.state, locked.note = state, (note or "")[:200]
    locked.decided_by, locked.decided_at = acting_user, timezone.now()
    locked.save(update_fields=["state", "note", "decided_by", "decided_at"])
    audit.record(Action.TRANSITION, actor=acting_user, obj=locked, origin=origin,
                 division_code=locked.division_code,
                 details={"from": DifferenceState.OPEN, "to": state, "job": locked.job_id,
                          "column": locked.field or locked.kind})
    difference.__dict__.update({k: getattr(locked, k) for k in
                                ("state", "note", "decided_by_id", "decided_at")})


def accept_difference(difference, cmd: AcceptDifference, *, acting_user,
                      origin: Origin | None = None):
    """Take the national system's value into Anju: the house changes by the ordinary act
    (registry.update_house, its history and audit), and the difference is marked accepted."""
    from anju.exchange.layout import get_layout

    check(acting_user, "exchange.import")
    _open(difference)
    if difference.kind != DIFFERENCE or difference.house_id is None:
        raise RuleViolation(Code.DIFFERENCE_NOT_ACCEPTABLE,
                            "只有字段差异可以采纳到安居：缺少的房屋请在房屋台账中登记或注销，"
                            "或标记为由国家系统更正", field="kind")
    target = ACCEPTABLE.get(difference.field)
    if target is None:
        raise RuleViolation(Code.DIFFERENCE_NOT_ACCEPTABLE,
                            f"“{difference.column}”不能由对账采纳（分档、鉴定结论、隐患初判和户主"
                            "信息只能通过相应业务办理）：请在安居中办理，或标记为由国家系统更正",
                            field="column")
    house = House.objects.filter(pk=difference.house_id).first()
    if house is None or not covers(acting_user.scope, house.division_code):
        raise not_found(House, pk=difference.house_id)
    layout = get_layout(difference.job.params["layout"])
    column = next((c for c in layout.columns if c.title == difference.column), None)
    name, convert = target
    try:
        value = convert(column, difference.national_value)
        update = UpdateHouse(version=house.version, **{name: value})
    except (ValueError, ArithmeticError, PydanticError):
        raise RuleViolation(Code.DIFFERENCE_NOT_ACCEPTABLE,
                            f"国家系统的“{difference.national_value}”不是有效的"
                            f"“{difference.column}”，不能采纳", field="national_value") from None
    with transaction.atomic():
        update_house(house, update, acting_user=acting_user, origin=origin)
        _decide(difference, DifferenceState.ACCEPTED, cmd.note, acting_user=acting_user,
                origin=origin)
    return difference


def mark_upstream(difference, cmd: MarkUpstream, *, acting_user, origin: Origin | None = None):
    """Leave Anju as it is: the national system is to be corrected (recorded and audited)."""
    check(acting_user, "exchange.import")
    _open(difference)
    with transaction.atomic():
        _decide(difference, DifferenceState.UPSTREAM, cmd.note, acting_user=acting_user,
                origin=origin)
    return difference
