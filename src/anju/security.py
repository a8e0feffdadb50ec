"""Web hardening shared by every page and API route: the client's address, the
Content-Security-Policy, and the refusal of oversized requests, and of addresses holding a NUL
character, before they are read."""

import ipaddress

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse

from anju.kit.errors import Code
from anju.kit.origin import Origin

# No inline scripts or styles anywhere (ADR 0006); images may be data: URIs (the TOTP QR code).
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def client_ip(request) -> str | None:
    """The caller's address: the socket's, or the one the N trusted proxies in front of us saw.

    X-Forwarded-For is read from the right, so a client cannot put an address in front."""
    address = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                     if a.strip()]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None


def origin_of(request) -> Origin:
    """Where a request's act comes from, for the verbs' audit rows (they never see the request):
    the field app's sync, another API call, or a page."""
    path = request.path
    channel = ("field" if path.startswith("/api/v1/field/") else
               "api" if path.startswith("/api/") else "page")
    return Origin(channel, client_ip(request), path[:200], request.method or "")


PLAIN_TEXT = "text/plain; charset=utf-8"


def nul_in_address(request) -> tuple[bool, str | None]:
    """Whether the path or the query string holds a NUL character, which PostgreSQL cannot
    take in any query (a search, a filter), and the query parameter that does."""
    if "\x00" in request.path:
        return True, None
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            return True, key.replace("\x00", "")
    return False, None


def _error(status: int, code: str, message: str, field: str | None = None) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, "field": field,
                                   "rule": None}}, status=status)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        nul, field = nul_in_address(request)
        request.origin = origin_of(request)
        if length > settings.MAX_REQUEST_BYTES:
            response = _error(413, Code.REQUEST_TOO_LARGE,
                              f"请求过大：文件不能超过 {settings.MAX_UPLOAD_MB} MB")
        elif nul:
            message = f"{f'查询参数 {field} ' if field else '请求地址'}含有空字符（NUL），无法处理"
            if request.path.startswith("/api/"):
                response = _error(400, Code.INVALID_CHARACTER, message, field)
            else:
                response = HttpResponseBadRequest(message, content_type=PLAIN_TEXT)
        else:
            response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


def deploy_checks(app_configs, **kwargs):
    """`manage.py check --deploy`: what Anju itself asks of a production install."""
    from django.core.checks import Warning

    warnings = []
    if not settings.KEYS_FROM_ENVIRONMENT:
        warnings.append(Warning(
            "ANJU_SECRET_KEY, ANJU_FIELD_KEYS and ANJU_LOOKUP_KEY are read from the data folder, "
            "beside the database: a copy of the folder then holds both the data and its keys.",
            hint="Set them in the environment from a key store (docs/security.md).",
            id="anju.W001"))
    if not settings.REQUIRE_TOTP:
        warnings.append(Warning(
            "ANJU_REQUIRE_TOTP is off: administrators and full-view roles log in without a "
            "second factor.", hint="Only the demo may run so.", id="anju.W002"))
    return warnings
