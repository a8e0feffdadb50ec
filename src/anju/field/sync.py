"""What a phone downloads: the houses of the user's scope (whole, then only what changed since
the cursor of its last download) and the form definitions it validates captures with.

The cursor is the last `FieldChange.seq` a download covered (ADR 0022). A change is found by
its sequence number, and also by its time within RESEND_WINDOW before the previous cursor:
on PostgreSQL a number is handed out before its transaction commits, so a change with a
smaller number can become visible after a larger one was already downloaded; sending the
houses of that window again catches it (a house sent twice is simply stored twice).
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import BooleanField, ExpressionWrapper, Max, Min, Q
from django.utils import timezone

from anju.accounts.access import can
from anju.appraisal.codes import ControlKind, InspectionLevel, ItemLevel
from anju.appraisal.commands import ScreeningItem
from anju.appraisal.models import Screening
from anju.appraisal.queries import item_kinds_for_user
from anju.divisions.boxes import county_box
from anju.divisions.queries import names_for
from anju.divisions.scope import scoped
from anju.field import rules
from anju.field.models import FieldChange
from anju.kit.errors import Code, Malformed
from anju.kit.events import RecordsChanged
from anju.policy.rules import profile_resolver
from anju.quality import fields as verifiable
from anju.quality.commands import Difference
from anju.quality.models import Finding, FindingEvent, FindingStatus
from anju.rectification.codes import NOT_CLOSED, CheckLevel, MeasureCategory
from anju.rectification.models import LedgerEntry, Measure, Transition
from anju.rectification.queries import engineering_overdue_q
from anju.registry.codes import (
    Alteration,
    BuildMethod,
    BusinessSector,
    BusinessUse,
    Energy,
    Grade,
    LandType,
    Occupancy,
    PriorityTag,
    ScreeningResult,
    Structure,
    Use,
)
from anju.registry.models import House

RESEND_WINDOW = timedelta(minutes=10)
# A phone whose last download is older than this gets everything again: what no hook saw
# (a bulk load, a house moved that had never changed before) cannot stay stale for long.
FULL_DOWNLOAD_AFTER = timedelta(days=7)
DEFAULT_LIMIT = 1000
MAX_LIMIT = 5000


# --- the change sequence --------------------------------------------------------------------


def on_records_changed(change: RecordsChanged) -> None:
    for house_id in sorted(change.houses):
        note_house_changed(house_id)


def note_house_changed(house_id: int) -> None:
    """Append the house to the change sequence ("records changed", inside the changing
    transaction). A house that moved village is noted under its old village as well."""
    code = House.objects.filter(pk=house_id).values_list("division_code", flat=True).first()
    last = (FieldChange.objects.filter(house_id=house_id).order_by("-seq")
            .values_list("division_code", flat=True).first())
    rows = []
    if last is not None and last != code:
        rows.append(FieldChange(house_id=house_id, division_code=last))
    if code is not None:
        rows.append(FieldChange(house_id=house_id, division_code=code))
    FieldChange.objects.bulk_create(rows)


def current_cursor() -> int:
    seq = FieldChange.objects.aggregate(last=Max("seq"))["last"]
    if seq is None:
        # A first mark, so that the download after the first one can be incremental.
        seq = FieldChange.objects.create(house_id=0, division_code="").seq
    return seq


def prune_changes(now=None) -> int:
    """Delete the change rows no download can use any more (a cursor older than
    FULL_DOWNLOAD_AFTER gets the whole scope again); the newest row stays, so that the cursor
    never goes back. Returns how many were deleted."""
    horizon = (now or timezone.now()) - FULL_DOWNLOAD_AFTER - RESEND_WINDOW
    newest = FieldChange.objects.aggregate(last=Max("seq"))["last"]
    if newest is None:
        return 0
    deleted, _ = FieldChange.objects.filter(at__lt=horizon, seq__lt=newest).delete()
    return deleted


# --- the download ---------------------------------------------------------------------------

HOUSE_COLUMNS = ("id", "version", "division_code", "address", "household_id",
                 "household__head_name", "grade", "screening_result", "awaiting_appraisal",
                 "occupancy", "use", "structure", "color_steel", "floors", "storey_band",
                 "built_year", "build_year_band", "floor_area", "lat", "lng", "is_only_house",
                 "priority_tags", "is_priority", "status", "demolished_on", "replaces_house_id")


def _number(value):
    return float(value) if isinstance(value, Decimal) else value


def _ledger_entries(house_ids: list[int]) -> dict[int, dict]:
    """The open ledger entry of each house with what the house card shows of it: red and
    business alerts (R-CJ-6, R-CJ-8), priority area (R-CJ-1), sign-off proposed (R-CJ-8a), an
    ordered control not carried out within the profile's days (R-CJ-2) and an engineering plan
    past its date (R-CJ-5) — derived from the dates now, as the ledger pages do."""
    today = timezone.localdate()
    entries = {e["id"]: e for e in LedgerEntry.objects.filter(
        house_id__in=house_ids, status__in=NOT_CLOSED).annotate(
        engineering_overdue=ExpressionWrapper(engineering_overdue_q(today), BooleanField())
    ).values("house_id", "id", "status", "version", "next_check_due", "red_alert",
             "business_alert", "priority", "signoff_proposed_on", "engineering_overdue",
             "division_code")}
    ordered = dict(Measure.objects.filter(
        entry_id__in=list(entries), category=MeasureCategory.CONTROL,
        completed_on__isnull=True, ordered_on__isnull=False).order_by().values("entry_id")
        .annotate(first=Min("ordered_on")).values_list("entry_id", "first"))
    profile = profile_resolver(today)
    out = {}
    for pk, entry in entries.items():
        days = profile(entry.pop("division_code")).control_order_days
        first = ordered.get(pk)
        entry["control_overdue"] = first is not None and first < today - timedelta(days=days)
        entry["engineering_overdue"] = bool(entry["engineering_overdue"])
        out[entry.pop("house_id")] = entry
    return out


def present_houses(rows: list[dict]) -> list[dict]:
    """The download's house records, with their latest screening, open findings and ledger
    entry loaded for the whole page at once (a fixed number of queries per page)."""
    ids = [r["id"] for r in rows]
    latest: dict[int, dict] = {}
    for house_id, on, result in (Screening.objects.filter(house_id__in=ids)
                                 .order_by("house_id", "-checked_on", "-id")
                                 .values_list("house_id", "checked_on", "result")):
        latest.setdefault(house_id, {"on": on, "result": result})
    findings: dict[int, list] = {}
    for f in (Finding.objects.filter(house_id__in=ids, status=FindingStatus.OPEN)
              .order_by("due_on", "id")
              .values("house_id", "id", "kind", "rule", "field", "message", "due_on")):
        findings.setdefault(f.pop("house_id"), []).append(f)
    ledger = _ledger_entries(ids)
    codes = {r["division_code"] for r in rows}
    names = names_for(codes | {c[:9] for c in codes})
    out = []
    for r in rows:
        code = r["division_code"]
        house = {k: _number(v) for k, v in r.items() if k != "household__head_name"}
        house.update(
            division_name=f"{names.get(code[:9], '')} {names.get(code, code)}".strip(),
            # Names are shown as the house list shows them; ID and phone numbers never
            # leave the server in a download (they stay masked or out of the phone).
            head_name=r["household__head_name"], storeys=r["floors"],
            screening_result=r["screening_result"] or None,
            latest_screening=latest.get(r["id"]), open_findings=findings.get(r["id"], []),
            ledger_entry=ledger.get(r["id"]))
        out.append(house)
    return out


def _limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    return max(1, min(int(limit), MAX_LIMIT))


def _next_url(since: int, cursor: int, after: str, limit: int) -> str:
    return f"/api/v1/field/houses?since={since}&until={cursor}&after={after}&limit={limit}"


def _full_page(user, after: str | None, limit: int):
    # R-CJ-8a: phones keep standing houses; a demolished one is dropped like a moved one
    houses = scoped(user, House.objects.standing()).order_by("division_code", "id")
    if after:
        code, _, last_id = after.partition(":")
        if not (code.isdigit() and last_id.isdigit()):
            raise Malformed(Code.BAD_AFTER, "after 参数无效，请从第一页重新下载", field="after")
        houses = houses.filter(Q(division_code__gt=code)
                               | Q(division_code=code, id__gt=int(last_id)))
    rows = list(houses.values(*HOUSE_COLUMNS)[:limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    token = f"{rows[-1]['division_code']}:{rows[-1]['id']}" if more else None
    return rows, [], token


def changed_house_ids(user, since: int, cursor: int, anchor) -> set[int]:
    """Houses of the user's scope changed after `since`: in the change sequence, in the
    findings' history (a sweep or a verification changes findings without the house) and in
    the ledger's transitions (a control check elsewhere)."""
    start = anchor - RESEND_WINDOW
    ids = set(scoped(user, FieldChange.objects.filter(
        Q(seq__gt=since) | Q(at__gte=start), seq__lte=cursor)).values_list(
        "house_id", flat=True))
    ids |= set(scoped(user, FindingEvent.objects.filter(at__gte=start),
                      field="finding__division_code").values_list("finding__house_id",
                                                                  flat=True))
    ids |= set(scoped(user, Transition.objects.filter(at__gte=start)).values_list(
        "entry__house_id", flat=True))
    ids.discard(0)
    return ids


