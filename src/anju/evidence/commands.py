"""The evidence app's acts, one command each: a capture sent from the house, and a
supervisor's acceptance of its flags."""

from datetime import datetime

from pydantic import Field

from anju.evidence.models import Act, Capture
from anju.kit.commands import Command
from anju.kit.fields import column_text


# One visit's evidence: where the phone stood (with `coords.accuracy`), when, what for. The
# photos come beside it, each from the control that took it (camera or gallery).
class RecordCapture(Command):
    act: Act = Field(description="用途：stage_inspection 关键节点检查、acceptance 竣工验收、"
                                 "rectification_acceptance 整治验收、spot_check 抽查、"
                                 "site_visit 现场核查")
    captured_at: datetime | None = Field(None, description="手机上的采集时间；缺省为服务器时间")
    lat: float | None = Field(None, ge=-90, le=90, allow_inf_nan=False)
    lng: float | None = Field(None, ge=-180, le=180, allow_inf_nan=False)
    accuracy_m: float | None = Field(None, ge=0, le=1_000_000, allow_inf_nan=False,
                                     description="定位精度（米），即浏览器的 coords.accuracy")
    note: column_text(Capture, "note") = ""


# A township or county supervisor accepts a flagged capture; the reason is required.
class AcceptCapture(Command):
    reason: column_text(Capture, "acceptance_reason") = Field("", description="认可理由（必填）")
    version: int | None = Field(None, description="取证记录的 version；不符时 409")
