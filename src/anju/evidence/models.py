"""Evidence from a house (ADR 0048): a capture is one visit's record — who stood where, how
sure the phone was of it, when — with its photos, each with the server's receipt (SHA-256 of
the bytes, the time they arrived), the camera's own time, how it was taken (camera or gallery)
and a perceptual hash indexed in four bands. Flags are what the rules found doubtful; a
township or county supervisor may accept them with a reason, and only then may a presence act
(stage inspection, acceptance) rest on the capture."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from anju.registry.models import Attachment, House
from anju.registry.village import VillageCopy


class Act(models.TextChoices):
    """What a capture is evidence for; all but a site visit need the official at the house."""

    STAGE_INSPECTION = "stage_inspection", "关键节点检查"
    ACCEPTANCE = "acceptance", "竣工验收"
    RECTIFICATION_ACCEPTANCE = "rectification_acceptance", "整治验收"
    SPOT_CHECK = "spot_check", "抽查"
    SITE_VISIT = "site_visit", "现场核查"


PRESENCE_ACTS = frozenset({Act.STAGE_INSPECTION, Act.ACCEPTANCE, Act.RECTIFICATION_ACCEPTANCE,
                           Act.SPOT_CHECK})


class Source(models.TextChoices):
    CAMERA = "camera", "现场拍摄"
    GALLERY = "gallery", "相册选取"


class Status(models.TextChoices):
    CLEAR = "clear", "无疑点"
    FLAGGED = "flagged", "有疑点待审核"
    ACCEPTED = "accepted", "疑点已认可"


class Capture(models.Model):
    division_code = models.CharField(max_length=12)
    house = models.ForeignKey(House, models.CASCADE, related_name="+", verbose_name="房屋")
    act = models.CharField("用途", max_length=30, choices=Act.choices)
    captured_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name="采集人")
    captured_at = models.DateTimeField("采集时间")
    lat = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    accuracy_m = models.FloatField("定位精度（米）", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    received_at = models.DateTimeField("服务器接收时间", default=timezone.now)
    status = models.CharField("状态", max_length=10, choices=Status.choices,
                              default=Status.CLEAR)
    version = models.PositiveIntegerField(default=1)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                    blank=True, related_name="+", verbose_name="认可人")
    accepted_at = models.DateTimeField("认可时间", null=True, blank=True)
    acceptance_reason = models.CharField("认可理由", max_length=300, blank=True)
    # The record the capture became evidence of (its act's row), once; empty until then.
    used_for_id = models.BigIntegerField(null=True, blank=True)

    village_copy = VillageCopy(house="house_id")

    class Meta:
        verbose_name = "现场取证"
        verbose_name_plural = "现场取证"
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["division_code", "status"], name="evidence_capture_scope_idx"),
            models.Index(fields=["act", "used_for_id"], name="evidence_capture_used_idx"),
            models.Index(fields=["house", "act"], name="evidence_capture_house_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_act_display()}取证 {self.pk}"


class CapturePhoto(models.Model):
    capture = models.ForeignKey(Capture, models.CASCADE, related_name="photos")
    # One attachment may stand in two captures (a field photo sent twice is kept once on the
    # house's file); the second is flagged as reused (R-MH-13).
    attachment = models.ForeignKey(Attachment, models.CASCADE, related_name="evidence_photos")
    house_id = models.BigIntegerField()
    source = models.CharField("来源", max_length=10, choices=Source.choices)
    # the receipt: the bytes' SHA-256 and the server's time of arrival
    sha256 = models.CharField(max_length=64)
    received_at = models.DateTimeField("服务器接收时间", default=timezone.now)
    taken_at = models.DateTimeField("照片自带拍摄时间（EXIF）", null=True, blank=True)
    # dHash as a signed BIGINT, and its four 16-bit bands, each indexed (ADR 0048)
    dhash = models.BigIntegerField(null=True, blank=True)
    band0 = models.IntegerField(null=True, blank=True)
    band1 = models.IntegerField(null=True, blank=True)
    band2 = models.IntegerField(null=True, blank=True)
    band3 = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=[f"band{i}"], name=f"evidence_photo_band{i}_idx")
                   for i in range(4)] + [
            models.Index(fields=["sha256"], name="evidence_photo_sha_idx")]


class FlagKind(models.TextChoices):
    ACCURACY = "accuracy", "定位精度差"
    DISTANCE = "distance", "离房屋过远"
    PHOTO_TIME = "photo_time", "拍摄时间不符"
    GALLERY = "gallery", "相册照片"
    REUSE = "reuse", "照片重复使用"


# The stable codes the API contract gives the flags (docs api.md, "Evidence flags").
FLAG_CODES = {FlagKind.ACCURACY: "gps_inaccurate", FlagKind.DISTANCE: "far_from_house",
              FlagKind.PHOTO_TIME: "photo_time_mismatch", FlagKind.GALLERY: "gallery_photo",
              FlagKind.REUSE: "photo_reused"}


class Flag(models.Model):
    capture = models.ForeignKey(Capture, models.CASCADE, related_name="flags")
    photo = models.ForeignKey(CapturePhoto, models.CASCADE, null=True, blank=True,
                              related_name="flags")
    kind = models.CharField("疑点", max_length=12, choices=FlagKind.choices)
    detail = models.CharField("说明", max_length=300)
    rule = models.CharField(max_length=12)
    # REUSE: the earlier photo this one repeats
    other = models.ForeignKey(CapturePhoto, models.SET_NULL, null=True, blank=True,
                              related_name="+")
    raised_at = models.DateTimeField("发现时间", default=timezone.now)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                    blank=True, related_name="+", verbose_name="认可人")
    accepted_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField("认可理由", max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "取证疑点"
        verbose_name_plural = "取证疑点"


class Transition(models.Model):
    """Every change of a capture's status, with who and why."""

    capture = models.ForeignKey(Capture, models.CASCADE, related_name="transitions")
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
