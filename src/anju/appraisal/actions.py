"""The verbs of investigation and appraisal. Pages, the API and the field app call these, each
with its act's command (commands.py), `acting_user` and `origin` by keyword."""

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
from anju.appraisal.commands import NOTE_MAX, RecordAppraisal, RecordInspection, RecordScreening
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
from anju.evidence import actions as evidence
from anju.evidence.models import Act as EvidenceAct
from anju.kit.dates import date_errors
from anju.kit.errors import Code, RuleViolation, raise_if
from anju.kit.events import INSPECTION, HouseChecked, records_changed
from anju.kit.origin import Origin
from anju.policy.rules import profile_for
from anju.registry.codes import Grade, ScreeningResult
from anju.registry.models import Attachment, House, RecordEvent

AWAITING = (ScreeningResult.SERIOUS, ScreeningResult.SOME)


def _actor_name(user) -> str:
    return (user.get_full_name() or user.username)[:80]


def _check_level(value, field="level") -> list[RuleViolation]:
    if value not in InspectionLevel.values:
        return [RuleViolation(Code.CHOICE_INVALID, f"检查层级“{value}”不是有效选项", field=field)]
    return []


def _house_photos(house: House, ids: list[int],
                  field: str) -> tuple[list[int], list[RuleViolation]]:
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


def refresh_house_state(house: House, *, acting_user, origin: Origin | None = None) -> House:
    """Set the house's grade, screening result and "待鉴定" from its latest records; a change
    is a state transition of the house and is audited."""
    screening = house.screenings.order_by("-checked_on", "-id").first()
    appraisal = house.appraisals.order_by("-appraised_on", "-id").first()
    suspected = (house.inspections.filter(suspected_dangerous=True).order_by("-inspected_on")
                 .values_list("inspected_on", flat=True).first())
    values = {
        "screening_result": screening.result if screening else "",
        "grade": appraisal.grade if appraisal else Grade.UNRATED,
        # grading.md §1: screened serious/some and not appraised on or after that screening;
        # R-MH-14: or found 疑似危房 on an inspection and not appraised on or after it.
        "awaiting_appraisal": bool(
            screening and screening.result in AWAITING
            and (appraisal is None or appraisal.appraised_on < screening.checked_on))
        or bool(suspected and (appraisal is None or appraisal.appraised_on < suspected)),
    }
    changed = {k: v for k, v in values.items() if getattr(house, k) != v}
    if changed:
        House.objects.filter(pk=house.pk).update(**changed, version=F("version") + 1,
                                                 updated_at=timezone.now())
        audit(Action.TRANSITION, actor=acting_user, obj=house, origin=origin,
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


def _report_hazard(house: House, *, acting_user, origin: Origin | None, found_on: date,
                   source: str, description: str, controls: list[str] | None,
                   screening=None, inspection=None) -> Hazard:
    # R-CJ-2: a number, and control measures in the same action.
    hazard = Hazard.objects.create(
        number=_next_hazard_number(house.division_code[:6], found_on.year), house=house,
        division_code=house.division_code, found_on=found_on, source=source,
        screening=screening, inspection=inspection, description=description[:NOTE_MAX],
        recorded_by=acting_user)
    audit(Action.TRANSITION, actor=acting_user, obj=hazard, origin=origin,
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
def record_inspection(house: House, cmd: RecordInspection, *, acting_user,
                      origin: Origin | None = None, today: date | None = None) -> Inspection:
    """Record a check of the house at any level; a major hazard is reported at once (R-CJ-2).
    A spot check (抽查, R-CJ-3 "面对面") rests on a capture of the house (ADR 0048)."""
    check(acting_user, "appraisal.inspect")
    today = today or timezone.localdate()
    errors = _check_level(cmd.level)
    errors += date_errors(cmd.inspected_on, "inspected_on", "检查日期", today)
    findings = cmd.findings.strip()
    if cmd.major_hazard and not findings:
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "发现重大安全隐患时应写明隐患情况",
                                    field="findings", rule="R-CJ-2"))
    if cmd.suspected_dangerous and not findings:
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "发现疑似危房时应写明发现情况",
                                    field="findings", rule="R-MH-14"))
    errors += _check_controls(cmd.controls or [])
    photos, photo_errors = _house_photos(house, cmd.photo_ids, "photo_ids")
    raise_if(errors + photo_errors)
    # R-CJ-3 抽查 on site: no capture, or one with a flag left unaccepted, is refused
    capture = None
    if cmd.level == InspectionLevel.SPOT_CHECK:
        capture = evidence.presence_capture(cmd.evidence_id, house=house,
                                            act=EvidenceAct.SPOT_CHECK, acting_user=acting_user,
                                            on=cmd.inspected_on)
        photos = list(dict.fromkeys([*photos, *(p.pk for p in evidence.photos_of(capture))]))
    inspection = Inspection.objects.create(
        house=house, division_code=house.division_code, level=cmd.level,
        inspected_on=cmd.inspected_on,
        inspector=cmd.inspector.strip() or _actor_name(acting_user),
        findings=findings, major_hazard=cmd.major_hazard,
        business_in_use=cmd.business_in_use, suspected_dangerous=cmd.suspected_dangerous,
        recorded_by=acting_user)
    inspection.photos.set(photos)
    if capture is not None:
        evidence.use_capture(capture, inspection.pk)
    RecordEvent.objects.create(
        actor=acting_user, action="inspection_recorded", house=house,
        division_code=house.division_code,
        changes={"inspection": inspection.pk, "level": inspection.level,
                 "inspected_on": str(inspection.inspected_on),
                 "major_hazard": inspection.major_hazard,
                 "business_in_use": inspection.business_in_use,
                 "suspected_dangerous": inspection.suspected_dangerous})
    if inspection.suspected_dangerous:
        # R-MH-14: the house is marked for appraisal (待鉴定); a C/D grade puts it on the ledger.
        refresh_house_state(house, acting_user=acting_user, origin=origin)
    if inspection.major_hazard:
        _report_hazard(house, acting_user=acting_user, origin=origin,
                       found_on=inspection.inspected_on, source=HazardSource.INSPECTION,
                       description=findings, controls=cmd.controls, inspection=inspection)
    # R-CJ-7: an inspection is a visit too; the villagers' leads about the house close on it
    records_changed(houses=[house.pk], checks=[HouseChecked(
        INSPECTION, inspection.pk, house.pk, inspection.inspected_on, inspection.level,
        actor=acting_user)])
    return inspection


