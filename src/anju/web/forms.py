"""The form bases of the pages: CommandForm, the page form generated from an act's command,
which keeps uploaded files on the household's or house's file and then runs the act's verb,
each error beside the field it names; the division picker and the file inputs. Pages of
every app build on these."""

import re
import types
import typing
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django import forms
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _lazy
from pydantic import BaseModel
from pydantic import ValidationError as PydanticError

from anju.divisions.models import Division
from anju.kit.commands import Ui, ui_of
from anju.kit.errors import AnjuError, Code, Forbidden, RuleViolation, ValidationErrors
from anju.registry import actions
from anju.registry.commands import AttachFile

BLANK = [("", _lazy("—— 请选择 ——"))]
# Dates that are not "when it happened" (a deadline, an end, a completion not yet certain):
# the page leaves them empty instead of today.
_NOT_TODAY = {"due_on", "starts_on", "ends_on", "valid_until", "warranty_until",
              "completed_on"}


def mark_required(field: forms.Field) -> forms.Field:
    """A field the act cannot do without: marked * on the page and for screen readers
    (the page field itself stays optional so the act's own message is the one shown)."""
    field.marked_required = True
    field.widget.attrs["aria-required"] = "true"
    return field


def starts_today(name: str, field: forms.Field) -> bool:
    """A date of when something happened (measured, inspected, evacuated, accepted) starts
    at today; a deadline or an end does not."""
    return isinstance(field, forms.DateField) and name not in _NOT_TODAY \
        and (name == "on" or name.endswith("_on"))
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


class RowForm(forms.Form):
    """One row of a repeated list on a page: each field labelled with its row's number for
    screen readers (`__number__` in the empty row the page copies when a row is added)."""

    noun = "第 {n} 行"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        index = (self.prefix or "").rsplit("-", 1)[-1]
        number = str(int(index) + 1) if index.isdigit() else "__number__"
        for field in self.fields.values():
            if not field.widget.is_hidden:
                field.widget.attrs["aria-label"] = \
                    gettext(self.noun).format(n=number) + gettext(str(field.label or ""))


class KeepsFiles:
    """Uploads kept on the household's or house's file (一户一档) before the act that names
    them; a refused act keeps none of them (the caller deletes `created` on failure)."""

    user = None

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
                owner = next(iter(self.files_owner().values()))
                attachment = actions.attach_file(
                    owner, AttachFile(kind=kind, title=title[:100]), upload=upload,
                    acting_user=self.user, origin=getattr(self, "origin", None))
            except RuleViolation as e:
                errors.append(RuleViolation(e.code, f"{upload.name}：{e.message}", field=field))
                continue
            created.append(attachment)
            ids.append(attachment.pk)
        if errors:
            raise ValidationErrors(errors)
        return ids


def _discard(created: list) -> None:
    for attachment in created:
        attachment.file.delete(save=False)


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


# ---------------------------------------------------------------- the form of a command

SCANS = "image/*,application/pdf"
_AGAIN = "保存出错时需重新选择"


def _unwrap(annotation):
    """(the type, whether None is allowed, the metadata of the Annotated layers)."""
    metadata: list = []
    optional = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation, *more = typing.get_args(annotation)
            metadata += more
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            optional = optional or len(args) < len(typing.get_args(annotation))
            if len(args) != 1:
                return annotation, optional, metadata
            annotation = args[0]
        else:
            return annotation, optional, metadata


def _bound(metadata, name: str):
    for item in metadata:
        inner = getattr(item, "metadata", None)  # a Field(...) inside an Annotated member
        value = _bound(inner, name) if isinstance(inner, list) else getattr(item, name, None)
        if value is not None:
            return value
    return None


@dataclass(frozen=True)
class _Spec:
    """What the page form makes of one command field."""

    name: str
    ui: Ui
    kind: str  # "text", "choice", "bool", "date", "number", "upload", "id"
    label: str
    required: bool

    @property
    def empty_message(self) -> str:
        if self.ui.missing:
            return self.ui.missing
        verb = {"choice": "请选择", "bool": "请选择", "id": "请选择", "upload": "请上传"}
        return f"{verb.get(self.kind, '须填写')}{self.label}"


def _choices(ui: Ui, allowed) -> list:
    pairs = ui.choices.choices if hasattr(ui.choices, "choices") else list(ui.choices or [])
    if allowed is None:
        return pairs
    labels = dict(pairs)
    return [(v, labels.get(v, v)) for v in allowed]


