"""The doors to captures (scoped by division, ADR 0048), and the near-duplicate search over
the photos' hashes: a candidate shares one 16-bit band (an indexed equality each), then the
exact Hamming distance decides."""

from django.db.models import Q
from django.utils import timezone

from anju.divisions.scope import not_found, scoped
from anju.evidence import pictures
from anju.evidence.models import Capture, CapturePhoto, Flag, Status


def captures_for_user(user):
    return scoped(user, Capture.objects.all())


def get_capture_for_user(user, capture_id: int) -> Capture:
    capture = captures_for_user(user).filter(pk=capture_id).select_related(
        "house", "captured_by", "accepted_by").first()
    if capture is None:
        raise not_found(Capture, pk=capture_id)
    return capture


def near_photos(value: int, most: int, *, exclude_capture: int | None = None,
                limit: int = 20) -> list[tuple[CapturePhoto, int]]:
    """Photos within `most` bits of the hash `value` (most <= 3: the bands' guarantee),
    nearest first, as (photo, distance)."""
    band = pictures.bands(value)
    candidates = CapturePhoto.objects.filter(
        Q(band0=band[0]) | Q(band1=band[1]) | Q(band2=band[2]) | Q(band3=band[3]))
    if exclude_capture is not None:
        candidates = candidates.exclude(capture_id=exclude_capture)
    found = [(p, pictures.distance(value, p.dhash))
             for p in candidates.select_related("capture", "capture__house")]
    found = sorted(((p, d) for p, d in found if d <= most), key=lambda x: (x[1], x[0].pk))
    return found[:limit]


def flags_of_records(act: str, record_ids) -> dict[int, list[Flag]]:
    """The flags of the captures that became these records' evidence, by record id."""
    found: dict[int, list[Flag]] = {}
    for flag in Flag.objects.filter(capture__act=act, capture__used_for_id__in=list(record_ids)
                                    ).select_related("capture", "accepted_by"):
        found.setdefault(flag.capture.used_for_id, []).append(flag)
    return found


def captures_of_record(act: str, record_ids) -> dict[int, Capture]:
    return {c.used_for_id: c for c in Capture.objects.filter(
        act=act, used_for_id__in=list(record_ids))}


def evidence_choices(user, house_id: int | None, act: str) -> list[tuple[int, str]]:
    """The captures of a house for an act not yet used, newest first, as a form offers them."""
    if house_id is None:
        return []
    rows = captures_for_user(user).filter(house_id=house_id, act=act, used_for_id__isnull=True)
    return [(c.pk, f"{timezone.localtime(c.captured_at):%Y-%m-%d %H:%M} "
                   f"{c.captured_by.get_full_name() or c.captured_by.username} "
                   f"{c.photos.count()} 张照片 · {c.get_status_display()}")
            for c in rows.select_related("captured_by")[:20]]


def doubtful_captures(user, house_ids) -> dict[int, list[Capture]]:
    """The captures of these houses that were flagged (still waiting, or accepted), newest
    first, with their flags and who accepted them: the badges of a ledger row or page."""
    found: dict[int, list[Capture]] = {}
    rows = (captures_for_user(user)
            .filter(house_id__in=list(house_ids), status__in=[Status.FLAGGED, Status.ACCEPTED])
            .select_related("accepted_by", "captured_by")
            .prefetch_related("flags__accepted_by"))
    for capture in rows:
        found.setdefault(capture.house_id, []).append(capture)
    return found
