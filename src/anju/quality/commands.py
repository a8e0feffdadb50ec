"""The acts of data quality (R-CJ-3), one command each: the API's body, the page form's fields
(anju.web.forms.CommandForm), and what the field app's verification validates with.

Which record fields may be compared, whether an observed value is one the register can hold and
the size of a sample are rules of the verbs (quality.actions), refused there with their own
codes and rule id, as the API always has."""

from datetime import date
from typing import Annotated

from pydantic import Field

from anju.divisions.models import Division
from anju.kit.commands import Command, Ui
from anju.kit.fields import LONG_TEXT, column_text, free_text
from anju.quality.models import Finding, SpotCheck, Verification

REASON_MAX = 200
NOTE_MAX = LONG_TEXT

FieldName = column_text(Finding, "field")


# One field seen on site otherwise than the record holds it; the reason is required by the
# verb (a difference without one is refused with reason_required).
class Difference(Command):
    field: FieldName = Field(description="structure、floors、built_year、floor_area、use、"
                                         "occupancy、lat、lng、grade、is_only_house、head_name")
    # The observed value and the reason are kept in the verification's JSON differences.
    observed: free_text(200, "实地所见的值") | int | float | bool | None = Field(
        description="实地所见的值")
    reason: free_text(REASON_MAX, "不一致的原因") = Field("", description="不一致的原因（必填）")


# 点对点核实比对: the record compared with the house field by field; each difference becomes a
# finding for the township.
class RecordVerification(Command):
    verified_on: Annotated[date, Ui("核实日期")]
    differences: list[Difference] = Field([], description="与记录不一致的字段")
    confirmed: list[FieldName] = Field([], description="核实与记录一致的字段")
    note: Annotated[column_text(Verification, "note", max_length=NOTE_MAX),
                    Ui("备注", widget="textarea")] = ""


# 面对面抽查: houses drawn at random from each township of a division.
class DrawSpotCheck(Command):
    division: Annotated[column_text(SpotCheck, "division_code"), Ui("抽查范围")]
    per_township: Annotated[int, Ui("每个乡镇抽取（栋）")] = Field(
        description="每个乡镇抽取的房屋栋数（1–50）")
    seed: Annotated[int | None, Ui("随机种子（可不填）",
                                   help="填写同一种子可复现同一样本；不填则随机生成并记录")] = \
        Field(None, description="随机种子；省略则随机生成，并记录以便复核")


# Every check run on every house of a division: what fires is opened, what was fixed closed.
class RunSweep(Command):
    division: column_text(Division, "code") = Field(description="区划代码，如县级 220581")
