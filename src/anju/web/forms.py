"""The form bases of the pages: a form that runs an act's verb and shows each error beside the
field it names, one that keeps uploaded files on the household's file first, the division
picker and the file inputs. Pages of every app build on these."""

import re

from django import forms
from django.db import transaction

from anju.divisions.models import Division
from anju.kit.errors import AnjuError, Forbidden, RuleViolation, ValidationErrors
from anju.registry import actions

BLANK = [("", "—— 请选择 ——")]
_INDEXED = re.compile(r"^(\w+)\[(\d+)\]\.(\w+)$")


class DivisionPicker(forms.Widget):
    """A hidden code plus a search box; options come from the server as the clerk types."""

    template_name = "divisions/picker.html"

    def __init__(self, level: int | None = None, autosubmit: bool = False, attrs=None):
        super().__init__(attrs)
        self.level = level
        self.autosubmit = autosubmit

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        division = Division.objects.filter(code=value).first() if value else None
        chosen = ""
        if division:
            parent = division.parent.name if division.parent_id and division.level == 12 else ""
            chosen = f"{parent} {division.name}".strip()
        context["widget"].update(level=self.level or "", autosubmit=self.autosubmit,
                                 chosen=chosen or (value or ""))
        return context


def choice(choices, label, **kwargs):
    return forms.ChoiceField(label=label, choices=BLANK + list(choices), required=False,
                             **kwargs)


class VerbForm(forms.Form):
    """A form whose `clean()` runs a verb; its errors are shown beside the fields they name."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.instance = instance
        self.saved = None
        if instance is not None:
            self.initial.setdefault("version", instance.version)

    # Sub-forms (formsets) whose rows are named in verb errors as `prefix[i].field`.
    def row_forms(self, prefix: str) -> list:
        return []

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if not self.subforms_valid():
            # The rows show their own errors; without this the form would pass with nothing saved.
            self.add_error(None, "请修改下方标出的各行后再保存")
            return cleaned
        if self.instance is not None and cleaned.get("version") is None:
            self.add_error(None, "缺少版本号，请刷新页面后重试")
            return cleaned
        self.saved = self.call_verb(self.run_verb, cleaned)
        return cleaned

    def call_verb(self, verb, *args, **kwargs):
        """Run a verb; its rule errors land beside their fields (a wrong role still raises)."""
        try:
            return verb(*args, **kwargs)
        except Forbidden:
            raise
        except ValidationErrors as e:
            for error in e.errors:
                self.show(error)
        except AnjuError as e:
            self.show(e)
        return None

    def subforms_valid(self) -> bool:
        return True

    def show(self, error: AnjuError) -> None:
        field = error.field or ""
        if m := _INDEXED.match(field):
            rows = self.row_forms(m[1])
            index, name = int(m[2]), m[3]
            if index < len(rows) and name in rows[index].fields:
                rows[index].add_error(name, error.message)
                self.add_error(None, error.message)
                return
        if field in self.fields and not self.fields[field].widget.is_hidden:
            self.add_error(field, error.message)
        else:
            # The version, the household link and list-wide rules are said at the top.
            self.add_error(None, error.message)

    def run_verb(self, cleaned: dict):
        raise NotImplementedError

    def changes(self, cleaned: dict, fields) -> dict:
        return {f: cleaned[f] for f in fields if f in self.changed_data}



class FilesWithRecordForm(VerbForm):
    """A verb form that keeps uploaded files on the household's or house's file first and then
    records the act; `record(cleaned, created)` appends each attachment it makes to `created`.
    Its fields are named after the verb's error fields with dots as underscores
    (`components.roof` → `components_roof`); the odd ones out are in FIELD_NAMES."""

    FIELD_NAMES: dict[str, str] = {}

    def show(self, error: AnjuError) -> None:
        field = error.field or ""
        name = self.FIELD_NAMES.get(field, field.replace(".", "_"))
        if name != field and name in self.fields:
            error = AnjuError(error.code, error.message, field=name, rule=error.rule)
        super().show(error)

    def files_owner(self) -> dict:
        """Whose file the uploads go on (一户一档): {"house": …} or {"household": …}."""
        raise NotImplementedError

    def attach(self, uploads, *, title: str, field: str, created: list,
               kind: str = "document") -> list[int]:
        """Keep the uploads on the owner's file; a refused file is named by `field`."""
        ids, errors = [], []
        for upload in uploads:
            if upload is None:
                continue
            try:
                attachment = actions.attach_file(acting_user=self.user, upload=upload,
                                                 kind=kind, title=title[:100],
                                                 **self.files_owner())
            except RuleViolation as e:
                errors.append(RuleViolation(e.code, f"{upload.name}：{e.message}", field=field))
                continue
            created.append(attachment)
            ids.append(attachment.pk)
        if errors:
            raise ValidationErrors(errors)
        return ids

    def run_verb(self, cleaned):
        # Files and record go together: a refused record keeps none of the files just sent.
        created: list = []
        try:
            with transaction.atomic():
                return self.record(cleaned, created)
        except Exception:
            for attachment in created:
                attachment.file.delete(save=False)
            raise

    def record(self, cleaned: dict, created: list):
        raise NotImplementedError


def date_field(label: str) -> forms.DateField:
    return forms.DateField(label=label, required=False,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; cleans to a list (empty when none was chosen)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        return [f for f in (super(MultipleFileField, self).clean(d, initial) for d in files) if f]
