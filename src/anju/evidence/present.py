"""A capture as the API answers it and the page shows it."""

from django.urls import reverse
from django.utils.timezone import localtime

from anju.evidence.models import FLAG_CODES, Capture


def _number(value):
    return float(value) if value is not None else None


def photo_url(attachment) -> str:
    if attachment.household_id:
        return reverse("api:household_attachment_file", kwargs={
            "household_id": attachment.household_id, "attachment_id": attachment.pk})
    return reverse("api:house_attachment_file", kwargs={
        "house_id": attachment.house_id, "attachment_id": attachment.pk})


def capture_dict(capture: Capture) -> dict:
    photos = list(capture.photos.select_related("attachment"))
    return {
        "id": capture.pk, "house_id": capture.house_id, "act": capture.act,
        "act_label": capture.get_act_display(), "status": capture.status,
        "status_label": capture.get_status_display(), "version": capture.version,
        "captured_by": capture.captured_by.username,
        "captured_at": localtime(capture.captured_at), "received_at":
            localtime(capture.received_at), "lat": _number(capture.lat),
        "lng": _number(capture.lng), "accuracy_m": capture.accuracy_m, "note": capture.note,
        "used_for_id": capture.used_for_id,
        "accepted_by": capture.accepted_by.username if capture.accepted_by else None,
        "accepted_at": localtime(capture.accepted_at) if capture.accepted_at else None,
        "acceptance_reason": capture.acceptance_reason,
        "photos": [{
            "id": p.pk, "attachment_id": p.attachment_id, "url": photo_url(p.attachment),
            "source": p.source, "source_label": p.get_source_display(),
            "sha256": p.sha256, "received_at": localtime(p.received_at),
            "taken_at": localtime(p.taken_at) if p.taken_at else None,
            "dhash": f"{p.dhash & 0xFFFFFFFFFFFFFFFF:016x}" if p.dhash is not None else None,
        } for p in photos],
        "flags": [{
            "kind": f.kind, "label": f.get_kind_display(), "detail": f.detail, "rule": f.rule,
            "photo_id": f.photo_id, "other_photo_id": f.other_id,
            "other_capture_id": f.other.capture_id if f.other_id else None,
            "raised_at": localtime(f.raised_at),
            "accepted_by": f.accepted_by.username if f.accepted_by else None,
            "accepted_at": localtime(f.accepted_at) if f.accepted_at else None,
            "reason": f.reason,
        } for f in capture.flags.select_related("other", "accepted_by")],
    }


def flags_summary(capture: Capture | None) -> dict:
    """A record's evidence as the API contract words it: the capture, its open `flags` and
    its `accepted_flags` with who accepted them and why."""
    if capture is None:
        return {"capture_id": None, "capture_status": None, "flags": [], "accepted_flags": []}
    flags = list(capture.flags.select_related("accepted_by"))
    return {
        "capture_id": capture.pk, "capture_status": capture.status,
        "flags": [{"code": FLAG_CODES[f.kind], "detail": f.detail} for f in flags
                  if f.accepted_at is None],
        "accepted_flags": [{
            "code": FLAG_CODES[f.kind], "detail": f.detail, "reason": f.reason,
            "accepted_by": f.accepted_by.username if f.accepted_by else None,
            "accepted_at": localtime(f.accepted_at)} for f in flags if f.accepted_at],
    }
