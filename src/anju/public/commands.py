"""The villagers' acts, one command each (docs/decisions/0046). The township answers a lead
with the ledger's own control check (rectification.commands.RecordControlCheck)."""

from typing import Annotated

from pydantic import Field

from anju.kit.commands import Command, Ui
from anju.kit.fields import PHONE_LENGTH, column_text, free_text
from anju.public.codes import ReportKind
from anju.public.models import TownshipPhone, VillagerReport
from anju.public.rules import TEXT_MAX
from anju.registry.models import Household


# 村民监督 (R-CJ-7, R-CJ-6): what anyone may report at a warning sign, without an account.
class FileReport(Command):
    kind: Annotated[column_text(VillagerReport, "kind"),
                    Ui("反映情况", widget="radio", choices=ReportKind)] = Field(
        description="occupied、sign_damaged")
    # Twice the rule's bound, so that the rule (not the parser) names a text that is too long.
    text: Annotated[column_text(VillagerReport, "text", max_length=TEXT_MAX * 2),
                    Ui("说明", widget="textarea")] = ""
    phone: Annotated[column_text(VillagerReport, "phone", max_length=PHONE_LENGTH),
                     Ui("联系电话（选填，仅乡镇可见）")] = ""


# A household asks after its own case (R-MH-4 households informed).
class LookUpStatus(Command):
    village: Annotated[column_text(VillagerReport, "division_code", label="所在村"),
                       Ui("所在村")]
    head_name: Annotated[column_text(Household, "head_name"), Ui("户主姓名")]
    id_last_six: Annotated[free_text(6, "户主身份证号后六位"), Ui("户主身份证号后六位")]


# The number printed on the township's warning signs.
class SetTownshipPhone(Command):
    phone: Annotated[column_text(TownshipPhone, "phone"), Ui("乡镇联系电话")]