def _form_field(name: str, info) -> tuple[forms.Field, str] | None:
    """The Django field of one command field and its kind, or None (left to a sub-form)."""
    ui = ui_of(info)
    kind, _optional, metadata = _unwrap(info.annotation)
    metadata = [*info.metadata, *metadata]
    # Labels and hints are looked up in the catalogue when the page is drawn (English pages).
    label = _lazy(ui.label or info.title or name)
    common = {"label": label, "required": False, "help_text": _lazy(ui.help) if ui.help else ""}
    origin = typing.get_origin(kind)
    if ui.upload:
        accept = "image/*" if ui.kind == "photo" and ui.upload == "many" else SCANS
        if ui.upload == "many":
            return MultipleFileField(label=label, help_text=ui.help or f"可多选；{_AGAIN}",
                                     widget=MultipleFileInput(attrs={"accept": accept})), "upload"
        return forms.FileField(label=label, required=False,
                               help_text=f"{ui.help or '照片或扫描件（JPEG、PNG、PDF）'}；{_AGAIN}",
                               widget=forms.ClearableFileInput(attrs={"accept": accept})), \
            "upload"
    if origin is list or (isinstance(kind, type) and issubclass(kind, BaseModel)):
        return None
    if kind is bool:
        if ui.widget == "radio":
            yes, no = ui.choices or ("是", "否")
            return forms.TypedChoiceField(choices=[("yes", yes), ("no", no)],
                                          coerce=lambda v: v == "yes", empty_value=None,
                                          widget=forms.RadioSelect, **common), "bool"
        return forms.BooleanField(**common), "bool"
    if kind is date:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"},
                                                      format="%Y-%m-%d"), **common), "date"
    if origin is typing.Literal or ui.choices is not None:
        allowed = typing.get_args(kind) if origin is typing.Literal else None
        pairs = _choices(ui, allowed)
        if ui.widget == "radio":
            return forms.ChoiceField(choices=pairs, widget=forms.RadioSelect, **common), "choice"
        if not info.is_required() and info.default in dict(pairs):
            # a field with a default among the choices starts there, with no blank
            return forms.ChoiceField(choices=pairs, initial=info.default, **common), "choice"
        return forms.ChoiceField(choices=BLANK + pairs, **common), "choice"
    if kind is int and name.endswith("_id"):
        return forms.TypedChoiceField(choices=BLANK, coerce=int, empty_value=None,
                                      **common), "id"
    bounds = {"min_value": _bound(metadata, "ge"), "max_value": _bound(metadata, "le")}
    if bounds["min_value"] is None and (above := _bound(metadata, "gt")) is not None:
        bounds["min_value"] = above  # the command refuses the bound itself
    if kind is int:
        return forms.IntegerField(**bounds, **common), "number"
    if kind is Decimal:
        return forms.DecimalField(max_digits=_bound(metadata, "max_digits"),
                                  decimal_places=_bound(metadata, "decimal_places"),
                                  **bounds, **common), "number"
    if kind is str:
        widget = forms.Textarea(attrs={"rows": ui.rows}) if ui.widget == "textarea" else None
        return forms.CharField(max_length=_bound(metadata, "max_length"), widget=widget,
                               **common), "text"
    raise TypeError(f"no page field for {name}: {info.annotation!r}")


