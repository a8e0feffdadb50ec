"""Forms of the exchange pages, generated from the exchange commands (anju.web.forms
.CommandForm): `is_valid()` only reads; the job starts in `save()`, through the verb the API
calls, and a refusal lands beside the field it names."""

from django import forms

from anju.exchange import jobs
from anju.exchange.commands import RunCheckedImport, StartExport, StartImport
from anju.web.forms import CommandForm


class ImportForm(CommandForm):
    """The import page's first step: the file checked ("只检查") or imported at once."""

    command = StartImport
    file = forms.FileField(label="文件（xlsx、xls 或 CSV）", required=False)

    def command_data(self, values: dict) -> dict:
        return values | {"dry_run": self.data.get("step") != "import",
                         "mode": self.data.get("mode") or "all"}

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("file"):
            self.add_error("file", "请选择要导入的文件")
        return cleaned

    def act(self, cmd):
        return jobs.start_import(cmd, upload=self.cleaned_data["file"], acting_user=self.user,
                                 origin=self.origin)


class RunCheckedImportForm(CommandForm):
    """The second step: the file a dry run checked, imported for real (the target job)."""

    command = RunCheckedImport
    verb = jobs.start_import_after_check


class ExportForm(CommandForm):
    command = StartExport
    verb = jobs.start_export
