"""Forms of the quality pages, generated from the quality commands (anju.web.forms.CommandForm):
a page checks a verification or a draw with the verb the API calls, after `is_valid()`, and
each error lands beside the row or field it names."""

import re

from django import forms
from django.utils import timezone

from anju.kit.errors import AnjuError
from anju.quality import actions, fields
from anju.quality.commands import REASON_MAX, DrawSpotCheck, RecordVerification
from anju.web.forms import CommandForm, DivisionPicker

_ROW_ERROR = re.compile(r"^(differences|confirmed)\[(\d+)\](?:\.(\w+))?$")
BOOL_CHOICES = [("", "—— 未核实 ——"), ("true", "是"), ("false", "否")]
OBSERVED_MAX = 40


def _observed_field(spec: fields.Verifiable) -> forms.Field:
    if spec.type == "choice":
        choices = [(g, f"{g} 级") for g in fields.GRADED] if spec.name == "grade" else list(
            spec.choices.choices)
        return forms.ChoiceField(choices=[("", "—— 未核实 ——"), *choices], required=False)
    if spec.type == "bool":
        return forms.ChoiceField(choices=BOOL_CHOICES, required=False)
    mode = {"int": "numeric", "decimal": "decimal"}.get(spec.type)
    attrs = {"inputmode": mode} if mode else {}
    return forms.CharField(required=False, max_length=OBSERVED_MAX,
                           widget=forms.TextInput(attrs=attrs))


class VerificationForm(CommandForm):
    """点对点核实比对: per field the recorded value, a tick for "same", or the value seen on site
    and the reason it differs. Untouched rows are not compared. The rows make the command's
    `differences` and `confirmed`."""

    command = RecordVerification
    verb = actions.record_verification

    def setup(self) -> None:
        self.house = self.target
        self.initial.setdefault("verified_on", timezone.localdate())
        self.recorded = fields.recorded_values(self.house)
        self.differences: list[dict] = []
        self.confirmed: list[str] = []
        for name, spec in fields.VERIFIABLE.items():
            row = {
                "same": forms.BooleanField(required=False, label=f"{spec.label}与记录一致"),
                "observed": _observed_field(spec),
                "reason": forms.CharField(required=False, max_length=REASON_MAX,
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

    def _observed(self, name: str, text: str):
        try:
            return fields.parse_observed(name, text, timezone.localdate())
        except ValueError:
            return None

    def _compared(self, cleaned) -> tuple[list[dict], list[str]]:
        differences, confirmed = [], []
        for name in fields.VERIFIABLE:
            same = cleaned.get(f"{name}-same")
            observed = (cleaned.get(f"{name}-observed") or "").strip()
            reason = (cleaned.get(f"{name}-reason") or "").strip()
            if same and observed:
                value = self._observed(name, observed)
                if value is None or not fields.same(name, self.recorded[name], value):
                    self.add_error(f"{name}-observed", "已勾选“一致”，实地值却与记录不同")
                    continue
            if same:
                confirmed.append(name)
            elif observed:
                value = self._observed(name, observed)
                if value is not None and fields.same(name, self.recorded[name], value):
                    confirmed.append(name)  # typed the recorded value: the same, not a difference
                else:
                    differences.append({"field": name, "observed": observed, "reason": reason})
            elif reason:
                self.add_error(f"{name}-observed", "填写了原因，请同时填写实地值")
        return differences, confirmed

    def clean(self):
        if not self.errors:
            self.differences, self.confirmed = self._compared(self.cleaned_data)
        return super().clean()

    def command_data(self, values: dict) -> dict:
        return values | {"differences": self.differences, "confirmed": self.confirmed}

    def show(self, error: AnjuError) -> None:
        self.note_rule(error)
        m = _ROW_ERROR.match(error.field or "")
        if m and m[1] == "differences" and int(m[2]) < len(self.differences):
            name = self.differences[int(m[2])]["field"]
            self.add_error(f"{name}-{'reason' if m[3] == 'reason' else 'observed'}",
                           error.message)
        elif m and m[1] == "confirmed" and int(m[2]) < len(self.confirmed):
            self.add_error(f"{self.confirmed[int(m[2])]}-same", error.message)
        else:
            super().show(error)


class SpotCheckForm(CommandForm):
    command = DrawSpotCheck
    verb = actions.draw_spot_check

    def setup(self) -> None:
        self.fields["division"].widget = DivisionPicker()
        self.initial.setdefault("division", self.user.scope)
        self.initial.setdefault("per_township", 5)
        self.fields["per_township"].widget.attrs.update(
            {"min": 1, "max": actions.SPOT_CHECK_MAX})
        self.fields["seed"].widget.attrs["min"] = 0
