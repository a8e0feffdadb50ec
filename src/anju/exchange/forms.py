"""Forms of the exchange pages, generated from the exchange commands (anju.web.forms
.CommandForm): `is_valid()` only reads; the job starts in `save()`, through the verb the API
calls, and a refusal lands beside the field it names."""

from django import forms

from anju.exchange import jobs, reconcile
from anju.exchange.commands import (
    AcceptDifference,
    MarkUpstream,
    RunCheckedImport,
    StartExport,
    StartImport,
    StartReconciliation,
)
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


# The layouts a national file can be reconciled in (one row per house).
RECONCILABLE_LAYOUTS = (("house-collection", "N1 农村房屋安全信息采集表（自建房）"),
                        ("self-built", "N2 自建房信息记录"))


class ReconciliationForm(CommandForm):
    """A national system's file loaded for reconciliation (对账)."""

    command = StartReconciliation
    layout = forms.ChoiceField(label="国家版式", choices=RECONCILABLE_LAYOUTS)
    file = forms.FileField(label="国家系统导出的文件（xlsx 或 CSV）", required=False)

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("file"):
            self.add_error("file", "请选择国家系统导出的文件")
        return cleaned

    def act(self, cmd):
        return jobs.start_reconciliation(cmd, upload=self.cleaned_data["file"],
                                         acting_user=self.user, origin=self.origin)


class AcceptDifferenceForm(CommandForm):
    command = AcceptDifference
    verb = reconcile.accept_difference


class MarkUpstreamForm(CommandForm):
    command = MarkUpstream
    verb = reconcile.mark_upstream
