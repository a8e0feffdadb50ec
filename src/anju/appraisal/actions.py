"""The verbs of investigation and appraisal. Pages, the API and the field app call these."""

from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from anju.accounts.access import check
from anju.appraisal import rules
from anju.appraisal.codes import (
    IMMEDIATE_CONTROLS,
    AppraisalMethod,
    Component,
    ControlKind,
    HazardSource,
    HazardStatus,
    InspectionLevel,
    SiteHazard,
)
from anju.appraisal.models import (
    Appraisal,
    ControlOrder,
    Hazard,
    HazardCounter,
    Inspection,
    Screening,
    ScreeningItemKind,
)
from anju.audit.actions import record as audit
from anju.audit.models import Action
from anju.kit.dates import date_errors
from anju.kit.errors import Code, RuleViolation, ValidationErrors
from anju.kit.events import records_changed
from anju.policy.rules import profile_for
from anju.registry.codes import Grade, ScreeningResult
from anju.registry.models import Attachment, House, RecordEvent

AWAITING = (ScreeningResult.SERIOUS, ScreeningResult.SOME)
NOTE_MAX = 2000


def _raise_if(errors):
    if errors:
        raise ValidationErrors(errors)


def _actor_name(user) -> str:
    return (user.get_full_name() or user.username)[:80]


def _check_level(value, field="level") -> list[RuleViolation]:
    if value not in InspectionLevel.values:
        return [RuleViolation(Code.CHOICE_INVALID, f"检查层级“{value}”不是有效选项", field=field)]
    return []


def _house_photos(house: House, ids, field: str) -> tuple[list[int], list[RuleViolation]]:
    ids = [i for i in (ids or []) if i is not None]
    if not ids:
        return [], []
    found = set(Attachment.objects.filter(house=house, pk__in=ids).values_list("pk", flat=True))
    missing = [i for i in ids if i not in found]
    if missing:
        return [], [RuleViolation(Code.PHOTO_NOT_FOUND, f"照片 {missing[0]} 不是本房屋的附件",
                                  field=field)]
    return ids, []


def known_item_kinds(division_code: str) -> dict[str, str]:
    """The catalogue in force for a division: the national kinds and its regions' own."""
    kinds = {}
    for code, level, region in ScreeningItemKind.objects.values_list("code", "level", "region"):
        if division_code.startswith(region):
            kinds[code] = level
    return kinds


def refresh_house_state(house: House, *, acting_user) -> House:
    """Set the house's grade, screening result and "待鉴定" from its latest records; a change
    is a state transition of the house and is audited."""
    screening = house.screenings.order_by("-checked_on", "-id").first()
    appraisal = house.appraisals.order_by("-appraised_on", "-id").first()
    values = {
        "screening_result": screening.result if screening else "",
        "grade": appraisal.grade if appraisal else Grade.UNRATED,
        # grading.md §1: screened serious/some and not appraised on or after that screening
        "awaiting_appraisal": bool(
            screening and screening.result in AWAITING
            and (appraisal is None or appraisal.appraised_on < screening.checked_on)),
    }
    changed = {k: v for k, v in values.items() if getattr(house, k) != v}
    if changed:
        House.objects.filter(pk=house.pk).update(**changed, version=F("version") + 1,
                                                 updated_at=timezone.now())
        audit(Action.TRANSITION, actor=acting_user, obj=house,
              details={k: [getattr(house, k), v] for k, v in changed.items()})
        for key, value in changed.items():
            setattr(house, key, value)
        house.version += 1
    return house


def _next_hazard_number(county: str, year: int) -> str:
    counter, _ = HazardCounter.objects.select_for_update().get_or_create(county=county, year=year)
    HazardCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db()
    return f"YH{county}{year}{counter.last:05d}"


def _check_controls(controls) -> list[RuleViolation]:
    bad = [c for c in controls if c not in ControlKind.values]
    if bad:
        return [RuleViolation(Code.CHOICE_INVALID, f"管控措施“{bad[0]}”不是有效选项",
                              field="controls", rule="R-CJ-5")]
    return []


