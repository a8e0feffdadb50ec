"""The step forms of the ledger pages, generated from the acts' commands (commands.py): the
form reads and checks, the verb decides when the form is saved (views.py)."""

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _lazy

from anju.evidence.models import Act as EvidenceAct
from anju.evidence.queries import evidence_choices
from anju.kit.errors import AnjuError, ValidationErrors
from anju.rectification import actions, commands
from anju.rectification.codes import MeasureKind
from anju.web.forms import BLANK, CommandForm, MultipleFileField, RowForm, _discard, choice


class StepForm(CommandForm):
    """One step of the closed loop on an entry (`target`); `done` is what the page says after."""

    done = ""


class MoreMeasureForm(RowForm):
    """A further measure saved with the first (措施 rows on the measure page)."""

    noun = "第 {n} 项其他措施"
    kind = choice(MeasureKind.choices, "措施")
    started_on = forms.DateField(label="开始日期", required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    completed_on = forms.DateField(label="完成（落实）日期", required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="说明", required=False, max_length=500)

    def is_blank(self) -> bool:
        return not any(self.cleaned_data.get(f) for f in ("kind", "started_on",
                                                           "completed_on", "note"))

    def clean(self):
        cleaned = super().clean()
        if not self.is_blank() and not cleaned.get("kind") and not cleaned.get("DELETE"):
            self.add_error("kind", "请选择措施")
        return cleaned


MoreMeasures = formset_factory(MoreMeasureForm, extra=0, can_delete=True)


class MeasureForm(StepForm):
    """Several measures in one save (the first above, the others as rows), each its own act
    on the entry in one transaction, and photos kept on the house's file for all of them."""

    command = commands.RecordMeasure
    verb = actions.record_measure
    done = "整治措施已登记"

    photos = MultipleFileField(label=_lazy("现场照片"),
                               help_text=_lazy("可多选；保存出错时需重新选择"))

    def __init__(self, data=None, files=None, **kwargs):
        # a client posting one measure (no rows at all) is served as before
        rows = data if data is not None and "more-TOTAL_FORMS" in data else None
        self.more = MoreMeasures(rows, prefix="more")
        super().__init__(data, files, **kwargs)

    def files_owner(self):
        return {"house": self.target.house}

    def subforms_valid(self):
        return not self.more.is_bound or self.more.is_valid()

    def more_rows(self) -> list:
        if not self.more.is_bound:
            return []
        return [f for f in self.more.forms
                if not f.is_blank() and not f.cleaned_data.get("DELETE")]

    def row_forms(self, prefix):
        return self.more_rows() if prefix == "more" else []

    def act(self, cmd):
        created: list = []
        try:
            ids = self.attach(self.cleaned_data.get("photos") or [], title="整治措施照片",
                              field="photos", created=created, kind="photo")
            first = super().act(cmd.model_copy(update={"photo_ids": ids}))
            for i, row in enumerate(self.more_rows()):
                self.target.refresh_from_db()
                values = {k: v for k, v in row.cleaned_data.items()
                          if k in ("kind", "started_on", "completed_on", "note") and v}
                try:
                    more = commands.RecordMeasure(**values, photo_ids=ids,
                                                  version=self.target.version)
                    super().act(more)
                except AnjuError as e:
                    raise type(e)(e.code, e.message, field=f"more[{i}].{e.field or 'kind'}",
                                  rule=e.rule) from None
        except (AnjuError, ValidationErrors):
            _discard(created)
            raise
        return first


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

    def setup(self):
        super().setup()
        self.fields["evidence_id"].choices = BLANK + evidence_choices(
            self.user, self.target.house_id, EvidenceAct.RECTIFICATION_ACCEPTANCE)

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
