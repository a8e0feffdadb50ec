"""The base of every act's command: one pydantic class per policy act, its fields typed,
constrained and named as the policy names them (style.md). The API route takes it as its body,
the page form is generated from it (anju.web.forms.CommandForm), and the field sync, the Excel
import and management commands validate with it, so an act's input is written down once.

What the page form needs beyond the type (the clerk's label, a widget, an upload) rides on the
field as a `Ui` annotation, which pydantic keeps and the API schema does not show:
`passed: Annotated[bool, Ui("评议结果", widget="radio")]`."""

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.fields import FieldInfo


class Command(BaseModel):
    """A request to do one act: a field the act does not know is refused, not ignored."""

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class Ui:
    """How a command field shows on the page form.

    label: the clerk's word for it. widget: "textarea", "radio" or "" (by type).
    upload: "one" or "many" for a field of attachment ids; the page offers a file input and
    puts the files on the household's or house's file before the act (一户一档); `kind` is the
    attachment kind and `title` how the file is titled. choices: a TextChoices class (or list
    of pairs) for a text field whose values come from a code list. help: a hint under the
    field. page: False for a field the page does not show (an alias kept for the API).
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


def ui_of(field: FieldInfo) -> Ui:
    return next((m for m in field.metadata if isinstance(m, Ui)), Ui())
