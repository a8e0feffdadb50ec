"""The page forms of supervision, each made from its act's command."""

from django import forms
from django.utils import timezone

from anju.appraisal.codes import ControlKind
from anju.policy.rules import profile_for
from anju.supervision import actions
from anju.supervision.commands import (
    SECTION_MAX,
    AddPlanRow,
    DrawPlan,
    EditSummary,
    OpenCampaign,
    RecordRevisit,
    RemovePlanRow,
    SubmitSummary,
    WriteSummary,
)
from anju.web.forms import CommandForm, DivisionPicker

SECTION_FIELDS = (("situation", "基本情况"), ("measures", "主要措施"),
                  ("lookback", "回头看情况"), ("problems", "存在问题"),
                  ("next_steps", "下一步工作"))


class _ProgrammeForm(CommandForm):
    """A plan act names its programme in the path, not in a field."""

    def __init__(self, *args, programme: str, **kwargs):
        self.programme = programme
        super().__init__(*args, **kwargs)


class DrawPlanForm(_ProgrammeForm):
    command = DrawPlan

    def setup(self) -> None:
        self.fields["division"].widget = DivisionPicker()
        self.initial.setdefault("division", self.user.scope[:6])

    def act(self, cmd):
        return actions.draw_plan(self.programme, cmd, acting_user=self.user, origin=self.origin)


class AddPlanRowForm(_ProgrammeForm):
    command = AddPlanRow
    house_id = forms.IntegerField(label="房屋编号", min_value=1, required=False)

    def act(self, cmd):
        return actions.add_plan_row(self.programme, cmd, acting_user=self.user,
                                    origin=self.origin)


class RemovePlanRowForm(CommandForm):
    command = RemovePlanRow
    verb = actions.remove_plan_row


class OpenCampaignForm(CommandForm):
    command = OpenCampaign
    verb = actions.open_campaign

    def setup(self) -> None:
        self.fields["division"].widget = DivisionPicker()
        self.initial.setdefault("division", self.user.scope)


class RevisitForm(CommandForm):
    command = RecordRevisit
    verb = actions.record_revisit
    controls = forms.MultipleChoiceField(label="管控措施", choices=ControlKind.choices,
                                         required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, house_id: int, **kwargs):
        self.house_id = house_id
        super().__init__(*args, **kwargs)

    def command_data(self, values: dict) -> dict:
        return {**values, "house_id": self.house_id,
                "controls": (self.cleaned_data.get("controls") or None)}


class _SectionsForm(CommandForm):
    situation = forms.CharField(label="基本情况", required=False, max_length=SECTION_MAX,
                                widget=forms.Textarea(attrs={"rows": 5}))
    measures = forms.CharField(label="主要措施", required=False, max_length=SECTION_MAX,
                               widget=forms.Textarea(attrs={"rows": 5}))
    lookback = forms.CharField(label="回头看情况", required=False, max_length=SECTION_MAX,
                               widget=forms.Textarea(attrs={"rows": 5}))
    problems = forms.CharField(label="存在问题", required=False, max_length=SECTION_MAX,
                               widget=forms.Textarea(attrs={"rows": 5}))
    next_steps = forms.CharField(label="下一步工作", required=False, max_length=SECTION_MAX,
                                 widget=forms.Textarea(attrs={"rows": 5}))

    def command_data(self, values: dict) -> dict:
        cleaned = getattr(self, "cleaned_data", {})
        return {**values, "sections": {name: cleaned.get(name) or ""
                                       for name, _ in SECTION_FIELDS}}


class WriteSummaryForm(_SectionsForm):
    command = WriteSummary
    verb = actions.write_summary

    def setup(self) -> None:
        self.fields["division_code"].widget = DivisionPicker()
        county = self.user.scope[:6]
        self.initial.setdefault("division_code", county)
        # The region's own due date where its profile names one (Changji: 2023-09-12).
        due = getattr(profile_for(county, timezone.localdate()), "summary_due_on", None)
        if due:
            self.initial.setdefault("due_on", due)


class EditSummaryForm(_SectionsForm):
    command = EditSummary
    verb = actions.edit_summary

    def setup(self) -> None:
        if self.instance is not None:
            self.initial.setdefault("period", self.instance.period)
            self.initial.setdefault("due_on", self.instance.due_on)
            for name, _ in SECTION_FIELDS:
                self.initial.setdefault(name, self.instance.sections.get(name, ""))


class SubmitSummaryForm(CommandForm):
    command = SubmitSummary
    verb = actions.submit_summary
