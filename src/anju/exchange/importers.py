"""Households and houses from a file, through the registry's own rules, a chunk at a time.

A row passes the checks of the single-record verbs (registry.actions.register_household and
register_house): the same normalisation and rule functions (registry/rules.py), the same
village-and-scope check (divisions.queries.check_village), the same one-head-one-household rule
on the keyed hash of the ID number (anju.crypto), and the same household link. What differs
is the batching: each of those lookups is made once per chunk (or once per village) instead of
once per row, and the good rows go in through the registry's bulk seam (registry/bulk.py),
each with the history row its verb would write. A per-row call of the verbs ran at a few
hundred households a second (bench/exchange.py measures both).

An importer works in three steps per chunk: `prepare` (the cells read and the pure rules
checked, the numbers hashed and, for households, the rows put in their stored form: no
database, so large files spread it over worker processes, exchange/workers.py), `check` (the
lookups and the duplicates within the file, in the job's process, in row order) and `write`.

Duplicates are reported, never created: the same ID number as a registered head or as an
earlier row of the file, or the same head name and phone in the same village.

A row is not read through the registry's commands (RegisterHousehold, RegisterHouse), though
the verbs are: the columns (exchange/columns.py) already turn each cell into the command's type
with a message naming the cell, and the rule functions after them are the verbs' own. Reading
the row again as a command made the checking of households about a fifth slower (prepare:
54 → 66 µs a row, which bench/exchange.py's rows/s follow), and a cell the column checks let
through gained a second, different message (a 25-digit phone: text_too_long beside
phone_invalid; a 19-character ID number: text_too_long beside id_number_invalid).
"""

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from django.db.models import Q
from django.utils import timezone

from anju.crypto import hasher
from anju.divisions.queries import check_village
from anju.divisions.scope import scoped
from anju.exchange.columns import HOUSE_COLUMNS, HOUSEHOLD_COLUMNS, row_values
from anju.kit.errors import AnjuError, Code, RuleViolation
from anju.kit.events import records_changed
from anju.registry.actions import HOUSE_FIELDS, HOUSEHOLD_FIELDS, SENSITIVE
from anju.registry.bulk import insert_rows, reserve_ids, row_adapter
from anju.registry.models import House, Household, Member, RecordEvent
from anju.registry.rules import (
    check_house,
    check_household,
    derived_house_fields,
    normalized_household,
)


@dataclass
class RowError:
    row: int | None
    field: str
    code: str
    message: str
    rule: str = ""

    @classmethod
    def of(cls, row: int | None, error: AnjuError) -> "RowError":
        return cls(row, error.field or "", error.code, error.message, error.rule or "")


