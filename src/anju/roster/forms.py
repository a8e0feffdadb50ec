"""The roster page's upload form, generated from LoadRoster (anju.web.forms.CommandForm)."""

from django import forms

from anju.roster import jobs
from anju.roster.commands import LoadRoster
from anju.web.forms import CommandForm


class LoadRosterForm(CommandForm):
    command = LoadRoster
    file = forms.FileField(label="名单文件（xlsx 或 CSV）", required=False)

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("file"):
            self.add_error("file", "请选择名单文件")
        return cleaned

    def act(self, cmd):
        return jobs.start_load(cmd, upload=self.cleaned_data["file"], acting_user=self.user,
                               origin=self.origin)