def _report_hazard(house: House, *, acting_user, found_on: date, source: str,
                   description: str, controls, screening=None, inspection=None) -> Hazard:
    # R-CJ-2: a number, and control measures in the same action.
    hazard = Hazard.objects.create(
        number=_next_hazard_number(house.division_code[:6], found_on.year), house=house,
        division_code=house.division_code, found_on=found_on, source=source,
        screening=screening, inspection=inspection, description=description[:NOTE_MAX],
        recorded_by=acting_user)
    audit(Action.TRANSITION, actor=acting_user, obj=hazard,
          details={"to": HazardStatus.AWAITING_APPRAISAL, "source": source})
    ControlOrder.objects.bulk_create(
        ControlOrder(hazard=hazard, kind=kind, ordered_on=found_on)
        for kind in dict.fromkeys(controls or IMMEDIATE_CONTROLS))
    RecordEvent.objects.create(
        actor=acting_user, action="hazard_reported", house=house,
        division_code=house.division_code,
        changes={"number": hazard.number, "controls": list(dict.fromkeys(
            controls or IMMEDIATE_CONTROLS))})
    return hazard


@transaction.atomic
def record_inspection(house: House, *, acting_user, data: dict,
                      today: date | None = None) -> Inspection:
    """Record a check of the house at any level; a major hazard is reported at once (R-CJ-2)."""
    check(acting_user, "appraisal.inspect")
    today = today or timezone.localdate()
    errors = _check_level(data.get("level"))
    errors += date_errors(data.get("inspected_on"), "inspected_on", "检查日期", today)
    findings = (data.get("findings") or "").strip()
    if len(findings) > NOTE_MAX:
        errors.append(RuleViolation(Code.TEXT_TOO_LONG, f"发现情况不能超过 {NOTE_MAX} 字",
                                    field="findings"))
    if data.get("major_hazard") and not findings:
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "发现重大安全隐患时应写明隐患情况",
                                    field="findings", rule="R-CJ-2"))
    errors += _check_controls(data.get("controls") or [])
    photos, photo_errors = _house_photos(house, data.get("photo_ids"), "photo_ids")
    _raise_if(errors + photo_errors)
    inspection = Inspection.objects.create(
        house=house, division_code=house.division_code, level=data["level"],
        inspected_on=data["inspected_on"],
        inspector=(data.get("inspector") or "").strip()[:80] or _actor_name(acting_user),
        findings=findings, major_hazard=bool(data.get("major_hazard")),
        recorded_by=acting_user)
    inspection.photos.set(photos)
    RecordEvent.objects.create(
        actor=acting_user, action="inspection_recorded", house=house,
        division_code=house.division_code,
        changes={"inspection": inspection.pk, "level": inspection.level,
                 "inspected_on": str(inspection.inspected_on),
                 "major_hazard": inspection.major_hazard})
    if inspection.major_hazard:
        _report_hazard(house, acting_user=acting_user, found_on=inspection.inspected_on,
                       source=HazardSource.INSPECTION, description=findings,
                       controls=data.get("controls"), inspection=inspection)
    records_changed(houses=[house.pk])
    return inspection


@transaction.atomic
def record_screening(house: House, *, acting_user, data: dict,
                     today: date | None = None) -> Screening:
    """Screen the house (grading.md §2). A serious result reports a hazard and orders control
    measures in the same transaction (R-CJ-2)."""
    check(acting_user, "appraisal.inspect")
    today = today or timezone.localdate()
    items = data.get("items") or []
    errors = _check_level(data.get("level") or InspectionLevel.VILLAGE)
    errors += date_errors(data.get("checked_on"), "checked_on", "排查日期", today)
    errors += rules.check_screening_items(items, known_item_kinds(house.division_code))
    errors += _check_controls(data.get("controls") or [])
    _raise_if(errors)
    items = [{"kind": i["kind"], "level": i["level"], "count": i.get("count", 1),
              "note": (i.get("note") or "").strip()[:200]} for i in items]
    altered = bool(data.get("altered_without_design"))
    result = rules.screening_result(
        [rules.Item(i["kind"], i["level"], i["count"]) for i in items],
        altered_without_design=altered)
    screening = Screening.objects.create(
        house=house, division_code=house.division_code, checked_on=data["checked_on"],
        level=data.get("level") or InspectionLevel.VILLAGE,
        inspector=(data.get("inspector") or "").strip()[:80] or _actor_name(acting_user),
        items=items, altered_without_design=altered, result=result,
        note=(data.get("note") or "").strip()[:NOTE_MAX], recorded_by=acting_user)
    RecordEvent.objects.create(
        actor=acting_user, action="screening_recorded", house=house,
        division_code=house.division_code,
        changes={"screening": screening.pk, "result": result,
                 "checked_on": str(screening.checked_on)})
    if result == ScreeningResult.SERIOUS:
        names = dict(ScreeningItemKind.objects.filter(
            code__in=[i["kind"] for i in items]).values_list("code", "name"))
        described = "；".join(names[i["kind"]] + (f"（{i['note']}）" if i["note"] else "")
                             for i in items) or "擅自改扩建"
        screening.hazard = _report_hazard(
            house, acting_user=acting_user, found_on=screening.checked_on,
            source=HazardSource.SCREENING, description=f"排查初判存在严重安全隐患：{described}",
            controls=data.get("controls"), screening=screening)
    refresh_house_state(house, acting_user=acting_user)
    records_changed(houses=[house.pk])
    return screening


