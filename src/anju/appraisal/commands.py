"""The acts of investigation and appraisal (grading.md §2–3, R-CJ-2), one command each: the
API's body, the page form's fields (anju.web.forms.CommandForm), and what the field app's
screening and inspection validate with.

Codes from a code list (a level, a site hazard, a component's rating, a control measure) stay
text here: the verb refuses an unknown one with the code and the rule of the API (a
`choice_invalid`, a `component_rating_invalid` naming the component)."""

from datetime import date
from typing import Annotated

from pydantic import Field

from anju.appraisal.codes import ControlKind, InspectionLevel, Prevention, SiteHazard
from anju.appraisal.models import (
    Appraisal,
    ControlOrder,
    Inspection,
    Screening,
    ScreeningItemKind,
)
from anju.kit.commands import Command, Ui
from anju.kit.fields import LONG_TEXT, Id, column_text, free_text

NOTE_MAX = LONG_TEXT
Control = column_text(ControlOrder, "kind")
# Codes kept in the appraisal's JSON columns (components, seismic, component photos).
PartCode = free_text(20, "构件或措施代码")
CONTROLS_HELP = "发现重大安全隐患时采取；都不选则按搬离人员、腾空封房、专人值守、张贴警示标识"


# One hazard found, as the catalogue names it (GET /screening/item-kinds).
class ScreeningItem(Command):
    kind: Annotated[column_text(ScreeningItemKind, "code"), Ui("隐患项目")] = Field(
        description="排查项目代码，见 GET /screening/item-kinds")
    level: column_text(ScreeningItemKind, "level") = Field(
        description="serious 或 general，须与目录一致")
    count: Annotated[int, Ui("处数")] = Field(
        1, description="出现该隐患的处数；同一一般隐患 ≥ 3 处即为严重")
    note: Annotated[free_text(200, "部位或说明"), Ui("部位或说明")] = ""  # in the JSON items


# 排查初判 (grading.md §2); a serious result reports a hazard with control measures at once
# (R-CJ-2).
class RecordScreening(Command):
    checked_on: Annotated[date, Ui("排查日期", missing="排查日期不能为空")]
    level: Annotated[column_text(Screening, "level"), Ui("排查层级", choices=InspectionLevel)] = \
        Field(InspectionLevel.VILLAGE, description="排查层级，如 village、township")
    inspector: Annotated[column_text(Screening, "inspector"), Ui("排查人")] = ""
    items: list[ScreeningItem] = []
    altered_without_design: Annotated[bool, Ui(
        "擅自加层、扩建或拆改主体结构（无专业设计或无资质施工）")] = Field(
        False, description="加层、扩建、拆改主体结构且无专业设计或无资质施工")
    note: Annotated[column_text(Screening, "note", max_length=NOTE_MAX),
                    Ui("备注", widget="textarea", rows=3)] = ""
    controls: Annotated[list[Control] | None, Ui("管控措施", page=False)] = Field(
        None, description="严重隐患时采取的管控措施；省略则为搬离、封房、值守、警示")


# The report of a qualified institution, for a house of three storeys or more.
class UrbanReport(Command):
    institution: Annotated[column_text(Appraisal, "institution"), Ui("鉴定机构")]
    report_no: Annotated[column_text(Appraisal, "report_no"), Ui("报告编号")]
    grade: Annotated[column_text(Appraisal, "grade"), Ui("报告鉴定等级")]
    file_id: Annotated[Id | None, Ui("鉴定报告扫描件", upload="one", title="鉴定报告",
                                     help="PDF 或图片")] = Field(
        None, description="已上传到本房屋的报告扫描件附件 id")


# 安全性鉴定 (grading.md §3): the component table of the 2019 导则 for one or two storeys,
# an urban report for three or more. A re-appraisal adds a record; none is rewritten.
class RecordAppraisal(Command):
    appraised_on: Annotated[date, Ui("鉴定日期", missing="鉴定日期不能为空")]
    appraiser: Annotated[column_text(Appraisal, "appraiser"), Ui("鉴定人")]
    organization: Annotated[column_text(Appraisal, "organization"), Ui("鉴定单位")] = ""
    site: Annotated[column_text(Appraisal, "site"), Ui(
        "场地", choices=SiteHazard,
        help="场地存在滑坡、崩塌、地面沉陷等危险时，房屋直接评为 D 级，并建议迁址重建")] = Field(
        "safe", description="safe 或场地危险代码，如 landslide")
    components: dict[PartCode, PartCode] | None = Field(
        None, description="foundation、bearing_wall、timber_frame、timber_truss、concrete_frame、"
                          "roof 各为 a/b/c/d/n/a")
    seismic: dict[PartCode, bool] | None = Field(
        None, description="ring_beam、tie_column、ground_ring_beam：是否设有（8 度及以上必填）")
    prevention: Annotated[column_text(Appraisal, "prevention") | None, Ui(
        "防灾措施鉴定", choices=Prevention, widget="radio")] = Field(
        None, description="防灾措施鉴定：full、partial 或 none")
    grade: Annotated[column_text(Appraisal, "grade") | None, Ui("鉴定等级")] = Field(
        None, description="省略则采用计算等级")
    override_reason: Annotated[column_text(Appraisal, "override_reason", max_length=NOTE_MAX),
                               Ui("综合判定理由", widget="textarea")] = ""
    urban_report: UrbanReport | None = None
    component_photos: dict[PartCode, list[Id]] | None = None


# A check of the house at any level; a major hazard is reported at once (R-CJ-2).
class RecordInspection(Command):
    level: Annotated[column_text(Inspection, "level"), Ui("检查层级", choices=InspectionLevel)] = \
        Field(description="household_self、village、township、county、villager_report、"
                          "lookback、spot_check、third_party")
    inspected_on: Annotated[date, Ui("检查日期", missing="检查日期不能为空")]
    inspector: Annotated[column_text(Inspection, "inspector"), Ui("检查人")] = ""
    findings: Annotated[column_text(Inspection, "findings", max_length=NOTE_MAX),
                        Ui("发现情况", widget="textarea", rows=4)] = ""
    major_hazard: Annotated[bool, Ui("发现重大安全隐患（立即编号并采取管控措施）")] = False
    business_in_use: Annotated[bool, Ui("发现房屋仍在经营使用（整治未销号前不得经营）")] = Field(
        False, description="R-CJ-8：检查或村民监督发现台账未销号的房屋仍在经营")
    # R-MH-14: the house goes to appraisal (待鉴定); graded C/D it enters the ledger.
    suspected_dangerous: Annotated[bool, Ui("疑似危房（转鉴定）")] = False
    controls: Annotated[list[Control] | None, Ui("管控措施", choices=ControlKind,
                                                 help=CONTROLS_HELP)] = None
    photo_ids: Annotated[list[Id], Ui("照片", upload="many", kind="photo", title="检查照片")] = []
    # R-CJ-3 抽查 is done at the house: a spot check rests on a capture of it (ADR 0048)
    evidence_id: Annotated[Id | None, Ui(
        "现场取证", help="抽查须有手机在房屋现场拍照定位的记录；有疑点的须经乡镇或县级认可")] = None
