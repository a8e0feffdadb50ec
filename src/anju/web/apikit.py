"""Shared pieces of the HTTP API: bearer auth, the error body, paging (api.md conventions)
and the refusal of text no column can hold. Typed inputs are in anju.kit.fields."""

from django.db.models import QuerySet
from ninja import Field, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.schema import DjangoGetter
from ninja.security import HttpBearer
from pydantic import ValidationError as PydanticError
from pydantic import model_validator

from anju.accounts.models import ApiToken
from anju.kit.errors import Code, Malformed


class BearerAuth(HttpBearer):
    def authenticate(self, request, token):
        found = ApiToken.find(token)
        if found is None:
            return None
        request.user = found.user
        request.api_token = found  # so that DELETE /auth/token can revoke this one
        return found.user


class Out(Schema):
    """An answer's schema for rows the routes present as dicts: a dict is checked as it is,
    by pydantic's own code; ninja's getter, which reads a model instance attribute by
    attribute, cost a list of 50 houses (40 fields each) a third of its time (ADR 0053)."""

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values, handler, info):
        if isinstance(values, dict):
            return handler(values)
        return handler(DjangoGetter(values, cls, info.context))


class ErrorDetail(Schema):
    code: str
    message: str
    field: str | None = None
    rule: str | None = None
    rule_url: str | None = None  # the rule's page, /rules/<id>/ (ADR 0049)


class ErrorOut(Schema):
    error: ErrorDetail


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
          422: ErrorOut}
MAX_PAGE_SIZE = 200


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
            raise Malformed(Code.INVALID_CHARACTER, f"{where}{problem}，无法保存", field=field)
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


def command_of(command: type, values: dict):
    """A command read from what a route gathered (path, query, a body read by hand); a value
    the command refuses answers 400/422 like a body would, never 500."""
    try:
        return command.model_validate(values)
    except PydanticError as exc:
        raise NinjaValidationError(exc.errors(include_url=False)) from None
