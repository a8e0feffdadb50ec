"""The villagers' acts, one command each (docs/decisions/0046). The township answers a lead
with the ledger's own control check (rectification.commands.RecordControlCheck)."""

from typing import Annotated

from pydantic import Field

from anju.kit.commands import Command, Ui
from anju.public.codes import ReportKind
from anju.public.rules import TEXT_MAX


# 村民监督 (R-CJ-7, R-CJ-6): what anyone may report at a warning sign, without an account.
class FileReport(Command):
    kind: Annotated[str, Ui("反映情况", widget="radio", choices=ReportKind)] = Field(
        description="occupied、sign_damaged")
    text: Annotated[str, Ui("说明", widget="textarea")] = Field("", max_length=TEXT_MAX * 2)
    phone: Annotated[str, Ui("联系电话（选填，仅乡镇可见）")] = Field("", max_length=40)


# A household asks after its own case (R-MH-4 households informed).
class LookUpStatus(Command):
    village: Annotated[str, Ui("所在村")] = Field(max_length=12)
    head_name: Annotated[str, Ui("户主姓名")] = Field(max_length=40)
    id_last_six: Annotated[str, Ui("户主身份证号后六位")] = Field(max_length=6)


# The number printed on the township's warning signs.
class SetTownshipPhone(Command):
    phone: Annotated[str, Ui("乡镇联系电话")] = Field(max_length=40)
