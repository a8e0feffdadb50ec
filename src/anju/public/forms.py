"""The villagers' forms (no account) and the township's answer to a lead."""

from django import forms

from anju.public import actions
from anju.public.codes import ReportKind
from anju.public.rules import TEXT_MAX
from anju.rectification.codes import CheckLevel
from anju.rectification.forms import CheckForm


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label="您看到的情况", choices=ReportKind.choices,
                             widget=forms.RadioSelect)
    text = forms.CharField(label="补充说明（选填）", required=False, max_length=TEXT_MAX,
                           widget=forms.Textarea(attrs={"rows": 4, "maxlength": TEXT_MAX}))
    photo = forms.FileField(label="照片（选填）", required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/*"}))
    phone = forms.CharField(label="您的电话（选填，仅乡镇工作人员可见）", required=False,
                            max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"}))


class StatusForm(forms.Form):
    head_name = forms.CharField(label="户主姓名", max_length=40)
    id_last_six = forms.CharField(label="户主身份证号后六位", min_length=6, max_length=6,
                                  widget=forms.TextInput(attrs={"autocomplete": "off"}))


class AnswerForm(CheckForm):
    """The township's inspection of the house a lead is about: the ledger's control check,
    which closes the lead (actions.answer_lead)."""

    done = "核查已登记，村民监督线索已办结"

    def __init__(self, *args, lead, **kwargs):
        self.lead = lead
        super().__init__(*args, **kwargs)

    def setup(self):
        self.initial.setdefault("level", CheckLevel.TOWNSHIP)

    def act(self, cmd):
        return actions.answer_lead(self.lead, cmd, acting_user=self.user, origin=self.origin)