def _changed_page(user, since: int, cursor: int, anchor, after: str | None, limit: int):
    if after and not after.isdigit():
        raise Malformed(Code.BAD_AFTER, "after 参数无效，请从第一页重新下载", field="after")
    after_id = int(after or 0)
    ids = sorted(i for i in changed_house_ids(user, since, cursor, anchor) if i > after_id)
    page, more = ids[:limit], len(ids) > limit
    rows = list(scoped(user, House.objects.standing().filter(pk__in=page)).order_by("id")
                .values(*HOUSE_COLUMNS))
    present = {r["id"] for r in rows}
    # Gone from the user's scope (moved to another village, demolished or deleted): the
    # phone drops it.
    removed = [i for i in page if i not in present]
    return rows, removed, str(page[-1]) if more else None


def download(user, *, since: int = 0, until: int | None = None, after: str | None = None,
             limit: int | None = None) -> dict:
    """One page of the houses a phone keeps: all of the user's scope (`since` 0, or a cursor
    the server no longer knows), else those changed after `since`. Follow `next` to the last
    page; every page of one download carries the same `cursor`."""
    limit = _limit(limit)
    latest = current_cursor()
    cursor = until if until is not None and 0 < until <= latest else latest
    since = max(int(since or 0), 0)
    anchor = None
    if since and since <= cursor:
        anchor = (FieldChange.objects.filter(seq__lte=since).order_by("-seq")
                  .values_list("at", flat=True).first())
    full = anchor is None or anchor < timezone.now() - FULL_DOWNLOAD_AFTER
    if full:
        rows, removed, token = _full_page(user, after, limit)
    else:
        rows, removed, token = _changed_page(user, since, cursor, anchor, after, limit)
    return {"cursor": cursor, "full": full, "houses": present_houses(rows) if rows else [],
            "removed": removed,
            "next": _next_url(0 if full else since, cursor, token, limit) if token else None}