def _place(loc) -> str:
    """A pydantic error's location as the error field the verbs use: `members[0].name`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and "[" not in part and "-" not in part:
            out += f".{part}" if out else part
    return out


_WORDING = {
    "greater_than_equal": "不能小于 {ge}", "greater_than": "应大于 {gt}",
    "less_than_equal": "不能大于 {le}", "less_than": "应小于 {lt}",
    "decimal_max_digits": "位数过多", "decimal_max_places": "小数位数过多",
    "decimal_whole_digits": "整数位数过多", "too_long": "项数过多",
}


class CommandFormMetaclass(forms.forms.DeclarativeFieldsMetaclass):
    """Makes a form's fields from its `command`: one per command field the page shows, in the
    command's order, a field declared on the form taking the place of the one made."""

    def __new__(mcs, name, bases, attrs):
        cls = super().__new__(mcs, name, bases, attrs)
        command = attrs.get("command") or getattr(cls, "command", None)
        if command is None:
            cls.specs = {}
            return cls
        declared = dict(cls.declared_fields)
        fields, specs = {}, {}
        for field_name, info in command.model_fields.items():
            ui = ui_of(info)
            if not ui.page or field_name in cls.exclude:
                continue
            if field_name == "version":
                fields[field_name] = forms.IntegerField(widget=forms.HiddenInput,
                                                        required=False)
                specs[field_name] = _Spec(field_name, ui, "number", "版本号", False)
                continue
            made = _form_field(field_name, info)
            if made is None and field_name not in declared:
                continue
            field, kind = made or (declared[field_name], "text")
            field = declared.pop(field_name, field)
            fields[field_name] = field
            specs[field_name] = _Spec(field_name, ui, kind,
                                      ui.label or str(field.label or field_name),
                                      info.is_required())
            if info.is_required() and not field.widget.is_hidden:
                mark_required(field)
        cls.base_fields = {**fields, **declared}
        cls.specs = specs
        return cls


