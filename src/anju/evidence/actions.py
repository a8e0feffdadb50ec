"""The evidence verbs (ADR 0048): record a capture with its photos and raise its flags;
accept a flagged capture with a reason; and the gate the presence acts (stage inspection,
completion acceptance, rectification acceptance) pass before they are recorded."""

from django.db import transaction
from django.utils import timezone

from anju.accounts.access import check
from anju.audit.actions import record as audit
from anju.audit.models import Action as AuditAction
from anju.evidence import pictures, rules
from anju.evidence.commands import AcceptCapture, RecordCapture
from anju.evidence.models import (
    PRESENCE_ACTS,
    Act,
    Capture,
    CapturePhoto,
    Flag,
    Source,
    Status,
    Transition,
)
from anju.evidence.queries import get_capture_for_user, near_photos
from anju.kit.errors import Code, Conflict, RuleViolation, version_conflict
from anju.kit.origin import Origin
from anju.policy.rules import profile_for
from anju.registry.actions import attach_file
from anju.registry.commands import AttachFile
from anju.registry.models import Attachment, House

MAX_PHOTOS = 20


def record_capture(house: House, cmd: RecordCapture, *, photos, acting_user,
                   origin: Origin | None = None) -> Capture:
    """Keep one visit's evidence: the photos go on the house's file (一户一档) with their
    receipts, and the rules' flags are raised. `photos` is [(upload, source)] with source
    "camera" or "gallery", the control that took it; an upload may be a photo already on the
    house's file (an Attachment: the field app puts each photo there once)."""
    check(acting_user, "evidence.capture")
    photos = [(u, s) for u, s in photos if u is not None]
    if not photos:
        raise RuleViolation(Code.PHOTOS_REQUIRED, "现场取证须拍照留存", field="photos",
                            rule="R-MH-9")
    if len(photos) > MAX_PHOTOS:
        raise RuleViolation(Code.INVALID_VALUE, f"每次取证最多 {MAX_PHOTOS} 张照片",
                            field="photos")
    if cmd.lat is None != cmd.lng is None:
        raise RuleViolation(Code.COORDINATES_INCOMPLETE, "经纬度须同时填写", field="lat")
    now = timezone.now()
    captured_at = cmd.captured_at or now
    if timezone.is_naive(captured_at):
        captured_at = timezone.make_aware(captured_at)
    profile = profile_for(house.division_code, timezone.localdate())
    with transaction.atomic():
        capture = Capture.objects.create(
            division_code=house.division_code, house=house, act=cmd.act,
            captured_by=acting_user, captured_at=captured_at, lat=rules.degrees(cmd.lat),
            lng=rules.degrees(cmd.lng), accuracy_m=cmd.accuracy_m, note=cmd.note.strip(),
            received_at=now)
        found = [rules.accuracy_flag(capture.lat, cmd.accuracy_m, profile),
                 rules.distance_flag(capture.lat, capture.lng, house.lat, house.lng, profile)]
        flags = [Flag(capture=capture, kind=f.kind, detail=f.detail, rule=f.rule, raised_at=now)
                 for f in found if f is not None]
        for number, (upload, source) in enumerate(photos, 1):
            if source not in Source.values:
                raise RuleViolation(Code.CHOICE_INVALID, "照片来源应为 camera 或 gallery",
                                    field="photos")
            photo = _keep_photo(capture, house, upload, source, number, acting_user, origin)
            flags += [Flag(capture=capture, photo=photo, kind=f.kind,
                           detail=f"第 {number} 张：{f.detail}", rule=f.rule,
                           other_id=f.other_id, raised_at=now)
                      for f in _photo_flags(photo, capture, profile) if f is not None]
        Flag.objects.bulk_create(flags)
        capture.status = Status.FLAGGED if flags else Status.CLEAR
        capture.save(update_fields=["status"])
        Transition.objects.create(capture=capture, action="record", to_status=capture.status,
                                  actor=acting_user, at=now)
        audit(AuditAction.TRANSITION, actor=acting_user, obj=capture, origin=origin,
              division_code=capture.division_code,
              details={"action": "record_capture", "act": cmd.act, "status": capture.status,
                       "flags": sorted({f.kind for f in flags}), "photos": len(photos)})
    return capture


def _keep_photo(capture: Capture, house: House, upload, source: str, number: int,
                acting_user, origin) -> CapturePhoto:
    if isinstance(upload, Attachment):
        if upload.house_id != house.pk:
            raise RuleViolation(Code.PHOTO_NOT_FOUND, f"第 {number} 张照片不是本房屋的附件",
                                field="photos")
        attachment = upload
        with attachment.file.open("rb") as stream:
            image = pictures.read_image(stream)
    else:
        attachment = attach_file(house, AttachFile(
            kind="photo", title=f"{Act(capture.act).label}现场照片 {number}"[:100]),
            upload=upload, acting_user=acting_user, origin=origin)
        image = pictures.read_image(upload)
    if image is None:
        raise RuleViolation(Code.FILE_TYPE_INVALID, f"第 {number} 张照片无法读取",
                            field="photos")
    value = pictures.signed(pictures.dhash(image))
    band = pictures.bands(value)
    taken = pictures.taken_at(image)
    return CapturePhoto.objects.create(
        capture=capture, attachment=attachment, house_id=house.pk, source=source,
        sha256=attachment.sha256, received_at=attachment.uploaded_at,
        taken_at=timezone.make_aware(taken) if taken is not None else None, dhash=value,
        band0=band[0], band1=band[1], band2=band[2], band3=band[3])


