"""The field app's own acts, one command each: a capture sent from a phone, and the review of
a capture held as a conflict. A capture's payload is the command of the act it records (the
screening, verification, new house... of the apps below, field.rules.ACTS), read when the
capture is applied."""

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import ConfigDict, Field, StringConstraints

from anju.field.models import Photo, Submission
from anju.field.rules import MAX_PHOTOS
from anju.kit.commands import Command
from anju.kit.fields import column_text, free_text

Sha256 = Annotated[column_text(Photo, "sha256", label="照片 SHA-256"),
                   StringConstraints(pattern=r"^[0-9a-fA-F]{64}$")]


# A capture as the phone sends it (ADR 0022): stored once per client UUID, applied through
# the act's own verb once its photos are in.
class SubmitCapture(Command):
    # Fields a newer phone adds are ignored, not refused (api.md: extend by adding fields).
    model_config = ConfigDict(extra="ignore")

    client_uuid: UUID = Field(description="手机生成的采集编号；重发时不变")
    kind: Literal["screening", "inspection", "control_check", "verification", "new_house",
                  "house_update"]
    captured_at: datetime
    lat: float | None = Field(None, ge=-90, le=90, allow_inf_nan=False)
    lng: float | None = Field(None, ge=-180, le=180, allow_inf_nan=False)
    accuracy_m: float | None = Field(None, ge=0, le=1_000_000, allow_inf_nan=False)
    base_version: int | None = Field(None, ge=0, le=2_147_483_647,
                                     description="采集时本机房屋记录的 version")
    photos: list[Sha256] = Field([], max_length=MAX_PHOTOS, description="照片的 SHA-256")
    # ADR 0048: the control that took each photo (the camera input or a gallery pick)
    photo_sources: dict[Sha256, Literal["camera", "gallery"]] = Field(
        {}, max_length=MAX_PHOTOS, description="每张照片的来源：camera 现场拍摄，gallery 相册选取")
    # Its values are read by the act's own command when the capture is applied.
    payload: dict[free_text(60, "字段名"), Any] = Field(
        description="对应网页接口的请求体，另加 house_id")


# A capture held because its house changed after it was captured: applied over the newer
# record, or set aside.
class ResolveConflict(Command):
    apply: bool = Field(description="true：按采集内容入库（覆盖较新的记录）；false：不采用")
    note: column_text(Submission, "resolution_note") = ""
