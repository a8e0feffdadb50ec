"""Shared pieces of the HTTP API: bearer auth, the error body, paging (api.md conventions),
the length of text inputs and the refusal of text no column can hold."""

from dataclasses import dataclass
from typing import Annotated, Any

from django.db.models import QuerySet
from ninja import Field, Schema
from ninja.parser import Parser
from ninja.security import HttpBearer
from pydantic import ConfigDict
from pydantic_core import PydanticCustomError, core_schema

from anju.accounts.models import ApiToken
from anju.errors import Malformed


class BearerAuth(HttpBearer):
    def authenticate(self, request, token):
        found = ApiToken.find(token)
        if found is None:
            return None
        request.user = found.user
        request.api_token = found  # so that DELETE /auth/token can revoke this one
        return found.user


class ErrorDetail(Schema):
    code: str
    message: str
    field: str | None = None
    rule: str | None = None


class ErrorOut(Schema):
    error: ErrorDetail


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
          422: ErrorOut}
MAX_PAGE_SIZE = 200


class StrictSchema(Schema):
    """A request body: a field the API does not know is refused, not ignored."""

    model_config = ConfigDict(extra="forbid")


# A record's id: larger ones cannot even be compared with a column (SQLite's 64-bit integers).
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class PageParams(Schema):
    page: int = Field(1, ge=1, description="页码，从 1 开始；超出末页得到空列表")
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE, description="每页条数，最多 200")


def paginate(queryset: QuerySet, params: PageParams, present) -> dict:
    """The list body of api.md: {items, total, page, page_size}; `present` renders one row."""
    total = queryset.count()
    start = (params.page - 1) * params.page_size
    # A page past the end is empty; its offset, however large, never reaches the database.
    rows = list(queryset[start:start + params.page_size]) if start < total else []
    return {"items": [present(row) for row in rows], "total": total,
            "page": params.page, "page_size": params.page_size}


# --- text inputs ------------------------------------------------------------------------------

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
            raise PydanticCustomError("text_too_long", "{label}不能超过 {max_length} 个字",
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


# --- characters no column can hold ------------------------------------------------------------


def _unstorable(text: str) -> str | None:
    if "\x00" in text:
        return "含有空字符（NUL）"
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return "含有无法编码的字符"
    return None


def refuse_unstorable(value, path: tuple = ()) -> None:
    """Refuse a request whose text, anywhere in it (nested JSON included), holds a NUL
    character, which PostgreSQL cannot store, or a lone surrogate, which is not UTF-8."""
    if isinstance(value, str):
        problem = _unstorable(value)
        if problem:
            field = ".".join(str(p) for p in path) or None
            where = f"字段 {field} " if field else "请求"
            raise Malformed("invalid_character", f"{where}{problem}，无法保存", field=field)
    elif isinstance(value, dict):
        for key, item in value.items():
            refuse_unstorable(key, path)
            refuse_unstorable(item, (*path, key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            refuse_unstorable(item, (*path, index))


class InputParser(Parser):
    """ninja's parser, with every JSON body, query string and form checked by
    refuse_unstorable before any schema or verb sees it."""

    def parse_body(self, request):
        data = super().parse_body(request)
        refuse_unstorable(data)
        return data

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        refuse_unstorable(result)
        return result