def _appraisal_photos(house: House, data: dict) -> tuple[dict, list[RuleViolation]]:
    photos, errors = {}, []
    given = data.get("component_photos") or {}
    for component, ids in given.items():
        if component not in Component.values:
            errors.append(RuleViolation(
                Code.COMPONENT_UNKNOWN, f"构件“{component}”不是鉴定导则中的构件",
                field=f"component_photos.{component}"))
            continue
        found, bad = _house_photos(house, ids, f"component_photos.{component}")
        errors += bad
        if found:
            photos[component] = found
    return photos, errors


@transaction.atomic
def record_appraisal(house: House, *, acting_user, data: dict,
                     today: date | None = None) -> Appraisal:
    """Appraise the house (grading.md §3). Re-appraisal adds a record; none is rewritten."""
    check(acting_user, "appraisal.appraise")
    today = today or timezone.localdate()
    appraised_on = data.get("appraised_on")
    errors = date_errors(appraised_on, "appraised_on", "鉴定日期", today)
    if not (data.get("appraiser") or "").strip():
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "鉴定人不能为空", field="appraiser"))
    profile = profile_for(house.division_code, appraised_on if isinstance(appraised_on, date)
                          else today)
    errors += rules.check_appraisal(data, floors=house.floors,
                                    seismic_intensity=profile.seismic_intensity)
    photos, photo_errors = _appraisal_photos(house, data)
    errors += photo_errors
    urban = data.get("urban_report")
    report_file = None
    if urban and urban.get("file_id") is not None:
        found, bad = _house_photos(house, [urban["file_id"]], "urban_report.file_id")
        errors += bad
        report_file = found[0] if found else None
    _raise_if(errors)
    override_reason = (data.get("override_reason") or "").strip()[:NOTE_MAX]
    if rules.needs_urban_appraisal(house.floors):
        values = {"method": AppraisalMethod.URBAN, "site": SiteHazard.SAFE, "components": {},
                  "computed_grade": "", "grade": urban["grade"],
                  "institution": urban["institution"].strip()[:120],
                  "report_no": urban["report_no"].strip()[:60], "report_file_id": report_file}
    else:
        computed = rules.computed_grade(data["site"], data.get("components") or {})
        grade = rules.recorded_grade(computed, data.get("grade"), override_reason,
                                     site=data["site"])
        values = {"method": AppraisalMethod.RURAL, "site": data["site"],
                  "components": {c: data["components"][c] for c in Component.values
                                 if (data.get("components") or {}).get(c)},
                  "seismic": data.get("seismic") or {}, "prevention": data["prevention"],
                  "computed_grade": computed, "grade": grade,
                  "override_reason": override_reason if grade != computed else ""}
    appraisal = Appraisal.objects.create(
        house=house, division_code=house.division_code, appraised_on=appraised_on,
        appraiser=data["appraiser"].strip()[:80],
        organization=(data.get("organization") or "").strip()[:120],
        component_photos=photos, recorded_by=acting_user, **values)
    before = house.grade
    refresh_house_state(house, acting_user=acting_user)
    for hazard in Hazard.objects.filter(house=house, status=HazardStatus.AWAITING_APPRAISAL,
                                        found_on__lte=appraised_on):
        Hazard.objects.filter(pk=hazard.pk, status=HazardStatus.AWAITING_APPRAISAL).update(
            status=HazardStatus.APPRAISED, appraisal=appraisal)
        audit(Action.TRANSITION, actor=acting_user, obj=hazard,
              details={"from": HazardStatus.AWAITING_APPRAISAL, "to": HazardStatus.APPRAISED,
                       "appraisal": appraisal.pk})
    RecordEvent.objects.create(
        actor=acting_user, action="appraisal_recorded", house=house,
        division_code=house.division_code,
        changes={"appraisal": appraisal.pk, "grade": appraisal.grade,
                 "computed_grade": appraisal.computed_grade, "house_grade": [before, house.grade]})
    # R-CJ-4: a C/D house goes onto the ledger in this transaction
    records_changed(houses=[house.pk], appraisals=[appraisal])
    return appraisal
