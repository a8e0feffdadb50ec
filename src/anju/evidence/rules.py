"""What makes a capture doubtful (ADR 0048): plain functions of the capture and the region's
profile, each naming the profile value it applies. R-MH-9 and R-MH-10 want the official at the
house; R-MH-13 wants the file's photos to be the house's own."""

import math
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from anju.evidence.models import FlagKind, Source
from anju.policy.profiles import Profile

EARTH_RADIUS_M = 6_371_000


@dataclass(frozen=True)
class Found:
    kind: str
    detail: str
    rule: str
    other_id: int | None = None  # REUSE: the earlier photo


def metres_between(lat1, lng1, lat2, lng2) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lng2) - float(lng1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def accuracy_flag(lat, accuracy_m: float | None, profile: Profile) -> Found | None:
    """R-MH-9: a fix worse than `evidence_gps_accuracy_max_m` (or none) does not show the
    official was at the house."""
    most = profile.evidence_gps_accuracy_max_m
    if lat is None:
        return Found(FlagKind.ACCURACY, "未取得手机定位", "R-MH-9")
    if accuracy_m is None:
        return Found(FlagKind.ACCURACY, "位置为手工填写，没有定位精度", "R-MH-9")
    if accuracy_m > most:
        return Found(FlagKind.ACCURACY,
                     f"定位精度约 {round(accuracy_m)} 米，超过 {most} 米", "R-MH-9")
    return None


def distance_flag(lat, lng, house_lat, house_lng, profile: Profile) -> Found | None:
    """R-MH-9: the capture stood farther than `evidence_distance_max_m` from the house's
    recorded position. A house with no position, or a capture without one, is not judged."""
    if None in (lat, lng, house_lat, house_lng):
        return None
    most = profile.evidence_distance_max_m
    metres = metres_between(lat, lng, house_lat, house_lng)
    if metres > most:
        return Found(FlagKind.DISTANCE,
                     f"采集位置距房屋登记坐标约 {round(metres)} 米，超过 {most} 米", "R-MH-9")
    return None


def photo_time_flag(taken_at: datetime | None, captured_at: datetime,
                    profile: Profile) -> Found | None:
    """R-MH-9: the camera's own time (EXIF, the phone's local time) farther than
    `evidence_photo_time_tolerance_minutes` from the capture's time. A photo without EXIF
    time is not judged here (a gallery pick is flagged by its source)."""
    if taken_at is None:
        return None
    if timezone.is_naive(taken_at):
        taken_at = timezone.make_aware(taken_at)
    most = profile.evidence_photo_time_tolerance_minutes
    minutes = abs((captured_at - taken_at).total_seconds()) / 60
    if minutes > most:
        shown = timezone.localtime(taken_at).strftime("%Y-%m-%d %H:%M")
        return Found(FlagKind.PHOTO_TIME,
                     f"照片拍摄时间 {shown} 与采集时间相差约 {_span(minutes)}，超过 {most} 分钟",
                     "R-MH-9")
    return None


def _span(minutes: float) -> str:
    if minutes >= 60 * 24:
        return f"{minutes / 60 / 24:.0f} 天"
    if minutes >= 60:
        return f"{minutes / 60:.0f} 小时"
    return f"{minutes:.0f} 分钟"


def gallery_flag(source: str) -> Found | None:
    """R-MH-9: a photo chosen from the phone's gallery may have been taken anywhere."""
    if source == Source.GALLERY:
        return Found(FlagKind.GALLERY, "照片从相册选取，不是现场拍摄", "R-MH-9")
    return None


def reuse_flag(distance: int, other_house: str, other_act: str, other_id: int, *,
               same_house: bool, profile: Profile) -> Found | None:
    """R-MH-13: a photo within `evidence_photo_reuse_bits` of one already on another house or
    another act's record is the same photo used twice."""
    if distance > profile.evidence_photo_reuse_bits:
        return None
    where = f"{other_act}（本房屋）" if same_house else f"房屋 {other_house} 的{other_act}"
    same = "相同" if distance == 0 else f"几乎相同（相差 {distance} 位）"
    return Found(FlagKind.REUSE, f"照片与{where}中的照片{same}", "R-MH-13", other_id=other_id)


def degrees(value) -> Decimal | None:
    return None if value is None else Decimal(str(round(float(value), 6)))
