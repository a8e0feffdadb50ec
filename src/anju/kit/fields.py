"""Typed inputs every act's command is made of: record ids and text bounded by the column it is
stored in, refused beyond with code text_too_long (the API publishes the bound as maxLength)."""

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Field
from pydantic_core import PydanticCustomError, core_schema

from anju.kit.errors import Code

# A record's id: larger ones cannot even be compared with a column (SQLite's 64-bit integers).
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


# An unbounded text column (notes, findings) takes at most this much from a request.
LONG_TEXT = 2000
# Encrypted columns are unbounded text; these bound the plain values they hold.
ID_NUMBER_LENGTH = 18
PHONE_LENGTH = 20
ACCOUNT_LENGTH = 32


@dataclass(frozen=True)
class TextBound:
    """The most characters a text input may have, published as its maxLength and refused
    beyond with code text_too_long; `column` names the model column it was read from."""

    max_length: int
    label: str
    column: str | None = None

    def __get_pydantic_core_schema__(self, source, handler):
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(self, schema, handler):
        json_schema = handler(schema)
        json_schema["maxLength"] = self.max_length
        return json_schema

    def check(self, value: str) -> str:
        if len(value) > self.max_length:
            raise PydanticCustomError(Code.TEXT_TOO_LONG, "{label}不能超过 {max_length} 个字",
                                      {"label": self.label, "max_length": self.max_length})
        return value


def column_text(model, name: str, *, max_length: int | None = None,
                label: str | None = None) -> Any:
    """A text input stored in `model.name`, as long as that column allows. A column without a
    length of its own (unbounded or encrypted text) takes `max_length`: LONG_TEXT, or the
    bound of the plain value. Messages name it by the column's verbose name, or `label`."""
    field = model._meta.get_field(name)
    if field.max_length is not None and max_length is not None:
        raise TypeError(f"{model.__name__}.{name} has a length of its own")
    bound = field.max_length or max_length
    if bound is None:
        raise TypeError(f"{model.__name__}.{name} has no length: give one")
    return Annotated[str, TextBound(bound, label or str(field.verbose_name),
                                    f"{model._meta.label}.{name}")]


def free_text(max_length: int, label: str) -> Any:
    """A text input kept in a JSON or unbounded column, or only read: its own bound."""
    return Annotated[str, TextBound(max_length, label)]
