"""The step forms of the ledger pages, generated from the acts' commands (commands.py): the
form reads and checks, the verb decides when the form is saved (views.py)."""

from django import forms

from anju.rectification import actions, commands
from anju.web.forms import CommandForm


class StepForm(CommandForm):
    """One step of the closed loop on an entry (`target`); `done` is what the page says after."""

    done = ""


class MeasureForm(StepForm):
    command = commands.RecordMeasure
    verb = actions.record_measure
    done = "整治措施已登记"


class CheckForm(StepForm):
    command = commands.RecordControlCheck
    verb = actions.record_control_check
    done = "管控检查已登记"


class AcceptanceForm(StepForm):
    command = commands.RecordLedgerAcceptance
    verb = actions.record_acceptance
    done = "验收已登记"

    # The inspectors' names on one line, as the clerk writes them.
    inspectors = forms.CharField(label="验收人员", required=False, help_text="多人用顿号或逗号分隔")

    def clean_inspectors(self):
        text = self.cleaned_data["inspectors"].replace("，", ",").replace("、", ",")
        return [name.strip() for name in text.split(",") if name.strip()]


class CloseForm(StepForm):
    command = commands.SignOffEntry
    verb = actions.sign_off_rectification
    done = "已销号"


class ReopenForm(StepForm):
    command = commands.ReopenEntry
    verb = actions.reopen_rectification
    done = "已撤销销号"


class PlanForm(StepForm):
    command = commands.PlanEngineering
    verb = actions.record_engineering_plan
    done = "工程措施计划已保存"
