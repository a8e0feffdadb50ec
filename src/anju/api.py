"""The HTTP API at /api/v1: one NinjaAPI, the routers of each app, the error body of api.md."""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import django_auth

from anju.accounts.api import router as accounts_router
from anju.appraisal.api import catalogue as screening_catalogue
from anju.appraisal.api import house_records, inspection_lists
from anju.assistance.api import (
    applications,
    archive_reviews,
    certifications,
    craftsmen,
    departments,
    disbursements,
    handed_over,
    household_archive,
    window,
)
from anju.audit.actions import record_refusal
from anju.divisions.api import router as divisions_router
from anju.evidence.api import router as evidence_router
from anju.exchange.api import export_routes as exchange_exports
from anju.exchange.api import imports as exchange_imports
from anju.exchange.api import job_routes as exchange_jobs
from anju.field.api import router as field_router
from anju.kit.errors import AnjuError, Code, ValidationErrors
from anju.policy.api import rules_router
from anju.policy.catalogue import rule_ids
from anju.public.api import public_acts, signs, villager_reports
from anju.quality.api import house_verifications
from anju.quality.api import router as quality_router
from anju.rectification.api import exports as rectification_exports
from anju.rectification.api import rectifications
from anju.registry.api import households, houses
from anju.registry.attachment_api import house_attachments, household_attachments
from anju.reports.api import router as stats_router
from anju.roster.api import rosters
from anju.supervision.api import lookbacks, programmes, summaries
from anju.web.apikit import BearerAuth, InputParser

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="Anju 安居 API",
    version="1",
    description="农村房屋安全隐患排查整治与农村低收入群体住房安全保障平台的接口。"
    "错误体为 {\"error\": {code, message, field, rule}}。",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=[BearerAuth(), django_auth],
    parser=InputParser(),
)
api.add_router("/auth", accounts_router)
api.add_router("/divisions", divisions_router)
api.add_router("/households", households)
api.add_router("/houses", houses)
# Attachments live under the paths of their owners, in a router of their own.
api.add_router("/households", household_attachments)
api.add_router("/houses", house_attachments)
api.add_router("/houses", house_records)
api.add_router("/screening", screening_catalogue)
api.add_router("/inspections", inspection_lists)
api.add_router("/houses", house_verifications)
api.add_router("/quality", quality_router)
api.add_router("/rectifications", rectifications)
api.add_router("/exports", rectification_exports)
api.add_router("/certifications", certifications)
api.add_router("", craftsmen)
api.add_router("/applications", handed_over)
api.add_router("/applications", applications)
api.add_router("/departments", departments)
api.add_router("/window-cases", window)
api.add_router("", archive_reviews)
api.add_router("/households", household_archive)
api.add_router("/disbursements", disbursements)
api.add_router("/field", field_router)
api.add_router("/evidence", evidence_router)
api.add_router("/exports", exchange_exports)
api.add_router("/imports", exchange_imports)
api.add_router("/jobs", exchange_jobs)
api.add_router("/stats", stats_router)
api.add_router("/villager-reports", villager_reports)
api.add_router("/rules", rules_router)
api.add_router("/rectifications", signs)
api.add_router("/public", public_acts)
api.add_router("/programmes", programmes)
api.add_router("/lookbacks", lookbacks)
api.add_router("/summaries", summaries)
api.add_router("/rosters", rosters)


def rule_url(rule: str | None) -> str | None:
    """The page of the rule an error applies (ADR 0049); none for a reference outside the
    catalogue (N4, §6)."""
    if rule and rule in rule_ids():
        return reverse("rules:detail", args=[rule])
    return None


def error_response(request, status: int, code: str, message: str, field=None, rule=None,
                   details=None):
    body = {"code": code, "message": message, "field": field, "rule": rule,
            "rule_url": rule_url(rule)}
    if details:
        body["details"] = [{**d, "rule_url": rule_url(d.get("rule"))} for d in details]
    return api.create_response(request, {"error": body}, status=status)


@api.exception_handler(AnjuError)
def on_anju_error(request, exc: AnjuError):
    if exc.refusal:  # a Forbidden, or a NotFound of a record beyond the caller's scope
        record_refusal(exc, actor=request.user, origin=request.origin)
    details = [e.as_dict() for e in exc.errors] if isinstance(exc, ValidationErrors) else None
    return error_response(request, exc.status, exc.code, exc.message, exc.field, exc.rule,
                          details)


