"""The base of every act's command: one pydantic class per policy act, its fields typed,
constrained and named as the policy names them (style.md). The API route takes it as its body,
the page form is generated from it (anju.web.forms.CommandForm), and the field sync, the Excel
import and management commands validate with it, so an act's input is written down once.

What the page form needs beyond the type (the clerk's label, a widget, an upload) rides on the
field as a `Ui` annotation, which pydantic keeps and the API schema does not show:
`passed: Annotated[bool, Ui("评议结果", widget="radio")]`."""

import types
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic.fields import FieldInfo


def _takes_none(annotation) -> bool:
    if annotation is None or annotation is type(None):
        return True
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _takes_none(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return any(_takes_none(a) for a in typing.get_args(annotation))
    return False


class Command(BaseModel):
    """A request to do one act: a field the act does not know is refused, not ignored.

    JSON `null` for an optional field means "none", as an empty value does wherever a GET
    answers one (api.md): the field takes its default."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _null_is_default(cls, data):
        if not isinstance(data, dict):
            return data
        nulls = [f.alias or name for name, f in cls.model_fields.items()
                 if not f.is_required() and data.get(f.alias or name, 0) is None
                 and not _takes_none(f.annotation)]
        return {k: v for k, v in data.items() if k not in nulls} if nulls else data


@dataclass(frozen=True)
class Ui:
    """How a command field shows on the page form.

    label: the clerk's word for it. widget: "textarea", "radio" or "" (by type).
    upload: "one" or "many" for a field of attachment ids; the page offers a file input and
    puts the files on the household's or house's file before the act (一户一档); `kind` is the
    attachment kind and `title` how the file is titled. choices: a TextChoices class (or list
    of pairs) for a text field whose values come from a code list. help: a hint under the
    field. page: False for a field the page does not show (an alias kept for the API).
    missing: what the page says when a required field is left empty (else 须填写/请选择/请上传
    and the label). For a yes/no radio, `choices` is the pair of words shown for yes and no.
    """

    label: str = ""
    widget: str = ""
    upload: str = ""
    kind: str = "document"
    title: str = ""
    choices: Any = None
    help: str = ""
    page: bool = True
    rows: int = 2
    missing: str = ""


def ui_of(field: FieldInfo) -> Ui:
    return next((m for m in field.metadata if isinstance(m, Ui)), Ui())