# --- the forms ------------------------------------------------------------------------------


def _choices(choices, blank: bool = False) -> list[str]:
    return ([""] if blank else []) + list(choices.values)


def _codes(choices) -> list[dict]:
    return [{"code": value, "name": str(label)} for value, label in choices.choices]


def _titles() -> dict[str, str]:
    """Chinese names of the payload fields, from the records they fill."""
    from anju.appraisal.models import Inspection
    from anju.quality.models import Verification
    from anju.rectification.models import ControlCheck

    titles = {}
    for model in (House, Screening, Inspection, ControlCheck, Verification):
        for f in model._meta.get_fields():
            if getattr(f, "verbose_name", None) and not f.is_relation:
                titles.setdefault(f.name, str(f.verbose_name))
    return titles | {
        "household_id": "农户", "division_code": "所在村", "kind": "项目", "count": "处数",
        "controls": "管控措施", "photo_ids": "照片", "field": "核实字段", "observed": "实地值",
        "reason": "不一致原因", "differences": "不一致项", "confirmed": "核实一致的字段",
        "level": "层级", "note": "说明", "version": "版本",
    }


HOUSE_ENUMS = ((("structure",), _choices(Structure)), (("use",), _choices(Use)),
               (("occupancy",), _choices(Occupancy)),
               (("build_method",), _choices(BuildMethod, blank=True)),
               (("business_sector",), _choices(BusinessSector, blank=True)),
               (("priority_tags", "items"), _choices(PriorityTag)),
               (("land_type",), _choices(LandType, blank=True)),
               (("business_use",), _choices(BusinessUse, blank=True)),
               (("heating_energy",), _choices(Energy, blank=True)),
               (("cooking_energy",), _choices(Energy, blank=True)),
               (("alterations", "items"), _choices(Alteration)))


