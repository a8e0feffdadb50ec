"""The acts of imports and exports, one command each: what the API's routes and the exchange
pages start a job with. The file itself comes beside the command.

The mode, the export's kind and format stay text here: the verbs (jobs.py) refuse an unknown
one with its own code (mode_invalid, format_invalid, not_found), as the API always has."""

from typing import Annotated, Literal

from pydantic import Field

from anju.kit.commands import Command, Ui
from anju.kit.fields import free_text

Mode = free_text(20, "导入方式")

RESOURCES = (("households", "农户"), ("houses", "房屋"))
MODE_HELP = "all：全部正确才写入（有错误就一行也不写）；good_rows：只写入正确的行"


# Households or houses from a spreadsheet (api.md "Imports"): its kind and header checked at
# once, its rows in the background; a dry run only checks.
class StartImport(Command):
    resource: Annotated[Literal["households", "houses"], Ui("导入内容", choices=RESOURCES)]
    dry_run: Annotated[bool, Ui(page=False)] = Field(False, description="只检查，不写入")
    mode: Annotated[Mode, Ui(page=False)] = Field("all", description=MODE_HELP)


# The import page's second step: import for real the file a dry run checked.
class RunCheckedImport(Command):
    mode: Annotated[Mode, Ui("导入方式")] = Field("all", description=MODE_HELP)


# An export written in the background; its owner downloads it once done.
class StartExport(Command):
    kind: Annotated[free_text(40, "导出内容"), Ui("导出内容")] = Field(
        description="houses、rectification-ledger、findings、applications、payments")
    division: Annotated[free_text(12, "区划") | None, Ui("区划（不选为全部管辖范围）")] = None
    format: Annotated[free_text(10, "格式"), Ui("格式")] = Field("xlsx", description="xlsx 或 csv")


# A national system's file loaded for reconciliation (对账): compared, nothing overwritten.
class StartReconciliation(Command):
    layout: Annotated[free_text(40, "国家版式"), Ui("国家版式")] = Field(
        description="house-collection（N1）或 self-built（N2）")
    # The division the file covers (a township's file): Anju's side is that division only.
    division: Annotated[free_text(12, "区划") | None,
                        Ui("文件所属区划（不选为全部管辖范围）")] = None


# A reconciliation's difference taken into Anju: the house changed by the ordinary act
# (registry.update_house), to the national system's value.
class AcceptDifference(Command):
    note: Annotated[free_text(200, "说明") | None, Ui("说明")] = None


# A reconciliation's difference left for the national system to correct (recorded).
class MarkUpstream(Command):
    note: Annotated[free_text(200, "说明") | None, Ui("说明")] = None
