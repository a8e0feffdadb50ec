"""The field app's sync API (api.md `/field/...`, ADR 0022): thin routes over the download, the
capture verbs, the photo store and the review of conflicts."""

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.utils.timezone import localtime
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from anju.accounts.access import requires
from anju.evidence.models import Capture
from anju.evidence.present import flags_summary
from anju.field import actions, photos, sync
from anju.field.commands import ResolveConflict, SubmitCapture
from anju.field.models import Photo, Status, Submission, Upload
from anju.field.queries import (
    conflicts_for_user,
    get_conflict_for_user,
    get_submission_for_user,
)
from anju.kit.errors import Code, Malformed
from anju.kit.fields import column_text, free_text
from anju.web.apikit import ERRORS, ErrorDetail, ErrorOut, PageParams, paginate

router = Router(tags=["外业采集"])

# --- download -------------------------------------------------------------------------------


class FieldDownloadParams(Schema):
    since: int = Field(0, ge=0, description="上次下载得到的 cursor；0 或省略为全量下载")
    until: int | None = Field(None, ge=0, description="分页时沿用第一页的 cursor（见 next）")
    after: str | None = Field(None, max_length=40, description="分页位置（见 next）")
    limit: int = Field(sync.DEFAULT_LIMIT, ge=1, le=sync.MAX_LIMIT, description="每页房屋数")


class FieldScreeningBrief(Schema):
    on: date
    result: str


class FieldFindingBrief(Schema):
    id: int
    kind: str
    rule: str
    field: str
    message: str
    due_on: date


class FieldLedgerBrief(Schema):
    id: int
    status: str
    version: int
    next_check_due: date | None
    red_alert: bool
    business_alert: bool = Field(description="发现经营活动（R-CJ-8）")
    priority: bool = Field(description="重点区域（R-CJ-1）")
    signoff_proposed_on: date | None = Field(description="提请销号日期（R-CJ-8a）")
    control_overdue: bool = Field(description="管控措施逾期未落实（R-CJ-2）")
    engineering_overdue: bool = Field(description="工程计划逾期（R-CJ-5）")


class FieldHouseOut(Schema):
    id: int
    version: int
    division_code: str
    division_name: str
    address: str
    household_id: int | None
    head_name: str | None
    grade: str
    screening_result: str | None
    awaiting_appraisal: bool
    occupancy: str
    use: str
    structure: str
    color_steel: bool
    floors: int
    storeys: int
    storey_band: str
    built_year: int | None
    build_year_band: str
    floor_area: float
    lat: float | None
    lng: float | None
    is_only_house: bool
    priority_tags: list[str]
    is_priority: bool
    status: str = Field(description="房屋状态：standing 现存（本机只保存现存房屋）")
    demolished_on: date | None
    replaces_house_id: int | None = Field(description="重建的新房：原（已拆除）房屋的编号")
    latest_screening: FieldScreeningBrief | None
    open_findings: list[FieldFindingBrief]
    ledger_entry: FieldLedgerBrief | None = Field(description="未销号的整治台账记录（管控检查用）")


class FieldHousesOut(Schema):
    cursor: int = Field(description="下次增量下载时作为 since 传回")
    full: bool = Field(description="true：全量（先清空本机房屋再保存）")
    houses: list[FieldHouseOut]
    removed: list[int] = Field(description="已不在本人管辖范围内的房屋，本机应删除")
    next: str | None = Field(description="下一页的地址；为 null 时本次下载结束")


@router.get("/houses", response={200: FieldHousesOut, **ERRORS},
            summary="下载本人管辖范围内的房屋（全量或自 cursor 以来的增量，分页）")
@requires("field.sync")
def download_houses(request, params: Query[FieldDownloadParams]):
    return sync.download(request.user, since=params.since, until=params.until,
                         after=params.after, limit=params.limit)


class FieldFormKindOut(Schema):
    label: str
    capability: str
    allowed: bool = Field(description="本人角色能否提交此类采集")
    versioned: bool = Field(description="是否按 base_version 检查冲突")
    needs_house: bool
    schema_: dict[str, Any] = Field(alias="schema", description="payload 的 JSON Schema")


class FieldFormsOut(Schema):
    kinds: dict[str, FieldFormKindOut]
    codes: dict[str, Any]
    photo_max_px: int
    photo_quality: float
    photo_max_bytes: int
    max_photos: int
    county_box: list[float] | None = Field(description="本人所在县（市）的范围：南、北、西、东")


@router.get("/forms", response={200: FieldFormsOut, **ERRORS}, by_alias=True,
            summary="采集表单定义：与服务器相同的 JSON Schema 和代码表")
@requires("field.sync")
def forms(request):
    return sync.form_definitions(request.user)


# --- captures -------------------------------------------------------------------------------


class FieldErrorOut(ErrorDetail):
    details: list[ErrorDetail] | None = None


