"""Forms of the quality pages. Their cleaning calls the quality verbs, so a page enforces exactly
the rules the API does, and each error lands beside the row or field it names."""

import re

from django import forms
from django.utils import timezone

from anju.kit.errors import AnjuError, Forbidden, ValidationErrors
from anju.quality import actions, fields
from anju.web.forms import DivisionPicker

_ROW_ERROR = re.compile(r"^(differences|confirmed)\[(\d+)\](?:\.(\w+))?$")
BOOL_CHOICES = [("", "—— 未核实 ——"), ("true", "是"), ("false", "否")]


def _observed_field(spec: fields.Verifiable) -> forms.Field:
    if spec.type == "choice":
        choices = [(g, f"{g} 级") for g in fields.GRADED] if spec.name == "grade" else list(
            spec.choices.choices)
        return forms.ChoiceField(choices=[("", "—— 未核实 ——"), *choices], required=False)
    if spec.type == "bool":
        return forms.ChoiceField(choices=BOOL_CHOICES, required=False)
    mode = {"int": "numeric", "decimal": "decimal"}.get(spec.type)
    attrs = {"inputmode": mode} if mode else {}
    return forms.CharField(required=False, max_length=40, widget=forms.TextInput(attrs=attrs))


class VerificationForm(forms.Form):
    """点对点核实比对: per field the recorded value, a tick for "same", or the value seen on site
    and the reason it differs. Untouched rows are not compared."""

    verified_on = forms.DateField(label="核实日期", initial=timezone.localdate,
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, house, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.house, self.saved = user, house, None
        self.initial.setdefault("verified_on", timezone.localdate())
        self.recorded = fields.recorded_values(house)
        for name, spec in fields.VERIFIABLE.items():
            row = {
                "same": forms.BooleanField(required=False, label=f"{spec.label}与记录一致"),
                "observed": _observed_field(spec),
                "reason": forms.CharField(required=False, max_length=200,
                                          label=f"{spec.label}不一致的原因"),
            }
            row["observed"].label = f"{spec.label}（实地）"
            for part, field in row.items():
                # The table shows the row's name once; each input still carries its own.
                field.widget.attrs["aria-label"] = field.label
                self.fields[f"{name}-{part}"] = field

    def rows(self) -> list[dict]:
        return [{"name": name, "label": spec.label,
                 "recorded": fields.shown(name, fields.normalized(name, self.recorded[name])),
                 "same": self[f"{name}-same"], "observed": self[f"{name}-observed"],
                 "reason": self[f"{name}-reason"]}
                for name, spec in fields.VERIFIABLE.items()]

    def _compared(self, cleaned) -> tuple[list[dict], list[str]]:
        differences, confirmed = [], []
        today = timezone.localdate()
        for name in fields.VERIFIABLE:
            same = cleaned.get(f"{name}-same")
            observed = (cleaned.get(f"{name}-observed") or "").strip()
            reason = (cleaned.get(f"{name}-reason") or "").strip()
            if same and observed:
                try:
                    value = fields.parse_observed(name, observed, today)
                except ValueError:
                    value = None
                if value is None or not fields.same(name, self.recorded[name], value):
                    self.add_error(f"{name}-observed", "已勾选“一致”，实地值却与记录不同")
                    continue
            if same:
                confirmed.append(name)
            elif observed:
                try:
                    value = fields.parse_observed(name, observed, today)
                except ValueError:
                    value = None
                if value is not None and fields.same(name, self.recorded[name], value):
                    confirmed.append(name)  # typed the recorded value: the same, not a difference
                else:
                    differences.append({"field": name, "observed": observed, "reason": reason})
            elif reason:
                self.add_error(f"{name}-observed", "填写了原因，请同时填写实地值")
        return differences, confirmed

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        differences, confirmed = self._compared(cleaned)
        if self.errors:
            return cleaned
        data = {"verified_on": cleaned.get("verified_on"), "note": cleaned.get("note") or "",
                "differences": differences, "confirmed": confirmed}
        try:
            self.saved = actions.record_verification(self.house, acting_user=self.user,
                                                     data=data)
        except Forbidden:
            raise
        except ValidationErrors as e:
            for error in e.errors:
                self._show(error, differences, confirmed)
        except AnjuError as e:
            self._show(e, differences, confirmed)
        return cleaned

    def _show(self, error: AnjuError, differences, confirmed) -> None:
        m = _ROW_ERROR.match(error.field or "")
        if m and m[1] == "differences" and int(m[2]) < len(differences):
            name = differences[int(m[2])]["field"]
            self.add_error(f"{name}-{'reason' if m[3] == 'reason' else 'observed'}",
                           error.message)
        elif m and m[1] == "confirmed" and int(m[2]) < len(confirmed):
            self.add_error(f"{confirmed[int(m[2])]}-same", error.message)
        elif error.field in ("verified_on", "note"):
            self.add_error(error.field, error.message)
        else:
            self.add_error(None, error.message)


class SpotCheckForm(forms.Form):
    division = forms.CharField(label="抽查范围", widget=DivisionPicker())
    per_township = forms.IntegerField(label="每个乡镇抽取（栋）", min_value=1,
                                      max_value=actions.SPOT_CHECK_MAX, initial=5)
    seed = forms.IntegerField(label="随机种子（可不填）", required=False, min_value=0,
                              help_text="填写同一种子可复现同一样本；不填则随机生成并记录")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.saved = user, None
        self.initial.setdefault("division", user.scope)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            self.saved = actions.draw_spot_check(
                acting_user=self.user, division=cleaned["division"],
                per_township=cleaned["per_township"], seed=cleaned.get("seed"))
        except Forbidden:
            raise
        except AnjuError as e:
            self.add_error(e.field if e.field in self.fields else None, e.message)
        return cleaned