class CommandForm(KeepsFiles, forms.Form, metaclass=CommandFormMetaclass):
    """The page form of one act, generated from its command (anju.kit.commands): one page
    field per command field, named as the command names it, labelled by its `Ui`.

    `is_valid()` only reads: the fields clean and the command is built, each of its errors
    beside the field it names. `save()` then does the act: the uploads go onto the household's
    or house's file, their ids into the command, and `act(cmd)` runs the verb, all in one
    transaction (a refused act keeps none of the files just sent); each AnjuError lands
    beside its field, a Forbidden is raised on. A view does:

        form = TheForm(request.POST or None, request.FILES or None, user=request.user,
                       origin=request.origin, target=record)
        if form.submitted():          # bound, valid and saved; the result is form.saved
            return redirect(...)

    A subclass sets `command`, and `verb` (called as verb(target, cmd, acting_user=,
    origin=), or verb(cmd, …) without a target) or overrides `act(cmd)`; `setup()` fills
    choices and initial values; `command_data(values)` adds what the page does not show (a
    sub-form's rows, the record the page is about); `files_owner()` says whose file uploads
    go on and `upload_title(name)` how they are titled; `row_forms(prefix)` and
    `subforms_valid()` serve sub-forms whose rows errors name as `prefix[i].field`. A field
    declared on the subclass replaces the generated one of that name; `exclude` leaves
    fields off the page; `field_order` orders them. With an `instance`, the hidden `version`
    starts at the instance's and must come back.
    """

    command: type[BaseModel] | None = None
    verb = None
    exclude: tuple[str, ...] = ()
    specs: dict[str, _Spec]

    def __init__(self, data=None, files=None, *, user, target=None, origin=None,
                 instance=None, **kwargs):
        super().__init__(data, files, **kwargs)
        self.user, self.target, self.origin = user, target, origin
        self.instance = instance
        self.saved = None
        self.cmd = None
        if instance is not None and "version" in self.fields:
            self.initial.setdefault("version", instance.version)
        today = date.today()
        for name, field in self.fields.items():
            # a record's own date stays as recorded; a new act's starts at today
            if starts_today(name, field) and getattr(instance, name, None) is None:
                self.initial.setdefault(name, today)
        self.setup()

    # -- hooks

    def setup(self) -> None:
        """Choices and initial values read from the record the page is about."""

    def command_data(self, values: dict) -> dict:
        """The values the command is built from; add what the page does not show."""
        return values

    def upload_title(self, name: str) -> str:
        spec = self.specs[name]
        return spec.ui.title or spec.label

    def act(self, cmd):
        verb = type(self).verb
        if verb is None:
            raise NotImplementedError("set `verb` or override act()")
        args = () if self.target is None else (self.target,)
        return verb(*args, cmd, acting_user=self.user, origin=self.origin)

    def row_forms(self, prefix: str) -> list:
        return []

    def subforms_valid(self) -> bool:
        return True

    # -- reading

    def _values(self, cleaned: dict, *, placeholders: bool) -> dict:
        values = {}
        for name, spec in self.specs.items():
            if name not in self.fields or name not in cleaned:
                continue
            value = cleaned[name]
            if spec.kind == "upload":
                chosen = [f for f in (value if isinstance(value, list) else [value]) if f]
                if spec.ui.upload == "many":
                    # a chosen file stands for its id until it is kept
                    values[name] = [1] * len(chosen) if placeholders else []
                elif chosen and placeholders:
                    values[name] = 1
                continue
            if value is None or (value == "" and spec.kind != "text"):
                continue  # left empty: the command's default, or its "required"
            values[name] = value
        return self.command_data(values)

    def clean(self):
        cleaned = super().clean()
        if not self.subforms_valid():
            # The rows show their own errors; without this the form would pass with nothing.
            self.add_error(None, "请修改下方标出的各行后再保存")
            return cleaned
        data = self._values(cleaned, placeholders=True)
        try:
            self.cmd = self.command.model_validate(data)
        except PydanticError as exc:
            refused = set(self.errors)  # a field the page refused already says why
            for error in exc.errors(include_url=False):
                if _place(error.get("loc", ())).split("[")[0].split(".")[0] not in refused:
                    self._show_pydantic(error)
        return cleaned

    def _show_pydantic(self, error: dict) -> None:
        field = _place(error.get("loc", ()))
        spec = self.specs.get(field.split("[")[0].split(".")[0])
        label = spec.label if spec else field
        kind, ctx = error.get("type", ""), error.get("ctx") or {}
        if kind == "missing" and spec is not None and spec.name == field:
            message = spec.empty_message
        elif kind == "missing":
            message = f"须填写 {field}"
        elif kind in _WORDING:
            message = label + _WORDING[kind].format(**ctx)
        elif kind in Code.__members__.values() or not error.get("msg", "").isascii():
            message = error["msg"]  # the command's own words (text_too_long, …)
        else:
            message = f"{label}填写有误"
        self.show(AnjuError(Code.INVALID_VALUE, message, field=field))

    # -- the act

    def submitted(self) -> bool:
        """Bound, valid and done: the act ran, its result is in `saved`."""
        return self.is_bound and self.is_valid() and self.save()

    def save(self) -> bool:
        """Do the act (after is_valid): keep the uploads, run the verb, in one transaction.
        False with the verb's errors on the form when it refused."""
        if not self.is_valid():
            return False
        if self.instance is not None and "version" in self.fields \
                and self.cleaned_data.get("version") is None:
            self.add_error(None, "缺少版本号，请刷新页面后重试")
            return False
        created: list = []
        try:
            with transaction.atomic():
                data = self._values(self.cleaned_data, placeholders=False)
                for name, spec in self.specs.items():
                    if spec.kind != "upload" or name not in self.fields:
                        continue
                    value = self.cleaned_data.get(name)
                    ids = self.attach(value if isinstance(value, list) else [value],
                                      title=self.upload_title(name), field=name,
                                      created=created, kind=spec.ui.kind)
                    if spec.ui.upload == "many":
                        data[name] = ids
                    elif ids:
                        data[name] = ids[0]
                self.cmd = self.command.model_validate(data)
                self.saved = self.act(self.cmd)
        except Forbidden:
            _discard(created)
            raise
        except ValidationErrors as e:
            _discard(created)
            for error in e.errors:
                self.show(error)
            return False
        except AnjuError as e:
            _discard(created)
            self.show(e)
            return False
        except PydanticError as exc:
            _discard(created)
            for error in exc.errors(include_url=False):
                self._show_pydantic(error)
            return False
        except Exception:
            _discard(created)
            raise
        return True

    def note_rule(self, error: AnjuError) -> None:
        """Keep the rule behind each message shown, for the error summary's link to it."""
        if error.rule:
            rules = self.__dict__.setdefault("rule_by_message", {})
            rules[error.message] = rules[gettext(error.message)] = error.rule

    def show(self, error: AnjuError) -> None:
        """An error beside the field it names; a sub-form row's (`prefix[i].field`) beside
        that row's field and at the top; a hidden or unknown field's at the top."""
        self.note_rule(error)
        field = error.field or ""
        if m := _INDEXED.match(field):
            rows = self.row_forms(m[1])
            index, name = int(m[2]), m[3]
            if index < len(rows) and name in rows[index].fields:
                rows[index].add_error(name, error.message)
                self.add_error(None, error.message)
                return
        message = gettext(error.message)  # a message the catalogue knows reads in English
        if field in self.fields and not self.fields[field].widget.is_hidden:
            self.add_error(field, message)
        else:
            self.add_error(None, message)