def _field_of(loc) -> str | None:
    # pydantic names the member of a union that failed ("function-after[check(), str]") and
    # a dict's key ("[key]"); neither is a field of the request.
    parts = [str(p) for p in loc if not (isinstance(p, str) and "[" in p)]
    if parts and parts[0] in ("body", "query", "path", "form", "file"):
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in ("payload", "params", "filters"):
        parts = parts[1:]
    return ".".join(parts) or None


# Chinese wording for the pydantic error types people meet most.
_PYDANTIC_MESSAGES = {
    "int_parsing": "应为整数", "int_type": "应为整数", "float_parsing": "应为数字",
    "decimal_parsing": "应为数字", "decimal_type": "应为数字", "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false", "string_type": "应为文字", "list_type": "应为列表",
    "greater_than_equal": "数值过小", "less_than_equal": "数值过大", "greater_than": "数值过小",
    "less_than": "数值过大", "date_from_datetime_parsing":
    "应为 YYYY-MM-DD 格式的日期", "date_parsing": "应为 YYYY-MM-DD 格式的日期",
    "model_attributes_type": "应为对象", "dict_type": "应为对象",
}


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    first = exc.errors[0]
    details = [{"code": e.get("type", "invalid"), "message": e.get("msg", ""),
                "field": _field_of(e.get("loc", ())), "rule": None} for e in exc.errors]
    if any(e.get("type") == "json_invalid" for e in exc.errors) or not isinstance(
            first.get("loc"), (list, tuple)):
        return error_response(request, 400, Code.MALFORMED_JSON, "请求体不是有效的 JSON")
    field = _field_of(first.get("loc", ()))
    if first.get("type") == "missing":
        return error_response(request, 422, Code.FIELD_REQUIRED, f"缺少必填字段 {field}", field,
                              details=details)
    if first.get("type") == "extra_forbidden":
        return error_response(request, 400, Code.FIELD_NOT_ALLOWED, f"不能提交字段 {field}", field,
                              details=details)
    if first.get("type") == "text_too_long":
        return error_response(request, 422, Code.TEXT_TOO_LONG, first["msg"], field,
                              details=details)
    reason = _PYDANTIC_MESSAGES.get(first.get("type"), first.get("msg", ""))
    return error_response(request, 400, Code.INVALID_VALUE, f"字段 {field} {reason}", field,
                          details=details)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return error_response(request, 401, Code.UNAUTHORIZED, "请先登录或提供有效的访问令牌")


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error_response(request, 404, Code.NOT_FOUND, "记录不存在或不在您的管辖范围内")


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    if isinstance(exc.__cause__, AnjuError):  # raised while the parser read the body
        return on_anju_error(request, exc.__cause__)
    codes = {400: Code.BAD_REQUEST, 401: Code.UNAUTHORIZED, 403: Code.FORBIDDEN,
             404: Code.NOT_FOUND, 405: Code.METHOD_NOT_ALLOWED, 409: Code.CONFLICT,
             429: Code.TOO_MANY_REQUESTS}
    if exc.status_code == 400 and "parse" in str(exc).lower():
        return error_response(request, 400, Code.MALFORMED_JSON, "请求体不是有效的 JSON")
    return error_response(request, exc.status_code, codes.get(exc.status_code, Code.ERROR),
                          str(exc))


@api.exception_handler(MultiPartParserError)
def on_malformed_multipart(request, exc):
    return error_response(request, 400, Code.MALFORMED_MULTIPART,
                          "上传内容不是有效的 multipart/form-data（缺少 boundary 或格式有误）")


@api.exception_handler(RequestDataTooBig)
def on_request_too_large(request, exc):
    return error_response(request, 413, Code.REQUEST_TOO_LARGE,
                          f"请求过大：文件不能超过 {settings.MAX_UPLOAD_MB} MB")


@api.exception_handler(SuspiciousOperation)
def on_suspicious_request(request, exc):
    # Too many fields, files or a bad header for Django to read: the request's fault.
    return error_response(request, 400, Code.BAD_REQUEST,
                          "请求无法读取：字段或文件过多，或格式有误")


@api.exception_handler(Exception)
def on_unexpected(request, exc):
    logger.exception("unexpected error in %s %s", request.method, request.path)
    return error_response(request, 500, Code.INTERNAL_ERROR,
                          "服务器内部错误，请稍后再试或联系管理员")