class FieldSubmissionOut(Schema):
    id: int
    client_uuid: UUID
    kind: str
    status: str = Field(description="applied、incomplete、conflict 或 rejected")
    result: dict[str, Any] | None
    error: FieldErrorOut | None
    missing_photos: list[str]
    house_id: int | None
    received_at: datetime
    applied_at: datetime | None
    capture_id: int | None = Field(None, description="照片形成的现场取证记录（ADR 0048）")
    flags: list[dict[str, Any]] = Field(
        [], description="未认可的疑点 {code, detail}：gps_inaccurate、far_from_house、"
                        "photo_time_mismatch、gallery_photo、photo_reused")
    accepted_flags: list[dict[str, Any]] = Field(
        [], description="已认可的疑点 {code, detail, reason, accepted_by, accepted_at}")


class FieldRejectedOut(ErrorOut):
    """A refused capture: the error body of api.md, and the stored capture beside it."""

    error: FieldErrorOut
    id: int | None = None
    client_uuid: UUID | None = None
    kind: str | None = None
    status: str | None = None
    result: dict[str, Any] | None = None
    missing_photos: list[str] = []
    house_id: int | None = None
    received_at: datetime | None = None
    applied_at: datetime | None = None
    capture_id: int | None = None
    flags: list[dict[str, Any]] = []
    accepted_flags: list[dict[str, Any]] = []


def answer(submission: Submission) -> dict:
    missing = (actions.missing_photos(submission)
               if submission.status == Status.INCOMPLETE else [])
    capture_id = (submission.result or {}).get("capture_id")
    capture = Capture.objects.filter(pk=capture_id).first() if capture_id else None
    return {**flags_summary(capture), "id": submission.pk, "client_uuid": submission.client_uuid,
            "kind": submission.kind, "status": submission.status,
            "result": submission.result, "error": submission.error,
            "missing_photos": missing, "house_id": submission.house_id,
            "received_at": localtime(submission.received_at),
            "applied_at": localtime(submission.applied_at) if submission.applied_at else None}


SUBMISSION_RESPONSES = {200: FieldSubmissionOut, 201: FieldSubmissionOut, 400: ErrorOut,
                        401: ErrorOut, **dict.fromkeys((403, 404, 409, 422), FieldRejectedOut)}


@router.post("/submissions", response=SUBMISSION_RESPONSES,
             summary="提交一条外业采集（同一 client_uuid 只入库一次，重发得到首次的结果）")
@requires("field.sync")
def submit(request, payload: SubmitCapture):
    submission, status = actions.submit_capture(payload, acting_user=request.user,
                                                origin=request.origin)
    return status, answer(submission)


@router.get("/submissions/{client_uuid}", response={200: FieldSubmissionOut, **ERRORS},
            summary="查询一条采集的处理结果（重新联网后）")
@requires("field.sync")
def get_submission(request, client_uuid: UUID):
    return answer(get_submission_for_user(request.user, client_uuid))


# --- photos ---------------------------------------------------------------------------------


class FieldPhotoOut(Schema):
    sha256: str
    size: int
    content_type: str
    stored: bool
    duplicate: bool


class FieldUploadIn(Schema):
    sha256: column_text(Upload, "sha256", label="照片 SHA-256")
    size: int
    total_parts: int


class FieldUploadStateOut(Schema):
    sha256: str
    size: int | None
    total_parts: int | None
    received_parts: list[int] = Field(description="已收到的分片编号（从 0 起）")
    complete: bool = Field(description="照片已完整保存")
    stored: bool
    duplicate: bool


# Form fields of the upload, each with its own Form marker (ninja sets its default).
PhotoSha256 = Annotated[column_text(Photo, "sha256", label="照片 SHA-256"), Form(...)]
WaitingCapture = Annotated[free_text(36, "采集编号"), Form("")]


@router.post("/photos", response={200: FieldPhotoOut, 201: FieldPhotoOut, **ERRORS},
             summary="上传一张照片（按 SHA-256 只保存一份）")
@requires("field.sync")
def upload_photo(request, file: File[UploadedFile], sha256: PhotoSha256,
                 client_uuid: WaitingCapture = ""):
    photo, duplicate = photos.store_photo(acting_user=request.user, upload=file, sha256=sha256,
                                          origin=request.origin)
    return (200 if duplicate else 201), {
        "sha256": photo.sha256, "size": photo.size, "content_type": photo.content_type,
        "stored": True, "duplicate": duplicate}


@router.post("/photos/uploads",
             response={200: FieldUploadStateOut, 201: FieldUploadStateOut, **ERRORS},
             summary="开始分片上传一张照片（已保存或已开始的照片从原处继续）")
@requires("field.sync")
def open_upload(request, payload: FieldUploadIn):
    state, opened = photos.open_upload(acting_user=request.user, sha256=payload.sha256,
                                       size=payload.size, total_parts=payload.total_parts)
    return (201 if opened else 200), state


