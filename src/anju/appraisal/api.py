"""Inspections, screenings and appraisals of a house over HTTP (api.md); each act's body is
its command (commands.py)."""

from datetime import date, datetime

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.timezone import localtime
from ninja import Field, Query, Router, Schema

from anju.accounts.access import requires
from anju.appraisal import actions
from anju.appraisal.commands import RecordAppraisal, RecordInspection, RecordScreening
from anju.appraisal.models import Appraisal, Hazard, Inspection, Screening
from anju.appraisal.queries import due_on, inspections_due_page, item_kinds_for_user
from anju.evidence.models import Act as EvidenceAct
from anju.evidence.models import Capture
from anju.evidence.present import flags_summary
from anju.policy.rules import profile_resolver
from anju.registry.queries import get_house_for_user
from anju.web.apikit import ERRORS, Out, PageParams

house_records = Router(tags=["排查与鉴定"])
catalogue = Router(tags=["排查与鉴定"])
inspection_lists = Router(tags=["排查与鉴定"])


class ControlOut(Schema):
    kind: str
    ordered_on: date


class HazardOut(Schema):
    id: int
    number: str
    found_on: date
    source: str
    status: str
    description: str
    controls: list[ControlOut]


class ItemOut(Schema):
    kind: str
    level: str
    count: int
    note: str


class ScreeningOut(Schema):
    id: int
    house_id: int
    checked_on: date
    level: str
    inspector: str
    items: list[ItemOut]
    altered_without_design: bool
    result: str
    note: str
    hazard: HazardOut | None
    recorded_at: datetime


class UrbanReportOut(Schema):
    institution: str
    report_no: str
    grade: str
    file_id: int | None


class AppraisalOut(Schema):
    id: int
    house_id: int
    method: str
    appraised_on: date
    appraiser: str
    organization: str
    site: str
    components: dict[str, str]
    seismic: dict[str, bool]
    prevention: str
    computed_grade: str | None
    grade: str
    override_reason: str
    urban_report: UrbanReportOut | None
    component_photos: dict[str, list[int]]
    recorded_at: datetime


class InspectionOut(Schema):
    id: int
    house_id: int
    level: str
    inspected_on: date
    inspector: str
    findings: str
    major_hazard: bool
    business_in_use: bool
    suspected_dangerous: bool
    photo_ids: list[int]
    hazard: HazardOut | None
    recorded_at: datetime
    capture_id: int | None = Field(None, description="抽查所依据的现场取证")
    flags: list[dict] = Field([], description="现场取证的疑点 [{code, detail}]，未认可的")
    accepted_flags: list[dict] = Field([], description="已认可的疑点，含认可人和理由")


class ItemKindOut(Schema):
    code: str
    level: str
    name: str


def present_hazard(hazard: Hazard | None) -> dict | None:
    if hazard is None:
        return None
    return {"id": hazard.pk, "number": hazard.number, "found_on": hazard.found_on,
            "source": hazard.source, "status": hazard.status,
            "description": hazard.description,
            "controls": [{"kind": c.kind, "ordered_on": c.ordered_on}
                         for c in hazard.controls.all()]}


def present_screening(screening: Screening) -> dict:
    return {"id": screening.pk, "house_id": screening.house_id,
            "checked_on": screening.checked_on, "level": screening.level,
            "inspector": screening.inspector, "items": screening.items,
            "altered_without_design": screening.altered_without_design,
            "result": screening.result, "note": screening.note,
            "hazard": present_hazard(next(iter(screening.hazards.all()), None)),
            "recorded_at": localtime(screening.recorded_at)}


def present_appraisal(appraisal: Appraisal) -> dict:
    urban = None
    if appraisal.method == "urban":
        urban = {"institution": appraisal.institution, "report_no": appraisal.report_no,
                 "grade": appraisal.grade, "file_id": appraisal.report_file_id}
    return {"id": appraisal.pk, "house_id": appraisal.house_id, "method": appraisal.method,
            "appraised_on": appraisal.appraised_on, "appraiser": appraisal.appraiser,
            "organization": appraisal.organization, "site": appraisal.site,
            "components": appraisal.components, "seismic": appraisal.seismic,
            "prevention": appraisal.prevention,
            "computed_grade": appraisal.computed_grade or None, "grade": appraisal.grade,
            "override_reason": appraisal.override_reason, "urban_report": urban,
            "component_photos": appraisal.component_photos,
            "recorded_at": localtime(appraisal.recorded_at)}


def spot_check_captures(inspections) -> dict[int, Capture]:
    """The capture each spot check rests on (R-CJ-3), by inspection id, in one query."""
    ids = [i.pk for i in inspections if i.level == "spot_check"]
    if not ids:
        return {}
    return {c.used_for_id: c for c in Capture.objects.filter(
        act=EvidenceAct.SPOT_CHECK, used_for_id__in=ids)}


def present_inspection(inspection: Inspection, capture: Capture | None = None) -> dict:
    evidence = flags_summary(capture)
    return {"capture_id": evidence["capture_id"], "flags": evidence["flags"],
            "accepted_flags": evidence["accepted_flags"],
            "id": inspection.pk, "house_id": inspection.house_id, "level": inspection.level,
            "inspected_on": inspection.inspected_on, "inspector": inspection.inspector,
            "findings": inspection.findings, "major_hazard": inspection.major_hazard,
            "business_in_use": inspection.business_in_use,
            "suspected_dangerous": inspection.suspected_dangerous,
            "photo_ids": [p.pk for p in inspection.photos.all()],
            "hazard": present_hazard(next(iter(inspection.hazards.all()), None)),
            "recorded_at": localtime(inspection.recorded_at)}


