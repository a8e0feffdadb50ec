"""Evidence routes (ADR 0048): send a capture from the house with its photos (each under the
control that took it: `camera` or `gallery`), read it with its receipts and flags, and accept
a flagged one with a reason."""

from datetime import datetime

from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from anju.accounts.access import requires
from anju.evidence import actions
from anju.evidence.commands import AcceptCapture, RecordCapture
from anju.evidence.present import capture_dict
from anju.evidence.queries import get_capture_for_user
from anju.registry.queries import get_house_for_user
from anju.web.apikit import ERRORS

router = Router(tags=["现场取证"])


class PhotoOut(Schema):
    id: int
    attachment_id: int
    url: str
    source: str
    source_label: str
    sha256: str
    received_at: datetime
    taken_at: datetime | None
    dhash: str | None


class FlagOut(Schema):
    kind: str
    label: str
    detail: str
    rule: str
    photo_id: int | None
    other_photo_id: int | None
    other_capture_id: int | None
    raised_at: datetime
    accepted_by: str | None
    accepted_at: datetime | None
    reason: str


class CaptureOut(Schema):
    id: int
    house_id: int
    act: str
    act_label: str
    status: str
    status_label: str
    version: int
    captured_by: str
    captured_at: datetime
    received_at: datetime
    lat: float | None
    lng: float | None
    accuracy_m: float | None
    note: str
    used_for_id: int | None
    accepted_by: str | None
    accepted_at: datetime | None
    acceptance_reason: str
    photos: list[PhotoOut]
    flags: list[FlagOut]


@router.post("/houses/{house_id}/captures", response={201: CaptureOut, **ERRORS},
             summary="现场取证：照片（camera 现场拍摄 / gallery 相册选取）、位置与精度")
@requires("evidence.capture")
def record_capture(request, house_id: int, payload: Form[RecordCapture],
                   camera: File[list[UploadedFile]] = None,
                   gallery: File[list[UploadedFile]] = None):
    house = get_house_for_user(request.user, house_id)
    photos = [(f, "camera") for f in camera or []] + [(f, "gallery") for f in gallery or []]
    capture = actions.record_capture(house, payload, photos=photos, acting_user=request.user,
                                     origin=request.origin)
    return 201, capture_dict(get_capture_for_user(request.user, capture.pk))


@router.get("/captures/{capture_id}", response={200: CaptureOut, **ERRORS},
            summary="取证记录：照片回执（SHA-256、服务器接收时间）、拍摄时间、来源与疑点")
@requires("evidence.view")
def read_capture(request, capture_id: int):
    return capture_dict(get_capture_for_user(request.user, capture_id))


@router.post("/captures/{capture_id}/accept", response={200: CaptureOut, **ERRORS},
             summary="认可有疑点的现场取证（须写明理由）")
@requires("evidence.accept")
def accept_capture(request, capture_id: int, payload: AcceptCapture):
    capture = get_capture_for_user(request.user, capture_id)
    actions.accept_capture(capture, payload, acting_user=request.user, origin=request.origin)
    return capture_dict(get_capture_for_user(request.user, capture_id))