class FieldPartParams(Schema):
    total_parts: int | None = Field(None, description="分片总数（首个分片或未开始上传时必填）")
    total: int | None = Field(None, description="同 total_parts")
    size: int | None = Field(None, description="整张照片的字节数")
    client_uuid: str | None = Field(None, description="等待此照片的采集编号（可省略）")


PART_BODY = {"requestBody": {"required": True, "content": {
    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
    "multipart/form-data": {"schema": {"type": "object", "properties": {
        "file": {"type": "string", "format": "binary"},
        "total_parts": {"type": "integer"}, "size": {"type": "integer"}}}}}}}


def _part_content(request) -> tuple[bytes, dict]:
    """The part's bytes: the raw body, or the `file` of a multipart body (Django parses
    multipart bodies of POST only, so a PUT's is parsed here)."""
    if not (request.content_type or "").startswith("multipart/"):
        return request.body, {}
    try:
        fields, files = MultiPartParser(request.META, request, request.upload_handlers,
                                        request.encoding).parse()
    except MultiPartParserError:
        raise Malformed(Code.MALFORMED_MULTIPART, "分片内容无法读取", field="file") from None
    upload = files.get("file")
    if upload is None:
        raise Malformed(Code.FIELD_REQUIRED, "缺少分片文件 file", field="file")
    return upload.read(), fields


def _int(value, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Malformed(Code.INVALID_VALUE, f"字段 {field} 应为整数", field=field) from None


@router.put("/photos/{sha256}/parts/{number}", response={200: FieldUploadStateOut, **ERRORS},
            openapi_extra=PART_BODY,
            summary="上传照片的一个分片（编号从 0 起；最后一个到达时合并、校验并保存）")
@requires("field.sync")
def put_part(request, sha256: str, number: int, params: Query[FieldPartParams]):
    content, fields = _part_content(request)
    total = params.total_parts if params.total_parts is not None else params.total
    total = total if total is not None else _int(fields.get("total_parts"), "total_parts")
    size = params.size if params.size is not None else _int(fields.get("size"), "size")
    return photos.receive_part(acting_user=request.user, sha256=sha256, number=number,
                               content=content, size=size, total_parts=total,
                               origin=request.origin)


@router.get("/photos/{sha256}", response={200: FieldUploadStateOut, **ERRORS},
            summary="照片的上传进度：已保存，或已收到哪些分片（断点续传）")
@requires("field.sync")
def photo_state(request, sha256: str):
    return photos.upload_state(acting_user=request.user, sha256=sha256)


# --- review of conflicts --------------------------------------------------------------------


class FieldConflictOut(FieldSubmissionOut):
    submitted_by: str
    captured_at: datetime
    lat: float | None
    lng: float | None
    accuracy_m: float | None
    base_version: int | None
    house_version: int | None = Field(description="房屋当前的 version")
    division_code: str
    payload: dict[str, Any]
    resolved_by: str | None
    resolved_at: datetime | None
    resolution_note: str


class FieldConflictList(Schema):
    items: list[FieldConflictOut]
    total: int
    page: int
    page_size: int


class FieldConflictFilters(PageParams):
    division: str | None = Field(None, description="区划代码前缀，在管辖范围内进一步筛选")


def present_conflict(submission: Submission) -> dict:
    def number(value):
        return float(value) if value is not None else None

    return answer(submission) | {
        "submitted_by": submission.submitted_by.username,
        "captured_at": localtime(submission.captured_at), "lat": number(submission.lat),
        "lng": number(submission.lng), "accuracy_m": submission.accuracy_m,
        "base_version": (submission.body["payload"].get("version")
                         if submission.kind == "house_update" else submission.base_version),
        "house_version": submission.house.version if submission.house else None,
        "division_code": submission.division_code, "payload": submission.body["payload"],
        "resolved_by": submission.resolved_by.username if submission.resolved_by else None,
        "resolved_at": localtime(submission.resolved_at) if submission.resolved_at else None,
        "resolution_note": submission.resolution_note}


@router.get("/conflicts", response={200: FieldConflictList, **ERRORS},
            summary="待审核的冲突采集（采集后房屋记录已被修改）")
@requires("field.review")
def list_conflicts(request, filters: Query[FieldConflictFilters]):
    queryset = conflicts_for_user(request.user, division=filters.division).select_related(
        "resolved_by")
    return paginate(queryset, filters, present_conflict)


@router.post("/conflicts/{submission_id}/resolve", response={200: FieldConflictOut, **ERRORS},
             summary="审核冲突采集：采用（以采集内容为准入库）或不采用")
@requires("field.review")
def resolve(request, submission_id: int, payload: ResolveConflict):
    submission = get_conflict_for_user(request.user, submission_id)
    actions.resolve_conflict(submission, payload, acting_user=request.user,
                             origin=request.origin)
    return present_conflict(get_conflict_for_user(request.user, submission_id))