@dataclass
class Checked:
    """A chunk after the checks: the rows that may be written and every problem found."""

    good: list[tuple[int, object]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    duplicates: int = 0


class Prepared(NamedTuple):
    """A household row after `prepare`: what `check` and `write` need of it."""

    number: int
    key: tuple  # (village, head name, phone), for the duplicates
    digest: str  # the lookup hash of the head's ID number
    problems: list
    stored: tuple | None  # (household, members, history row) as stored, when no rule failed


def _jsonable(value):
    if isinstance(value, (str, int, float, bool, list)) or value is None:
        return value
    return str(value)


class _Importer:
    """What both resources share: the village check once per code, and the chunk's errors."""

    columns: tuple = ()

    def __init__(self, user, found: dict, *, job_id: int | None = None,
                 today: date | None = None):
        self.user = user
        self.found = found  # the file's columns by position
        self.job_id = job_id
        self.today = today or timezone.localdate()
        self.now = timezone.now()
        self._villages: dict[str, AnjuError | None] = {}
        self.lookup_hash = hasher()

    def prepare(self, chunk: list[tuple[int, list]]) -> list[tuple]:
        """(row number, data, conversion errors) of each (row number, cells)."""
        return [(number, *row_values(self.found, cells)) for number, cells in chunk]

    def village_error(self, code) -> AnjuError | None:
        """check_village's verdict on a row's division (valid, known, in the caller's scope)."""
        code = code or ""
        if code not in self._villages:
            try:
                check_village(self.user, code)
                self._villages[code] = None
            except AnjuError as error:
                if error.code == "not_found":  # out of scope: said plainly in a report
                    error = RuleViolation(Code.DIVISION_OUT_OF_SCOPE,
                                          f"区划 {code} 不在您的管辖范围内",
                                          field="division_code", rule="R-CJ-3")
                self._villages[code] = error
        return self._villages[code]

    @staticmethod
    def rule_errors(number: int, found: list[AnjuError], unreadable: list[AnjuError]):
        # A cell that could not be read is reported once, not again as "missing".
        skip = {e.field for e in unreadable}
        return [RowError.of(number, e) for e in found if e.field not in skip]

    def _event(self, *, action: str, division_code: str, values: dict,
               house_id=None) -> tuple:
        # The history row of the verb (registry.actions._record): sensitive values are noted
        # as changed, never copied; the job says where the record came from.
        changes = {k: ("<已修改>" if k in SENSITIVE else _jsonable(v)) for k, v in values.items()}
        changes["import_job"] = self.job_id
        return (division_code, house_id, action, changes, self.user.pk, self.now)

    _EVENT = ("division_code", "house_id", "action", "changes", "actor_id", "at")


class HouseholdImporter(_Importer):
    """Households (api.md POST /households) with their members."""

    columns = HOUSEHOLD_COLUMNS
    resource = "households"

    _HOUSEHOLD = (*HOUSEHOLD_FIELDS, "head_id_hash", "low_income_category", "version",
                  "created_at", "updated_at", "sms_notices_on")
    _MEMBER = ("name", "id_number", "relation")
    def __init__(self, user, found: dict, **kwargs):
        super().__init__(user, found, **kwargs)
        self._rows_by_id: dict[str, int] = {}  # lookup hash of a head's ID → first row
        self._rows_by_name: dict[tuple, int] = {}  # (village, head, phone) → first row
        self._heads: dict[str, dict[str, list[int]]] = {}  # village → head name → ids
        # The stored form of each table's row, less the household's id (given at write).
        self._household_fields, self._household = row_adapter(Household, self._HOUSEHOLD)
        self._member_fields, self._member = row_adapter(Member, self._MEMBER)
        self._event_fields, self._event_row = row_adapter(RecordEvent, self._EVENT)

    def _registered(self, keys: set[tuple]) -> set[tuple]:
        """Which (village, head, phone) are registered already. Phones are encrypted: the
        head names of each village are read once, and only the households whose name matches
        a row's have their phone read and decrypted."""
        new = {code for code, _, _ in keys if code not in self._heads}
        for code in new:
            self._heads[code] = {}
        if new:
            for pk, code, name in Household.objects.filter(division_code__in=new).values_list(
                    "pk", "division_code", "head_name"):
                self._heads[code].setdefault(name, []).append(pk)
        candidates = {pk: key for key in keys for pk in self._heads[key[0]].get(key[1], ())}
        if not candidates:
            return set()
        return {candidates[pk] for pk, phone in Household.objects.filter(
            pk__in=candidates).values_list("pk", "phone") if phone == candidates[pk][2]}

    def prepare(self, chunk: list[tuple[int, list]]) -> list[Prepared]:
        """Every rule of register_household that needs no database, row by row."""
        out = []
        for number, cells in chunk:
            data, errors = row_values(self.found, cells)
            problems = [RowError.of(number, e) for e in errors]
            data = normalized_household(data)
            data.setdefault("members", [])
            problems += self.rule_errors(number, check_household(data, today=self.today),
                                         errors)
            digest = self.lookup_hash(data.get("head_id_number"))
            key = (data.get("division_code") or "", (data.get("head_name") or "").strip(),
                   data.get("phone") or "")
            stored = None if problems else self._stored(data, digest)
            out.append(Prepared(number, key, digest, problems, stored))
        return out

    def _stored(self, data: dict, digest: str) -> tuple:
        values = {f: data.get(f) or "" for f in HOUSEHOLD_FIELDS if f != "persons"}
        values["persons"] = data["persons"]
        # Consent to SMS notices is a yes/no, dated the day it was given (as register_household).
        values["sms_notices"] = bool(data.get("sms_notices"))
        agreed_on = timezone.localdate(self.now) if values["sms_notices"] else None
        household = self._household((*(values[f] for f in HOUSEHOLD_FIELDS), digest, "", 1,
                                     self.now, self.now, agreed_on))
        members = [self._member((m["name"], m.get("id_number") or "", m["relation"]))
                   for m in data["members"]]
        event = self._event_row(self._event(action="household_registered",
                                            division_code=values["division_code"],
                                            values=values))
        return household, members, event

    def check(self, rows: list[Prepared]) -> Checked:
        """The rules of register_household that look at the register or at other rows: the
        village and scope, and the duplicates."""
        out = Checked()
        pending = []
        for row in rows:
            number, problems = row.number, list(row.problems)
            code, name, phone = row.key
            village = self.village_error(code)
            if village is not None:
                problems.append(RowError.of(number, village))
            if row.digest:
                first = self._rows_by_id.setdefault(row.digest, number)
                if first != number:
                    problems.append(RowError(
                        number, "head_id_number", "id_number_duplicate_in_file",
                        f"户主身份证号与第 {first} 行重复", "R-CJ-3"))
            key = None
            if name and phone and village is None:
                first = self._rows_by_name.setdefault(row.key, number)
                if first == number:
                    key = row.key
                else:
                    problems.append(RowError(
                        number, "head_name", "household_duplicate_in_file",
                        f"与第 {first} 行同村、户主姓名和联系电话相同", "R-CJ-3"))
            pending.append((row, key, problems))
        registered = set(Household.objects.filter(
            head_id_hash__in=[row.digest for row, _, _ in pending if row.digest]).values_list(
            "head_id_hash", flat=True))
        same_names = self._registered({key for _, key, _ in pending if key})
        for row, key, problems in pending:
            if row.digest in registered:
                # the message of register_household's own check (_check_head_id_free)
                problems.append(RowError(row.number, "head_id_number", "id_number_duplicate",
                                         "该身份证号已登记为其他农户的户主", "R-CJ-3"))
            if key in same_names:
                problems.append(RowError(row.number, "head_name", "household_duplicate",
                                         "同村已登记户主姓名和联系电话相同的农户", "R-CJ-3"))
            if any(p.code.startswith(("id_number_duplicate", "household_duplicate"))
                   for p in problems):
                out.duplicates += 1
            if problems:
                out.errors += problems
            else:
                out.good.append((row.number, row.stored))
        return out

    def write(self, rows: list[tuple[int, tuple]]) -> list[int]:
        """Register the checked households, their members and their history rows in bulk;
        returns their ids. Runs inside the caller's transaction."""
        if not rows:
            return []
        ids = reserve_ids(Household, len(rows))
        households, members, events = [], [], []
        for pk, (_, (household, member_rows, event)) in zip(ids, rows, strict=True):
            households.append((pk, *household))
            members += [(pk, *member) for member in member_rows]
            events.append((pk, *event))
        insert_rows(Household, ("id", *self._household_fields), households, stored=True)
        insert_rows(Member, ("household_id", *self._member_fields), members, stored=True)
        insert_rows(RecordEvent, ("household_id", *self._event_fields), events, stored=True)
        return ids

    def take_back(self, first: int, last: int) -> None:
        """Delete the households with ids first..last that this import wrote (their members
        and history rows go with them). Runs inside the caller's transaction."""
        Household.objects.filter(pk__range=(first, last)).delete()


# Model defaults of a house's optional fields, as House.objects.create would fill them.
_HOUSE_DEFAULTS = {"household_id": None, "lat": None, "lng": None, "color_steel": False,
                   "built_year": None, "build_method": "", "business_sector": "",
                   "is_only_house": True, "priority_tags": [], "build_year_band": "",
                   "is_priority": False, "land_type": "", "homestead_permit": None,
                   "planning_permit": None, "completion_permit": None,
                   "registration_permit": None, "altered": None, "alteration_count": None,
                   "alterations": [], "business_approval": None, "business_use": "",
                   "heating_energy": "", "cooking_energy": "", "height": None,
                   "local_floors": None}
_HOUSE_COLUMNS = (*HOUSE_FIELDS, "storey_band", "build_year_band", "is_priority", "grade",
                  "screening_result", "awaiting_appraisal", "version", "created_at",
                  "updated_at")


class HouseImporter(_Importer):
    """Houses (api.md POST /houses), linked to a registered household by its head's ID number
    or its id."""

    columns = HOUSE_COLUMNS
    resource = "houses"

    def __init__(self, user, found: dict, **kwargs):
        super().__init__(user, found, **kwargs)
        self._rows_by_key: dict[tuple, int] = {}

    def _households(self, rows) -> tuple[dict, dict]:
        """The households the chunk names, inside the caller's scope: by hash and by id."""
        hashes = {self.lookup_hash(d["head_id_number"]) for _, d, _ in rows
                  if d.get("head_id_number")}
        ids = {d["household_id"] for _, d, _ in rows if d.get("household_id")}
        if not hashes and not ids:
            return {}, {}
        found = scoped(self.user, Household.objects.filter(
            Q(head_id_hash__in=hashes) | Q(pk__in=ids))).values_list(
            "pk", "head_id_hash", "division_code")
        by_hash, by_id = {}, {}
        for pk, digest, code in found:
            by_hash[digest] = by_id[pk] = (pk, code)
        return by_hash, by_id

    def check(self, rows: list[tuple[int, dict, list]]) -> Checked:
        """Every rule of register_house, and the household link it checks."""
        out = Checked()
        by_hash, by_id = self._households(rows)
        pending = []
        for number, data, errors in rows:
            problems = [RowError.of(number, e) for e in errors]
            head_id = data.pop("head_id_number", None)
            if head_id:
                household = by_hash.get(self.lookup_hash(head_id))
                if household is None:
                    problems.append(RowError(number, "head_id_number", "household_not_found",
                                             "未找到该户主身份证号的农户（须先登记农户，且在您的"
                                             "管辖范围内）", "R-CJ-3"))
                elif data.get("household_id") not in (None, household[0]):
                    problems.append(RowError(number, "household_id", "household_mismatch",
                                             "农户编号与户主身份证号不是同一农户", "R-CJ-3"))
                else:
                    data["household_id"] = household[0]
            elif data.get("household_id") and data["household_id"] not in by_id:
                problems.append(RowError(number, "household_id", "not_found",
                                         "农户不存在或不在您的管辖范围内"))
            village = self.village_error(data.get("division_code"))
            if village is not None:
                problems.append(RowError.of(number, village))
            problems += self.rule_errors(number, check_house(data, today=self.today), errors)
            household = by_id.get(data.get("household_id"))
            if household is not None and household[1] != data.get("division_code"):
                # register_house's _check_household_link
                problems.append(RowError(number, "household_id", "household_elsewhere",
                                         "房屋所在村应与农户所在村一致", "R-CJ-3"))
            key = (data.get("division_code"), (data.get("address") or "").strip(),
                   data.get("household_id"))
            if key[1] and not problems:
                first = self._rows_by_key.setdefault(key, number)
                if first != number:
                    problems.append(RowError(number, "address", "house_duplicate_in_file",
                                             f"与第 {first} 行是同一农户同一地址的房屋",
                                             "R-CJ-3"))
            pending.append((number, data, key, problems))
        registered = set(House.objects.filter(
            division_code__in={k[0] for _, _, k, _ in pending if k[0]},
            address__in={k[1] for _, _, k, _ in pending if k[1]}).values_list(
            "division_code", "address", "household_id"))
        for number, data, key, problems in pending:
            if key in registered:
                problems.append(RowError(number, "address", "house_duplicate",
                                         "该农户在同一地址已登记房屋", "R-CJ-3"))
            if any(p.code.startswith("house_duplicate") for p in problems):
                out.duplicates += 1
            if problems:
                out.errors += problems
            else:
                out.good.append((number, data))
        return out

    def write(self, rows: list[tuple[int, dict]]) -> list[int]:
        """Register the checked houses with their history rows, then let the apps above
        re-check each one through the registry's hook, as register_house does; returns their
        ids."""
        if not rows:
            return []
        now = self.now
        ids = reserve_ids(House, len(rows))
        houses, events = [], []
        for pk, (_, data) in zip(ids, rows, strict=True):
            values = {f: data[f] for f in HOUSE_FIELDS if data.get(f) is not None}
            values.setdefault("priority_tags", [])
            values |= derived_house_fields(values)
            full = {**_HOUSE_DEFAULTS, **values, "grade": "unrated", "screening_result": "",
                    "awaiting_appraisal": False, "version": 1, "created_at": now,
                    "updated_at": now}
            houses.append((pk, *(full[f] for f in _HOUSE_COLUMNS)))
            events.append(self._event(action="house_registered",
                                      division_code=values["division_code"], house_id=pk,
                                      values={f: full[f] for f in HOUSE_FIELDS}))
        insert_rows(House, ("id", *_HOUSE_COLUMNS), houses)
        insert_rows(RecordEvent, self._EVENT, events)
        records_changed(houses=ids)
        return ids

    def take_back(self, first: int, last: int) -> None:
        """Delete the houses with ids first..last that this import wrote (with what the apps
        above made of them), and tell those apps through the "records changed" event: the field app
        notes each house gone from its village, the statistics count the village again."""
        gone = list(House.objects.filter(pk__range=(first, last)).values_list(
            "pk", "division_code"))
        House.objects.filter(pk__range=(first, last)).delete()
        records_changed(houses=[pk for pk, _ in gone], divisions=[code for _, code in gone])


IMPORTERS = {"households": HouseholdImporter, "houses": HouseImporter}
