"""The field app's records on the server: the captures phones send (each stored once, by its
client UUID), the photos they declare (stored once, by their SHA-256), the parts of a photo
still on its way, and the change sequence that incremental downloads follow (ADR 0022)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from anju.registry.models import House
from anju.registry.village import VillageCopy


class Kind(models.TextChoices):
    SCREENING = "screening", "排查初判"
    INSPECTION = "inspection", "检查"
    CONTROL_CHECK = "control_check", "管控检查"
    VERIFICATION = "verification", "核实比对"
    NEW_HOUSE = "new_house", "新增房屋"
    HOUSE_UPDATE = "house_update", "修改房屋信息"


class Status(models.TextChoices):
    INCOMPLETE = "incomplete", "等待照片"
    APPLIED = "applied", "已入库"
    CONFLICT = "conflict", "冲突待审核"
    REJECTED = "rejected", "已退回"


class FieldChange(models.Model):
    """One change of one house, in the order the sequence handed out; a download's cursor is
    the last `seq` it covered. Written in the changing transaction (registry hook, field apply)."""

    seq = models.BigAutoField(primary_key=True)
    house_id = models.BigIntegerField()
    # The house's village when it changed; a house that moved gets a row for each village, so
    # that phones of the old village learn it left.
    division_code = models.CharField(max_length=12)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "房屋变更序列"
        verbose_name_plural = "房屋变更序列"
        indexes = [
            models.Index(fields=["division_code", "seq"], name="field_change_division_idx"),
            models.Index(fields=["house_id", "seq"], name="field_change_house_idx"),
            models.Index(fields=["at"], name="field_change_at_idx"),
        ]


class Submission(models.Model):
    """A capture sent from a phone: stored once per client UUID with the answer it got, so a
    resend answers the same; applied through the same verbs as the web pages."""

    client_uuid = models.UUIDField(unique=True)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                     verbose_name="采集人")
    # The house's village (for the review list's scope); empty while the house is unknown.
    division_code = models.CharField(max_length=12, blank=True)
    house = models.ForeignKey(House, models.SET_NULL, null=True, blank=True, related_name="+")
    captured_at = models.DateTimeField("采集时间")
    lat = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    accuracy_m = models.FloatField("定位精度（米）", null=True, blank=True)
    base_version = models.PositiveIntegerField("采集时的房屋版本", null=True, blank=True)
    # The request as received (canonical JSON), and the SHA-256 that tells a resend from a
    # different capture under the same UUID.
    body = models.JSONField()
    content_hash = models.CharField(max_length=64)
    status = models.CharField("状态", max_length=12, choices=Status.choices,
                              default=Status.INCOMPLETE)
    http_status = models.PositiveSmallIntegerField(default=201)
    result = models.JSONField(null=True, blank=True)
    error = models.JSONField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                    blank=True, related_name="+", verbose_name="审核人")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.CharField("审核意见", max_length=300, blank=True)

    village_copy = VillageCopy(house="house_id")

    class Meta:
        verbose_name = "外业采集记录"
        verbose_name_plural = "外业采集记录"
        indexes = [
            models.Index(fields=["status", "division_code"], name="field_submission_status_idx"),
            models.Index(fields=["submitted_by", "-received_at"],
                         name="field_submission_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.client_uuid}"


class SubmissionPhoto(models.Model):
    """A photo a capture declared, by hash; the capture waits until every one is stored."""

    submission = models.ForeignKey(Submission, models.CASCADE, related_name="photo_rows")
    sha256 = models.CharField(max_length=64)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]
        indexes = [models.Index(fields=["sha256"], name="field_submission_photo_idx")]
        constraints = [models.UniqueConstraint(fields=["submission", "sha256"],
                                               name="field_submission_photo_once")]


def _photo_path(instance, filename):
    return photo_path(instance.sha256, filename.rsplit(".", 1)[-1])


def photo_path(sha256: str, extension: str) -> str:
    return f"field/photos/{sha256[:2]}/{sha256}.{extension}"


class Photo(models.Model):
    """A photo from the field, stored once under its SHA-256 (content-addressed). Applying a
    capture puts it on the house's file as an attachment that points at the same stored file."""

    sha256 = models.CharField(max_length=64, unique=True)
    file = models.FileField(upload_to=_photo_path, max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=40)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "外业照片"
        verbose_name_plural = "外业照片"


class PhotoSender(models.Model):
    """Who sent a photo's bytes, and the scope they held then. A capture may name a photo by
    its hash only if its sender sent the bytes too, or someone inside the sender's scope did;
    else the phone is told to send them (knowing a hash is not having the photo)."""

    photo = models.ForeignKey(Photo, models.CASCADE, related_name="senders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    scope = models.CharField(max_length=12)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["photo", "user"],
                                               name="field_photo_sender_once")]
        indexes = [models.Index(fields=["scope", "photo"], name="field_photo_sender_scope_idx")]


class Upload(models.Model):
    """A photo arriving in parts (numbered from 0), so that a lost connection resumes."""

    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    total_parts = models.PositiveSmallIntegerField()
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sha256", "opened_by"],
                                               name="field_upload_once_per_user")]


class UploadPart(models.Model):
    upload = models.ForeignKey(Upload, models.CASCADE, related_name="parts")
    number = models.PositiveSmallIntegerField()
    size = models.PositiveIntegerField()
    file = models.FileField(max_length=200)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["upload", "number"],
                                               name="field_upload_part_once")]
