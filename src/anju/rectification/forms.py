"""The step forms of the ledger pages: fields only; the verbs decide (views.py)."""

from django import forms

from anju.rectification.codes import CheckLevel, MeasureKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MeasureForm(forms.Form):
    kind = forms.ChoiceField(label="措施", choices=[("", "—— 请选择 ——"), *MeasureKind.choices])
    started_on = forms.DateField(label="开始日期", required=False, widget=DATE)
    completed_on = forms.DateField(label="完成（落实）日期", required=False, widget=DATE,
                                   help_text="管控措施填写落实之日；工程措施完工后填写")
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CheckForm(forms.Form):
    level = forms.ChoiceField(label="检查方式", choices=[("", "—— 请选择 ——"), *CheckLevel.choices])
    checked_on = forms.DateField(label="检查日期", widget=DATE)
    holds = forms.TypedChoiceField(label="管控措施是否有效", coerce=lambda v: v == "yes",
                                   choices=[("yes", "有效"), ("no", "失效")],
                                   widget=forms.RadioSelect)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AcceptanceForm(forms.Form):
    accepted_on = forms.DateField(label="验收日期", widget=DATE)
    passed = forms.TypedChoiceField(label="验收结果", coerce=lambda v: v == "yes",
                                    choices=[("yes", "合格"), ("no", "不合格")],
                                    widget=forms.RadioSelect)
    inspectors = forms.CharField(label="验收人员", help_text="多人用顿号或逗号分隔")
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_inspectors(self):
        text = self.cleaned_data["inspectors"].replace("，", ",").replace("、", ",")
        return [name.strip() for name in text.split(",") if name.strip()]


class CloseForm(forms.Form):
    closed_on = forms.DateField(label="销号日期", widget=DATE)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReopenForm(forms.Form):
    reason = forms.CharField(label="撤销理由", widget=forms.Textarea(attrs={"rows": 3}))


class PlanForm(forms.Form):
    plan = forms.CharField(label="工程措施计划", widget=forms.Textarea(attrs={"rows": 3}))
    due_on = forms.DateField(label="计划完成日期", required=False, widget=DATE)