@transaction.atomic
def record_screening(house: House, cmd: RecordScreening, *, acting_user,
                     origin: Origin | None = None, today: date | None = None) -> Screening:
    """Screen the house (grading.md §2). A serious result reports a hazard and orders control
    measures in the same transaction (R-CJ-2)."""
    check(acting_user, "appraisal.inspect")
    today = today or timezone.localdate()
    level = cmd.level or InspectionLevel.VILLAGE
    errors = _check_level(level)
    errors += date_errors(cmd.checked_on, "checked_on", "排查日期", today)
    errors += rules.check_screening_items(cmd.items, known_item_kinds(house.division_code))
    errors += _check_controls(cmd.controls or [])
    raise_if(errors)
    items = [{"kind": i.kind, "level": i.level, "count": i.count, "note": i.note.strip()}
             for i in cmd.items]
    result = rules.screening_result(
        [rules.Item(i["kind"], i["level"], i["count"]) for i in items],
        altered_without_design=cmd.altered_without_design)
    screening = Screening.objects.create(
        house=house, division_code=house.division_code, checked_on=cmd.checked_on,
        level=level, inspector=cmd.inspector.strip() or _actor_name(acting_user),
        items=items, altered_without_design=cmd.altered_without_design, result=result,
        note=cmd.note.strip(), recorded_by=acting_user)
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
            house, acting_user=acting_user, origin=origin, found_on=screening.checked_on,
            source=HazardSource.SCREENING, description=f"排查初判存在严重安全隐患：{described}",
            controls=cmd.controls, screening=screening)
    refresh_house_state(house, acting_user=acting_user, origin=origin)
    records_changed(houses=[house.pk])
    return screening


def _appraisal_photos(house: House, given: dict[str, list[int]]) -> tuple[dict, list]:
    photos, errors = {}, []
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
def record_appraisal(house: House, cmd: RecordAppraisal, *, acting_user,
                     origin: Origin | None = None, today: date | None = None) -> Appraisal:
    """Appraise the house (grading.md §3). Re-appraisal adds a record; none is rewritten."""
    check(acting_user, "appraisal.appraise")
    today = today or timezone.localdate()
    appraised_on = cmd.appraised_on
    errors = date_errors(appraised_on, "appraised_on", "鉴定日期", today)
    if not cmd.appraiser.strip():
        errors.append(RuleViolation(Code.FIELD_REQUIRED, "鉴定人不能为空", field="appraiser"))
    profile = profile_for(house.division_code, appraised_on)
    errors += rules.check_appraisal(cmd, floors=house.floors,
                                    seismic_intensity=profile.seismic_intensity)
    photos, photo_errors = _appraisal_photos(house, cmd.component_photos or {})
    errors += photo_errors
    urban = cmd.urban_report
    report_file = None
    if urban and urban.file_id is not None:
        found, bad = _house_photos(house, [urban.file_id], "urban_report.file_id")
        errors += bad
        report_file = found[0] if found else None
    raise_if(errors)
    override_reason = cmd.override_reason.strip()
    if rules.needs_urban_appraisal(house.floors):
        values = {"method": AppraisalMethod.URBAN, "site": SiteHazard.SAFE, "components": {},
                  "computed_grade": "", "grade": urban.grade,
                  "institution": urban.institution.strip(),
                  "report_no": urban.report_no.strip(), "report_file_id": report_file}
    else:
        given = cmd.components or {}
        computed = rules.computed_grade(cmd.site, given)
        grade = rules.recorded_grade(computed, cmd.grade, override_reason, site=cmd.site)
        values = {"method": AppraisalMethod.RURAL, "site": cmd.site,
                  "components": {c: given[c] for c in Component.values if given.get(c)},
                  "seismic": cmd.seismic or {}, "prevention": cmd.prevention,
                  "computed_grade": computed, "grade": grade,
                  "override_reason": override_reason if grade != computed else ""}
    appraisal = Appraisal.objects.create(
        house=house, division_code=house.division_code, appraised_on=appraised_on,
        appraiser=cmd.appraiser.strip(), organization=cmd.organization.strip(),
        component_photos=photos, recorded_by=acting_user, **values)
    before = house.grade
    refresh_house_state(house, acting_user=acting_user, origin=origin)
    for hazard in Hazard.objects.filter(house=house, status=HazardStatus.AWAITING_APPRAISAL,
                                        found_on__lte=appraised_on):
        Hazard.objects.filter(pk=hazard.pk, status=HazardStatus.AWAITING_APPRAISAL).update(
            status=HazardStatus.APPRAISED, appraisal=appraisal)
        audit(Action.TRANSITION, actor=acting_user, obj=hazard, origin=origin,
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