def form_definitions(user) -> dict:
    """The form of each capture kind as JSON Schema, generated from the commands the web API
    takes as its bodies (rules.ACTS), with the code lists as enums; what only the server can
    check (dates not in the future, a reason for each difference, the ledger's state) stays on
    the server, and its answer names the field."""
    item_kinds = item_kinds_for_user(user)
    enums = {
        "screening": ((("level",), _choices(InspectionLevel)),
                      (("controls", "items"), _choices(ControlKind)),
                      ((ScreeningItem.__name__, "kind"), [k["code"] for k in item_kinds]),
                      ((ScreeningItem.__name__, "level"), _choices(ItemLevel))),
        "inspection": ((("level",), _choices(InspectionLevel)),
                       (("controls", "items"), _choices(ControlKind))),
        "control_check": ((("level",), _choices(CheckLevel)),),
        "verification": (((Difference.__name__, "field"), list(verifiable.VERIFIABLE)),
                         (("confirmed", "items"), list(verifiable.VERIFIABLE))),
        "new_house": HOUSE_ENUMS,
        "house_update": HOUSE_ENUMS,
    }
    titles = _titles()
    kinds = {}
    for kind, act in rules.ACTS.items():
        schema = rules.form_schema(act)
        for path, values in enums[kind]:
            rules.set_enum(schema, path, values)
        rules.set_titles(schema, titles)
        kinds[kind] = {"label": act.label, "capability": act.capability,
                       "allowed": can(user, act.capability), "versioned": act.versioned,
                       "needs_house": "house_id" in act.extra, "schema": schema}
    scope = getattr(user, "scope", "") or ""
    box = county_box(scope) if len(scope) >= 6 else None
    return {
        "kinds": kinds,
        "codes": {
            "screening_item_kinds": item_kinds,
            "item_levels": _codes(ItemLevel),
            "inspection_levels": _codes(InspectionLevel),
            "control_kinds": _codes(ControlKind),
            "check_levels": _codes(CheckLevel),
            "grades": _codes(Grade),
            "screening_results": _codes(ScreeningResult),
            "structures": _codes(Structure), "uses": _codes(Use),
            "occupancies": _codes(Occupancy), "build_methods": _codes(BuildMethod),
            "business_sectors": _codes(BusinessSector), "priority_tags": _codes(PriorityTag),
            "land_types": _codes(LandType), "business_uses": _codes(BusinessUse),
            "energies": _codes(Energy), "alterations": _codes(Alteration),
            "verification_fields": [
                {"field": f.name, "label": f.label, "type": f.type,
                 "choices": _codes(f.choices) if f.choices is not None else None}
                for f in verifiable.VERIFIABLE.values()],
        },
        "photo_max_px": settings.FIELD_PHOTO_MAX_PX,
        "photo_quality": settings.FIELD_PHOTO_QUALITY / 100,
        "photo_max_bytes": settings.MAX_UPLOAD_MB * 1024 * 1024,
        "max_photos": rules.MAX_PHOTOS,
        "county_box": list(box) if box else None,
    }
