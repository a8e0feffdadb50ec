"""Shared pieces of the HTTP API: bearer auth, the error body, paging (api.md conventions)."""

from django.db.models import QuerySet
from ninja import Field, Schema
from ninja.security import HttpBearer

from anju.accounts.models import ApiToken


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


class PageParams(Schema):
    page: int = Field(1, ge=1, description="页码，从 1 开始")
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE, description="每页条数，最多 200")


def paginate(queryset: QuerySet, params: PageParams, present) -> dict:
    """The list body of api.md: {items, total, page, page_size}; `present` renders one row."""
    start = (params.page - 1) * params.page_size
    rows = list(queryset[start:start + params.page_size])
    return {"items": [present(row) for row in rows], "total": queryset.count(),
            "page": params.page, "page_size": params.page_size}
