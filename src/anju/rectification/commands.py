"""The acts of the rectification ledger (R-CJ-5..8), one command each: the API's body, the page
form's fields (anju.web.forms.CommandForm) and what the field app's control check validates.

Codes that come from a code list (a measure's kind, a check's level) stay text here: the verb
refuses an unknown one with `choice_invalid` and the rule it breaks, as the API always has."""

from datetime import date
from typing import Annotated

from pydantic import Field

from anju.kit.commands import Command, Ui
from anju.kit.fields import LONG_TEXT, Id, column_text, free_text
from anju.rectification.codes import CheckLevel, MeasureKind
from anju.rectification.models import Acceptance, ControlCheck, LedgerEntry, Measure, Transition

# The version of the entry the clerk read: a stale one is refused with 409 version_conflict.
Version = int | None
# Photos already on the house's file (一户一档); the ledger's pages do not upload them.
Photos = Annotated[list[Id], Ui(page=False)]


# An engineering or control measure (R-CJ-5); a control measure with its completion date
# is in place, and the entry is under control.
class RecordMeasure(Command):
    kind: Annotated[column_text(Measure, "kind"), Ui("措施", choices=MeasureKind)] = Field(
        description="demolish、rebuild、repair_reinforce；evacuate、stop_use、"
                    "warning_sign、barrier、seal、cordon、guard")
    started_on: Annotated[date | None, Ui("开始日期")] = None
    completed_on: Annotated[date | None, Ui(
        "完成（落实）日期", help="管控措施填写落实之日；工程措施完工后填写")] = Field(
        None, description="管控措施填写落实日期")
    note: Annotated[column_text(Measure, "note", max_length=LONG_TEXT),
                    Ui("说明", widget="textarea")] = ""
    photo_ids: Photos = []
    version: Version = None


# R-CJ-5: where engineering work must wait, the plan for it (因地制宜制定工作方案).
class PlanEngineering(Command):
    plan: Annotated[column_text(LedgerEntry, "engineering_plan", max_length=LONG_TEXT),
                    Ui("工程措施计划", widget="textarea", rows=3)]
    due_on: Annotated[date | None, Ui("计划完成日期")] = None
    version: Version = None


# A periodic check that the control measures still hold (R-CJ-7).
class RecordControlCheck(Command):
    level: Annotated[column_text(ControlCheck, "level"), Ui("检查方式", choices=CheckLevel)] = \
        Field(description="household_self、village、township、county、villager_report")
    checked_on: Annotated[date, Ui("检查日期")]
    holds: Annotated[bool, Ui("管控措施是否有效", widget="radio", choices=("有效", "失效"))]
    note: Annotated[column_text(ControlCheck, "note", max_length=LONG_TEXT),
                    Ui("说明", widget="textarea")] = ""
    photo_ids: Photos = []
    version: Version = None


# 验收 after an engineering measure is complete (R-CJ-8): date, inspectors, result.
class RecordLedgerAcceptance(Command):
    accepted_on: Annotated[date, Ui("验收日期")]
    passed: Annotated[bool, Ui("验收结果", widget="radio", choices=("合格", "不合格"))]
    # kept in a JSON list; the page takes the names in one line
    inspectors: Annotated[list[free_text(80, "验收人员")],
                          Ui("验收人员", help="多人用顿号或逗号分隔")]
    note: Annotated[column_text(Acceptance, "note", max_length=LONG_TEXT),
                    Ui("说明", widget="textarea")] = ""
    photo_ids: Photos = []
    evidence_id: Annotated[Id | None, Ui(
        "现场取证", help="手机在房屋现场拍照定位的记录；有疑点的须经乡镇或县级认可")] = None
    version: Version = None


# 销号 (R-CJ-8), once the conditions of the closed loop hold.
class SignOffEntry(Command):
    closed_on: Annotated[date, Ui("销号日期")]
    note: Annotated[column_text(Transition, "comment", max_length=LONG_TEXT, label="说明"),
                    Ui("说明", widget="textarea")] = ""
    version: Version = None


# Undo a sign-off, only with a recorded reason.
class ReopenEntry(Command):
    reason: Annotated[column_text(Transition, "comment", max_length=LONG_TEXT, label="撤销理由"),
                      Ui("撤销理由", widget="textarea", rows=3)]
    version: Version = None