@house_records.post("/{house_id}/screenings", response={201: ScreeningOut, **ERRORS},
                    summary="记录排查初判（严重隐患即时管控）")
@requires("appraisal.inspect")
def create_screening(request, house_id: int, payload: RecordScreening):
    house = get_house_for_user(request.user, house_id)
    screening = actions.record_screening(house, payload, acting_user=request.user,
                                         origin=request.origin)
    return 201, present_screening(screening)


@house_records.get("/{house_id}/screenings", response={200: list[ScreeningOut], **ERRORS},
                   summary="房屋的排查初判记录（新的在前）")
@requires("registry.view")
def list_screenings(request, house_id: int):
    house = get_house_for_user(request.user, house_id)
    screenings = house.screenings.prefetch_related("hazards__controls")
    return [present_screening(s) for s in screenings]


@house_records.post("/{house_id}/appraisals", response={201: AppraisalOut, **ERRORS},
                    summary="录入安全性鉴定（重新鉴定新增一条，不改写历史）")
@requires("appraisal.appraise")
def create_appraisal(request, house_id: int, payload: RecordAppraisal):
    house = get_house_for_user(request.user, house_id)
    appraisal = actions.record_appraisal(house, payload, acting_user=request.user,
                                         origin=request.origin)
    return 201, present_appraisal(appraisal)


@house_records.get("/{house_id}/appraisals", response={200: list[AppraisalOut], **ERRORS},
                   summary="房屋的鉴定记录（新的在前）")
@requires("registry.view")
def list_appraisals(request, house_id: int):
    house = get_house_for_user(request.user, house_id)
    return [present_appraisal(a) for a in house.appraisals.all()]


@house_records.post("/{house_id}/inspections", response={201: InspectionOut, **ERRORS},
                    summary="记录各级检查（发现重大隐患即时管控）")
@requires("appraisal.inspect")
def create_inspection(request, house_id: int, payload: RecordInspection):
    house = get_house_for_user(request.user, house_id)
    inspection = actions.record_inspection(house, payload, acting_user=request.user,
                                           origin=request.origin)
    return 201, present_inspection(inspection,
                                   spot_check_captures([inspection]).get(inspection.pk))


@house_records.get("/{house_id}/inspections", response={200: list[InspectionOut], **ERRORS},
                   summary="房屋的各级检查记录（新的在前）")
@requires("registry.view")
def list_inspections(request, house_id: int):
    house = get_house_for_user(request.user, house_id)
    inspections = list(house.inspections.prefetch_related("photos", "hazards__controls"))
    captures = spot_check_captures(inspections)
    return [present_inspection(i, captures.get(i.pk)) for i in inspections]


@catalogue.get("/item-kinds", response={200: list[ItemKindOut], **ERRORS},
               summary="排查项目目录（grading.md §2）")
@requires("registry.view")
def list_item_kinds(request, division: str | None = None):
    return list(item_kinds_for_user(request.user, division))


class DueOut(Out):
    house_id: int
    household_id: int
    division_code: str
    address: str
    last_inspected_on: date | None
    due_on: date


class DueList(Out):
    items: list[DueOut]
    total: int
    page: int
    page_size: int


class DueFilters(PageParams):
    division: str | None = Field(None, description="区划代码前缀，在管辖范围内进一步筛选")


def present_due(today):
    resolve = profile_resolver(today)

    def present(house) -> dict:
        return {"house_id": house.pk, "household_id": house.household_id,
                "division_code": house.division_code, "address": house.address,
                "last_inspected_on": house.last_inspected_on,
                "due_on": due_on(house, today, resolve)}
    return present


@inspection_lists.get("/due", response={200: DueList, **ERRORS},
                      summary="定期巡检到期清单（低收入群体房屋，R-MH-14）")
@requires("registry.view")
def list_inspections_due(request, filters: Query[DueFilters]):
    today = timezone.localdate()
    total, rows = inspections_due_page(request.user, division=filters.division,
                                       page=filters.page, page_size=filters.page_size,
                                       today=today)
    present = present_due(today)
    return {"items": [present(h) for h in rows], "total": total, "page": filters.page,
            "page_size": filters.page_size}


def _due_file(request, division: str | None, fmt: str):
    from anju.appraisal.exports import due_export

    name, content_type, chunks = due_export(request.user, division, fmt, origin=request.origin)
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "private, no-store"
    return response


@inspection_lists.get("/due.xlsx", response={200: None, **ERRORS},
                      summary="定期巡检到期清单 Excel（R-MH-14）")
@requires("registry.view")
def due_xlsx(request, division: str | None = None):
    return _due_file(request, division, "xlsx")


@inspection_lists.get("/due.csv", response={200: None, **ERRORS},
                      summary="定期巡检到期清单 CSV（R-MH-14）")
@requires("registry.view")
def due_csv(request, division: str | None = None):
    return _due_file(request, division, "csv")