def _photo_flags(photo: CapturePhoto, capture: Capture, profile):
    yield rules.gallery_flag(photo.source)
    yield rules.photo_time_flag(photo.taken_at, capture.captured_at, profile)
    # the nearest earlier photo on another house or another act's capture
    for other, bits in near_photos(photo.dhash, profile.evidence_photo_reuse_bits,
                                   exclude_capture=capture.pk, limit=1):
        yield rules.reuse_flag(bits, other.capture.house.address, Act(other.capture.act).label,
                               other.pk,
            same_house=other.house_id == capture.house_id, profile=profile)


def accept_capture(capture: Capture, cmd: AcceptCapture, *, acting_user,
                   origin: Origin | None = None) -> Capture:
    """A township or county supervisor accepts a flagged capture's flags, with a reason; the
    presence act may then rest on it."""
    check(acting_user, "evidence.accept")
    reason = cmd.reason.strip()
    if not reason:
        raise RuleViolation(Code.REASON_REQUIRED, "认可有疑点的现场取证须写明理由",
                            field="reason", rule="R-MH-9")
    if capture.status != Status.FLAGGED:
        raise Conflict(Code.TRANSITION_NOT_ALLOWED,
                       f"取证记录当前为“{Status(capture.status).label}”，无需认可",
                       field="status")
    if cmd.version is not None and cmd.version != capture.version:
        raise version_conflict()
    now = timezone.now()
    with transaction.atomic():
        moved = Capture.objects.filter(pk=capture.pk, version=capture.version,
                                       status=Status.FLAGGED).update(
            status=Status.ACCEPTED, version=capture.version + 1, accepted_by=acting_user,
            accepted_at=now, acceptance_reason=reason)
        if moved != 1:
            raise version_conflict()
        capture.flags.filter(accepted_at__isnull=True).update(
            accepted_by=acting_user, accepted_at=now, reason=reason)
        Transition.objects.create(capture=capture, action="accept", from_status=Status.FLAGGED,
                                  to_status=Status.ACCEPTED, actor=acting_user, at=now,
                                  reason=reason)
        audit(AuditAction.TRANSITION, actor=acting_user, obj=capture, origin=origin,
              division_code=capture.division_code,
              details={"action": "accept_capture", "from": Status.FLAGGED,
                       "to": Status.ACCEPTED})
    capture.refresh_from_db()
    return capture


# The rule each presence act serves: the refusal names it.
PRESENCE_RULES = {Act.STAGE_INSPECTION: "R-MH-9", Act.ACCEPTANCE: "R-MH-10",
                  Act.RECTIFICATION_ACCEPTANCE: "R-CJ-8", Act.SPOT_CHECK: "R-CJ-3"}


def presence_capture(capture_id: int | None, *, house: House | None, act: str,
                     acting_user, on=None, errors: list | None = None) -> Capture | None:
    """R-MH-9, R-MH-10, R-CJ-8, R-CJ-3: the capture a presence act rests on, checked: the same
    house and act, not used before, and no flag left unaccepted. Under the region's
    `evidence_presence_required` (off unless the region's profile turns it on) an act naming
    no capture is refused; elsewhere it is recorded without one (then None). A case with no house on
    the register (a household building its first house) has nowhere to capture yet. Given
    `errors`, a refusal of the capture joins the act's other problems there (and None is
    returned) instead of being raised alone."""
    try:
        return _presence_capture(capture_id, house=house, act=act, acting_user=acting_user,
                                 on=on)
    except RuleViolation as problem:
        if errors is None:
            raise
        errors.append(problem)
        return None


def _presence_capture(capture_id, *, house, act, acting_user, on) -> Capture | None:
    rule = PRESENCE_RULES.get(act, "R-MH-9")
    label = Act(act).label
    if capture_id is None:
        if house is not None and profile_for(
                house.division_code, on or timezone.localdate()).evidence_presence_required:
            raise RuleViolation(Code.EVIDENCE_REQUIRED,
                                f"“{label}”须在房屋现场拍照定位取证，请先采集并选择本房屋的"
                                f"“{label}”现场取证", field="evidence_id", rule=rule)
        return None
    capture = get_capture_for_user(acting_user, capture_id)
    if house is None or capture.house_id != house.pk or capture.act != act:
        raise RuleViolation(Code.EVIDENCE_NOT_OF_ACT,
                            f"该现场取证不是本房屋的“{label}”取证",
                            field="evidence_id", rule=rule)
    if capture.used_for_id is not None:
        raise Conflict(Code.EVIDENCE_USED, "该现场取证已用于另一条记录", field="evidence_id",
                       rule="R-MH-13")
    if act in PRESENCE_ACTS and capture.status == Status.FLAGGED:
        open_flags = "；".join(capture.flags.filter(accepted_at__isnull=True)
                              .values_list("detail", flat=True))
        raise RuleViolation(Code.EVIDENCE_NOT_ACCEPTED,
                            f"现场取证有疑点（{open_flags}），须经乡镇或县级审核认可后方可记录",
                            field="evidence_id", rule=rule)
    return capture


def use_capture(capture: Capture, record_id: int) -> None:
    """Mark the capture as the evidence of `record_id`, once (inside the act's transaction)."""
    if Capture.objects.filter(pk=capture.pk, used_for_id__isnull=True).update(
            used_for_id=record_id) != 1:
        raise Conflict(Code.EVIDENCE_USED, "该现场取证已用于另一条记录", field="evidence_id",
                       rule="R-MH-13")
    capture.used_for_id = record_id


def photos_of(capture: Capture | None) -> list:
    """The capture's photos as attachments of the house's file, in order."""
    if capture is None:
        return []
    return [p.attachment for p in capture.photos.select_related("attachment")]
