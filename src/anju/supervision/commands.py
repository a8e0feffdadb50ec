"""The acts of supervision, one command each: the API's body and the page form's fields."""

from datetime import date
from typing import Annotated

from pydantic import Field

from anju.appraisal.codes import ControlKind
from anju.appraisal.commands import Control
from anju.appraisal.models import Inspection
from anju.divisions.models import Division
from anju.kit.commands import Command, Ui
from anju.kit.fields import LONG_TEXT, Id, column_text, free_text
from anju.supervision.models import Campaign, PlanRow, WorkSummary

SECTION_MAX = 8000
DivisionCode = column_text(Division, "code")


# R-CJ-9: the county's plan for a year, drawn from the certified households' C/D houses.
class DrawPlan(Command):
    division: Annotated[DivisionCode, Ui("县市")] = Field(description="县级区划代码，如 220581")
    year: Annotated[int, Ui("年度")] = Field(ge=2000, le=2100)


class AddPlanRow(Command):
    year: Annotated[int, Ui("年度")] = Field(ge=2000, le=2100)
    house_id: Annotated[Id, Ui("房屋编号")]
    reason: Annotated[column_text(PlanRow, "removal_reason", label="增补原因"),
                      Ui("增补原因")] = ""


class RemovePlanRow(Command):
    reason: Annotated[column_text(PlanRow, "removal_reason"), Ui("移出原因")] = Field(
        description="移出计划的原因（必填）")


# 回头看: the county opens a campaign over a division; Anju draws its list.
class OpenCampaign(Command):
    division: Annotated[column_text(Campaign, "division_code"), Ui("范围")] = Field(
        description="县、乡镇或村的区划代码")
    title: Annotated[column_text(Campaign, "title"), Ui("名称")] = "回头看"
    deadline: Annotated[date, Ui("完成期限", missing="完成期限不能为空")]


# A township's revisit of a listed house: an inspection of level `lookback`.
class RecordRevisit(Command):
    house_id: Annotated[Id, Ui("房屋编号", page=False)]
    inspected_on: Annotated[date, Ui("回访日期", missing="回访日期不能为空")]
    inspector: Annotated[column_text(Inspection, "inspector"), Ui("回访人")] = ""
    findings: Annotated[column_text(Inspection, "findings", max_length=LONG_TEXT),
                        Ui("发现情况", widget="textarea", rows=4)] = ""
    major_hazard: Annotated[bool, Ui("发现重大安全隐患（立即编号并采取管控措施）")] = False
    controls: Annotated[list[Control] | None, Ui("管控措施", choices=ControlKind)] = None
    photo_ids: Annotated[list[Id], Ui("照片", upload="many", kind="photo",
                                      title="回头看照片")] = []


def _section(label: str):
    return Annotated[free_text(SECTION_MAX, label), Ui(label, widget="textarea", rows=5)]


class Sections(Command):
    situation: _section("基本情况") = ""
    measures: _section("主要措施") = ""
    lookback: _section("回头看情况") = ""
    problems: _section("存在问题") = ""
    next_steps: _section("下一步工作") = ""


# §6 工作总结: the county writes it; the figures are filled in from the records.
class WriteSummary(Command):
    division_code: Annotated[column_text(WorkSummary, "division_code"), Ui("县市")]
    period: Annotated[column_text(WorkSummary, "period"), Ui("总结期间")] = Field(
        description="如 2023 或 2023年排查整治")
    due_on: Annotated[date, Ui("报送期限", missing="报送期限不能为空")]
    sections: Sections = Sections()


class EditSummary(Command):
    period: Annotated[column_text(WorkSummary, "period") | None, Ui("总结期间")] = None
    due_on: Annotated[date | None, Ui("报送期限")] = None
    sections: Sections | None = None
    version: Annotated[int | None, Ui("版本", page=False)] = None


class SubmitSummary(Command):
    version: Annotated[int | None, Ui("版本", page=False)] = None
