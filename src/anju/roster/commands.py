"""The acts of the monthly roster cycle, typed (style.md)."""

from typing import Annotated

from pydantic import Field

from anju.kit.commands import Command, Ui
from anju.kit.fields import column_text
from anju.roster.models import RosterLoad


class LoadRoster(Command):
    """民政、乡村振兴部门上传上月新识别和出列人员名单（以人找房）."""

    period: Annotated[column_text(RosterLoad, "period"),
                      Field(pattern=r"^\d{4}-\d{2}$", description="名单月份，如 2026-11"),
                      Ui("名单月份", help="上月，如 2026-11")]
    dry_run: Annotated[bool, Ui("仅检查，不写入")] = False
